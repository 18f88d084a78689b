import { Alert, Button, Card, Space, Typography } from 'antd';
import { LogoutOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../../i18n/LanguageSwitch';
import { useSession } from '../../session/SessionProvider';
import { useViewer } from '../../session/ViewerProvider';
import { ChangePasswordForm } from './ChangePasswordForm';

/**
 * After a password reset the server refuses everything but this: the staff member sees only the
 * form. Once the fresh token is in, the viewer reloads without the flag and the admin opens.
 */
export default function ForcedPasswordPage() {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const { signOut } = useSession();

  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        background: '#f0f2f5',
        padding: 16,
      }}
    >
      <Card style={{ width: 420, maxWidth: '100%' }} data-testid="forced-password">
        <Space direction="vertical" size="large" style={{ width: '100%' }}>
          <Space style={{ width: '100%', justifyContent: 'space-between' }} align="start">
            <div>
              <Typography.Title level={3} style={{ margin: 0 }}>
                {t('account.forcedTitle')}
              </Typography.Title>
              <Typography.Text type="secondary">{viewer.staff?.email}</Typography.Text>
            </div>
            <LanguageSwitch />
          </Space>
          <Alert type="warning" showIcon message={t('account.forcedHint')} />
          <ChangePasswordForm />
          <Button icon={<LogoutOutlined />} onClick={() => void signOut()} data-testid="logout">
            {t('header.logout')}
          </Button>
        </Space>
      </Card>
    </div>
  );
}
