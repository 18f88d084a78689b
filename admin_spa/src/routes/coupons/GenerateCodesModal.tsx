import { useState } from 'react';
import { Alert, App, Form, InputNumber, Modal, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { newIdempotencyKey } from '../../api/idempotencyKey';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { GenerateCouponCodesMutation } from './queries';

export const MAX_BATCH = 1_000_000;

interface Values {
  quantity: number | null;
}

interface Props {
  templateId: string;
  templateName: string;
  onClose: () => void;
  onStarted: () => void;
}

/** "Generate N codes": starts a background batch; the dialog's key makes a double submit start one. */
export function GenerateCodesModal({ templateId, templateName, onClose, onStarted }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [formError, setFormError] = useState<string[]>([]);
  const [{ fetching }, generate] = useMutation(GenerateCouponCodesMutation);

  const onFinish = async (values: Values) => {
    if (typeof values.quantity !== 'number') return;
    setFormError([]);
    const result = await generate({ input: { templateId, quantity: values.quantity, idempotencyKey } });
    const payload = result.data?.generateCouponCodes;
    if (result.error) {
      setFormError([describeError(result.error, t)]);
    } else if (payload && payload.errors.length > 0) {
      setFormError(applyUserErrors(form, payload.errors));
    } else if (payload?.batch) {
      message.success(t('coupons.batches.started', { count: payload.batch.quantity }));
      onStarted();
    } else {
      setFormError([t('common.unexpected')]);
    }
  };

  return (
    <Modal
      open
      title={t('coupons.batches.generateTitle', { name: templateName })}
      okText={t('coupons.batches.generate')}
      cancelText={t('common.cancel')}
      confirmLoading={fetching}
      onOk={() => form.submit()}
      onCancel={onClose}
      okButtonProps={{ 'data-testid': 'batch-submit' } as ButtonProps}
      destroyOnHidden
    >
      {formError.length > 0 && (
        <Alert type="error" showIcon message={formError.join('\n')} style={{ marginBottom: 16 }} data-testid="batch-form-error" />
      )}
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} initialValues={{ quantity: 1000 }}>
        <Form.Item
          name="quantity"
          label={t('coupons.batches.quantity')}
          extra={t('coupons.batches.quantityHint')}
          rules={[
            { required: true, message: t('common.required', { field: t('coupons.batches.quantity') }) },
            {
              validator: async (_, value: unknown) => {
                if (value === null || value === undefined) return;
                if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_BATCH) {
                  throw new Error(t('coupons.errors.integerRange', { low: 1, high: MAX_BATCH.toLocaleString() }));
                }
              },
            },
          ]}
        >
          <InputNumber precision={0} style={{ width: '100%' }} autoFocus data-testid="batch-quantity" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
