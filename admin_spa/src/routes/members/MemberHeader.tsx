import { useState, type ReactNode } from 'react';
import { Button, Card, Space, Tag, Tooltip, Typography } from 'antd';
import { EditOutlined, EyeOutlined, MergeCellsOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { MemberDetailQuery } from '../../gql/graphql';
import { formatDateTime } from '../../format/dateTime';
import { useViewer } from '../../session/ViewerProvider';
import { AccountManagerModal, staffLabel } from './AccountManagerModal';
import { MemberQuickActions } from './MemberQuickActions';
import { MemberTierProgress } from './MemberTierProgress';
import { relativeTime } from './timelineFormat';
import './MemberHeader.css';

type Member = NonNullable<MemberDetailQuery['member']>;

interface Props {
  member: Member;
  /** The phone as shown: national format, masked unless allowed or revealed. */
  phone: string;
  /** How dialogs name the member (name, else phone). */
  memberLabel: string;
  /** Whether a Reveal button should offer the unmasked phone. */
  revealable: boolean;
  revealing: boolean;
  onReveal: () => void;
  /** Opens the profile form; absent for viewers who may not write members. */
  onEdit?: () => void;
  /** Opens the merge dialog; absent for viewers who may not merge. */
  onMerge?: () => void;
  /** Shows the coupons tab. */
  onShowCoupons: () => void;
  /** Called after something on the header changed the member. */
  onChanged: () => void;
}

interface StatProps {
  label: string;
  testId: string;
  children: ReactNode;
}

function Stat({ label, testId, children }: StatProps) {
  return (
    <div className="member-header-stat">
      <Typography.Text type="secondary" className="member-header-stat-label">
        {label}
      </Typography.Text>
      <div className="member-header-stat-value" data-testid={testId}>
        {children}
      </div>
    </div>
  );
}

/**
 * The member at a glance, at the top of the member page: who it is, its tier and how far the next
 * one is, points and coupons, when it last bought, who follows it up, and the desk's quick actions.
 */
export function MemberHeader({
  member,
  phone,
  memberLabel,
  revealable,
  revealing,
  onReveal,
  onEdit,
  onMerge,
  onShowCoupons,
  onChanged,
}: Props) {
  const { t, i18n } = useTranslation();
  const { viewer, can } = useViewer();
  const timeZone = viewer.tenant.timezone;
  const [editingManager, setEditingManager] = useState(false);
  const manager = member.accountManager;
  const canChangeManager = can('members:write') && can('staff:manage');

  return (
    <Card size="small" className="member-header" data-testid="member-header">
      <div className="member-header-top">
        <div className="member-header-identity">
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="member-title">
            {member.name ?? phone}
          </Typography.Title>
          <Space size={4}>
            <Typography.Text data-testid="member-phone">
              {phone}
            </Typography.Text>
            {revealable && (
              <Button
                size="small"
                type="link"
                icon={<EyeOutlined />}
                loading={revealing}
                onClick={onReveal}
                data-testid="reveal-phone"
              >
                {t('memberDetail.reveal')}
              </Button>
            )}
          </Space>
          {member.tags.length > 0 && (
            <span className="member-header-tags" data-testid="member-tags">
              {member.tags.map((tag) => (
                <Tag key={tag} color="blue">
                  {tag}
                </Tag>
              ))}
            </span>
          )}
        </div>
        {(onEdit || onMerge) && (
          <Space size={8} wrap className="member-header-edit">
            {onEdit && (
              <Button icon={<EditOutlined />} onClick={onEdit} data-testid="member-edit">
                {t('members.header.actions.edit')}
              </Button>
            )}
            {onMerge && (
              <Button icon={<MergeCellsOutlined />} onClick={onMerge} data-testid="member-merge">
                {t('merge.button')}
              </Button>
            )}
          </Space>
        )}
      </div>

      <MemberTierProgress tierName={member.tier?.name ?? null} progress={member.tierProgress} />

      <div className="member-header-stats">
        <Stat label={t('members.header.points')} testId="points-balance">
          {member.pointsBalance.toLocaleString()}
        </Stat>
        <Stat label={t('members.header.pending')} testId="points-pending">
          {member.pendingPoints.toLocaleString()}
        </Stat>
        <Stat label={t('members.header.expiring')} testId="points-expiring">
          {member.pointsExpiring.toLocaleString()}
        </Stat>
        <Stat label={t('members.header.coupons')} testId="member-coupon-count">
          <Button
            type="link"
            className="member-header-stat-link"
            onClick={onShowCoupons}
            aria-label={t('members.header.showCoupons')}
          >
            {member.usableCoupons.totalCount.toLocaleString()}
          </Button>
        </Stat>
        <Stat label={t('members.header.lastVisit')} testId="member-last-visit">
          {member.lastOrderAt ? (
            <>
              <span>{relativeTime(member.lastOrderAt, i18n.language)}</span>
              <Typography.Text
                type="secondary"
                className="member-header-stat-detail"
                data-testid="member-last-visit-at"
              >
                {formatDateTime(member.lastOrderAt, timeZone)}
              </Typography.Text>
            </>
          ) : (
            <Typography.Text type="secondary">{t('members.header.noVisit')}</Typography.Text>
          )}
        </Stat>
        <Stat label={t('members.header.accountManager')} testId="member-account-manager">
          <span className="member-header-manager">
            {manager ? (
              <Tooltip title={manager.email}>
                <span>{manager.name ?? manager.email}</span>
              </Tooltip>
            ) : (
              <Typography.Text type="secondary">{t('members.header.noAccountManager')}</Typography.Text>
            )}
            {canChangeManager && (
              <Button
                size="small"
                type="link"
                icon={<UserSwitchOutlined />}
                aria-label={t('members.accountManager.change')}
                title={manager ? staffLabel(manager) : t('members.accountManager.change')}
                onClick={() => setEditingManager(true)}
                data-testid="member-account-manager-edit"
              />
            )}
          </span>
        </Stat>
      </div>

      <MemberQuickActions
        memberId={member.id}
        memberLabel={memberLabel}
        pointsBalance={member.pointsBalance}
        usableCoupons={member.usableCoupons}
        onChanged={onChanged}
      />

      {editingManager && (
        <AccountManagerModal
          memberId={member.id}
          memberLabel={memberLabel}
          current={manager}
          onClose={() => setEditingManager(false)}
          onSaved={() => {
            setEditingManager(false);
            onChanged();
          }}
        />
      )}
    </Card>
  );
}
