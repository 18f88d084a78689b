import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Col, Divider, Form, Input, InputNumber, Row, Select, Space, Switch, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { Channel, ChannelConfigFieldsFragment } from '../../../gql/graphql';
import { applyUserErrors, describeError } from '../../../api/userErrors';
import { ErrorListAlert } from '../../../components/ErrorListAlert';
import { formatDateTime } from '../../../format/dateTime';
import { useViewer } from '../../../session/ViewerProvider';
import { clearChangedErrors } from '../formErrors';
import { MessagingCode, messagingLabel, messagingText } from '../messagingCodes';
import {
  credentialErrors,
  credentialsToSend,
  fakeProviderName,
  initialValues,
  savedHints,
  type ChannelValues,
  type Provider,
} from './channelForm';
import { ConfigureChannelMutation } from './queries';

interface Props {
  channel: Channel;
  /** The providers that carry this channel. */
  providers: readonly Provider[];
  /** What the tenant saved for it; null when it never configured it. */
  config: ChannelConfigFieldsFragment | null;
  onSaved: () => void;
}

/** One channel: its provider, the provider's credentials (secrets never shown), limits and receipts. */
export function ChannelCard({ channel, providers, config, onSaved }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { viewer } = useViewer();
  const [form] = Form.useForm<ChannelValues>();
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [{ fetching: saving }, configure] = useMutation(ConfigureChannelMutation);
  const chosen = Form.useWatch('provider', form) as string | undefined;
  const provider = providers.find((p) => p.name === chosen);
  const hints = savedHints(config);
  const sameAsSaved = config !== null && chosen === config.provider;
  const initial = useMemo(
    () => initialValues(config, providers.find((p) => p.name === config?.provider)),
    [config, providers],
  );

  const providerLabel = (p: Provider) => messagingLabel(t, 'providers', p.name) ?? p.title;

  const onProviderChange = (name: string) => {
    const next = providers.find((p) => p.name === name);
    // Another provider's credentials start empty; back to the saved one, its plain values return.
    const values = initialValues(name === config?.provider ? config : null, next);
    form.setFieldsValue({ credentials: values.credentials });
    setFormErrors([]);
  };

  const onFinish = async (values: ChannelValues) => {
    setFormErrors([]);
    if (!values.provider) return;
    const credentials = credentialsToSend(values, initial, config?.provider, provider);
    const result = await configure({
      input: {
        channel,
        provider: values.provider,
        credentials,
        baseUrl: values.baseUrl?.trim() || null,
        enabled: values.enabled,
        dailyQuota: channel === 'SMS' ? (config?.dailyQuota ?? null) : (values.dailyQuota ?? null),
        creditBalance: channel === 'SMS' ? (values.creditBalance ?? null) : (config?.creditBalance ?? null),
      },
    });
    const payload = result.data?.configureChannel;
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (payload && payload.errors.length > 0) {
      setFormErrors(applyUserErrors(form, credentialErrors(payload.errors, provider, values, t)));
    } else if (payload?.config) {
      message.success(t('messaging.channelsPage.saved', { channel: messagingText(t, 'channels', channel) }));
      onSaved();
    } else {
      message.error(t('common.unexpected'));
    }
  };

  return (
    <Card
      size="small"
      title={<MessagingCode kind="channels" code={channel} />}
      extra={
        config ? (
          <Tag color={config.enabled ? 'green' : 'default'} data-testid="channel-state" data-state={config.enabled ? 'on' : 'off'}>
            {config.enabled ? t('messaging.channelsPage.enabled') : t('messaging.channelsPage.disabled')}
          </Tag>
        ) : (
          <Tag data-testid="channel-state" data-state="fake">
            {t('messaging.channelsPage.notConfigured')}
          </Tag>
        )
      }
      data-testid="channel-card"
      data-channel={channel}
    >
      {!config && (
        <Alert
          type="info"
          showIcon
          message={t('messaging.channelsPage.fakeByDefault', {
            provider: messagingText(t, 'providers', fakeProviderName(channel)),
          })}
          style={{ marginBottom: 12 }}
          data-testid="channel-fake-hint"
        />
      )}
      <ErrorListAlert title={t('messaging.channelsPage.failed')} messages={formErrors} testId="channel-form-errors" />
      <Form<ChannelValues>
        form={form}
        layout="vertical"
        onFinish={onFinish}
        onValuesChange={(changed: object) => clearChangedErrors(form, changed)}
        initialValues={initial}
      >
        <Form.Item
          name="provider"
          label={t('messaging.channelsPage.provider')}
          rules={[{ required: true, message: t('messaging.channelsPage.chooseProvider') }]}
        >
          <Select
            placeholder={t('messaging.channelsPage.chooseProvider')}
            onChange={onProviderChange}
            options={providers.map((p) => ({ value: p.name, label: providerLabel(p) }))}
            data-testid="channel-provider"
          />
        </Form.Item>
        {provider && provider.credentialFields.length > 0 && (
          <>
            {sameAsSaved && (
              <Typography.Paragraph type="secondary" style={{ fontSize: 12 }} data-testid="channel-credentials-hint">
                {t('messaging.channelsPage.credentialsKept')}
              </Typography.Paragraph>
            )}
            <Row gutter={16}>
              {provider.credentialFields.map((field) => {
                const saved = sameAsSaved ? hints[field.name] : undefined;
                return (
                  <Col xs={24} md={12} key={`${provider.name}:${field.name}`}>
                    <Form.Item
                      name={['credentials', field.name]}
                      label={<MessagingCode kind="credentialFields" code={field.name} fallback={field.title} />}
                      required={field.required && !saved}
                      extra={
                        field.secret && saved ? (
                          <span data-testid="channel-secret-hint" data-field={field.name}>
                            {t('messaging.channelsPage.secretSaved', { hint: saved })}
                          </span>
                        ) : undefined
                      }
                    >
                      {field.secret ? (
                        <Input.Password
                          autoComplete="new-password"
                          placeholder={saved ? t('messaging.channelsPage.secretKeep') : (field.example ?? undefined)}
                          data-testid="channel-credential"
                          data-field={field.name}
                        />
                      ) : (
                        <Input
                          autoComplete="off"
                          placeholder={field.example ?? undefined}
                          data-testid="channel-credential"
                          data-field={field.name}
                        />
                      )}
                    </Form.Item>
                  </Col>
                );
              })}
            </Row>
          </>
        )}
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="enabled" label={t('messaging.channelsPage.enabledLabel')} valuePropName="checked">
              <Switch data-testid="channel-enabled" />
            </Form.Item>
          </Col>
          {channel === 'SMS' ? (
            <Col xs={24} md={8}>
              <Form.Item
                name="creditBalance"
                label={t('messaging.channelsPage.creditBalance')}
                extra={t('messaging.channelsPage.creditBalanceHint')}
              >
                <InputNumber min={0} precision={0} style={{ width: '100%' }} data-testid="channel-credit-balance" />
              </Form.Item>
            </Col>
          ) : (
            <Col xs={24} md={8}>
              <Form.Item
                name="dailyQuota"
                label={t('messaging.channelsPage.dailyQuota')}
                extra={t('messaging.channelsPage.dailyQuotaHint')}
              >
                <InputNumber min={0} precision={0} style={{ width: '100%' }} data-testid="channel-daily-quota" />
              </Form.Item>
            </Col>
          )}
        </Row>
        <Divider orientation="left" plain style={{ marginTop: 0 }}>
          {t('messaging.channelsPage.advanced')}
        </Divider>
        <Form.Item name="baseUrl" label={t('messaging.channelsPage.baseUrl')} extra={t('messaging.channelsPage.baseUrlHint')}>
          <Input autoComplete="off" data-testid="channel-base-url" />
        </Form.Item>
        {config && (
          <Form.Item label={t('messaging.channelsPage.receiptToken')} extra={t('messaging.channelsPage.receiptTokenHint')}>
            <Typography.Text copyable code data-raw-code={config.receiptToken} data-testid="channel-receipt-token">
              {config.receiptToken}
            </Typography.Text>
          </Form.Item>
        )}
        <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
          <Button type="primary" htmlType="submit" loading={saving} data-testid="channel-save">
            {t('common.save')}
          </Button>
          {config && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('messaging.channelsPage.updatedAt', { time: formatDateTime(config.updatedAt, viewer.tenant.timezone) })}
            </Typography.Text>
          )}
        </Space>
      </Form>
    </Card>
  );
}
