import { Alert, Button, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** Shows a temporary password once; nothing keeps it after the modal closes. */
export function StaffPasswordModal({ email, password, onClose }: { email: string; password: string; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      open
      title={t('staff.temporaryTitle')}
      onCancel={onClose}
      maskClosable={false}
      footer={
        <Button type="primary" onClick={onClose} data-testid="staff-temp-close">
          {t('common.close')}
        </Button>
      }
    >
      <Alert type="warning" showIcon message={t('staff.temporaryHint', { email })} style={{ marginBottom: 16 }} />
      <Typography.Paragraph
        code
        copyable={{ text: password, tooltips: [t('apiKeys.copy'), t('apiKeys.copied')] }}
        style={{ wordBreak: 'break-all', fontSize: 16 }}
        data-testid="staff-temp-password"
      >
        {password}
      </Typography.Paragraph>
    </Modal>
  );
}
