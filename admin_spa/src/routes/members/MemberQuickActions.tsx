import { useState } from 'react';
import { Button, Dropdown, type MenuProps } from 'antd';
import {
  CheckCircleOutlined,
  GiftOutlined,
  MessageOutlined,
  PlusCircleOutlined,
  SearchOutlined,
  ShoppingCartOutlined,
  TagsOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { MemberHeaderFieldsFragment } from '../../gql/graphql';
import { useViewer } from '../../session/ViewerProvider';
import { AdjustPointsModal } from './AdjustPointsModal';
import { IssueCouponModal } from './IssueCouponModal';
import { RedeemRewardModal } from './RedeemRewardModal';
import { SendMessageModal } from './SendMessageModal';

type UsableCoupons = MemberHeaderFieldsFragment['usableCoupons'];

interface Props {
  memberId: string;
  memberLabel: string;
  pointsBalance: number;
  usableCoupons: UsableCoupons;
  /** Called after an action changed the member, so the page reloads it. */
  onChanged: () => void;
}

type Dialog = 'points' | 'coupon' | 'reward' | 'message' | null;

const LOOKUP = '/coupons/lookup';
// The menu entry that opens the lookup empty; coupon codes are the other entries' keys.
const TYPE_A_CODE = ':lookup';

/** The desk's everyday actions on one member, each shown only to those allowed to take it. */
export function MemberQuickActions({ memberId, memberLabel, pointsBalance, usableCoupons, onChanged }: Props) {
  const { t } = useTranslation();
  const { can } = useViewer();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<Dialog>(null);
  const after = () => {
    setDialog(null);
    onChanged();
  };

  const coupons = usableCoupons.edges.map((edge) => edge.node);
  const redeemItems: MenuProps['items'] = [
    ...coupons.map((coupon) => ({
      key: coupon.code,
      label: (
        <span data-testid="member-action-redeem-code" data-code={coupon.code}>
          {coupon.template.name} · {coupon.code}
        </span>
      ),
    })),
    { type: 'divider' as const },
    {
      key: TYPE_A_CODE,
      icon: <SearchOutlined />,
      label: <span data-testid="member-action-redeem-lookup">{t('members.header.actions.lookup')}</span>,
    },
  ];
  const openLookup = (code: string) =>
    navigate(code === TYPE_A_CODE ? LOOKUP : `${LOOKUP}?code=${encodeURIComponent(code)}`);

  if (!(can('orders:write') || can('points:write') || can('coupons:write') || can('messages:send'))) return null;

  return (
    <div className="member-quick-actions" data-testid="member-quick-actions">
      {can('orders:write') && (
        <Button
          type="primary"
          icon={<ShoppingCartOutlined />}
          onClick={() => navigate(`/counter?member=${encodeURIComponent(memberId)}`)}
          data-testid="member-action-counter"
        >
          {t('members.header.actions.counter')}
        </Button>
      )}
      {can('points:write') && (
        <Button icon={<PlusCircleOutlined />} onClick={() => setDialog('points')} data-testid="points-adjust">
          {t('members.header.actions.addPoints')}
        </Button>
      )}
      {can('coupons:write') && (
        <Button icon={<TagsOutlined />} onClick={() => setDialog('coupon')} data-testid="member-action-issue-coupon">
          {t('members.header.actions.issueCoupon')}
        </Button>
      )}
      {can('coupons:write') &&
        (coupons.length > 0 ? (
          <Dropdown trigger={['click']} menu={{ items: redeemItems, onClick: ({ key }) => openLookup(key) }}>
            <Button icon={<CheckCircleOutlined />} data-testid="member-action-redeem-coupon">
              {t('members.header.actions.redeemCoupon')}
            </Button>
          </Dropdown>
        ) : (
          <Button
            icon={<CheckCircleOutlined />}
            onClick={() => openLookup(TYPE_A_CODE)}
            data-testid="member-action-redeem-coupon"
          >
            {t('members.header.actions.redeemCoupon')}
          </Button>
        ))}
      {can('points:write') && (
        <Button icon={<GiftOutlined />} onClick={() => setDialog('reward')} data-testid="member-action-redeem-reward">
          {t('members.header.actions.redeemReward')}
        </Button>
      )}
      {can('messages:send') && (
        <Button icon={<MessageOutlined />} onClick={() => setDialog('message')} data-testid="member-action-send-message">
          {t('members.header.actions.sendMessage')}
        </Button>
      )}
      {dialog === 'points' && (
        <AdjustPointsModal
          memberId={memberId}
          memberLabel={memberLabel}
          onClose={() => setDialog(null)}
          onAdjusted={after}
        />
      )}
      {dialog === 'coupon' && (
        <IssueCouponModal
          memberId={memberId}
          memberLabel={memberLabel}
          onClose={() => setDialog(null)}
          onIssued={after}
        />
      )}
      {dialog === 'message' && (
        <SendMessageModal
          memberId={memberId}
          memberLabel={memberLabel}
          onClose={() => setDialog(null)}
          // The dialog stays open on its outcome; the page's lists follow at once.
          onSent={onChanged}
        />
      )}
      {dialog === 'reward' && (
        <RedeemRewardModal
          memberId={memberId}
          memberLabel={memberLabel}
          balance={pointsBalance}
          onClose={() => setDialog(null)}
          onRedeemed={after}
        />
      )}
    </div>
  );
}
