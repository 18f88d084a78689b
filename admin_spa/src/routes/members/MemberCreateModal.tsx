import { useState } from 'react';
import { Alert, App, DatePicker, Divider, Form, Input, Modal, Select, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { CreateMemberInput } from '../../gql/graphql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { CustomFieldFormItem, dateItemProps } from '../custom-fields/CustomFieldInput';
import type { CustomFieldDefinition } from '../custom-fields/customFieldValue';
import { GENDERS, filledCustomFields, trimmedOrNull, type MemberFormValues } from './memberForm';
import { CreateMemberMutation } from './queries';

interface Props {
  definitions: readonly CustomFieldDefinition[];
  onClose: () => void;
  onCreated: (memberId: string) => void;
}

export function MemberCreateModal({ definitions, onClose, onCreated }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<MemberFormValues>();
  const [formError, setFormError] = useState<string[]>([]);
  const [{ fetching }, createMember] = useMutation(CreateMemberMutation);

  const onFinish = async (values: MemberFormValues) => {
    setFormError([]);
    const input: CreateMemberInput = { phone: (values.phone ?? '').trim() };
    const name = trimmedOrNull(values.name);
    if (name) input.name = name;
    if (values.gender) input.gender = values.gender;
    if (values.birthday) input.birthday = values.birthday;
    if (values.tags?.length) input.tags = values.tags;
    const customFields = filledCustomFields(values.customFields);
    if (Object.keys(customFields).length > 0) input.customFields = customFields;

    const result = await createMember({ input });
    const payload = result.data?.createMember;
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (payload && payload.errors.length > 0) {
      setFormError(applyUserErrors(form, payload.errors));
    } else if (payload?.member) {
      message.success(t('members.created'));
      onCreated(payload.member.id);
    }
  };

  return (
    <Modal
      open
      width={560}
      title={t('members.createTitle')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={fetching}
      onOk={() => form.submit()}
      onCancel={onClose}
      okButtonProps={{ 'data-testid': 'member-create-submit' } as ButtonProps}
      destroyOnHidden
    >
      {formError.length > 0 && (
        <Alert type="error" showIcon message={formError.join('\n')} style={{ marginBottom: 16 }} />
      )}
      <Form<MemberFormValues>
        form={form}
        layout="vertical"
        onFinish={onFinish}
        initialValues={{
          tags: [],
          customFields: Object.fromEntries(definitions.filter((d) => d.type === 'BOOL' && d.required).map((d) => [d.key, false])),
        }}
      >
        <Form.Item
          name="phone"
          label={t('members.fields.phone')}
          rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('members.fields.phone') }) }]}
        >
          <Input inputMode="tel" autoComplete="off" data-testid="member-create-phone" />
        </Form.Item>
        <Form.Item name="name" label={t('members.fields.name')}>
          <Input autoComplete="off" data-testid="member-create-name" />
        </Form.Item>
        <Form.Item name="gender" label={t('members.fields.gender')}>
          <Select
            allowClear
            options={GENDERS.map((value) => ({ value, label: t(`members.gender.${value}`) }))}
            data-testid="member-create-gender"
          />
        </Form.Item>
        <Form.Item name="birthday" label={t('members.fields.birthday')} {...dateItemProps}>
          <DatePicker style={{ width: '100%' }} data-testid="member-create-birthday" />
        </Form.Item>
        <Form.Item name="tags" label={t('members.fields.tags')}>
          <Select
            mode="tags"
            open={false}
            tokenSeparators={[',', '，']}
            placeholder={t('members.tagsPlaceholder')}
            data-testid="member-create-tags"
          />
        </Form.Item>
        {definitions.length > 0 && <Divider orientation="left">{t('memberDetail.customFields')}</Divider>}
        {definitions.map((definition) => (
          <CustomFieldFormItem key={definition.id} definition={definition} />
        ))}
      </Form>
    </Modal>
  );
}
