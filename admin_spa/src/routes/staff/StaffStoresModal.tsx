import { useState } from 'react';
import { Alert, App, Modal, Select, Typography, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { StaffFieldsFragment } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { AssignStaffStoresMutation } from './queries';

interface Props {
  staff: StaffFieldsFragment;
  /** Store codes already in use by other staff, offered as choices. */
  knownStores: readonly string[];
  onClose: () => void;
  onChanged: () => void;
}

/**
 * The stores a staff member records sales for. A scanner or keyboard types a new code and Enter
 * adds it; no stores at all means every store.
 */
export function StaffStoresModal({ staff, knownStores, onClose, onChanged }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [stores, setStores] = useState<string[]>([...staff.stores]);
  const [failure, setFailure] = useState<string | null>(null);
  const [{ fetching }, assign] = useMutation(AssignStaffStoresMutation);

  const onOk = async () => {
    setFailure(null);
    const result = await assign({ id: staff.id, storeCodes: stores });
    const payload = result.data?.assignStaffStores;
    if (result.error) {
      setFailure(describeError(result.error, t));
    } else if (!payload || payload.errors.length > 0) {
      setFailure(payload?.errors.map((e) => e.message).join('\n') ?? t('common.unexpected'));
    } else {
      message.success(t('staff.storesChanged'));
      onChanged();
    }
  };

  const choices = Array.from(new Set([...knownStores, ...staff.stores])).sort();

  return (
    <Modal
      open
      title={t('staff.assignStores')}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={fetching}
      okButtonProps={{ 'data-testid': 'staff-stores-confirm' } as ButtonProps}
      onOk={() => void onOk()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>{t('staff.assignStoresFor', { email: staff.email })}</Typography.Paragraph>
      {failure && (
        <Alert type="error" showIcon message={failure} style={{ marginBottom: 16 }} data-testid="staff-stores-error" />
      )}
      <Select<string[]>
        mode="tags"
        value={stores}
        onChange={(values) => setStores(values.map((v) => v.trim()).filter(Boolean))}
        style={{ width: '100%' }}
        placeholder={t('staff.allStores')}
        tokenSeparators={[',', ' ', '，']}
        data-testid="staff-stores-select"
        options={choices.map((value) => ({ value, label: value }))}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        {t('staff.storesHint')}
      </Typography.Paragraph>
    </Modal>
  );
}
