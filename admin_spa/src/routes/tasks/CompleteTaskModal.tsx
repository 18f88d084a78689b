import { useState } from 'react';
import { Alert, App, Input, Modal, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { TaskFieldsFragment } from '../../gql/graphql';
import { describeError, userErrorMessages } from '../../api/userErrors';
import { CompleteTaskMutation } from './queries';

interface Props {
  task: TaskFieldsFragment;
  onClose: () => void;
  onCompleted: () => void;
}

/** Mark a task done, with what was done as an optional note. */
export function CompleteTaskModal({ task, onClose, onCompleted }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [note, setNote] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [{ fetching }, complete] = useMutation(CompleteTaskMutation);

  const onOk = async () => {
    setFailure(null);
    const result = await complete({ id: task.id, note: note.trim() || null });
    const payload = result.data?.completeTask;
    if (result.error) {
      setFailure(describeError(result.error, t));
    } else if (!payload || payload.errors.length > 0) {
      setFailure(payload ? userErrorMessages(payload.errors).join('\n') : t('common.unexpected'));
    } else {
      message.success(t('tasks.completed'));
      onCompleted();
    }
  };

  return (
    <Modal
      open
      title={t('tasks.completeTitle', { title: task.title })}
      okText={t('tasks.complete')}
      cancelText={t('common.cancel')}
      confirmLoading={fetching}
      maskClosable={!fetching}
      okButtonProps={{ 'data-testid': 'task-complete-confirm' } as ButtonProps}
      onOk={() => void onOk()}
      onCancel={onClose}
      destroyOnHidden
    >
      {failure && (
        <Alert type="error" showIcon message={failure} style={{ marginBottom: 16 }} data-testid="task-complete-error" />
      )}
      <Input.TextArea
        value={note}
        onChange={(event) => setNote(event.target.value)}
        placeholder={t('tasks.notePlaceholder')}
        maxLength={2000}
        autoSize={{ minRows: 3, maxRows: 8 }}
        data-testid="task-complete-note"
      />
    </Modal>
  );
}
