import { useState } from 'react';
import { App, Form, Input, Modal, Select, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { ErrorListAlert } from '../../components/ErrorListAlert';
import { IDENTITY_PROVIDERS, messagingText } from '../messaging/messagingCodes';
import { BindIdentityMutation } from './memberMessagingQueries';

interface Values {
  provider: string;
  appId: string;
  subject: string;
}

interface Props {
  memberId: string;
  onClose: () => void;
  onBound: () => void;
}

/** Binds an account of the member elsewhere: a WeChat openid under an app, a unionid, an Alipay user… */
export function BindIdentityModal({ memberId, onClose, onBound }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [typed, setTyped] = useState('');
  const [{ fetching }, bind] = useMutation(BindIdentityMutation);

  const onFinish = async (values: Values) => {
    setFormErrors([]);
    const provider = values.provider.trim();
    const result = await bind({
      input: { memberId, provider, appId: values.appId?.trim() || null, subject: values.subject.trim() },
    });
    const payload = result.data?.bindIdentity;
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (payload && payload.errors.length > 0) {
      setFormErrors(applyUserErrors(form, payload.errors));
    } else {
      message.success(t('memberMessaging.identities.bound'));
      onBound();
    }
  };

  return (
    <Modal
      open
      title={t('memberMessaging.identities.bindTitle')}
      okText={t('memberMessaging.identities.bind')}
      cancelText={t('common.cancel')}
      confirmLoading={fetching}
      onOk={() => form.submit()}
      onCancel={onClose}
      okButtonProps={{ 'data-testid': 'identity-bind-submit' } as ButtonProps}
      destroyOnHidden
    >
      <ErrorListAlert title={t('memberMessaging.identities.failed')} messages={formErrors} testId="identity-bind-errors" />
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} initialValues={{ provider: 'WECHAT_OPENID' }}>
        <Form.Item
          name="provider"
          label={t('memberMessaging.identities.provider')}
          extra={t('memberMessaging.identities.providerHint')}
          rules={[{ required: true, message: t('common.required', { field: t('memberMessaging.identities.provider') }) }]}
        >
          {/* A listed kind, or any other typed in (offered as the first option while typing). */}
          <Select
            showSearch
            optionFilterProp="label"
            onSearch={setTyped}
            options={[
              ...(typed.trim() && !(IDENTITY_PROVIDERS as readonly string[]).includes(typed.trim())
                ? [{ value: typed.trim(), label: typed.trim() }]
                : []),
              ...IDENTITY_PROVIDERS.map((provider) => ({ value: provider, label: messagingText(t, 'identityProviders', provider) })),
            ]}
            data-testid="identity-provider"
          />
        </Form.Item>
        <Form.Item name="appId" label={t('memberMessaging.identities.appId')} extra={t('memberMessaging.identities.appIdHint')}>
          <Input autoComplete="off" placeholder="wx8a3f2c1d4e5b6a79" data-testid="identity-app-id" />
        </Form.Item>
        <Form.Item
          name="subject"
          label={t('memberMessaging.identities.subject')}
          rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('memberMessaging.identities.subject') }) }]}
        >
          <Input autoComplete="off" data-testid="identity-subject" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
