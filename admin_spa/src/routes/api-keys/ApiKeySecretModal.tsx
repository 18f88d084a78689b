import { Alert, Button, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** Shows a newly created key once; nothing keeps it after the modal closes. */
export function ApiKeySecretModal({ secret, onClose }: { secret: string; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      open
      title={t('apiKeys.secretTitle')}
      onCancel={onClose}
      maskClosable={false}
      footer={
        <Button type="primary" onClick={onClose} data-testid="apikey-secret-close">
          {t('common.close')}
        </Button>
      }
    >
      <Alert type="warning" showIcon message={t('apiKeys.secretHint')} style={{ marginBottom: 16 }} />
      <Typography.Paragraph
        code
        copyable={{ text: secret, tooltips: [t('apiKeys.copy'), t('apiKeys.copied')] }}
        style={{ wordBreak: 'break-all', fontSize: 14 }}
        data-testid="apikey-secret"
      >
        {secret}
      </Typography.Paragraph>
    </Modal>
  );
}
