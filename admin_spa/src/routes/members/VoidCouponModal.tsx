import { useState } from 'react';
import { Alert, App, Form, Input, Modal, Typography, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { MemberCouponFieldsFragment } from '../../gql/graphql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { MemberVoidCouponMutation } from './memberCouponQueries';

interface Values {
  reason: string;
}

interface Props {
  coupon: MemberCouponFieldsFragment;
  onClose: () => void;
  onVoided: () => void;
}

/** Void an unused coupon (mis-issued, fraud), with the reason the audit log keeps. Voiding twice is harmless. */
export function VoidCouponModal({ coupon, onClose, onVoided }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [formError, setFormError] = useState<string[]>([]);
  const [{ fetching }, voidCoupon] = useMutation(MemberVoidCouponMutation);

  const onFinish = async ({ reason }: Values) => {
    setFormError([]);
    const result = await voidCoupon({ input: { code: coupon.code, reason: reason.trim() } });
    const payload = result.data?.voidCoupon;
    if (result.error) {
      setFormError([describeError(result.error, t)]);
    } else if (payload && payload.errors.length > 0) {
      const unplaced = applyUserErrors(form, payload.errors);
      setFormError(unplaced.length > 0 ? unplaced : payload.errors.map((e) => e.message));
    } else {
      message.success(t('memberCoupons.void.done'));
      onVoided();
    }
  };

  return (
    <Modal
      open
      title={t('memberCoupons.void.title')}
      okText={t('memberCoupons.void.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={fetching}
      onOk={() => form.submit()}
      onCancel={onClose}
      okButtonProps={{ danger: true, 'data-testid': 'void-coupon-confirm' } as ButtonProps}
      destroyOnHidden
    >
      {formError.length > 0 && (
        <Alert type="error" showIcon message={formError.join('\n')} style={{ marginBottom: 16 }} />
      )}
      <Typography.Paragraph>
        {t('memberCoupons.void.confirm', { code: coupon.code, template: coupon.template.name })}
      </Typography.Paragraph>
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} initialValues={{ reason: '' }}>
        <Form.Item
          name="reason"
          label={t('memberCoupons.void.reason')}
          rules={[
            { required: true, whitespace: true, message: t('common.required', { field: t('memberCoupons.void.reason') }) },
            { max: 200 },
          ]}
        >
          <Input.TextArea
            rows={2}
            maxLength={200}
            placeholder={t('memberCoupons.void.reasonPlaceholder')}
            data-testid="void-coupon-reason"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
