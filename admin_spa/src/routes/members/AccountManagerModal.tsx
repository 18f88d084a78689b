import { useState } from 'react';
import { Alert, App, Form, Modal, Select, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import { describeError } from '../../api/userErrors';
import { MemberAccountManagerStaffQuery, MemberSetAccountManagerMutation } from './memberHeaderQueries';

interface Manager {
  id: string;
  name?: string | null;
  email: string;
}

interface Props {
  memberId: string;
  memberLabel: string;
  current: Manager | null | undefined;
  onClose: () => void;
  onSaved: () => void;
}

export function staffLabel(staff: Manager): string {
  return staff.name ? `${staff.name} (${staff.email})` : staff.email;
}

/**
 * Choose the staff member who follows this member up, or nobody. Only for viewers who may list the
 * staff (staff:manage) and write members.
 */
export function AccountManagerModal({ memberId, memberLabel, current, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [selected, setSelected] = useState<string | null>(current?.id ?? null);
  const [formError, setFormError] = useState<string | null>(null);
  const [{ data, fetching: loading, error: staffError }] = useQuery({ query: MemberAccountManagerStaffQuery });
  const [{ fetching }, save] = useMutation(MemberSetAccountManagerMutation);

  // Deactivated staff cannot follow anyone up; the current one stays listed so the choice reads right.
  const options = (data?.staff ?? [])
    .filter((staff) => staff.active || staff.id === current?.id)
    .map((staff) => ({ value: staff.id, label: staffLabel(staff) }));

  const onOk = async () => {
    if (selected === (current?.id ?? null)) {
      onClose();
      return;
    }
    setFormError(null);
    const result = await save({ id: memberId, accountManagerId: selected });
    const payload = result.data?.updateMember;
    if (result.error) {
      setFormError(describeError(result.error, t));
    } else if (payload && payload.errors.length > 0) {
      setFormError(payload.errors.map((e) => e.message).join('\n'));
    } else {
      message.success(t('members.accountManager.saved'));
      onSaved();
    }
  };

  return (
    <Modal
      open
      title={t('members.accountManager.title', { name: memberLabel })}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={fetching}
      onOk={() => void onOk()}
      onCancel={onClose}
      maskClosable={!fetching}
      okButtonProps={{ 'data-testid': 'account-manager-submit' } as ButtonProps}
      destroyOnHidden
    >
      {(formError || staffError) && (
        <Alert
          type="error"
          showIcon
          message={staffError ? describeError(staffError, t) : formError}
          style={{ marginBottom: 16 }}
          data-testid="account-manager-error"
        />
      )}
      <Form layout="vertical">
        <Form.Item label={t('members.accountManager.label')} extra={t('members.accountManager.clearHint')}>
          <Select
            showSearch
            allowClear
            optionFilterProp="label"
            loading={loading}
            value={selected ?? undefined}
            onChange={(value?: string) => setSelected(value ?? null)}
            placeholder={t('members.accountManager.placeholder')}
            options={options}
            data-testid="account-manager-select"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
