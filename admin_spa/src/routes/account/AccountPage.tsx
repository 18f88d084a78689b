import { Card, Descriptions, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { CodeLabel } from '../../components/CodeLabel';
import { isRole } from '../../session/permissions';
import { useViewer } from '../../session/ViewerProvider';
import { ChangePasswordForm } from './ChangePasswordForm';

/** The signed-in staff member's own profile and password. */
export default function AccountPage() {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const staff = viewer.staff;
  const role = staff?.role ?? '';

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card title={t('account.title')}>
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t('staff.email')}>
            <Typography.Text data-testid="account-email">{staff?.email}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('staff.name')}>{staff?.name ?? t('common.empty')}</Descriptions.Item>
          <Descriptions.Item label={t('staff.role')}>
            <span data-testid="account-role">{isRole(role) ? t(`staff.roles.${role}`) : <CodeLabel kind="role" code={role} />}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('account.tenant')}>{viewer.tenant.name}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('account.changePassword')}>
        <Typography.Paragraph type="secondary">{t('account.otherSessionsEnd')}</Typography.Paragraph>
        <ChangePasswordForm />
      </Card>
    </Space>
  );
}
