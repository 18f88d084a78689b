import { useState } from 'react';
import { Alert, Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { customFieldRecord } from '../custom-fields/customFieldValue';
import { RevealMemberPiiMutation } from './queries';

interface Props {
  memberId: string;
  field: string;
  label: string;
  onClose: () => void;
  onRevealed: (key: string, value: unknown) => void;
}

/** Reveals one personal field of a member after asking why; the reason goes into the audit log. */
export function RevealFieldModal({ memberId, field, label, onClose, onRevealed }: Props) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const [{ fetching }, reveal] = useMutation(RevealMemberPiiMutation);
  const [problems, setProblems] = useState<string[]>([]);

  const submit = async ({ reason }: { reason: string }) => {
    const result = await reveal({ id: memberId, field, reason });
    const payload = result.data?.revealMemberPii;
    if (result.error) {
      setProblems([describeError(result.error, t)]);
    } else if (payload && payload.errors.length > 0) {
      setProblems(applyUserErrors(form, payload.errors));
    } else if (payload) {
      onRevealed(field, customFieldRecord(payload.customFields)[field]);
    }
  };

  return (
    <Modal
      open
      title={t('memberDetail.revealField.title', { field: label })}
      okText={t('memberDetail.reveal')}
      cancelText={t('common.cancel')}
      confirmLoading={fetching}
      onOk={() => form.submit()}
      onCancel={onClose}
      okButtonProps={{ 'data-testid': 'reveal-field-submit' } as Record<string, string>}
    >
      <Form form={form} layout="vertical" onFinish={(values) => void submit(values)}>
        <Form.Item
          name="reason"
          label={t('memberDetail.revealField.reason')}
          extra={t('memberDetail.revealField.audited')}
        >
          <Input.TextArea
            rows={2}
            maxLength={200}
            autoFocus
            placeholder={t('memberDetail.revealField.placeholder')}
            data-testid="reveal-field-reason"
          />
        </Form.Item>
        {problems.length > 0 && <Alert type="error" showIcon message={problems.join('\n')} />}
      </Form>
    </Modal>
  );
}
