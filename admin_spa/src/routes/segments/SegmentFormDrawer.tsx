import { useState } from 'react';
import { Alert, App, Button, Drawer, Form, Input, Space, Spin, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { SegmentFieldsFragment } from '../../gql/graphql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { SaveSegmentMutation } from './queries';
import { useSegmentCount, type SegmentCount } from './useSegmentCount';
import './segments.css';

const NAME_MAX = 50;

interface Values {
  name: string;
  description: string;
  condition: string;
  tag: boolean;
}

interface Props {
  /** The segment to edit, or null to create one. */
  editing: SegmentFieldsFragment | null;
  onClose: () => void;
  onSaved: (segment: SegmentFieldsFragment) => void;
}

/** Under the condition: how many members it names now, or why it cannot be counted. */
function LiveCount({ condition, live }: { condition: string; live: SegmentCount }) {
  const { t } = useTranslation();
  if (!condition.trim()) return <span data-testid="segment-live-count" data-state="empty" />;
  if (live.running) {
    return (
      <Space size={6} data-testid="segment-live-count" data-state="running">
        <Spin size="small" />
        <span>{t('segments.form.counting')}</span>
      </Space>
    );
  }
  if (live.error !== null) return <span data-testid="segment-live-count" data-state="error" />;
  return (
    <Typography.Text type="success" data-testid="segment-live-count" data-state="counted" data-count={live.count ?? ''}>
      {t('segments.form.liveCount', { count: live.count ?? 0 })}
    </Typography.Text>
  );
}

/** Create or edit a segment: its condition is counted as it is typed, and checked on save. */
export function SegmentFormDrawer({ editing, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const condition = (Form.useWatch('condition', form) as string | undefined) ?? editing?.condition ?? '';
  const live = useSegmentCount(condition);
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [{ fetching: saving }, save] = useMutation(SaveSegmentMutation);
  // The checker's message while the condition does not compile; the save's errors otherwise.
  const liveError = !live.running && live.error !== null ? live.error : null;

  const onSubmit = async () => {
    let values: Values;
    try {
      values = await form.validateFields();
    } catch {
      return; // the form shows what is wrong
    }
    setFormErrors([]);
    const description = values.description.trim();
    const result = await save({
      input: {
        id: editing?.id ?? null,
        name: values.name.trim(),
        condition: values.condition.trim(),
        description: description || null,
        tag: values.tag,
      },
    });
    const payload = result.data?.saveSegment;
    if (result.error) {
      setFormErrors([describeError(result.error, t)]);
    } else if (payload && payload.errors.length > 0) {
      setFormErrors(applyUserErrors(form, payload.errors));
    } else if (payload?.segment) {
      message.success(editing ? t('common.saved') : t('common.created'));
      onSaved(payload.segment);
    } else {
      message.error(t('common.unexpected'));
    }
  };

  return (
    <Drawer
      open
      width="min(640px, 100vw)"
      title={editing ? t('segments.editTitle', { name: editing.name }) : t('segments.create')}
      onClose={onClose}
      destroyOnHidden
      maskClosable={false}
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={saving} onClick={() => void onSubmit()} data-testid="segment-submit">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {formErrors.length > 0 && (
        <Alert
          type="error"
          showIcon
          message={formErrors.join('\n')}
          style={{ marginBottom: 16, whiteSpace: 'pre-line' }}
          data-testid="segment-form-error"
        />
      )}
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{
          name: editing?.name ?? '',
          description: editing?.description ?? '',
          condition: editing?.condition ?? '',
          tag: editing?.tag ?? false,
        }}
        onValuesChange={() => setFormErrors([])}
      >
        <Form.Item
          name="name"
          label={t('segments.fields.name')}
          rules={[
            { required: true, whitespace: true, message: t('common.required', { field: t('segments.fields.name') }) },
            { max: NAME_MAX, message: t('segments.form.nameTooLong', { max: NAME_MAX }) },
          ]}
        >
          <Input maxLength={NAME_MAX} autoComplete="off" data-testid="segment-name" />
        </Form.Item>
        <Form.Item name="description" label={t('segments.fields.description')} rules={[{ max: 500 }]}>
          <Input.TextArea rows={2} maxLength={500} data-testid="segment-description" />
        </Form.Item>
        <Form.Item
          name="condition"
          label={t('segments.fields.condition')}
          rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('segments.fields.condition') }) }]}
          // While the checker refuses the condition its message stands in for the field's own.
          validateStatus={liveError ? 'error' : undefined}
          help={liveError ? <span data-testid="segment-condition-error">{liveError}</span> : undefined}
          extra={
            <Space direction="vertical" size={4} style={{ width: '100%' }}>
              <LiveCount condition={condition} live={live} />
              <span>{t('segments.form.conditionHint')}</span>
            </Space>
          }
        >
          <Input.TextArea
            autoSize={{ minRows: 3, maxRows: 8 }}
            placeholder={t('segments.form.conditionPlaceholder')}
            spellCheck={false}
            autoComplete="off"
            className="segment-code"
            data-testid="segment-condition"
          />
        </Form.Item>
        <Form.Item name="tag" label={t('segments.fields.tag')} valuePropName="checked" extra={t('segments.form.tagHint')}>
          <Switch data-testid="segment-tag" />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
