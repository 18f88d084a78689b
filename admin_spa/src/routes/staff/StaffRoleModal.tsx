import { useState } from 'react';
import { Alert, App, Modal, Select, Typography, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { StaffFieldsFragment } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { ROLES, type Role } from '../../session/permissions';
import { ChangeStaffRoleMutation } from './queries';

interface Props {
  staff: StaffFieldsFragment;
  /** Only owners hand out (or take away) the owner role. */
  viewerIsOwner: boolean;
  onClose: () => void;
  onChanged: () => void;
}

/** Pick a role, then confirm; a refusal (the last owner, an owner's account) stays in the dialog. */
export function StaffRoleModal({ staff, viewerIsOwner, onClose, onChanged }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [role, setRole] = useState<string>(staff.role);
  const [failure, setFailure] = useState<string | null>(null);
  const [{ fetching }, changeRole] = useMutation(ChangeStaffRoleMutation);

  const onOk = async () => {
    setFailure(null);
    const result = await changeRole({ id: staff.id, role });
    const payload = result.data?.changeStaffRole;
    if (result.error) {
      setFailure(describeError(result.error, t));
    } else if (!payload || payload.errors.length > 0) {
      setFailure(payload?.errors.map((e) => e.message).join('\n') ?? t('common.unexpected'));
    } else {
      message.success(t('staff.roleChanged'));
      onChanged();
    }
  };

  const choices: readonly Role[] = viewerIsOwner ? ROLES : ROLES.filter((r) => r !== 'owner');

  return (
    <Modal
      open
      title={t('staff.changeRole')}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={fetching}
      okButtonProps={{ disabled: role === staff.role, 'data-testid': 'staff-role-confirm' } as ButtonProps}
      onOk={() => void onOk()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>{t('staff.changeRoleFor', { email: staff.email })}</Typography.Paragraph>
      {failure && (
        <Alert type="error" showIcon message={failure} style={{ marginBottom: 16 }} data-testid="staff-role-error" />
      )}
      <Select<string>
        value={role}
        onChange={setRole}
        style={{ width: '100%' }}
        data-testid="staff-role-select"
        options={choices.map((value) => ({ value, label: t(`staff.roles.${value}`) }))}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        {t('staff.roleEffective')}
      </Typography.Paragraph>
    </Modal>
  );
}
