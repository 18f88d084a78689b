import { useCallback, useRef, useState } from 'react';
import { Alert, App, Button, Col, Drawer, Form, Row, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation, type CombinedError } from 'urql';
import type { CouponTemplateFieldsFragment, CreateCouponTemplateMutation as CreateResult } from '../../gql/graphql';
import { applyUserErrors, describeError, type UserErrorLike } from '../../api/userErrors';
import { useViewer } from '../../session/ViewerProvider';
import { CouponPreviewPanel } from './CouponPreviewPanel';
import { faceValue, formatFaceMoney } from './couponFormat';
import { TemplateFormFields } from './TemplateFormFields';
import {
  INITIAL_TEMPLATE,
  changedTemplateInput,
  isTemplateField,
  isValueLocked,
  templateToForm,
  toTemplateInput,
  type TemplateField,
  type TemplateFormValues,
} from './templateForm';
import { CreateCouponTemplateMutation, UpdateCouponTemplateMutation } from './queries';

/** What creating or updating answers (both return a CouponTemplatePayload). */
interface SaveResult {
  error: CombinedError | undefined;
  payload: CreateResult['createCouponTemplate'] | undefined;
}

interface Props {
  /** The template to edit; without it the drawer makes a new one. */
  editing?: CouponTemplateFieldsFragment;
  onClose: () => void;
  onSaved: (template: CouponTemplateFieldsFragment) => void;
}

/**
 * Creates a coupon template, or edits one, with a live preview of its discount on a sample order.
 * Editing sends only what changed.
 */
export function CouponTemplateDrawer({ editing, onClose, onSaved }: Props) {
  const { t, i18n } = useTranslation();
  const { viewer } = useViewer();
  const { message } = App.useApp();
  const [form] = Form.useForm<TemplateFormValues>();
  const values = Form.useWatch([], form) as TemplateFormValues | undefined;
  const [formError, setFormError] = useState<string[]>([]);
  const [{ fetching: creating }, create] = useMutation(CreateCouponTemplateMutation);
  const [{ fetching: updating }, update] = useMutation(UpdateCouponTemplateMutation);
  const warned = useRef<TemplateField[]>([]);
  // Read once: the form keeps what was loaded while the page behind it may refresh.
  const [initialValues] = useState<TemplateFormValues>(() => (editing ? templateToForm(editing) : INITIAL_TEMPLATE));
  const valueLocked = editing ? isValueLocked(editing) : false;

  const current = values ?? initialValues;
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
    let result: SaveResult;
    if (editing) {
      const input = changedTemplateInput(editing, submitted);
      if (Object.keys(input).length === 0) {
        message.info(t('common.noChanges'));
        return;
      }
      const answer = await update({ id: editing.id, input });
      result = { error: answer.error, payload: answer.data?.updateCouponTemplate };
    } else {
      const answer = await create({ input: toTemplateInput(submitted) });
      result = { error: answer.error, payload: answer.data?.createCouponTemplate };
    }
    const { error, payload } = result;
    if (error) {
      setFormError([describeError(error, t)]);
    } else if (payload && payload.errors.length > 0) {
      setFormError(applyUserErrors(form, payload.errors));
    } else if (payload?.template) {
      message.success(t(editing ? 'common.saved' : 'common.created'));
      onSaved(payload.template);
    } else {
      setFormError([t('common.unexpected')]);
    }
  };

  return (
    <Drawer
      open
      width="min(1240px, 100vw)"
      title={editing ? t('coupons.edit', { name: editing.name }) : t('coupons.create')}
      onClose={onClose}
      destroyOnHidden
      maskClosable={false}
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={creating || updating} onClick={() => void onSubmit()} data-testid="template-submit">
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
          {valueLocked && (
            <Alert type="info" showIcon message={t('coupons.valueLocked')} style={{ marginBottom: 16 }} data-testid="template-value-locked" />
          )}
          <Form<TemplateFormValues>
            form={form}
            layout="vertical"
            initialValues={initialValues}
            onValuesChange={() => setFormError([])}
          >
            <TemplateFormFields
              kind={current.kind}
              validityMode={current.validityMode ?? 'DAYS'}
              editing={editing !== undefined}
              valueLocked={valueLocked}
            />
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
