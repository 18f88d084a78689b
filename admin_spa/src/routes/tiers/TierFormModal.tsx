import { useState } from 'react';
import { Alert, App, Form, Input, InputNumber, Modal, Select, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { TierFieldsFragment, TierMetric, TierWindow } from '../../gql/graphql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { CreateTierMutation, UpdateTierMutation } from './queries';
import { TIER_METRICS, thresholdFromForm, thresholdToForm } from './tierThreshold';

const TIER_WINDOWS: readonly TierWindow[] = ['LIFETIME', 'CALENDAR_YEAR', 'ROLLING_DAYS'];

interface Values {
  name: string;
  rank: number;
  metric: TierMetric;
  threshold: number;
  window: TierWindow;
  windowDays: number | null;
  pointsMultiplier: number;
  benefits: string;
}

interface Props {
  /** The tier to edit, or null to create one. */
  editing: TierFieldsFragment | null;
  /** A rank no tier holds yet, proposed for a new tier. */
  nextRank: number;
  onClose: () => void;
  onSaved: () => void;
}

export function TierFormModal({ editing, nextRank, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const metric = Form.useWatch('metric', form) ?? editing?.metric ?? 'SPEND';
  const tierWindow = Form.useWatch('window', form) ?? editing?.window ?? 'LIFETIME';
  const [formError, setFormError] = useState<string[]>([]);
  const [{ fetching: creating }, create] = useMutation(CreateTierMutation);
  const [{ fetching: updating }, update] = useMutation(UpdateTierMutation);

  const onFinish = async (values: Values) => {
    setFormError([]);
    const input = {
      name: values.name.trim(),
      rank: values.rank,
      metric: values.metric,
      threshold: thresholdFromForm(values.metric, values.threshold),
      window: values.window,
      // Days only for a rolling window; null clears them on update.
      windowDays: values.window === 'ROLLING_DAYS' ? (values.windowDays ?? null) : null,
      pointsMultiplier: values.pointsMultiplier,
      // Empty text clears them.
      benefits: (values.benefits ?? '').trim(),
    };
    const result = editing
      ? await update({ id: editing.id, input }).then((r) => ({ error: r.error, payload: r.data?.updateTier }))
      : await create({ input }).then((r) => ({ error: r.error, payload: r.data?.createTier }));
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (result.payload && result.payload.errors.length > 0) {
      setFormError(applyUserErrors(form, result.payload.errors));
    } else {
      message.success(editing ? t('common.saved') : t('common.created'));
      onSaved();
    }
  };

  return (
    <Modal
      open
      title={editing ? t('tiers.editTitle') : t('tiers.create')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={creating || updating}
      onOk={() => form.submit()}
      onCancel={onClose}
      okButtonProps={{ 'data-testid': 'tier-submit' } as ButtonProps}
      destroyOnHidden
    >
      {formError.length > 0 && (
        <Alert type="error" showIcon message={formError.join('\n')} style={{ marginBottom: 16 }} />
      )}
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={onFinish}
        initialValues={
          editing
            ? {
                name: editing.name,
                rank: editing.rank,
                metric: editing.metric,
                threshold: thresholdToForm(editing.metric, editing.threshold),
                window: editing.window,
                windowDays: editing.windowDays ?? null,
                pointsMultiplier: editing.pointsMultiplier,
                benefits: editing.benefits ?? '',
              }
            : { name: '', rank: nextRank, metric: 'SPEND', window: 'LIFETIME', windowDays: null, pointsMultiplier: 1.0, benefits: '' }
        }
      >
        <Form.Item
          name="name"
          label={t('tiers.name')}
          rules={[
            { required: true, whitespace: true, message: t('common.required', { field: t('tiers.name') }) },
            { max: 50 },
          ]}
        >
          <Input maxLength={50} data-testid="tier-name" />
        </Form.Item>
        <Form.Item
          name="rank"
          label={t('tiers.rank')}
          extra={t('tiers.rankHint')}
          rules={[{ required: true, message: t('common.required', { field: t('tiers.rank') }) }]}
        >
          <InputNumber min={0} max={100} precision={0} style={{ width: '100%' }} data-testid="tier-rank" />
        </Form.Item>
        <Form.Item name="metric" label={t('tiers.metric')} rules={[{ required: true }]}>
          <Select
            data-testid="tier-metric"
            options={TIER_METRICS.map((value) => ({ value, label: t(`tiers.metrics.${value}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="threshold"
          label={metric === 'SPEND' ? t('tiers.thresholdYuan') : t('tiers.threshold')}
          rules={[{ required: true, message: t('common.required', { field: t('tiers.threshold') }) }]}
        >
          <InputNumber
            min={0}
            precision={metric === 'SPEND' ? 2 : 0}
            prefix={metric === 'SPEND' ? '¥' : undefined}
            style={{ width: '100%' }}
            data-testid="tier-threshold"
          />
        </Form.Item>
        <Form.Item name="window" label={t('tiers.window')} extra={t(`tiers.windowHints.${tierWindow}`)}>
          <Select
            data-testid="tier-window-kind"
            options={TIER_WINDOWS.map((value) => ({ value, label: t(`tiers.windows.${value}`) }))}
          />
        </Form.Item>
        {tierWindow === 'ROLLING_DAYS' && (
          <Form.Item
            name="windowDays"
            label={t('tiers.windowDays')}
            rules={[{ required: true, message: t('common.required', { field: t('tiers.windowDays') }) }]}
          >
            <InputNumber min={1} max={3660} precision={0} style={{ width: '100%' }} data-testid="tier-window" />
          </Form.Item>
        )}
        <Form.Item
          name="pointsMultiplier"
          label={t('tiers.pointsMultiplier')}
          rules={[{ required: true, message: t('common.required', { field: t('tiers.pointsMultiplier') }) }]}
        >
          <InputNumber min={0.001} max={100} step={0.25} precision={3} style={{ width: '100%' }} data-testid="tier-multiplier" />
        </Form.Item>
        <Form.Item name="benefits" label={t('tiers.benefits')} extra={t('tiers.benefitsHint')} rules={[{ max: 2000 }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} data-testid="tier-benefits" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
