import { useState } from 'react';
import { App, Button, Popconfirm, Space, type ButtonProps } from 'antd';
import { CheckCircleOutlined, EditOutlined, KeyOutlined, SendOutlined, StopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useMutation, type CombinedError } from 'urql';
import type { WebhookEndpointFieldsFragment } from '../../gql/graphql';
import { describeError, type UserErrorLike } from '../../api/userErrors';
import {
  DisableWebhookEndpointMutation,
  RotateWebhookSecretMutation,
  SendTestWebhookMutation,
  UpdateWebhookEndpointMutation,
} from './queries';
import { WebhookSecretModal } from './WebhookSecretModal';

interface Props {
  endpoint: WebhookEndpointFieldsFragment;
  onEdit: () => void;
  /** After any change to the endpoint (rotated, disabled, enabled). */
  onChanged: () => void;
  /** After a test delivery was queued. */
  onTestSent: () => void;
}

interface Rotated {
  secret: string;
  previousSecretExpiresAt: string | null;
}

/** What staff do to one endpoint: test it, edit it, rotate its secret, disable or enable it. */
export function WebhookEndpointActions({ endpoint, onEdit, onChanged, onTestSent }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [{ fetching: sending }, sendTest] = useMutation(SendTestWebhookMutation);
  const [{ fetching: rotating }, rotate] = useMutation(RotateWebhookSecretMutation);
  const [{ fetching: disabling }, disable] = useMutation(DisableWebhookEndpointMutation);
  const [{ fetching: enabling }, update] = useMutation(UpdateWebhookEndpointMutation);
  const [rotated, setRotated] = useState<Rotated | null>(null);

  /** True when the write went through; otherwise says why. */
  const succeeded = (error: CombinedError | undefined, errors: readonly UserErrorLike[] | undefined) => {
    if (error) {
      message.error(describeError(error, t));
      return false;
    }
    if (!errors) {
      message.error(t('common.unexpected'));
      return false;
    }
    if (errors.length > 0) {
      message.error(errors.map((e) => e.message).join('\n'));
      return false;
    }
    return true;
  };

  const onSendTest = async () => {
    const result = await sendTest({ id: endpoint.id });
    if (succeeded(result.error, result.data?.sendTestWebhook.errors)) {
      message.success(t('webhooks.testSent'));
      onTestSent();
    }
  };

  const onRotate = async () => {
    const result = await rotate({ id: endpoint.id });
    const payload = result.data?.rotateWebhookSecret;
    if (succeeded(result.error, payload?.errors) && payload?.secret) {
      setRotated({ secret: payload.secret, previousSecretExpiresAt: payload.endpoint?.previousSecretExpiresAt ?? null });
      onChanged();
    }
  };

  const onDisable = async () => {
    const result = await disable({ id: endpoint.id });
    if (succeeded(result.error, result.data?.disableWebhookEndpoint.errors)) {
      message.success(t('webhooks.disabled'));
      onChanged();
    }
  };

  const onEnable = async () => {
    const result = await update({ id: endpoint.id, input: { enabled: true } });
    if (succeeded(result.error, result.data?.updateWebhookEndpoint.errors)) {
      message.success(t('webhooks.enabled'));
      onChanged();
    }
  };

  return (
    <Space size={4} wrap>
      <Button size="small" icon={<SendOutlined />} loading={sending} onClick={() => void onSendTest()} data-testid="webhook-test">
        {t('webhooks.sendTest')}
      </Button>
      <Button size="small" icon={<EditOutlined />} onClick={onEdit} data-testid="webhook-edit">
        {t('common.edit')}
      </Button>
      <Popconfirm
        title={t('webhooks.rotateConfirm')}
        description={t('webhooks.rotateConfirmHint')}
        okText={t('webhooks.rotate')}
        cancelText={t('common.cancel')}
        onConfirm={() => onRotate()}
        okButtonProps={{ 'data-testid': 'webhook-rotate-confirm' } as ButtonProps}
      >
        <Button size="small" icon={<KeyOutlined />} loading={rotating} data-testid="webhook-rotate">
          {t('webhooks.rotate')}
        </Button>
      </Popconfirm>
      {endpoint.enabled ? (
        <Popconfirm
          title={t('webhooks.disableConfirm')}
          description={t('webhooks.disableConfirmHint')}
          okText={t('webhooks.disable')}
          cancelText={t('common.cancel')}
          okButtonProps={{ danger: true, 'data-testid': 'webhook-disable-confirm' } as ButtonProps}
          onConfirm={() => onDisable()}
        >
          <Button size="small" danger icon={<StopOutlined />} loading={disabling} data-testid="webhook-disable">
            {t('webhooks.disable')}
          </Button>
        </Popconfirm>
      ) : (
        <Button
          size="small"
          icon={<CheckCircleOutlined />}
          loading={enabling}
          onClick={() => void onEnable()}
          data-testid="webhook-enable"
        >
          {t('webhooks.enable')}
        </Button>
      )}
      {rotated && (
        <WebhookSecretModal
          secret={rotated.secret}
          previousSecretExpiresAt={rotated.previousSecretExpiresAt}
          onClose={() => setRotated(null)}
        />
      )}
    </Space>
  );
}
