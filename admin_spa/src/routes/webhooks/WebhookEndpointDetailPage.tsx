import { useCallback, useState } from 'react';
import { Breadcrumb, Card, Descriptions, Grid, Result, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { describeError } from '../../api/userErrors';
import { formatDateTime } from '../../format/dateTime';
import { useViewer } from '../../session/ViewerProvider';
import { EndpointEnabled, EndpointEventTypes } from './EndpointStatus';
import { WebhookDeliveriesCard } from './WebhookDeliveriesCard';
import { WebhookEndpointActions } from './WebhookEndpointActions';
import { WebhookEndpointFormModal } from './WebhookEndpointFormModal';
import { WebhookEndpointQuery } from './queries';

export default function WebhookEndpointDetailPage() {
  const { id = '' } = useParams();
  return <EndpointDetail key={id} id={id} />;
}

function EndpointDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const timeZone = viewer.tenant.timezone;
  const [{ data, fetching, error }, refetch] = useQuery({ query: WebhookEndpointQuery, variables: { id } });
  const [editing, setEditing] = useState(false);
  const screens = Grid.useBreakpoint();
  // Bumped when this page queued a delivery, so the log fetches it (and polls until it settles).
  const [revision, setRevision] = useState(0);
  const reload = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);

  const endpoint = data?.webhookEndpoint;
  if (!endpoint) {
    if (fetching) return <Spin style={{ display: 'block', marginTop: 80 }} />;
    return (
      <Result
        status={error ? 'warning' : '404'}
        title={error ? describeError(error, t) : t('webhooks.notFound')}
        extra={<Link to="/webhooks">{t('webhooks.back')}</Link>}
      />
    );
  }

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Breadcrumb
        items={[
          { title: <Link to="/webhooks">{t('webhooks.back')}</Link> },
          { title: <span style={{ wordBreak: 'break-all' }}>{endpoint.url}</span> },
        ]}
      />
      <Card
        title={
          <Typography.Title level={5} style={{ margin: 0, whiteSpace: 'normal', wordBreak: 'break-all' }} data-testid="webhook-title">
            {endpoint.url}
          </Typography.Title>
        }
      >
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <WebhookEndpointActions
            endpoint={endpoint}
            onEdit={() => setEditing(true)}
            onChanged={reload}
            onTestSent={() => setRevision((r) => r + 1)}
          />
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 1, md: 2 }}
            bordered
            // Labels above values on a phone: beside them, each would get a few pixels.
            layout={screens.sm === false ? 'vertical' : 'horizontal'}
          >
            <Descriptions.Item label={t('webhooks.fields.status')}>
              <EndpointEnabled endpoint={endpoint} />
            </Descriptions.Item>
            <Descriptions.Item label={t('webhooks.fields.eventTypes')}>
              <EndpointEventTypes eventTypes={endpoint.eventTypes} />
            </Descriptions.Item>
            <Descriptions.Item label={t('webhooks.fields.description')}>
              {endpoint.description || t('common.empty')}
            </Descriptions.Item>
            <Descriptions.Item label={t('webhooks.fields.createdAt')}>
              {formatDateTime(endpoint.createdAt, timeZone)}
            </Descriptions.Item>
            <Descriptions.Item label={t('webhooks.fields.updatedAt')}>
              {formatDateTime(endpoint.updatedAt, timeZone)}
            </Descriptions.Item>
            {endpoint.previousSecretExpiresAt && new Date(endpoint.previousSecretExpiresAt) > new Date() && (
              <Descriptions.Item label={t('webhooks.fields.previousSecret')}>
                <span data-testid="webhook-previous-secret">
                  {t('webhooks.previousSecretUntil', { time: formatDateTime(endpoint.previousSecretExpiresAt, timeZone) })}
                </span>
              </Descriptions.Item>
            )}
          </Descriptions>
        </Space>
      </Card>
      <WebhookDeliveriesCard endpointId={endpoint.id} revision={revision} />
      {editing && (
        <WebhookEndpointFormModal
          editing={endpoint}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            reload();
          }}
        />
      )}
    </Space>
  );
}
