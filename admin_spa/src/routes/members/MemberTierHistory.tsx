import { useEffect, type HTMLAttributes } from 'react';
import { Card, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import type { MemberTierHistoryQuery as TierHistoryResult, TierMetric } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { formatMoney } from '../../format/money';
import { systemReasonText } from '../../format/systemReason';
import { useViewer } from '../../session/ViewerProvider';
import { MemberTierHistoryQuery } from './memberHeaderQueries';

type Change = NonNullable<TierHistoryResult['member']>['tierHistory'][number];

interface Props {
  memberId: string;
  /** Bumped by the member page whenever the member changed; reloads the list. */
  revision: number;
}

/** Every tier change of the member, newest first, with what it had reached at the time. */
export function MemberTierHistory({ memberId, revision }: Props) {
  const { t, i18n } = useTranslation();
  const { viewer } = useViewer();
  const { timezone: timeZone, currency } = viewer.tenant;
  const [{ data, fetching, error }, refetch] = useQuery({ query: MemberTierHistoryQuery, variables: { id: memberId } });

  useEffect(() => {
    if (revision > 0) refetch({ requestPolicy: 'network-only' });
  }, [revision, refetch]);

  const tiers = new Map((data?.tiers ?? []).map((tier) => [tier.id, tier]));
  const tierName = (id: string | null | undefined) =>
    (id ? tiers.get(id)?.name : null) ?? t('members.tierHistory.noTier');
  const reached = (metric: TierMetric | undefined, value: number) =>
    metric === 'SPEND' ? formatMoney(value, currency, i18n.language) : value.toLocaleString();

  return (
    <Card title={t('members.tierHistory.title')} size="small" data-testid="member-tier-history">
      {error && <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>}
      <ResponsiveTable<Change>
        rowKey="id"
        size="small"
        loading={fetching}
        dataSource={data?.member?.tierHistory ?? []}
        pagination={false}
        locale={{ emptyText: t('members.tierHistory.empty') }}
        onRow={() => ({ 'data-testid': 'tier-history-row' }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('members.tierHistory.change'),
            key: 'change',
            card: 'title',
            render: (_: unknown, change: Change) => (
              <span>
                <Tag>{tierName(change.fromTierId)}</Tag>→ <Tag color="gold">{tierName(change.toTierId)}</Tag>
              </span>
            ),
          },
          {
            title: t('members.tierHistory.time'),
            dataIndex: 'createdAt',
            render: (value: string) => formatDateTime(value, timeZone),
          },
          {
            title: t('members.tierHistory.reached'),
            dataIndex: 'metricValue',
            render: (value: number | null, change: Change) =>
              value === null || value === undefined
                ? t('common.empty')
                : reached(change.toTierId ? tiers.get(change.toTierId)?.metric : undefined, value),
          },
          {
            title: t('members.tierHistory.reason'),
            dataIndex: 'reason',
            card: 'wide',
            render: (reason: string) => systemReasonText(reason, t),
          },
        ]}
      />
    </Card>
  );
}
