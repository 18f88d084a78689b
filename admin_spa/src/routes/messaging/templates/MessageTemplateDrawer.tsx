import { useRef, useState } from 'react';
import { App, Button, Col, Divider, Drawer, Form, Input, Row, Select, Space, type FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import type { MessageTemplateFieldsFragment } from '../../../gql/graphql';
import { describeError } from '../../../api/userErrors';
import { ErrorListAlert } from '../../../components/ErrorListAlert';
import { useIsNarrow } from '../../../hooks/useIsNarrow';
import { clearChangedErrors } from '../formErrors';
import { CHANNELS, messagingText } from '../messagingCodes';
import { ChannelContentFields, type FocusedValue } from './ChannelContentFields';
import { MessageTemplateEditorQuery, SaveMessageTemplateMutation } from './queries';
import { applyTemplateErrors, contentInput, templateInitialValues, type TemplateValues } from './templateForm';
import { TemplatePreview } from './TemplatePreview';
import { TemplateVariables } from './TemplateVariables';

interface Props {
  /** The template to change, or null to write a new one. */
  editing: MessageTemplateFieldsFragment | null;
  onClose: () => void;
  onSaved: (template: MessageTemplateFieldsFragment) => void;
}

/** Writes a template: its name, title and purpose, then each channel's content with variables. */
export function MessageTemplateDrawer({ editing, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const narrow = useIsNarrow();
  const [form] = Form.useForm<TemplateValues>();
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [{ data, fetching: loading, error: loadError }] = useQuery({ query: MessageTemplateEditorQuery });
  const [{ fetching: saving }, save] = useMutation(SaveMessageTemplateMutation);
  const focused = useRef<FocusedValue | null>(null);
  const purposes = data?.messagingSettings.purposes ?? [];
  // what is being written, previewed as it stands (switched-off channels keep their values)
  Form.useWatch([], form);
  const draftContent = contentInput(form.getFieldsValue(true) as TemplateValues);

  const onInsert = (token: string) => {
    const target = focused.current;
    if (!target) {
      message.info(t('messaging.templates.chooseValueFirst'));
      return;
    }
    // The value's path is built at run time (a field row's index): the form's typed paths cannot name it.
    const untyped = form as unknown as FormInstance;
    const current = String(untyped.getFieldValue(target.name) ?? '');
    const start = target.element.selectionStart ?? current.length;
    const end = target.element.selectionEnd ?? start;
    untyped.setFieldValue(target.name, current.slice(0, start) + token + current.slice(end));
    const caret = start + token.length;
    window.requestAnimationFrame(() => {
      target.element.focus();
      target.element.setSelectionRange(caret, caret);
    });
  };

  const onFinish = async () => {
    setFormErrors([]);
    // Channels switched off keep what was typed in them (unmounted fields): read the whole store.
    const values = form.getFieldsValue(true) as TemplateValues;
    const result = await save({
      input: {
        id: editing?.id ?? null,
        name: values.name.trim(),
        title: values.title.trim(),
        purpose: values.purpose ?? '',
        content: contentInput(values),
      },
    });
    const payload = result.data?.saveMessageTemplate;
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (payload && payload.errors.length > 0) {
      setFormErrors(applyTemplateErrors(form, payload.errors));
    } else if (payload?.template) {
      message.success(editing ? t('common.saved') : t('messaging.templates.created'));
      onSaved(payload.template);
    } else {
      message.error(t('common.unexpected'));
    }
  };

  return (
    <Drawer
      open
      title={editing ? t('messaging.templates.editTitle', { name: editing.title }) : t('messaging.templates.create')}
      width={narrow ? '100%' : 720}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="template-save">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {loadError && <ErrorListAlert title={t('messaging.templates.failed')} messages={[describeError(loadError, t)]} testId="template-load-error" />}
      <ErrorListAlert title={t('messaging.templates.failed')} messages={formErrors} testId="template-form-errors" />
      {!loading && (
        <Form<TemplateValues>
          form={form}
          layout="vertical"
          onFinish={onFinish}
          onValuesChange={(changed: object) => clearChangedErrors(form, changed)}
          initialValues={templateInitialValues(editing, purposes)}
        >
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item
                name="name"
                label={t('messaging.templates.name')}
                extra={t('messaging.templates.nameHint')}
                rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('messaging.templates.name') }) }]}
              >
                <Input autoComplete="off" placeholder="birthday" data-testid="template-name" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="title"
                label={t('messaging.templates.titleField')}
                rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('messaging.templates.titleField') }) }]}
              >
                <Input autoComplete="off" data-testid="template-title" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="purpose"
                label={t('messaging.templates.purpose')}
                extra={t('messaging.templates.purposeHint')}
                rules={[{ required: true, message: t('common.required', { field: t('messaging.templates.purpose') }) }]}
              >
                <Select
                  options={purposes.map((purpose) => ({ value: purpose, label: messagingText(t, 'purposes', purpose) }))}
                  data-testid="template-purpose"
                />
              </Form.Item>
            </Col>
          </Row>
          <Divider orientation="left" plain>
            {t('messaging.templates.variables')}
          </Divider>
          <TemplateVariables variables={data?.templateVariables ?? []} onInsert={onInsert} />
          <Divider orientation="left" plain>
            {t('messaging.templates.content')}
          </Divider>
          <Space direction="vertical" size="middle" style={{ width: '100%' }}>
            {CHANNELS.map((channel) => (
              <ChannelContentFields
                key={channel}
                channel={channel}
                onFocusValue={(value) => {
                  focused.current = value;
                }}
              />
            ))}
          </Space>
        </Form>
      )}
      {!loading && !loadError && (
        <>
          <Divider orientation="left" plain>
            {t('messaging.templates.preview')}
          </Divider>
          <TemplatePreview content={draftContent} />
        </>
      )}
    </Drawer>
  );
}
