import { useState } from 'react';
import { Alert, App, Button, Col, Drawer, Form, Input, InputNumber, Row, Select, Space, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { EarningRuleDraftInput, EarningRuleFieldsFragment } from '../../gql/graphql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { RuleParamsFields } from './RuleParamsFields';
import { RulePreviewPanel } from './RulePreviewPanel';
import { kindHint, kindLabel, paramLabel, type RuleKind } from './ruleFormat';
import { formToParams, missingRequired, paramsToForm, storedRuleDraft, type RuleFormValues } from './ruleParams';
import { CreateEarningRuleMutation, UpdateEarningRuleMutation } from './queries';

const PRIORITY_LIMIT = 1_000_000;

interface Props {
  /** The rule to edit, or null to create one. */
  editing: EarningRuleFieldsFragment | null;
  kinds: readonly RuleKind[];
  /** Every stored rule, oldest first: the preview runs with the enabled ones. */
  rules: readonly EarningRuleFieldsFragment[];
  onClose: () => void;
  onSaved: () => void;
}

export function EarningRuleDrawer({ editing, kinds, rules, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<RuleFormValues>();
  const values = Form.useWatch([], form) as RuleFormValues | undefined;
  const [formError, setFormError] = useState<string[]>([]);
  const [{ fetching: creating }, create] = useMutation(CreateEarningRuleMutation);
  const [{ fetching: updating }, update] = useMutation(UpdateEarningRuleMutation);

  const editingKind = editing ? kinds.find((kind) => kind.name === editing.kind) : undefined;
  const kindName = values?.kind ?? editing?.kind;
  const kind = kinds.find((k) => k.name === kindName);
  const selectable = kinds.filter((k) => k.storable);

  const initialValues: RuleFormValues = editing
    ? {
        kind: editing.kind,
        name: editing.name,
        priority: editing.priority,
        enabled: editing.enabled,
        params: paramsToForm(editingKind, editing.params),
      }
    : { name: '', priority: 0, enabled: true, params: {} };

  // The preview: the stored enabled rules, with this one (as the form has it) in its place.
  const missing = kind ? missingRequired(kind, values?.params) : [];
  const current: EarningRuleDraftInput | null =
    kind && missing.length === 0
      ? {
          name: values?.name?.trim() || kindLabel(kind.name, t),
          kind: kind.name,
          params: formToParams(kind, values?.params),
          priority: typeof values?.priority === 'number' ? values.priority : 0,
          enabled: values?.enabled ?? true,
        }
      : null;
  const drafts: EarningRuleDraftInput[] = [];
  let editedIndex = -1;
  for (const rule of rules) {
    if (editing && rule.id === editing.id) {
      if (current) {
        editedIndex = drafts.length;
        drafts.push(current);
      }
    } else if (rule.enabled && rule.available) {
      drafts.push(storedRuleDraft(rule));
    }
  }
  if (!editing && current) {
    editedIndex = drafts.length;
    drafts.push(current);
  }
  let notice: string | null = null;
  if (!kind) notice = t('earningRules.preview.chooseKind');
  else if (missing.length > 0) {
    notice = t('earningRules.preview.incomplete', {
      params: missing.map((param) => paramLabel(kind.name, param, t)).join(t('earningRules.listSeparator')),
    });
  } else if (current && !current.enabled) notice = t('earningRules.preview.disabled');

  const onKindChange = (next: string) => {
    // A name still equal to the previous kind's label follows the kind.
    const name = form.getFieldValue('name') as string | undefined;
    const previous = kindName ? kindLabel(kindName, t) : '';
    if (!name?.trim() || name === previous) form.setFieldValue('name', kindLabel(next, t));
    setFormError([]);
  };

  const onSubmit = async () => {
    let submitted: RuleFormValues;
    try {
      submitted = await form.validateFields();
    } catch {
      return; // the form shows what is wrong
    }
    if (!kind) return;
    setFormError([]);
    const params = formToParams(kind, submitted.params);
    const base = {
      name: (submitted.name ?? '').trim(),
      params,
      priority: submitted.priority ?? 0,
      enabled: submitted.enabled ?? true,
    };
    const result = editing
      ? await update({ id: editing.id, input: base }).then((r) => ({ error: r.error, payload: r.data?.updateEarningRule }))
      : await create({ input: { ...base, kind: kind.name } }).then((r) => ({
          error: r.error,
          payload: r.data?.createEarningRule,
        }));
    if (result.error) {
      setFormError([describeError(result.error, t)]);
    } else if (result.payload && result.payload.errors.length > 0) {
      setFormError(applyUserErrors(form, result.payload.errors));
    } else {
      message.success(editing ? t('common.saved') : t('common.created'));
      onSaved();
    }
  };

  return (
    <Drawer
      open
      width="min(1240px, 100vw)"
      title={editing ? t('earningRules.editTitle', { name: editing.name }) : t('earningRules.create')}
      onClose={onClose}
      destroyOnHidden
      maskClosable={false}
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={creating || updating} onClick={() => void onSubmit()} data-testid="rule-submit">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Row gutter={24}>
        <Col xs={24} lg={11}>
          {formError.length > 0 && (
            <Alert type="error" showIcon message={formError.join('\n')} style={{ marginBottom: 16 }} data-testid="rule-form-error" />
          )}
          <Form<RuleFormValues>
            form={form}
            layout="vertical"
            initialValues={initialValues}
            onValuesChange={() => setFormError([])}
          >
            <Form.Item
              name="kind"
              label={t('earningRules.kind')}
              rules={[{ required: true, message: t('common.required', { field: t('earningRules.kind') }) }]}
              extra={kind ? <Typography.Text type="secondary">{kindHint(kind, t)}</Typography.Text> : undefined}
            >
              <Select
                disabled={editing !== null}
                placeholder={t('earningRules.kindPlaceholder')}
                onChange={onKindChange}
                options={(editing ? kinds : selectable).map((k) => ({ value: k.name, label: kindLabel(k.name, t) }))}
                data-testid="rule-kind"
              />
            </Form.Item>
            <Form.Item
              name="name"
              label={t('earningRules.name')}
              rules={[
                { required: true, whitespace: true, message: t('common.required', { field: t('earningRules.name') }) },
                { max: 100 },
              ]}
            >
              <Input maxLength={100} data-testid="rule-name" />
            </Form.Item>
            <Row gutter={16}>
              <Col span={12}>
                <Form.Item
                  name="priority"
                  label={t('earningRules.priority')}
                  tooltip={t('earningRules.priorityHint')}
                  rules={[
                    { required: true, message: t('common.required', { field: t('earningRules.priority') }) },
                    {
                      type: 'integer',
                      min: -PRIORITY_LIMIT,
                      max: PRIORITY_LIMIT,
                      message: t('earningRules.errors.range', { low: -PRIORITY_LIMIT, high: PRIORITY_LIMIT }),
                    },
                  ]}
                >
                  <InputNumber precision={0} style={{ width: '100%' }} data-testid="rule-priority" />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="enabled" label={t('earningRules.enabled')} valuePropName="checked">
                  <Switch data-testid="rule-enabled" />
                </Form.Item>
              </Col>
            </Row>
            {kind && (
              <>
                <Typography.Title level={5}>{t('earningRules.paramsTitle')}</Typography.Title>
                {kind.params.length === 0 ? (
                  <Typography.Paragraph type="secondary">{t('earningRules.noParams')}</Typography.Paragraph>
                ) : (
                  <RuleParamsFields kind={kind} />
                )}
              </>
            )}
          </Form>
        </Col>
        <Col xs={24} lg={13}>
          <RulePreviewPanel
            drafts={drafts}
            editedIndex={editedIndex}
            editedKind={kind}
            notice={notice}
          />
        </Col>
      </Row>
    </Drawer>
  );
}
