import { useState } from 'react';
import { Alert, App, Button, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { useSession } from '../../session/SessionProvider';
import { ChangeMyPasswordMutation } from './queries';

interface Values {
  currentPassword: string;
  newPassword: string;
  repeatPassword: string;
}

const MIN_PASSWORD_LENGTH = 8;

/**
 * Current, new and repeated password. On success the server ends every other session and hands
 * back a fresh token for this one, which replaces the stored token (the old one no longer works).
 */
export function ChangePasswordForm({ onChanged }: { onChanged?: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { signIn } = useSession();
  const [form] = Form.useForm<Values>();
  const [formError, setFormError] = useState<string[]>([]);
  const [{ fetching }, changePassword] = useMutation(ChangeMyPasswordMutation);

  const onFinish = async (values: Values) => {
    setFormError([]);
    const result = await changePassword({
      currentPassword: values.currentPassword,
      newPassword: values.newPassword,
    });
    const payload = result.data?.changeMyPassword;
    if (result.error) {
      setFormError([describeError(result.error, t)]);
    } else if (payload && payload.errors.length > 0) {
      setFormError(applyUserErrors(form, payload.errors));
    } else if (payload?.token) {
      form.resetFields();
      message.success(t('account.passwordChanged'));
      signIn(payload.token);
      onChanged?.();
    } else {
      setFormError([t('common.unexpected')]);
    }
  };

  return (
    <Form<Values> form={form} layout="vertical" onFinish={onFinish} requiredMark={false} style={{ maxWidth: 420 }}>
      {formError.length > 0 && (
        <Alert
          type="error"
          showIcon
          message={formError.join('\n')}
          style={{ marginBottom: 16 }}
          data-testid="password-error"
        />
      )}
      <Form.Item
        name="currentPassword"
        label={t('account.currentPassword')}
        rules={[{ required: true, message: t('common.required', { field: t('account.currentPassword') }) }]}
      >
        <Input.Password autoComplete="current-password" data-testid="password-current" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('account.newPassword')}
        extra={t('staff.passwordHint')}
        rules={[
          { required: true, message: t('common.required', { field: t('account.newPassword') }) },
          { min: MIN_PASSWORD_LENGTH, message: t('staff.passwordHint') },
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid="password-new" />
      </Form.Item>
      <Form.Item
        name="repeatPassword"
        label={t('account.repeatPassword')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('common.required', { field: t('account.repeatPassword') }) },
          ({ getFieldValue }) => ({
            validator: (_, value: string | undefined) =>
              !value || value === getFieldValue('newPassword')
                ? Promise.resolve()
                : Promise.reject(new Error(t('account.passwordsDiffer'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid="password-repeat" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={fetching} data-testid="password-submit">
        {t('account.changePassword')}
      </Button>
    </Form>
  );
}
