import { useState, type HTMLAttributes } from 'react';
import { App, Badge, Button, Card, Popconfirm, Tag, Typography } from 'antd';
import { PlusOutlined, StopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import type { ApiKeyFieldsFragment } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { CodeLabel } from '../../components/CodeLabel';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { useViewer } from '../../session/ViewerProvider';
import { ApiKeyCreateModal } from './ApiKeyCreateModal';
import { ApiKeySecretModal } from './ApiKeySecretModal';
import { ApiKeysQuery, RevokeApiKeyMutation } from './queries';

export default function ApiKeysPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { viewer } = useViewer();
  const timeZone = viewer.tenant.timezone;
  const [{ data, fetching, error }, refetch] = useQuery({ query: ApiKeysQuery });
  const [, revoke] = useMutation(RevokeApiKeyMutation);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);

  const reload = () => refetch({ requestPolicy: 'network-only' });

  const onRevoke = async (apiKey: ApiKeyFieldsFragment) => {
    const result = await revoke({ id: apiKey.id });
    const errors = result.data?.revokeApiKey.errors ?? [];
    if (result.error) message.error(describeError(result.error, t));
    else if (errors.length > 0) message.error(errors.map((e) => e.message).join('\n'));
    else message.success(t('apiKeys.revoked'));
    reload();
  };

  return (
    <Card
      title={t('apiKeys.title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="apikey-create">
          {t('apiKeys.create')}
        </Button>
      }
    >
      {error && <Typography.Paragraph type="danger">{describeError(error, t)}</Typography.Paragraph>}
      <ResponsiveTable<ApiKeyFieldsFragment>
        rowKey="id"
        loading={fetching}
        dataSource={data?.apiKeys ?? []}
        pagination={false}
        onRow={() => ({ 'data-testid': 'apikey-row' }) as HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('apiKeys.name'), dataIndex: 'name', card: 'title' },
          {
            title: t('apiKeys.kind'),
            dataIndex: 'kind',
            render: (_, apiKey) => (
              <Tag color={apiKey.kind === 'SECRET' ? 'red' : 'blue'}>{t(`apiKeys.kinds.${apiKey.kind}`)}</Tag>
            ),
          },
          {
            title: t('apiKeys.prefix'),
            dataIndex: 'prefix',
            render: (prefix: string) => <Typography.Text code>{prefix}…</Typography.Text>,
          },
          {
            title: t('apiKeys.scopes'),
            dataIndex: 'scopes',
            render: (scopes: string[]) =>
              scopes.map((scope) => (
                <Tag key={scope} title={scope} data-scope={scope}>
                  <CodeLabel kind="permission" code={scope} />
                </Tag>
              )),
          },
          {
            title: t('apiKeys.lastUsedAt'),
            dataIndex: 'lastUsedAt',
            render: (value: string | null) => formatDateTime(value, timeZone) || t('apiKeys.neverUsed'),
          },
          {
            title: t('apiKeys.createdAt'),
            dataIndex: 'createdAt',
            render: (value: string) => formatDateTime(value, timeZone),
          },
          {
            title: t('apiKeys.status'),
            dataIndex: 'revokedAt',
            render: (revokedAt: string | null, apiKey) =>
              revokedAt ? (
                <Badge status="error" text={t('apiKeys.revokedAt', { time: formatDateTime(revokedAt, timeZone) })} />
              ) : apiKey.expired ? (
                <Badge
                  status="error"
                  text={t('apiKeys.expiredAt', { time: formatDateTime(apiKey.expiresAt, timeZone) })}
                  data-testid="apikey-expired"
                />
              ) : apiKey.expiresAt ? (
                <Badge
                  status="warning"
                  text={t('apiKeys.expiresAt', { time: formatDateTime(apiKey.expiresAt, timeZone) })}
                />
              ) : (
                <Badge status="success" text={t('apiKeys.active')} />
              ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, apiKey) =>
              !apiKey.revokedAt && (
                <Popconfirm
                  title={t('apiKeys.revokeConfirm', { name: apiKey.name })}
                  okText={t('apiKeys.revoke')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => onRevoke(apiKey)}
                >
                  <Button size="small" danger icon={<StopOutlined />} data-testid="apikey-revoke">
                    {t('apiKeys.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      {creating && (
        <ApiKeyCreateModal
          onClose={() => setCreating(false)}
          onCreated={(key) => {
            setCreating(false);
            setSecret(key);
            reload();
          }}
        />
      )}
      {secret && <ApiKeySecretModal secret={secret} onClose={() => setSecret(null)} />}
    </Card>
  );
}
