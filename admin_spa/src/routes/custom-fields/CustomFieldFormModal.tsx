import { useState } from 'react';
import { Alert, App, Form, Input, Modal, Select, Switch, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { CustomFieldType } from '../../gql/graphql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { CUSTOM_FIELD_TYPES, type CustomFieldDefinition } from './customFieldValue';
import { CreateCustomFieldDefinitionMutation, UpdateCustomFieldDefinitionMutation } from './queries';

interface Values {
  key: string;
  label: string;
  type: CustomFieldType;
  required: boolean;
  pii: boolean;
  options: string[];
}

interface Props {
  /** The definition to edit, or null to create one. */
  editing: CustomFieldDefinition | null;
  onClose: () => void;
  onSaved: () => void;
}

const KEY_PATTERN = /^[a-z][a-z0-9_]*$/;

export function CustomFieldFormModal({ editing, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const type = Form.useWatch('type', form);
  const [formError, setFormError] = useState<string[]>([]);
  const [{ fetching: creating }, create] = useMutation(CreateCustomFieldDefinitionMutation);
  const [{ fetching: updating }, update] = useMutation(UpdateCustomFieldDefinitionMutation);

  const onFinish = async (values: Values) => {
    setFormError([]);
    const options = values.type === 'ENUM' ? values.options : [];
    const result = editing
      ? await update({
          id: editing.id,
          input: { label: values.label.trim(), required: values.required, pii: values.pii, options },
        }).then((r) => ({ error: r.error, payload: r.data?.updateCustomFieldDefinition }))
      : await create({
          input: {
            key: values.key.trim(),
            label: values.label.trim(),
            type: values.type,
            required: values.required,
            pii: values.pii,
            options,
          },
        }).then((r) => ({ error: r.error, payload: r.data?.createCustomFieldDefinition }));
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (result.payload && result.payload.errors.length > 0) {
      setFormError(applyUserErrors(form, result.payload.errors));
    } else {
      message.success(editing ? t('common.saved') : t('common.created'));
      onSaved();
    }
  };

  return (
    <Modal
      open
      title={editing ? t('customFields.editTitle') : t('customFields.create')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={creating || updating}
      onOk={() => form.submit()}
      onCancel={onClose}
      okButtonProps={{ 'data-testid': 'cf-submit' } as ButtonProps}
      destroyOnHidden
    >
      {formError.length > 0 && (
        <Alert type="error" showIcon message={formError.join('\n')} style={{ marginBottom: 16 }} />
      )}
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={onFinish}
        initialValues={
          editing
            ? {
                key: editing.key,
                label: editing.label,
                type: editing.type,
                required: editing.required,
                pii: editing.pii,
                options: editing.options,
              }
            : { key: '', label: '', type: 'TEXT', required: false, pii: false, options: [] }
        }
      >
        <Form.Item
          name="key"
          label={t('customFields.key')}
          extra={t('customFields.keyHint')}
          rules={[
            { required: true, message: t('common.required', { field: t('customFields.key') }) },
            { pattern: KEY_PATTERN, message: t('customFields.keyInvalid') },
          ]}
        >
          <Input disabled={editing !== null} data-testid="cf-key" />
        </Form.Item>
        <Form.Item
          name="label"
          label={t('customFields.label')}
          rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('customFields.label') }) }]}
        >
          <Input data-testid="cf-label" />
        </Form.Item>
        <Form.Item name="type" label={t('customFields.type')} rules={[{ required: true }]}>
          <Select
            disabled={editing !== null}
            data-testid="cf-type"
            options={CUSTOM_FIELD_TYPES.map((value) => ({ value, label: t(`customFields.types.${value}`) }))}
          />
        </Form.Item>
        {type === 'ENUM' && (
          <Form.Item
            name="options"
            label={t('customFields.options')}
            rules={[{ required: true, type: 'array', min: 1, message: t('customFields.optionsRequired') }]}
          >
            <Select
              mode="tags"
              open={false}
              tokenSeparators={[',', '，']}
              placeholder={t('customFields.optionsPlaceholder')}
              data-testid="cf-options"
            />
          </Form.Item>
        )}
        <Form.Item name="required" label={t('customFields.required')} valuePropName="checked">
          <Switch data-testid="cf-required" />
        </Form.Item>
        <Form.Item name="pii" label={t('customFields.pii')} valuePropName="checked" extra={t('customFields.piiHint')}>
          <Switch data-testid="cf-pii" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
