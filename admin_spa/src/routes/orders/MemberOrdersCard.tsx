import { useEffect, type HTMLAttributes } from 'react';
import { Button, Card, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import type { MemberOrdersQuery as MemberOrdersResult } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { formatMoney } from '../../format/money';
import { useViewer } from '../../session/ViewerProvider';
import { orderPath } from './orderFormat';
import { OrderStatusTag } from './OrderStatusTag';
import { MemberOrdersQuery } from './queries';

const LATEST = 5;

type MemberOrder = MemberOrdersResult['orders']['edges'][number]['node'];

interface Props {
  memberId: string;
  /** Bumped by the member page whenever the member changed; reloads the list. */
  revision: number;
}

/** The member's latest orders, with a link to all of them in the orders list. */
export function MemberOrdersCard({ memberId, revision }: Props) {
  const { t, i18n } = useTranslation();
  const { viewer } = useViewer();
  const { timezone: timeZone, currency } = viewer.tenant;
  const navigate = useNavigate();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: MemberOrdersQuery,
    variables: { memberId, first: LATEST },
  });

  useEffect(() => {
    if (revision > 0) refetch({ requestPolicy: 'network-only' });
  }, [revision, refetch]);

  const connection = data?.orders;
  const rows = connection?.edges.map((edge) => edge.node) ?? [];
  const money = (fen: number) => formatMoney(fen, currency, i18n.language);

  return (
    <Card
      title={t('orders.memberCard.title')}
      size="small"
      data-testid="member-orders"
      extra={
        connection && connection.totalCount > 0 ? (
          // A button, not an inline link: on a phone it is a full-size tap target.
          <Button
            type="link"
            size="small"
            onClick={() => navigate(`/orders?memberId=${encodeURIComponent(memberId)}`)}
            data-testid="member-orders-all"
          >
            {t('orders.memberCard.all', { count: connection.totalCount })}
          </Button>
        ) : null
      }
    >
      {error && <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>}
      <ResponsiveTable<MemberOrder>
        rowKey="id"
        size="small"
        loading={fetching}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: t('orders.memberCard.empty') }}
        onRow={() => ({ 'data-testid': 'member-order-row' }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('orders.fields.externalId'),
            dataIndex: 'externalId',
            render: (externalId: string) => <Link to={orderPath(externalId)}>{externalId}</Link>,
          },
          {
            title: t('orders.fields.amount'),
            dataIndex: 'amount',
            align: 'right',
            render: (amount: number) => money(amount),
          },
          {
            title: t('orders.fields.pointsEarned'),
            dataIndex: 'pointsEarned',
            align: 'right',
            render: (points: number) => points.toLocaleString(),
          },
          {
            title: t('orders.fields.status'),
            dataIndex: 'status',
            render: (status: string) => <OrderStatusTag status={status} />,
          },
          {
            title: t('orders.fields.store'),
            dataIndex: 'storeCode',
            render: (storeCode: string | null) => storeCode ?? t('common.empty'),
          },
          {
            title: t('orders.fields.paidAt'),
            dataIndex: 'paidAt',
            render: (paidAt: string) => formatDateTime(paidAt, timeZone),
          },
        ]}
      />
    </Card>
  );
}
