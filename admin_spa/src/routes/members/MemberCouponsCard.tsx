import { useEffect, useMemo, useState, type HTMLAttributes } from 'react';
import { Button, Card, Segmented, Space, Tag, Tooltip, Typography } from 'antd';
import { CheckCircleOutlined, PlusOutlined, StopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useQuery } from 'urql';
import type { CouponStatus, MemberCouponFieldsFragment } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { CursorPagination } from '../../components/CursorPagination';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { useCursorPager } from '../../hooks/useCursorPager';
import { useViewer } from '../../session/ViewerProvider';
import { COUPON_STATUSES, COUPON_STATUS_COLORS } from './couponStatus';
import { IssueCouponModal } from './IssueCouponModal';
import { MemberCouponsQuery } from './memberCouponQueries';
import { VoidCouponModal } from './VoidCouponModal';

const PAGE_SIZE = 10;

type Coupon = MemberCouponFieldsFragment;
type Filter = CouponStatus | 'ALL';

interface Props {
  memberId: string;
  /** How dialogs name the member (name, else phone). */
  memberLabel: string;
  /** Bumped by the member page whenever the member changed; reloads the list. */
  revision: number;
  /** Called after a coupon was issued or voided here, so the page updates its figures. */
  onChanged?: () => void;
}

/** The member's coupons (券包), newest first, by status; staff may issue one or void an unused one. */
export function MemberCouponsCard({ memberId, memberLabel, revision, onChanged }: Props) {
  const { t } = useTranslation();
  const { viewer, can } = useViewer();
  const navigate = useNavigate();
  const timeZone = viewer.tenant.timezone;
  const writable = can('coupons:write');
  const [filter, setFilter] = useState<Filter>('ALL');
  const [changes, setChanges] = useState(0);
  const [dialog, setDialog] = useState<{ kind: 'issue' } | { kind: 'void'; coupon: Coupon } | null>(null);
  // After a write the newest coupons are on page one: a change or a new filter starts from there.
  const pager = useCursorPager(`${memberId}:${revision}:${changes}:${filter}`);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: MemberCouponsQuery,
    variables: {
      id: memberId,
      first: PAGE_SIZE,
      after: pager.after,
      status: filter === 'ALL' ? null : filter,
    },
  });

  useEffect(() => {
    if (revision > 0 || changes > 0) refetch({ requestPolicy: 'network-only' });
  }, [revision, changes, refetch]);

  const connection = data?.member?.coupons;
  const rows = useMemo(() => connection?.edges.map((edge) => edge.node) ?? [], [connection]);
  const afterWrite = () => {
    setDialog(null);
    setChanges((c) => c + 1);
    onChanged?.();
  };

  return (
    <Card
      title={t('memberCoupons.title')}
      size="small"
      data-testid="member-coupons"
      extra={
        writable && (
          <Button
            size="small"
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setDialog({ kind: 'issue' })}
            data-testid="member-coupon-issue"
          >
            {t('memberCoupons.issue.button')}
          </Button>
        )
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Segmented<Filter>
          value={filter}
          onChange={setFilter}
          options={[
            { value: 'ALL', label: t('memberCoupons.all') },
            ...COUPON_STATUSES.map((status) => ({ value: status, label: t(`memberCoupons.statuses.${status}`) })),
          ]}
          data-testid="member-coupon-filter"
        />
        {error && <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>}
        <ResponsiveTable<Coupon>
          rowKey="id"
          size="small"
          loading={fetching}
          dataSource={rows}
          pagination={false}
            locale={{ emptyText: t('memberCoupons.empty') }}
          onRow={(coupon) =>
            ({ 'data-testid': 'member-coupon-row', 'data-code': coupon.code }) as HTMLAttributes<HTMLElement>
          }
          columns={[
            {
              title: t('memberCoupons.fields.code'),
              dataIndex: 'code',
              card: 'title',
              render: (code: string) => (
                <Typography.Text code copyable={{ text: code }} data-testid="member-coupon-code">
                  {code}
                </Typography.Text>
              ),
            },
            {
              title: t('memberCoupons.fields.template'),
              key: 'template',
              render: (_, coupon) => coupon.template.name,
            },
            {
              title: t('memberCoupons.fields.status'),
              key: 'status',
              render: (_, coupon) => (
                <Space size={4}>
                  <Tag color={COUPON_STATUS_COLORS[coupon.status]} data-testid="member-coupon-status" data-status={coupon.status}>
                    {t(`memberCoupons.statuses.${coupon.status}`)}
                  </Tag>
                  {coupon.reservedFor && (
                    <Tooltip
                      title={t('memberCoupons.heldTooltip', {
                        checkout: coupon.reservedFor,
                        until: coupon.reservedUntil ? formatDateTime(coupon.reservedUntil, timeZone) : t('common.empty'),
                      })}
                    >
                      <Tag color="orange" data-testid="member-coupon-held">
                        {t('memberCoupons.held')}
                      </Tag>
                    </Tooltip>
                  )}
                </Space>
              ),
            },
            {
              title: t('memberCoupons.fields.validity'),
              key: 'validity',
              render: (_, coupon) =>
                `${formatDateTime(coupon.validFrom, timeZone)} ~ ${formatDateTime(coupon.validUntil, timeZone)}`,
            },
            {
              title: t('memberCoupons.fields.issuedAt'),
              dataIndex: 'issuedAt',
              render: (value: string) => formatDateTime(value, timeZone),
            },
            {
              title: t('memberCoupons.fields.redeemedAt'),
              dataIndex: 'redeemedAt',
              render: (value: string | null) => (value ? formatDateTime(value, timeZone) : t('common.empty')),
            },
            ...(writable
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_: unknown, coupon: Coupon) =>
                      coupon.status === 'ISSUED' ? (
                        <Space size={4}>
                          <Button
                            size="small"
                            icon={<CheckCircleOutlined />}
                            onClick={() => navigate(`/coupons/lookup?code=${encodeURIComponent(coupon.code)}`)}
                            data-testid="member-coupon-redeem"
                          >
                            {t('memberCoupons.redeem')}
                          </Button>
                          <Button
                            size="small"
                            danger
                            icon={<StopOutlined />}
                            onClick={() => setDialog({ kind: 'void', coupon })}
                            data-testid="member-coupon-void"
                          >
                            {t('memberCoupons.void.button')}
                          </Button>
                        </Space>
                      ) : null,
                  },
                ]
              : []),
          ]}
        />
        <CursorPagination
          pager={pager}
          totalCount={connection?.totalCount}
          hasNextPage={connection?.pageInfo.hasNextPage ?? false}
          endCursor={connection?.pageInfo.endCursor}
          testIdPrefix="member-coupons"
        />
      </Space>
      {dialog?.kind === 'issue' && (
        <IssueCouponModal
          memberId={memberId}
          memberLabel={memberLabel}
          onClose={() => setDialog(null)}
          onIssued={afterWrite}
        />
      )}
      {dialog?.kind === 'void' && (
        <VoidCouponModal coupon={dialog.coupon} onClose={() => setDialog(null)} onVoided={afterWrite} />
      )}
    </Card>
  );
}
