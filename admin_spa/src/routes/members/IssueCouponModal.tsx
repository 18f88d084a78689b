import { useRef, useState } from 'react';
import { Alert, App, Form, Modal, Select, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import { newIdempotencyKey } from '../../api/idempotencyKey';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { MemberCouponTemplatesQuery, MemberIssueCouponMutation } from './memberCouponQueries';

interface Values {
  templateId: string;
}

interface Props {
  memberId: string;
  memberLabel: string;
  onClose: () => void;
  onIssued: () => void;
}

/**
 * Issue one coupon of a template to the member. The idempotency key is made once per opened
 * dialog, so however often it is confirmed the member gets at most one coupon from it.
 */
export function IssueCouponModal({ memberId, memberLabel, onClose, onIssued }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [formError, setFormError] = useState<string[]>([]);
  const [{ data, fetching: loadingTemplates, error: templatesError }] = useQuery({
    query: MemberCouponTemplatesQuery,
  });
  const [{ fetching }, issue] = useMutation(MemberIssueCouponMutation);
  const inFlight = useRef(false);
  const done = useRef(false);

  const onFinish = async ({ templateId }: Values) => {
    if (inFlight.current || done.current) return;
    inFlight.current = true;
    setFormError([]);
    try {
      const result = await issue({ input: { templateId, memberId, idempotencyKey } });
      const payload = result.data?.issueCoupon;
      if (result.error) {
        setFormError([describeError(result.error, t)]);
      } else if (payload && payload.errors.length > 0) {
        const unplaced = applyUserErrors(form, payload.errors);
        setFormError(unplaced.length > 0 ? unplaced : payload.errors.map((e) => e.message));
      } else {
        done.current = true;
        message.success(t('memberCoupons.issue.done', { code: payload?.coupon?.code ?? '' }));
        onIssued();
      }
    } finally {
      inFlight.current = false;
    }
  };

  const templates = data?.couponTemplates ?? [];

  return (
    <Modal
      open
      title={t('memberCoupons.issue.title', { name: memberLabel })}
      okText={t('memberCoupons.issue.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={fetching}
      onOk={() => form.submit()}
      onCancel={onClose}
      maskClosable={!fetching}
      okButtonProps={{ 'data-testid': 'issue-coupon-submit' } as ButtonProps}
      destroyOnHidden
    >
      {(formError.length > 0 || templatesError) && (
        <Alert
          type="error"
          showIcon
          message={templatesError ? describeError(templatesError, t) : formError.join('\n')}
          style={{ marginBottom: 16 }}
          data-testid="issue-coupon-error"
        />
      )}
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} onValuesChange={() => setFormError([])}>
        <Form.Item
          name="templateId"
          label={t('memberCoupons.issue.template')}
          rules={[{ required: true, message: t('common.required', { field: t('memberCoupons.issue.template') }) }]}
        >
          <Select
            showSearch
            optionFilterProp="label"
            loading={loadingTemplates}
            placeholder={t('memberCoupons.issue.templatePlaceholder')}
            notFoundContent={loadingTemplates ? undefined : t('memberCoupons.issue.noTemplates')}
            options={templates.map((template) => ({ value: template.id, label: template.name }))}
            data-testid="issue-coupon-template"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
