import { useMemo, useState } from 'react';
import { Alert, App, Form, Modal, Select, Spin, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { useDebouncedValue } from '../../hooks/useDebouncedValue';
import { MembersQuery, MergeMembersMutation } from './queries';

interface Props {
  targetId: string;
  onClose: () => void;
  onMerged: () => void;
}

interface Values {
  sourceId: string;
}

/** Merges a member found by search (the source) into the member on screen (the target). */
export function MergeMemberModal({ targetId, onClose, onMerged }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [search, setSearch] = useState('');
  const [formError, setFormError] = useState<string[]>([]);
  const debounced = useDebouncedValue(search.trim(), 250);
  const variables = useMemo(() => ({ first: 10, filter: { search: debounced } }), [debounced]);
  const [{ data, fetching: searching }] = useQuery({ query: MembersQuery, variables, pause: !debounced });
  const [{ fetching: merging }, merge] = useMutation(MergeMembersMutation);

  const options = (debounced ? (data?.members.edges ?? []) : [])
    .map((edge) => edge.node)
    .filter((member) => member.id !== targetId)
    .map((member) => ({
      value: member.id,
      label: [member.name, member.phone].filter(Boolean).join(' · '),
    }));

  const onFinish = async ({ sourceId }: Values) => {
    setFormError([]);
    const result = await merge({ input: { sourceId, targetId } });
    const payload = result.data?.mergeMembers;
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (payload && payload.errors.length > 0) {
      setFormError(applyUserErrors(form, payload.errors));
    } else {
      message.success(t('merge.done'));
      onMerged();
    }
  };

  return (
    <Modal
      open
      title={t('merge.title')}
      okText={t('merge.submit')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: true, 'data-testid': 'merge-submit' } as ButtonProps}
      confirmLoading={merging}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Alert type="warning" showIcon message={t('merge.hint')} style={{ marginBottom: 16 }} />
      {formError.length > 0 && (
        <Alert type="error" showIcon message={formError.join('\n')} style={{ marginBottom: 16 }} />
      )}
      <Form<Values> form={form} layout="vertical" onFinish={onFinish}>
        <Form.Item
          name="sourceId"
          label={t('merge.source')}
          rules={[{ required: true, message: t('common.required', { field: t('merge.source') }) }]}
        >
          <Select
            showSearch
            filterOption={false}
            placeholder={t('merge.sourcePlaceholder')}
            onSearch={setSearch}
            options={options}
            notFoundContent={searching ? <Spin size="small" /> : undefined}
            data-testid="merge-source"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
