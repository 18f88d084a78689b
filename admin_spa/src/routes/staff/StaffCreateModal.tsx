import { useState } from 'react';
import { Alert, App, Form, Input, Modal, Select, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { ROLES, type Role } from '../../session/permissions';
import { CreateStaffMutation } from './queries';

interface Values {
  email: string;
  password: string;
  name?: string;
  role: Role;
}

const MIN_PASSWORD_LENGTH = 8;

export function StaffCreateModal({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [formError, setFormError] = useState<string[]>([]);
  const [{ fetching }, createStaff] = useMutation(CreateStaffMutation);

  const onFinish = async (values: Values) => {
    setFormError([]);
    const name = values.name?.trim();
    const result = await createStaff({
      input: { email: values.email.trim(), password: values.password, role: values.role, ...(name ? { name } : {}) },
    });
    const payload = result.data?.createStaff;
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (payload && payload.errors.length > 0) {
      setFormError(applyUserErrors(form, payload.errors));
    } else {
      message.success(t('staff.created'));
      onCreated();
    }
  };

  return (
    <Modal
      open
      title={t('staff.create')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={fetching}
      onOk={() => form.submit()}
      onCancel={onClose}
      okButtonProps={{ 'data-testid': 'staff-submit' } as ButtonProps}
      destroyOnHidden
    >
      {formError.length > 0 && (
        <Alert type="error" showIcon message={formError.join('\n')} style={{ marginBottom: 16 }} />
      )}
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} initialValues={{ role: 'clerk' }}>
        <Form.Item
          name="email"
          label={t('staff.email')}
          rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('staff.email') }) }]}
        >
          <Input autoComplete="off" inputMode="email" data-testid="staff-email" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('staff.password')}
          extra={t('staff.passwordHint')}
          rules={[
            { required: true, message: t('common.required', { field: t('staff.password') }) },
            { min: MIN_PASSWORD_LENGTH, message: t('staff.passwordHint') },
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid="staff-password" />
        </Form.Item>
        <Form.Item name="name" label={t('staff.name')}>
          <Input autoComplete="off" data-testid="staff-name" />
        </Form.Item>
        <Form.Item name="role" label={t('staff.role')} rules={[{ required: true }]}>
          <Select
            data-testid="staff-role"
            options={ROLES.map((role) => ({ value: role, label: t(`staff.roles.${role}`) }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
