import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { LockOutlined, MailOutlined, ShopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { useMutation } from 'urql';
import { describeError, sessionEndedReason, userErrorMessages } from '../../api/userErrors';
import { LanguageSwitch } from '../../i18n/LanguageSwitch';
import { useSession } from '../../session/SessionProvider';
import { LoginMutation } from './queries';

interface LoginValues {
  tenantSlug: string;
  email: string;
  password: string;
}

export default function LoginPage() {
  const { t } = useTranslation();
  const { token, ended, endedReason, signIn } = useSession();
  const location = useLocation();
  const [{ fetching }, login] = useMutation(LoginMutation);
  const [failure, setFailure] = useState<string | null>(null);

  if (token) {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from !== '/login' ? from : '/'} replace />;
  }

  const onFinish = async (values: LoginValues) => {
    setFailure(null);
    const result = await login({
      tenantSlug: values.tenantSlug.trim(),
      email: values.email.trim(),
      password: values.password,
    });
    const payload = result.data?.login;
    if (payload?.token) {
      signIn(payload.token);
    } else if (payload?.errors.length) {
      setFailure(userErrorMessages(payload.errors).join('\n'));
    } else {
      setFailure(result.error ? describeError(result.error, t) : t('login.failed'));
    }
  };

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
      <Card style={{ width: 380, maxWidth: '100%' }}>
        <Space direction="vertical" size="large" style={{ width: '100%' }}>
          <Space style={{ width: '100%', justifyContent: 'space-between' }} align="start">
            <div>
              <Typography.Title level={3} style={{ margin: 0 }}>
                {t('app.name')}
              </Typography.Title>
              <Typography.Text type="secondary">{t('login.title')}</Typography.Text>
            </div>
            <LanguageSwitch />
          </Space>
          {ended === 'expired' && !failure && (
            <Alert
              type="warning"
              showIcon
              message={t('session.ended')}
              description={sessionEndedReason(endedReason, t) ?? t('session.expired')}
              data-testid="session-ended"
            />
          )}
          {failure && (
            <Alert
              type="error"
              showIcon
              message={t('login.failed')}
              description={failure}
              data-testid="login-error"
            />
          )}
          <Form<LoginValues>
            layout="vertical"
            initialValues={{ tenantSlug: 'demo', email: '', password: '' }}
            onFinish={onFinish}
            requiredMark={false}
          >
            <Form.Item
              name="tenantSlug"
              label={t('login.tenant')}
              rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('login.tenant') }) }]}
            >
              <Input prefix={<ShopOutlined />} autoComplete="organization" data-testid="login-tenant" />
            </Form.Item>
            <Form.Item
              name="email"
              label={t('login.email')}
              rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('login.email') }) }]}
            >
              <Input prefix={<MailOutlined />} inputMode="email" autoComplete="username" data-testid="login-email" />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('login.password')}
              rules={[{ required: true, message: t('common.required', { field: t('login.password') }) }]}
            >
              <Input.Password
                prefix={<LockOutlined />}
                autoComplete="current-password"
                data-testid="login-password"
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={fetching} data-testid="login-submit">
              {t('login.submit')}
            </Button>
          </Form>
        </Space>
      </Card>
    </div>
  );
}
