import { useEffect, useMemo, useState, type HTMLAttributes } from 'react';
import { Select, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import type { MemberPointsLedgerQuery as LedgerResult, PointsTransactionKind } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { CursorPagination } from '../../components/CursorPagination';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { systemReasonText } from '../../format/systemReason';
import { useCursorPager } from '../../hooks/useCursorPager';
import { useViewer } from '../../session/ViewerProvider';
import { KIND_COLORS, POINTS_KINDS, signedPoints } from './pointsFormat';
import { MemberPointsLedgerQuery } from './queries';

const PAGE_SIZE = 20;

type Transaction = NonNullable<LedgerResult['member']>['pointsTransactions']['edges'][number]['node'];

interface Props {
  memberId: string;
  /** A new value reloads the current page from the server. */
  revision: number;
}

/** The member's ledger, newest first, paged by cursor, optionally of one kind (filtered by the server). */
export function MemberPointsLedger({ memberId, revision }: Props) {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const timeZone = viewer.tenant.timezone;
  const [kind, setKind] = useState<PointsTransactionKind | null>(null);
  // After a write the newest entries are on page one: a new revision or kind starts from there.
  const pager = useCursorPager(`${memberId}:${revision}:${kind ?? ''}`);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: MemberPointsLedgerQuery,
    variables: { id: memberId, first: PAGE_SIZE, after: pager.after, kinds: kind ? [kind] : null },
  });

  useEffect(() => {
    if (revision > 0) refetch({ requestPolicy: 'network-only' });
  }, [revision, refetch]);

  const connection = data?.member?.pointsTransactions;
  const rows = useMemo(() => connection?.edges.map((edge) => edge.node) ?? [], [connection]);

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Text strong>{t('points.ledger')}</Typography.Text>
        <Select<PointsTransactionKind>
          allowClear
          style={{ width: 180 }}
          placeholder={t('points.kindFilter')}
          value={kind ?? undefined}
          onChange={(value) => setKind(value ?? null)}
          options={POINTS_KINDS.map((value) => ({ value, label: t(`points.kinds.${value}`) }))}
          data-testid="points-kind-filter"
        />
      </Space>
      {error && <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>}
      <ResponsiveTable<Transaction>
        data-testid="points-ledger"
        rowKey="id"
        size="small"
        loading={fetching}
        dataSource={rows}
        pagination={false}
        onRow={() => ({ 'data-testid': 'points-ledger-row' }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('points.columns.time'),
            dataIndex: 'createdAt',
            render: (value: string) => formatDateTime(value, timeZone),
          },
          {
            title: t('points.columns.kind'),
            dataIndex: 'kind',
            render: (value: PointsTransactionKind) => <Tag color={KIND_COLORS[value]}>{t(`points.kinds.${value}`)}</Tag>,
          },
          {
            title: t('points.columns.points'),
            dataIndex: 'points',
            align: 'right',
            render: (value: number) => (
              <Typography.Text type={value < 0 ? 'danger' : 'success'} data-testid="points-ledger-points">
                {signedPoints(value)}
              </Typography.Text>
            ),
          },
          {
            title: t('points.columns.balanceAfter'),
            dataIndex: 'balanceAfter',
            align: 'right',
            render: (value: number) => value.toLocaleString(),
          },
          {
            title: t('points.columns.reason'),
            dataIndex: 'reason',
            render: (value: string | null) => (value ? systemReasonText(value, t) : t('common.empty')),
          },
          {
            title: t('points.columns.expiresAt'),
            dataIndex: 'expiresAt',
            render: (value: string | null) => (value ? formatDateTime(value, timeZone) : t('common.empty')),
          },
        ]}
      />
      <CursorPagination
        pager={pager}
        totalCount={connection?.totalCount}
        hasNextPage={connection?.pageInfo.hasNextPage ?? false}
        endCursor={connection?.pageInfo.endCursor}
        testIdPrefix="points-ledger"
      />
    </Space>
  );
}
