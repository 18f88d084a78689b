import { useMemo, useState, type HTMLAttributes } from 'react';
import { Button, Card, Form, Input, Select, Tag, Typography } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import type { OrderFilter, OrderListFieldsFragment } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { CursorPagination } from '../../components/CursorPagination';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { formatMoney } from '../../format/money';
import { useCursorPager } from '../../hooks/useCursorPager';
import { useDebouncedValue } from '../../hooks/useDebouncedValue';
import { useViewer } from '../../session/ViewerProvider';
import { ORDER_STATUSES, orderPath, type OrderStatus } from './orderFormat';
import { OrderStatusTag } from './OrderStatusTag';
import { OrdersQuery } from './queries';

const PAGE_SIZE = 20;
const SEARCH_DEBOUNCE_MS = 250;

interface FilterValues {
  search?: string;
  status?: OrderStatus;
  storeCode?: string;
}

function toOrderFilter(values: FilterValues, memberId: string | null): OrderFilter {
  const filter: OrderFilter = {};
  if (memberId) filter.memberId = memberId;
  const search = values.search?.trim();
  if (search) filter.search = search;
  if (values.status) filter.status = values.status;
  const storeCode = values.storeCode?.trim();
  if (storeCode) filter.storeCode = storeCode;
  return filter;
}

export default function OrdersListPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { viewer } = useViewer();
  const { timezone: timeZone, currency } = viewer.tenant;
  const [searchParams, setSearchParams] = useSearchParams();
  // The member page links here with ?memberId= to list one member's orders.
  const memberId = searchParams.get('memberId');
  const [form] = Form.useForm<FilterValues>();
  const [filterValues, setFilterValues] = useState<FilterValues>({});

  const filter = useDebouncedValue(
    useMemo(() => toOrderFilter(filterValues, memberId), [filterValues, memberId]),
    SEARCH_DEBOUNCE_MS,
  );
  const filterKey = JSON.stringify(filter);
  const pager = useCursorPager(filterKey);
  const variables = useMemo(
    () => ({ first: PAGE_SIZE, after: pager.after, filter: JSON.parse(filterKey) as OrderFilter }),
    [pager.after, filterKey],
  );
  const [{ data, fetching, error }] = useQuery({ query: OrdersQuery, variables });
  const connection = data?.orders;
  const rows = connection?.edges.map((edge) => edge.node) ?? [];
  const money = (fen: number) => formatMoney(fen, currency, i18n.language);
  const memberLabel = memberId ? rows.find((row) => row.member.id === memberId)?.member : undefined;

  return (
    <Card title={t('orders.title')}>
      <Form<FilterValues>
        form={form}
        layout="inline"
        style={{ marginBottom: 16, rowGap: 8 }}
        onValuesChange={(_, all) => setFilterValues(all)}
      >
        <Form.Item name="search">
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('orders.searchPlaceholder')}
            style={{ width: 240 }}
            data-testid="order-search"
          />
        </Form.Item>
        <Form.Item name="status">
          <Select<OrderStatus>
            allowClear
            placeholder={t('orders.statusFilter')}
            style={{ width: 150 }}
            options={ORDER_STATUSES.map((value) => ({ value, label: t(`orders.statuses.${value}`) }))}
            data-testid="order-status-filter"
          />
        </Form.Item>
        <Form.Item name="storeCode">
          <Input allowClear placeholder={t('orders.storeFilter')} style={{ width: 150 }} data-testid="order-store-filter" />
        </Form.Item>
        {memberId && (
          <Form.Item>
            <Tag
              closable
              color="blue"
              onClose={() => setSearchParams({})}
              data-testid="order-member-filter"
              style={{ lineHeight: '30px' }}
            >
              {t('orders.memberFilter', { member: memberLabel ? (memberLabel.name ?? memberLabel.phone) : memberId })}
            </Tag>
          </Form.Item>
        )}
        <Form.Item>
          <Button
            onClick={() => {
              form.resetFields();
              setFilterValues({});
              if (memberId) setSearchParams({});
            }}
            data-testid="orders-clear"
          >
            {t('orders.clearFilters')}
          </Button>
        </Form.Item>
      </Form>

      {error && (
        <Typography.Paragraph type="danger" data-testid="orders-error">
          {describeError(error, t)}
        </Typography.Paragraph>
      )}

      <ResponsiveTable<OrderListFieldsFragment>
        rowKey="id"
        size="middle"
        loading={fetching}
        dataSource={rows}
        pagination={false}
        onRow={(order) =>
          ({
            'data-testid': 'order-row',
            style: { cursor: 'pointer' },
            onClick: () => navigate(orderPath(order.externalId)),
          }) as HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            title: t('orders.fields.externalId'),
            dataIndex: 'externalId',
            card: 'title',
            render: (externalId: string) => (
              <Typography.Text strong data-testid="order-external-id">
                {externalId}
              </Typography.Text>
            ),
          },
          {
            title: t('orders.fields.member'),
            key: 'member',
            render: (_, order) => (
              <Link
                to={`/members/${encodeURIComponent(order.member.id)}`}
                onClick={(event) => event.stopPropagation()}
                data-testid="order-member-link"
              >
                {order.member.name ?? order.member.phone}
              </Link>
            ),
          },
          {
            title: t('orders.fields.store'),
            dataIndex: 'storeCode',
            render: (storeCode: string | null) => storeCode ?? t('common.empty'),
          },
          {
            title: t('orders.fields.amount'),
            dataIndex: 'amount',
            align: 'right',
            render: (amount: number, order) => (
              <span>
                {money(amount)}
                {order.refundedAmount > 0 && (
                  <Typography.Text type="danger" style={{ display: 'block', fontSize: 12 }}>
                    {t('orders.refundedShort', { amount: money(order.refundedAmount) })}
                  </Typography.Text>
                )}
              </span>
            ),
          },
          {
            title: t('orders.fields.pointsEarned'),
            dataIndex: 'pointsEarned',
            align: 'right',
            render: (points: number) => points.toLocaleString(),
          },
          {
            title: t('orders.fields.pointsSpent'),
            dataIndex: 'pointsSpent',
            align: 'right',
            render: (points: number) => points.toLocaleString(),
          },
          {
            title: t('orders.fields.status'),
            dataIndex: 'status',
            render: (status: string) => <OrderStatusTag status={status} testId="order-row-status" />,
          },
          {
            title: t('orders.fields.paidAt'),
            dataIndex: 'paidAt',
            render: (paidAt: string) => formatDateTime(paidAt, timeZone),
          },
        ]}
        footer={() => (
          <CursorPagination
            pager={pager}
            totalCount={connection?.totalCount}
            hasNextPage={connection?.pageInfo.hasNextPage ?? false}
            endCursor={connection?.pageInfo.endCursor}
            testIdPrefix="orders"
          />
        )}
      />
    </Card>
  );
}
