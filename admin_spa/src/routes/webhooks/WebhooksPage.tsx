import { useState, type HTMLAttributes } from 'react';
import { App, Button, Card, Space, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import type { WebhookEndpointFieldsFragment } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { useViewer } from '../../session/ViewerProvider';
import { EndpointEnabled, EndpointEventTypes } from './EndpointStatus';
import { WebhookEndpointActions } from './WebhookEndpointActions';
import { WebhookEndpointFormModal } from './WebhookEndpointFormModal';
import { WebhookSecretModal } from './WebhookSecretModal';
import { WebhookEndpointsQuery } from './queries';

type Endpoint = WebhookEndpointFieldsFragment;

/** The tenant's webhook endpoints: add, edit, test, rotate the secret, disable or enable. */
export default function WebhooksPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { viewer } = useViewer();
  const navigate = useNavigate();
  const timeZone = viewer.tenant.timezone;
  const [{ data, fetching, error }, refetch] = useQuery({ query: WebhookEndpointsQuery });
  const [dialog, setDialog] = useState<{ editing: Endpoint | null } | null>(null);
  const [secret, setSecret] = useState<string | null>(null);

  const reload = () => refetch({ requestPolicy: 'network-only' });

  const onTestSent = (endpoint: Endpoint) => {
    message.info({
      content: (
        <span>
          {t('webhooks.testSentHint')}{' '}
          <Typography.Link onClick={() => navigate(`/webhooks/${endpoint.id}`)} data-testid="webhook-test-log">
            {t('webhooks.viewLog')}
          </Typography.Link>
        </span>
      ),
    });
  };

  return (
    <Card
      title={t('webhooks.title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ editing: null })} data-testid="webhook-create">
          {t('webhooks.create')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('webhooks.hint')}</Typography.Paragraph>
      {error && <Typography.Paragraph type="danger">{describeError(error, t)}</Typography.Paragraph>}
      <ResponsiveTable<Endpoint>
        rowKey="id"
        loading={fetching && !data}
        dataSource={data?.webhookEndpoints ?? []}
        pagination={false}
        locale={{ emptyText: <span data-testid="webhooks-empty">{t('webhooks.empty')}</span> }}
        onRow={(endpoint) =>
          ({ 'data-testid': 'webhook-row', 'data-id': endpoint.id, 'data-url': endpoint.url }) as HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            title: t('webhooks.fields.url'),
            dataIndex: 'url',
            card: 'title',
            render: (url: string, endpoint) => (
              <Space direction="vertical" size={0} style={{ maxWidth: 360 }}>
                <Link to={`/webhooks/${endpoint.id}`} style={{ wordBreak: 'break-all' }} data-testid="webhook-url-link">
                  {url}
                </Link>
                {endpoint.description && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {endpoint.description}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          {
            title: t('webhooks.fields.eventTypes'),
            dataIndex: 'eventTypes',
            render: (eventTypes: string[]) => (
              <div style={{ maxWidth: 280 }}>
                <EndpointEventTypes eventTypes={eventTypes} />
              </div>
            ),
          },
          {
            title: t('webhooks.fields.status'),
            key: 'status',
            render: (_, endpoint) => <EndpointEnabled endpoint={endpoint} />,
          },
          {
            title: t('webhooks.fields.createdAt'),
            dataIndex: 'createdAt',
            render: (value: string) => formatDateTime(value, timeZone),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, endpoint) => (
              <div style={{ minWidth: 220, maxWidth: 300 }}>
                <WebhookEndpointActions
                  endpoint={endpoint}
                  onEdit={() => setDialog({ editing: endpoint })}
                  onChanged={reload}
                  onTestSent={() => onTestSent(endpoint)}
                />
              </div>
            ),
          },
        ]}
      />
      {dialog && (
        <WebhookEndpointFormModal
          editing={dialog.editing}
          onClose={() => setDialog(null)}
          onSaved={(_, created) => {
            setDialog(null);
            if (created) setSecret(created);
            reload();
          }}
        />
      )}
      {secret && <WebhookSecretModal secret={secret} onClose={() => setSecret(null)} />}
    </Card>
  );
}
