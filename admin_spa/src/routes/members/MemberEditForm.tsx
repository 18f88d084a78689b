import { useState } from 'react';
import { Alert, App, Button, DatePicker, Divider, Form, Input, Select } from 'antd';
import { SaveOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { MemberDetailFieldsFragment, UpdateMemberInput } from '../../gql/graphql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { CustomFieldFormItem, dateItemProps } from '../custom-fields/CustomFieldInput';
import { sameValue, type CustomFieldDefinition } from '../custom-fields/customFieldValue';
import { GENDERS, trimmedOrNull, type MemberFormValues } from './memberForm';
import { UpdateMemberMutation } from './queries';

interface Props {
  member: MemberDetailFieldsFragment;
  /** Current custom field values (revealed ones included). */
  customFields: Record<string, unknown>;
  /** Keys whose values are masked for this viewer: read-only and never sent back. */
  maskedKeys: ReadonlySet<string>;
  definitions: readonly CustomFieldDefinition[];
  onSaved: (input: UpdateMemberInput) => void;
}

/**
 * Only what differs from the stored member goes into the update, so a masked or untouched value is
 * never written back. `customFields` carries just the changed keys (null clears a key).
 */
function changedInput(
  member: MemberDetailFieldsFragment,
  customFields: Record<string, unknown>,
  maskedKeys: ReadonlySet<string>,
  definitions: readonly CustomFieldDefinition[],
  values: MemberFormValues,
): UpdateMemberInput {
  const input: UpdateMemberInput = {};
  const name = trimmedOrNull(values.name);
  if (name !== (member.name ?? null)) input.name = name;
  if ((values.gender ?? null) !== (member.gender ?? null)) input.gender = values.gender ?? null;
  if ((values.birthday ?? null) !== (member.birthday ?? null)) input.birthday = values.birthday ?? null;
  const tags = values.tags ?? [];
  if (!sameValue(tags, member.tags)) input.tags = tags;

  const changed: Record<string, unknown> = {};
  for (const definition of definitions) {
    if (maskedKeys.has(definition.key)) continue;
    let value = values.customFields?.[definition.key];
    if (typeof value === 'string') value = value.trim();
    if (value === '' || value === undefined) value = null;
    if (!sameValue(value, customFields[definition.key])) changed[definition.key] = value;
  }
  if (Object.keys(changed).length > 0) input.customFields = changed;
  return input;
}

export function MemberEditForm({ member, customFields, maskedKeys, definitions, onSaved }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<MemberFormValues>();
  const [formError, setFormError] = useState<string[]>([]);
  const [{ fetching }, updateMember] = useMutation(UpdateMemberMutation);

  const onFinish = async (values: MemberFormValues) => {
    setFormError([]);
    const input = changedInput(member, customFields, maskedKeys, definitions, values);
    if (Object.keys(input).length === 0) {
      message.info(t('common.noChanges'));
      return;
    }
    const result = await updateMember({ id: member.id, input });
    const payload = result.data?.updateMember;
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (payload && payload.errors.length > 0) {
      setFormError(applyUserErrors(form, payload.errors));
    } else {
      message.success(t('memberDetail.saved'));
      onSaved(input);
    }
  };

  return (
    <Form<MemberFormValues>
      form={form}
      layout="vertical"
      onFinish={onFinish}
      style={{ maxWidth: 560 }}
      initialValues={{
        name: member.name ?? '',
        gender: member.gender ?? null,
        birthday: member.birthday ?? null,
        tags: member.tags,
        customFields,
      }}
    >
      {formError.length > 0 && (
        <Alert type="error" showIcon message={formError.join('\n')} style={{ marginBottom: 16 }} />
      )}
      <Form.Item name="name" label={t('members.fields.name')}>
        <Input autoComplete="off" data-testid="member-edit-name" />
      </Form.Item>
      <Form.Item name="gender" label={t('members.fields.gender')}>
        <Select
          allowClear
          options={GENDERS.map((value) => ({ value, label: t(`members.gender.${value}`) }))}
          data-testid="member-edit-gender"
        />
      </Form.Item>
      <Form.Item name="birthday" label={t('members.fields.birthday')} {...dateItemProps}>
        <DatePicker style={{ width: '100%' }} data-testid="member-edit-birthday" />
      </Form.Item>
      <Form.Item name="tags" label={t('members.fields.tags')}>
        <Select
          mode="tags"
          open={false}
          tokenSeparators={[',', '，']}
          placeholder={t('members.tagsPlaceholder')}
          data-testid="member-edit-tags"
        />
      </Form.Item>
      {definitions.length > 0 && <Divider orientation="left">{t('memberDetail.customFields')}</Divider>}
      {definitions.map((definition) => (
        <CustomFieldFormItem key={definition.id} definition={definition} masked={maskedKeys.has(definition.key)} />
      ))}
      <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={fetching} data-testid="member-save">
        {t('common.save')}
      </Button>
    </Form>
  );
}
