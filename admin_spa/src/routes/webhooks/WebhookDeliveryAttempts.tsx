import type { HTMLAttributes } from 'react';
import { Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import type { WebhookDeliveryFieldsFragment } from '../../gql/graphql';
import { useViewer } from '../../session/ViewerProvider';
import { formatDateTimeSeconds, prettyJson, responseStatusColor } from './webhookFormat';

type Attempt = WebhookDeliveryFieldsFragment['attemptLog'][number];

/** A delivery opened up: every attempt, first to last, and the body it carried. */
export function WebhookDeliveryAttempts({ delivery }: { delivery: WebhookDeliveryFieldsFragment }) {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  return (
    <Space direction="vertical" size="small" style={{ width: '100%' }} data-testid="delivery-detail">
      <Typography.Text type="secondary">
        {t('webhooks.deliveries.webhookId')}: <Typography.Text code copyable>{delivery.eventId}</Typography.Text>
      </Typography.Text>
      <ResponsiveTable<Attempt>
        rowKey="attempt"
        size="small"
        pagination={false}
        dataSource={delivery.attemptLog}
        locale={{ emptyText: t('webhooks.deliveries.noAttempts') }}
        onRow={(attempt) =>
          ({
            'data-testid': 'delivery-attempt',
            'data-status': attempt.responseStatus ?? '',
          }) as HTMLAttributes<HTMLElement>
        }
        columns={[
          { title: '#', dataIndex: 'attempt', width: 48 },
          {
            title: t('webhooks.deliveries.startedAt'),
            dataIndex: 'startedAt',
            card: 'title',
            render: (value: string) => formatDateTimeSeconds(value, viewer.tenant.timezone),
          },
          {
            title: t('webhooks.deliveries.responseStatus'),
            dataIndex: 'responseStatus',
            render: (status: number | null) => (
              <Tag color={responseStatusColor(status)} data-testid="attempt-response-status">
                {status ?? t('webhooks.deliveries.noAnswer')}
              </Tag>
            ),
          },
          {
            title: t('webhooks.deliveries.latency'),
            dataIndex: 'latencyMs',
            align: 'right',
            render: (ms: number) => <span data-testid="attempt-latency">{t('webhooks.deliveries.ms', { ms })}</span>,
          },
          {
            title: t('webhooks.deliveries.error'),
            dataIndex: 'error',
            render: (error: string | null) =>
              error ? <Typography.Text type="danger">{error}</Typography.Text> : t('common.empty'),
          },
          {
            title: t('webhooks.deliveries.responseExcerpt'),
            dataIndex: 'responseExcerpt',
            card: 'wide',
            render: (excerpt: string | null) =>
              excerpt ? (
                <Typography.Paragraph
                  code
                  ellipsis={{ rows: 2, expandable: true, symbol: t('webhooks.deliveries.more') }}
                  style={{ maxWidth: 360, marginBottom: 0 }}
                >
                  {excerpt}
                </Typography.Paragraph>
              ) : (
                t('common.empty')
              ),
          },
        ]}
      />
      <Typography.Text strong>{t('webhooks.deliveries.payload')}</Typography.Text>
      <pre
        style={{
          margin: 0,
          padding: 12,
          maxHeight: 320,
          overflow: 'auto',
          fontSize: 12,
          background: 'rgba(0, 0, 0, 0.04)',
          borderRadius: 6,
          whiteSpace: 'pre-wrap',
          wordBreak: 'break-all',
        }}
        data-testid="delivery-payload"
      >
        {prettyJson(delivery.payload) || t('common.empty')}
      </pre>
    </Space>
  );
}
