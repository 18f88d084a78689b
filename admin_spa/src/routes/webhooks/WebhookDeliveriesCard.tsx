import { useEffect, useMemo, useState, type HTMLAttributes } from 'react';
import { App, Button, Card, Segmented, Space, Tag, Tooltip, Typography } from 'antd';
import { HistoryOutlined, RedoOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import type { WebhookDeliveryFieldsFragment, WebhookDeliveryStatus } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { CodeLabel } from '../../components/CodeLabel';
import { CursorPagination } from '../../components/CursorPagination';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { useCursorPager } from '../../hooks/useCursorPager';
import { useViewer } from '../../session/ViewerProvider';
import { ReplaySinceModal } from './ReplaySinceModal';
import { WebhookDeliveryAttempts } from './WebhookDeliveryAttempts';
import { ReplayWebhookDeliveryMutation, WebhookDeliveriesQuery } from './queries';
import { DELIVERY_STATUSES, DELIVERY_STATUS_COLORS, formatDateTimeSeconds, responseStatusColor } from './webhookFormat';

const PAGE_SIZE = 20;
const POLL_MS = 2000;

type Delivery = WebhookDeliveryFieldsFragment;
type Filter = WebhookDeliveryStatus | 'ALL';

interface Props {
  endpointId: string;
  /** Bumped when the page queued a delivery (a test event): the log starts again from the newest. */
  revision: number;
}

/** An endpoint's delivery log, newest first, polled every 2 s while a delivery is pending. */
export function WebhookDeliveriesCard({ endpointId, revision }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { viewer } = useViewer();
  const timeZone = viewer.tenant.timezone;
  const [filter, setFilter] = useState<Filter>('ALL');
  const [changes, setChanges] = useState(0);
  const [replayingSince, setReplayingSince] = useState(false);
  const [replaying, setReplaying] = useState<string | null>(null);
  const pager = useCursorPager(`${endpointId}:${revision}:${changes}:${filter}`);
  const variables = useMemo(
    () => ({ endpointId, first: PAGE_SIZE, after: pager.after, status: filter === 'ALL' ? null : filter }),
    [endpointId, pager.after, filter],
  );
  const [{ data, fetching, error }, refetch] = useQuery({ query: WebhookDeliveriesQuery, variables });
  const [, replay] = useMutation(ReplayWebhookDeliveryMutation);

  useEffect(() => {
    if (revision > 0 || changes > 0) refetch({ requestPolicy: 'network-only' });
  }, [revision, changes, refetch]);

  const connection = data?.webhookDeliveries;
  const rows = useMemo(() => connection?.edges.map((edge) => edge.node) ?? [], [connection]);
  const pending = rows.some((delivery) => delivery.status === 'PENDING');

  useEffect(() => {
    if (!pending || fetching) return;
    const timer = window.setTimeout(() => refetch({ requestPolicy: 'network-only' }), POLL_MS);
    return () => window.clearTimeout(timer);
  }, [pending, fetching, data, refetch]);

  const onReplay = async (delivery: Delivery) => {
    setReplaying(delivery.id);
    try {
      const result = await replay({ id: delivery.id });
      const errors = result.data?.replayWebhookDelivery.errors;
      if (result.error) message.error(describeError(result.error, t));
      else if (errors && errors.length > 0) message.error(errors.map((e) => e.message).join('\n'));
      else message.success(t('webhooks.deliveries.replayed'));
      setChanges((c) => c + 1);
    } finally {
      setReplaying(null);
    }
  };

  return (
    <Card title={t('webhooks.deliveries.title')} data-testid="webhook-deliveries">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space wrap>
          <Segmented<Filter>
            value={filter}
            onChange={setFilter}
            options={[
              { value: 'ALL', label: t('webhooks.deliveries.all') },
              ...DELIVERY_STATUSES.map((status) => ({ value: status, label: t(`webhooks.deliveryStatuses.${status}`) })),
            ]}
            data-testid="delivery-filter"
          />
          <Button icon={<HistoryOutlined />} onClick={() => setReplayingSince(true)} data-testid="replay-since">
            {t('webhooks.replaySince.button')}
          </Button>
          {pending && (
            <Typography.Text type="secondary" data-testid="delivery-polling">
              {t('webhooks.deliveries.polling')}
            </Typography.Text>
          )}
        </Space>
        {error && <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>}
        <ResponsiveTable<Delivery>
          rowKey="id"
          size="small"
          loading={fetching && !data}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: <span data-testid="deliveries-empty">{t('webhooks.deliveries.empty')}</span> }}
          expandable={{
            expandedRowRender: (delivery) => <WebhookDeliveryAttempts delivery={delivery} />,
          }}
          onRow={(delivery) =>
            ({
              'data-testid': 'delivery-row',
              'data-status': delivery.status,
              'data-event-type': delivery.eventType,
              'data-attempts': delivery.attempts,
            }) as HTMLAttributes<HTMLElement>
          }
          columns={[
            {
              title: t('webhooks.deliveries.createdAt'),
              dataIndex: 'createdAt',
              card: 'title',
              render: (value: string) => (
                <Tooltip title={formatDateTimeSeconds(value, timeZone)}>{formatDateTime(value, timeZone)}</Tooltip>
              ),
            },
            {
              title: t('webhooks.deliveries.eventType'),
              dataIndex: 'eventType',
              render: (type: string) => <CodeLabel kind="eventType" code={type} showCode />,
            },
            {
              title: t('webhooks.deliveries.status'),
              dataIndex: 'status',
              render: (status: WebhookDeliveryStatus) => (
                <Tag color={DELIVERY_STATUS_COLORS[status]} data-testid="delivery-status" data-status={status}>
                  {t(`webhooks.deliveryStatuses.${status}`)}
                </Tag>
              ),
            },
            {
              title: t('webhooks.deliveries.attempts'),
              dataIndex: 'attempts',
              align: 'right',
            },
            {
              title: t('webhooks.deliveries.lastResponse'),
              key: 'lastResponse',
              render: (_, delivery) => {
                const last = delivery.attemptLog[delivery.attemptLog.length - 1];
                if (!last) return t('common.empty');
                return (
                  <Space size={4}>
                    <Tag color={responseStatusColor(last.responseStatus)} data-testid="delivery-response-status">
                      {last.responseStatus ?? t('webhooks.deliveries.noAnswer')}
                    </Tag>
                    <Typography.Text type="secondary" data-testid="delivery-latency">
                      {t('webhooks.deliveries.ms', { ms: last.latencyMs })}
                    </Typography.Text>
                  </Space>
                );
              },
            },
            {
              title: t('webhooks.deliveries.nextAttemptAt'),
              dataIndex: 'nextAttemptAt',
              render: (value: string | null) => (value ? formatDateTimeSeconds(value, timeZone) : t('common.empty')),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_, delivery) => (
                <Button
                  size="small"
                  icon={<RedoOutlined />}
                  loading={replaying === delivery.id}
                  onClick={() => void onReplay(delivery)}
                  data-testid="delivery-replay"
                >
                  {t('webhooks.deliveries.replay')}
                </Button>
              ),
            },
          ]}
          footer={() => (
            <CursorPagination
              pager={pager}
              totalCount={connection?.totalCount}
              hasNextPage={connection?.pageInfo.hasNextPage ?? false}
              endCursor={connection?.pageInfo.endCursor}
              testIdPrefix="deliveries"
            />
          )}
        />
      </Space>
      {replayingSince && (
        <ReplaySinceModal
          endpointId={endpointId}
          onClose={() => setReplayingSince(false)}
          onReplayed={() => setChanges((c) => c + 1)}
        />
      )}
    </Card>
  );
}
