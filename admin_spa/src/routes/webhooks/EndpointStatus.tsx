import { Badge, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { WebhookEndpointFieldsFragment } from '../../gql/graphql';
import { CodeLabel } from '../../components/CodeLabel';
import { disabledReasonText } from './webhookFormat';

/** The types an endpoint takes, or "all events" when it names none. */
export function EndpointEventTypes({ eventTypes }: { eventTypes: readonly string[] }) {
  const { t } = useTranslation();
  if (eventTypes.length === 0) {
    return (
      <Tag color="blue" data-testid="webhook-all-events">
        {t('webhooks.allEvents')}
      </Tag>
    );
  }
  return (
    <Space size={[0, 4]} wrap>
      {eventTypes.map((type) => (
        <Tag key={type} color={type.endsWith('.*') ? 'geekblue' : undefined} style={{ whiteSpace: 'normal' }}>
          <CodeLabel kind="eventType" code={type} showCode />
        </Tag>
      ))}
    </Space>
  );
}

/** Enabled, or disabled and why. */
export function EndpointEnabled({ endpoint }: { endpoint: WebhookEndpointFieldsFragment }) {
  const { t } = useTranslation();
  if (endpoint.enabled) {
    return (
      <span data-testid="webhook-status" data-enabled="true">
        <Badge status="success" text={t('webhooks.statusEnabled')} />
      </span>
    );
  }
  return (
    <Space direction="vertical" size={0} data-testid="webhook-status" data-enabled="false">
      <Badge status="default" text={t('webhooks.statusDisabled')} />
      <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="webhook-disabled-reason">
        {disabledReasonText(endpoint.disabledReason, t)}
      </Typography.Text>
    </Space>
  );
}
