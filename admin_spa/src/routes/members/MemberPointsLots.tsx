import { useEffect, useState, type HTMLAttributes } from 'react';
import { Space, Switch, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import type { MemberPointsLotsQuery as LotsResult } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { useViewer } from '../../session/ViewerProvider';
import { MemberPointsLotsQuery } from './queries';

type Lot = NonNullable<LotsResult['member']>['pointsLots'][number];

interface Props {
  memberId: string;
  /** A new value reloads the lots from the server. */
  revision: number;
}

function lotState(lot: Lot): 'pending' | 'open' | 'closed' {
  if (lot.pending) return 'pending';
  return lot.remaining > 0 ? 'open' : 'closed';
}

const STATE_COLORS = { pending: 'gold', open: 'green', closed: 'default' } as const;

/** The member's lots, soonest to expire first: what is left of each earning, and when it expires. */
export function MemberPointsLots({ memberId, revision }: Props) {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const timeZone = viewer.tenant.timezone;
  const [includeClosed, setIncludeClosed] = useState(false);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: MemberPointsLotsQuery,
    variables: { id: memberId, includeClosed },
  });

  useEffect(() => {
    if (revision > 0) refetch({ requestPolicy: 'network-only' });
  }, [revision, refetch]);

  const time = (value: string | null) => (value ? formatDateTime(value, timeZone) : t('points.never'));

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Space direction="vertical" size={0}>
          <Typography.Text strong>{t('points.lots')}</Typography.Text>
          <Typography.Text type="secondary">{t('points.lotsHint')}</Typography.Text>
        </Space>
        <Space>
          <Typography.Text>{t('points.includeClosed')}</Typography.Text>
          <Switch checked={includeClosed} onChange={setIncludeClosed} data-testid="points-lots-closed" />
        </Space>
      </Space>
      {error && <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>}
      <ResponsiveTable<Lot>
        data-testid="points-lots"
        rowKey="id"
        size="small"
        loading={fetching}
        dataSource={data?.member?.pointsLots ?? []}
        pagination={false}
        onRow={() => ({ 'data-testid': 'points-lot-row' }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('points.lotColumns.earned'),
            dataIndex: 'createdAt',
            render: (value: string) => formatDateTime(value, timeZone),
          },
          {
            title: t('points.lotColumns.amount'),
            dataIndex: 'amount',
            align: 'right',
            render: (value: number) => value.toLocaleString(),
          },
          {
            title: t('points.lotColumns.remaining'),
            dataIndex: 'remaining',
            align: 'right',
            render: (value: number) => <span data-testid="points-lot-remaining">{value.toLocaleString()}</span>,
          },
          {
            title: t('points.lotColumns.state'),
            key: 'state',
            render: (_: unknown, lot: Lot) => {
              const state = lotState(lot);
              return <Tag color={STATE_COLORS[state]}>{t(`points.lotStates.${state}`)}</Tag>;
            },
          },
          {
            title: t('points.lotColumns.availableAt'),
            dataIndex: 'availableAt',
            render: (value: string) => formatDateTime(value, timeZone),
          },
          {
            title: t('points.lotColumns.expiresAt'),
            dataIndex: 'expiresAt',
            render: time,
          },
        ]}
      />
    </Space>
  );
}
