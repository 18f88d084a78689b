import { useCallback, useRef, useState } from 'react';
import { Alert, App, Button, Col, Drawer, Form, Row, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { CouponTemplateFieldsFragment } from '../../gql/graphql';
import { applyUserErrors, describeError, type UserErrorLike } from '../../api/userErrors';
import { useViewer } from '../../session/ViewerProvider';
import { CouponPreviewPanel } from './CouponPreviewPanel';
import { faceValue, formatFaceMoney } from './couponFormat';
import { TemplateFormFields } from './TemplateFormFields';
import { INITIAL_TEMPLATE, isTemplateField, toTemplateInput, type TemplateField, type TemplateFormValues } from './templateForm';
import { CreateCouponTemplateMutation } from './queries';

interface Props {
  onClose: () => void;
  onCreated: (template: CouponTemplateFieldsFragment) => void;
}

/** Creates a coupon template, with a live preview of its discount on a sample order. */
export function CouponTemplateDrawer({ onClose, onCreated }: Props) {
  const { t, i18n } = useTranslation();
  const { viewer } = useViewer();
  const { message } = App.useApp();
  const [form] = Form.useForm<TemplateFormValues>();
  const values = Form.useWatch([], form) as TemplateFormValues | undefined;
  const [formError, setFormError] = useState<string[]>([]);
  const [{ fetching }, create] = useMutation(CreateCouponTemplateMutation);
  const warned = useRef<TemplateField[]>([]);

  const current = values ?? INITIAL_TEMPLATE;
  const template = toTemplateInput(current, t('coupons.preview.untitled'));

  // The preview validates the draft as saving would: its verdict shows on the fields as warnings
  // (saving is not blocked by them, the server decides then), except where the form's own check
  // already shows an error.
  const onTemplateErrors = useCallback(
    (errors: readonly UserErrorLike[]) => {
      const byField = new Map<TemplateField, string[]>();
      for (const error of errors) {
        const name = error.field?.[2];
        if (name && isTemplateField(name)) byField.set(name, [...(byField.get(name) ?? []), error.message]);
      }
      const registered = new Set(form.getFieldsError().map(({ name }) => name.join('.')));
      const updates = warned.current
        .filter((name) => !byField.has(name) && registered.has(name))
        .map((name) => ({ name, warnings: [] as string[] }));
      const next: TemplateField[] = [];
      for (const [name, messages] of byField) {
        if (!registered.has(name) || form.getFieldError(name).length > 0) continue;
        updates.push({ name, warnings: messages });
        next.push(name);
      }
      warned.current = next;
      form.setFields(updates);
    },
    [form],
  );

  const onSubmit = async () => {
    let submitted: TemplateFormValues;
    try {
      submitted = await form.validateFields();
    } catch {
      return; // the form shows what is wrong
    }
    setFormError([]);
    const result = await create({ input: toTemplateInput(submitted) });
    const payload = result.data?.createCouponTemplate;
    if (result.error) {
      setFormError([describeError(result.error, t)]);
    } else if (payload && payload.errors.length > 0) {
      setFormError(applyUserErrors(form, payload.errors));
    } else if (payload?.template) {
      message.success(t('common.created'));
      onCreated(payload.template);
    } else {
      setFormError([t('common.unexpected')]);
    }
  };

  return (
    <Drawer
      open
      width="min(1240px, 100vw)"
      title={t('coupons.create')}
      onClose={onClose}
      destroyOnHidden
      maskClosable={false}
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={fetching} onClick={() => void onSubmit()} data-testid="template-submit">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Row gutter={24}>
        <Col xs={24} lg={12}>
          {formError.length > 0 && (
            <Alert type="error" showIcon message={formError.join('\n')} style={{ marginBottom: 16 }} data-testid="template-form-error" />
          )}
          <Form<TemplateFormValues>
            form={form}
            layout="vertical"
            initialValues={INITIAL_TEMPLATE}
            onValuesChange={() => setFormError([])}
          >
            <TemplateFormFields kind={current.kind} validityMode={current.validityMode ?? 'DAYS'} />
          </Form>
        </Col>
        <Col xs={24} lg={12}>
          <div style={{ position: 'sticky', top: 0 }}>
            <CouponPreviewPanel
              template={template}
              summary={faceValue(template, t, (fen) => formatFaceMoney(fen, viewer.tenant.currency, i18n.language))}
              onTemplateErrors={onTemplateErrors}
            />
          </div>
        </Col>
      </Row>
    </Drawer>
  );
}
