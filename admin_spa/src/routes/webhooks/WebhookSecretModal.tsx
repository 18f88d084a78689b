import { Alert, Button, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format/dateTime';
import { useViewer } from '../../session/ViewerProvider';

interface Props {
  secret: string;
  /** Set after a rotation: until when the previous secret keeps signing beside this one. */
  previousSecretExpiresAt?: string | null;
  onClose: () => void;
}

/** Shows an endpoint's signing secret once; nothing keeps it after the modal closes. */
export function WebhookSecretModal({ secret, previousSecretExpiresAt, onClose }: Props) {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  return (
    <Modal
      open
      title={t(previousSecretExpiresAt ? 'webhooks.secret.rotatedTitle' : 'webhooks.secret.title')}
      onCancel={onClose}
      maskClosable={false}
      footer={
        <Button type="primary" onClick={onClose} data-testid="webhook-secret-close">
          {t('common.close')}
        </Button>
      }
    >
      <Alert type="warning" showIcon message={t('webhooks.secret.hint')} style={{ marginBottom: 16 }} />
      <Typography.Paragraph
        code
        copyable={{ text: secret, tooltips: [t('webhooks.secret.copy'), t('webhooks.secret.copied')] }}
        style={{ wordBreak: 'break-all', fontSize: 14 }}
        data-testid="webhook-secret"
      >
        {secret}
      </Typography.Paragraph>
      {previousSecretExpiresAt && (
        <Alert
          type="info"
          showIcon
          message={t('webhooks.secret.previousNote', {
            time: formatDateTime(previousSecretExpiresAt, viewer.tenant.timezone),
          })}
          data-testid="webhook-secret-previous"
        />
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        {t('webhooks.secret.verifyHint')}
      </Typography.Paragraph>
    </Modal>
  );
}
