import { useMemo, useState } from 'react';
import { App, Form, Input, Modal, Select, Space, Typography, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import type { WebhookEndpointFieldsFragment } from '../../gql/graphql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { CodeLabel, RawCode } from '../../components/CodeLabel';
import { ErrorListAlert } from '../../components/ErrorListAlert';
import { codeText } from '../../i18n/codes';
import { CreateWebhookEndpointMutation, UpdateWebhookEndpointMutation, WebhookEventTypesQuery } from './queries';
import { endpointFormErrors, eventTypeFamilies, isEventTypePattern } from './webhookFormat';

interface Values {
  url: string;
  eventTypes: string[];
  description: string;
}

interface Props {
  /** The endpoint to edit, or null to add one. */
  editing: WebhookEndpointFieldsFragment | null;
  onClose: () => void;
  /** `secret` is set when an endpoint was added: the server returns it only this once. */
  onSaved: (endpoint: WebhookEndpointFieldsFragment, secret: string | null) => void;
}

export function WebhookEndpointFormModal({ editing, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [{ data: typeData, fetching: loadingTypes }] = useQuery({ query: WebhookEventTypesQuery });
  const [{ fetching: creating }, create] = useMutation(CreateWebhookEndpointMutation);
  const [{ fetching: updating }, update] = useMutation(UpdateWebhookEndpointMutation);

  const { options, descriptions } = useMemo(() => {
    const types = typeData?.eventTypes ?? [];
    const families = eventTypeFamilies(types.map((type) => type.type).filter((type) => type !== 'webhook.test'));
    const familyValues = ['event.*', ...families.filter((family) => family !== 'event.*')];
    const typeValues = types.filter((type) => type.type !== 'webhook.test' && !type.type.endsWith('.*'));
    const described = new Map<string, string>([
      ...familyValues.map(
        (family): [string, string] => [
          family,
          family === 'event.*' ? t('webhooks.form.behaviourFamily') : t('webhooks.form.family'),
        ],
      ),
      ...typeValues.map((type): [string, string] => [type.type, codeText(t, 'eventType', type.type)]),
    ]);
    return {
      descriptions: described,
      options: [
        {
          label: t('webhooks.form.families'),
          options: familyValues.map((family) => ({ value: family, label: <CodeLabel kind="eventType" code={family} showCode /> })),
        },
        {
          label: t('webhooks.form.types'),
          options: typeValues.map((type) => ({ value: type.type, label: <CodeLabel kind="eventType" code={type.type} showCode /> })),
        },
      ],
    };
  }, [typeData, t]);

  const onFinish = async (values: Values) => {
    setFormErrors([]);
    const url = values.url.trim();
    const eventTypes = values.eventTypes.map((type) => type.trim()).filter(Boolean);
    const description = values.description.trim();
    const result = editing
      ? await update({ id: editing.id, input: { url, eventTypes, description } }).then((r) => ({
          error: r.error,
          payload: r.data?.updateWebhookEndpoint,
          secret: null,
        }))
      : await create({ input: { url, eventTypes, description: description || null } }).then((r) => ({
          error: r.error,
          payload: r.data?.createWebhookEndpoint,
          secret: r.data?.createWebhookEndpoint.secret ?? null,
        }));
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (result.payload && result.payload.errors.length > 0) {
      setFormErrors(applyUserErrors(form, endpointFormErrors(result.payload.errors)));
    } else if (result.payload?.endpoint) {
      message.success(editing ? t('common.saved') : t('webhooks.created'));
      onSaved(result.payload.endpoint, result.secret);
    } else {
      message.error(t('common.unexpected'));
    }
  };

  return (
    <Modal
      open
      title={editing ? t('webhooks.editTitle') : t('webhooks.create')}
      okText={editing ? t('common.save') : t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={creating || updating}
      onOk={() => form.submit()}
      onCancel={onClose}
      okButtonProps={{ 'data-testid': 'webhook-submit' } as ButtonProps}
      destroyOnHidden
    >
      <ErrorListAlert title={t('webhooks.form.failed')} messages={formErrors} testId="webhook-form-errors" />
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={onFinish}
        initialValues={{
          url: editing?.url ?? '',
          eventTypes: editing ? [...editing.eventTypes] : [],
          description: editing?.description ?? '',
        }}
      >
        <Form.Item
          name="url"
          label={t('webhooks.fields.url')}
          extra={t('webhooks.form.urlHint')}
          rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('webhooks.fields.url') }) }]}
        >
          <Input placeholder="https://example.com/webhooks/membership" autoComplete="off" data-testid="webhook-url" />
        </Form.Item>
        <Form.Item
          name="eventTypes"
          label={t('webhooks.fields.eventTypes')}
          extra={t('webhooks.form.eventTypesHint')}
          rules={[
            {
              validator: async (_, value: string[] | undefined) => {
                const wrong = (value ?? []).filter((type) => !isEventTypePattern(type.trim()));
                if (wrong.length > 0) throw new Error(t('webhooks.form.badPattern', { types: wrong.join(', ') }));
              },
            },
          ]}
        >
          <Select
            mode="tags"
            allowClear
            loading={loadingTypes}
            tokenSeparators={[',', '，', ' ']}
            placeholder={t('webhooks.allEvents')}
            options={options}
            optionRender={(option) => (
              <Space direction="vertical" size={0}>
                <RawCode code={String(option.value)} />
                {descriptions.has(String(option.value)) && (
                  <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'normal' }}>
                    {descriptions.get(String(option.value))}
                  </Typography.Text>
                )}
              </Space>
            )}
            data-testid="webhook-event-types"
          />
        </Form.Item>
        <Form.Item name="description" label={t('webhooks.fields.description')} rules={[{ max: 500 }]}>
          <Input.TextArea rows={2} maxLength={500} showCount data-testid="webhook-description" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
