import { useState, type HTMLAttributes } from 'react';
import { Breadcrumb, Button, Card, Descriptions, Result, Space, Spin, Typography } from 'antd';
import { RollbackOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import type { OrderDetailFieldsFragment } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { formatMoney } from '../../format/money';
import { useViewer } from '../../session/ViewerProvider';
import { AppliedRulesList } from '../earning-rules/AppliedRulesList';
import { trimDecimal } from '../earning-rules/ruleFormat';
import { OrderStatusTag } from './OrderStatusTag';
import { OrderDetailQuery } from './queries';
import { RefundOrderModal } from './RefundOrderModal';

type OrderLine = OrderDetailFieldsFragment['items'][number] & { key: number };

interface EarningSummary {
  cashFen: number;
  exact: string;
  points: number;
}

/** The recorded explanation's totals, when it carries them. */
function earningSummary(earning: unknown): EarningSummary | null {
  if (!earning || typeof earning !== 'object') return null;
  const { cashFen, exact, points } = earning as Record<string, unknown>;
  if (typeof cashFen !== 'number' || typeof exact !== 'string' || typeof points !== 'number') return null;
  return { cashFen, exact, points };
}

export default function OrderDetailPage() {
  const { externalId = '' } = useParams();
  return <OrderDetail key={externalId} externalId={externalId} />;
}

function OrderDetail({ externalId }: { externalId: string }) {
  const { t, i18n } = useTranslation();
  const { viewer, can } = useViewer();
  const { timezone: timeZone, currency } = viewer.tenant;
  const [{ data, fetching, error }, refetch] = useQuery({ query: OrderDetailQuery, variables: { externalId } });
  const [refunding, setRefunding] = useState(false);
  const money = (fen: number) => formatMoney(fen, currency, i18n.language);

  const order = data?.order;
  if (!order) {
    if (fetching) return <Spin style={{ display: 'block', marginTop: 80 }} />;
    return (
      <Result
        status={error ? 'warning' : '404'}
        title={error ? describeError(error, t) : t('orders.notFound')}
        extra={<Link to="/orders">{t('orders.back')}</Link>}
      />
    );
  }

  const refundable = order.amount - order.refundedAmount;
  const summary = earningSummary(order.earning);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Breadcrumb items={[{ title: <Link to="/orders">{t('orders.back')}</Link> }, { title: order.externalId }]} />
      <Card
        title={
          <Space>
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="order-title">
              {order.externalId}
            </Typography.Title>
            <OrderStatusTag status={order.status} testId="order-status" />
          </Space>
        }
        extra={
          can('orders:write') &&
          refundable > 0 && (
            <Button danger icon={<RollbackOutlined />} onClick={() => setRefunding(true)} data-testid="order-refund">
              {t('orders.refund.button')}
            </Button>
          )
        }
      >
        <Descriptions
          bordered
          size="small"
          column={{ xs: 1, sm: 1, md: 2, lg: 3 }}
          items={[
            {
              key: 'member',
              label: t('orders.fields.member'),
              children: (
                <Link to={`/members/${encodeURIComponent(order.member.id)}`} data-testid="order-member-link">
                  {order.member.name ?? order.member.phone}
                </Link>
              ),
            },
            { key: 'store', label: t('orders.fields.store'), children: order.storeCode ?? t('common.empty') },
            {
              key: 'amount',
              label: t('orders.fields.amount'),
              children: <span data-testid="order-amount">{money(order.amount)}</span>,
            },
            { key: 'discount', label: t('orders.fields.discountAmount'), children: money(order.discountAmount) },
            {
              key: 'refunded',
              label: t('orders.fields.refundedAmount'),
              children: <span data-testid="order-refunded">{money(order.refundedAmount)}</span>,
            },
            {
              key: 'refundable',
              label: t('orders.fields.refundable'),
              children: <span data-testid="order-refundable">{money(refundable)}</span>,
            },
            {
              key: 'pointsEarned',
              label: t('orders.fields.pointsEarned'),
              children: <span data-testid="order-points-earned">{order.pointsEarned.toLocaleString()}</span>,
            },
            {
              key: 'pointsSpent',
              label: t('orders.fields.pointsSpent'),
              children: <span data-testid="order-points-spent">{order.pointsSpent.toLocaleString()}</span>,
            },
            {
              key: 'pointsReversed',
              label: t('orders.fields.pointsReversed'),
              children: <span data-testid="order-points-reversed">{order.pointsReversed.toLocaleString()}</span>,
            },
            {
              key: 'pointsReturned',
              label: t('orders.fields.pointsReturned'),
              children: <span data-testid="order-points-returned">{order.pointsReturned.toLocaleString()}</span>,
            },
            { key: 'paidAt', label: t('orders.fields.paidAt'), children: formatDateTime(order.paidAt, timeZone) },
            { key: 'createdAt', label: t('orders.fields.createdAt'), children: formatDateTime(order.createdAt, timeZone) },
          ]}
        />
      </Card>

      <Card title={t('orders.items')} size="small">
        <ResponsiveTable<OrderLine>
          data-testid="order-items"
          size="small"
          pagination={false}
          dataSource={order.items.map((line, index) => ({ ...line, key: index }))}
          locale={{ emptyText: t('orders.noItems') }}
          onRow={() => ({ 'data-testid': 'order-item-row' }) as HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('orders.itemFields.sku'), dataIndex: 'sku', card: 'title' },
            {
              title: t('orders.itemFields.category'),
              dataIndex: 'category',
              render: (category: string | null) => category ?? t('common.empty'),
            },
            { title: t('orders.itemFields.quantity'), dataIndex: 'quantity', align: 'right' },
            {
              title: t('orders.itemFields.unitPrice'),
              dataIndex: 'unitPrice',
              align: 'right',
              render: (fen: number) => money(fen),
            },
            {
              title: t('orders.itemFields.subtotal'),
              key: 'subtotal',
              align: 'right',
              render: (_, line) => money(line.unitPrice * line.quantity),
            },
          ]}
        />
      </Card>

      <Card title={t('orders.whyEarned')} size="small">
        <Space direction="vertical" style={{ width: '100%' }}>
          {summary && (
            <Typography.Text type="secondary" data-testid="order-earning-summary">
              {t('orders.earningSummary', {
                cash: money(summary.cashFen),
                exact: trimDecimal(summary.exact),
                points: summary.points.toLocaleString(),
              })}
            </Typography.Text>
          )}
          <AppliedRulesList rules={order.appliedRules} testId="order-rules" />
        </Space>
      </Card>

      {refunding && (
        <RefundOrderModal
          order={order}
          onClose={() => setRefunding(false)}
          onRefunded={() => {
            setRefunding(false);
            refetch({ requestPolicy: 'network-only' });
          }}
        />
      )}
    </Space>
  );
}
