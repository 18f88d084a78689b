import { useState } from 'react';
import { Alert, App, Modal, Select, Typography, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import { describeError, userErrorMessages } from '../../api/userErrors';
import { SetDefaultTaskAssigneeMutation, TaskSettingsQuery } from './queries';

interface Props {
  onClose: () => void;
}

/**
 * Who gets the tasks of members without an account manager. For viewers who may close anyone's
 * tasks and list the staff.
 */
export function DefaultAssigneeModal({ onClose }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [{ data, fetching: loading, error }] = useQuery({ query: TaskSettingsQuery, requestPolicy: 'network-only' });
  const current = data?.taskSettings.defaultAssignee?.id ?? null;
  const [chosen, setChosen] = useState<string | null | undefined>(undefined);
  const [failure, setFailure] = useState<string | null>(null);
  const [{ fetching }, save] = useMutation(SetDefaultTaskAssigneeMutation);
  const selected = chosen === undefined ? current : chosen;

  const options = (data?.staff ?? [])
    .filter((staff) => staff.active || staff.id === current)
    .map((staff) => ({ value: staff.id, label: staff.name ? `${staff.name} (${staff.email})` : staff.email }));

  const onOk = async () => {
    setFailure(null);
    const result = await save({ staffId: selected });
    const payload = result.data?.setDefaultTaskAssignee;
    if (result.error) {
      setFailure(describeError(result.error, t));
    } else if (!payload || payload.errors.length > 0) {
      setFailure(payload ? userErrorMessages(payload.errors).join('\n') : t('common.unexpected'));
    } else {
      message.success(t('tasks.defaultAssignee.saved'));
      onClose();
    }
  };

  return (
    <Modal
      open
      title={t('tasks.defaultAssignee.title')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={fetching}
      okButtonProps={{ disabled: loading, 'data-testid': 'default-assignee-save' } as ButtonProps}
      onOk={() => void onOk()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('tasks.defaultAssignee.hint')}</Typography.Paragraph>
      {(failure || error) && (
        <Alert
          type="error"
          showIcon
          message={error ? describeError(error, t) : failure}
          style={{ marginBottom: 16 }}
          data-testid="default-assignee-error"
        />
      )}
      <Select<string>
        allowClear
        showSearch
        optionFilterProp="label"
        loading={loading}
        value={selected ?? undefined}
        placeholder={t('tasks.defaultAssignee.none')}
        onChange={(value) => setChosen(value ?? null)}
        options={options}
        style={{ width: '100%' }}
        data-testid="default-assignee-select"
      />
    </Modal>
  );
}
