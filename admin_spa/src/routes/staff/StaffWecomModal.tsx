import { useState } from 'react';
import { Alert, App, Input, Modal, Typography, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { StaffFieldsFragment } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { SetStaffWecomUserIdMutation } from './queries';

interface Props {
  staff: StaffFieldsFragment;
  onClose: () => void;
  onChanged: () => void;
}

/**
 * The staff member's WeCom account (企业微信 userid): WeCom tasks to the members they manage go to
 * this account to confirm. Empty clears it.
 */
export function StaffWecomModal({ staff, onClose, onChanged }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [value, setValue] = useState(staff.wecomUserId ?? '');
  const [failure, setFailure] = useState<string | null>(null);
  const [{ fetching }, save] = useMutation(SetStaffWecomUserIdMutation);

  const onOk = async () => {
    setFailure(null);
    const result = await save({ id: staff.id, wecomUserId: value.trim() || null });
    const payload = result.data?.setStaffWecomUserId;
    if (result.error) {
      setFailure(describeError(result.error, t));
    } else if (!payload || payload.errors.length > 0) {
      setFailure(payload?.errors.map((e) => e.message).join('\n') ?? t('common.unexpected'));
    } else {
      message.success(t('staff.wecomChanged'));
      onChanged();
    }
  };

  return (
    <Modal
      open
      title={t('staff.wecom')}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={fetching}
      okButtonProps={{ 'data-testid': 'staff-wecom-confirm' } as ButtonProps}
      onOk={() => void onOk()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>{t('staff.wecomFor', { email: staff.email })}</Typography.Paragraph>
      {failure && (
        <Alert type="error" showIcon message={failure} style={{ marginBottom: 16 }} data-testid="staff-wecom-error" />
      )}
      <Input
        value={value}
        onChange={(event) => setValue(event.target.value)}
        placeholder="zhangsan"
        maxLength={64}
        data-testid="staff-wecom-input"
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        {t('staff.wecomHint')}
      </Typography.Paragraph>
    </Modal>
  );
}
