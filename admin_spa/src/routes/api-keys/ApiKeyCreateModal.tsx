import { useState } from 'react';
import { Alert, App, Form, Input, Modal, Radio, Select, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { ApiKeyKind } from '../../gql/graphql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { CodeLabel } from '../../components/CodeLabel';
import { PERMISSIONS } from '../../session/permissions';
import { CreateApiKeyMutation } from './queries';

interface Values {
  name: string;
  kind: ApiKeyKind;
  scopes: string[];
  /** Days until the key expires; 0: never. */
  expiresInDays: number;
}

const EXPIRY_DAYS = [0, 30, 90, 365] as const;

export const API_KEY_KINDS: readonly ApiKeyKind[] = ['SECRET', 'PUBLISHABLE'];

interface Props {
  onClose: () => void;
  /** Called with the full key, which the server returns only this once. */
  onCreated: (secret: string) => void;
}

export function ApiKeyCreateModal({ onClose, onCreated }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [formError, setFormError] = useState<string[]>([]);
  const [{ fetching }, createApiKey] = useMutation(CreateApiKeyMutation);

  const onFinish = async (values: Values) => {
    setFormError([]);
    const result = await createApiKey({
      input: {
        name: values.name.trim(),
        kind: values.kind,
        ...(values.scopes.length > 0 ? { scopes: values.scopes } : {}),
        ...(values.expiresInDays > 0
          ? { expiresAt: new Date(Date.now() + values.expiresInDays * 86_400_000).toISOString() }
          : {}),
      },
    });
    const payload = result.data?.createApiKey;
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (payload && payload.errors.length > 0) {
      setFormError(applyUserErrors(form, payload.errors));
    } else if (payload?.key) {
      onCreated(payload.key);
    } else {
      message.error(t('common.unexpected'));
    }
  };

  return (
    <Modal
      open
      title={t('apiKeys.create')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={fetching}
      onOk={() => form.submit()}
      onCancel={onClose}
      okButtonProps={{ 'data-testid': 'apikey-submit' } as ButtonProps}
      destroyOnHidden
    >
      {formError.length > 0 && (
        <Alert type="error" showIcon message={formError.join('\n')} style={{ marginBottom: 16 }} />
      )}
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} initialValues={{ kind: 'SECRET', scopes: [], expiresInDays: 0 }}>
        <Form.Item
          name="name"
          label={t('apiKeys.name')}
          rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('apiKeys.name') }) }]}
        >
          <Input autoComplete="off" data-testid="apikey-name" />
        </Form.Item>
        <Form.Item name="kind" label={t('apiKeys.kind')} extra={t('apiKeys.kindHint')}>
          <Radio.Group
            data-testid="apikey-kind"
            options={API_KEY_KINDS.map((kind) => ({ value: kind, label: t(`apiKeys.kinds.${kind}`) }))}
          />
        </Form.Item>
        <Form.Item name="scopes" label={t('apiKeys.scopes')}>
          <Select
            mode="tags"
            placeholder={t('apiKeys.scopesPlaceholder')}
            options={PERMISSIONS.map((scope) => ({ value: scope, label: <CodeLabel kind="permission" code={scope} showCode /> }))}
            data-testid="apikey-scopes"
          />
        </Form.Item>
        <Form.Item name="expiresInDays" label={t('apiKeys.expiry')} extra={t('apiKeys.expiryHint')}>
          <Select
            data-testid="apikey-expiry"
            options={EXPIRY_DAYS.map((days) => ({
              value: days,
              label: days === 0 ? t('apiKeys.neverExpires') : t('apiKeys.expiresInDays', { count: days }),
            }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
