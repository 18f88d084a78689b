import { useState } from 'react';
import { Alert, App, Form, Input, InputNumber, Modal, Select, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import type { RewardFieldsFragment } from '../../gql/graphql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { CreateRewardMutation, RewardCouponTemplatesQuery, UpdateRewardMutation } from './queries';

interface Values {
  name: string;
  pointsCost: number;
  stock: number | null;
  perMemberLimit: number | null;
  couponTemplateId: string | null;
}

interface Props {
  /** The reward to edit, or null to create one. Stock changes go through the restock dialog. */
  editing: RewardFieldsFragment | null;
  onClose: () => void;
  onSaved: () => void;
}

export function RewardFormModal({ editing, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [formError, setFormError] = useState<string[]>([]);
  const [{ data: templateData, fetching: loadingTemplates }] = useQuery({
    query: RewardCouponTemplatesQuery,
    pause: editing !== null,
  });
  const [{ fetching: creating }, create] = useMutation(CreateRewardMutation);
  const [{ fetching: updating }, update] = useMutation(UpdateRewardMutation);

  const onFinish = async (values: Values) => {
    setFormError([]);
    const common = {
      name: values.name.trim(),
      pointsCost: values.pointsCost,
      perMemberLimit: values.perMemberLimit ?? null,
    };
    const result = editing
      ? await update({ id: editing.id, input: common }).then((r) => ({
          error: r.error,
          payload: r.data?.updateReward,
        }))
      : await create({
          input: { ...common, stock: values.stock ?? null, couponTemplateId: values.couponTemplateId ?? null },
        }).then((r) => ({ error: r.error, payload: r.data?.createReward }));
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (result.payload && result.payload.errors.length > 0) {
      setFormError(applyUserErrors(form, result.payload.errors));
    } else {
      message.success(editing ? t('common.saved') : t('common.created'));
      onSaved();
    }
  };

  const templates = templateData?.couponTemplates ?? [];

  return (
    <Modal
      open
      title={editing ? t('rewards.editTitle') : t('rewards.create')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={creating || updating}
      onOk={() => form.submit()}
      onCancel={onClose}
      okButtonProps={{ 'data-testid': 'reward-submit' } as ButtonProps}
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
                pointsCost: editing.pointsCost,
                perMemberLimit: editing.perMemberLimit ?? null,
              }
            : { name: '', stock: null, perMemberLimit: null, couponTemplateId: null }
        }
      >
        <Form.Item
          name="name"
          label={t('rewards.fields.name')}
          rules={[
            { required: true, whitespace: true, message: t('common.required', { field: t('rewards.fields.name') }) },
            { max: 100 },
          ]}
        >
          <Input maxLength={100} data-testid="reward-name-input" />
        </Form.Item>
        <Form.Item
          name="pointsCost"
          label={t('rewards.fields.pointsCost')}
          rules={[{ required: true, message: t('common.required', { field: t('rewards.fields.pointsCost') }) }]}
        >
          <InputNumber min={1} precision={0} style={{ width: '100%' }} data-testid="reward-points-cost" />
        </Form.Item>
        {!editing && (
          <Form.Item name="stock" label={t('rewards.fields.stock')} extra={t('rewards.stockHint')}>
            <InputNumber
              min={0}
              precision={0}
              placeholder={t('rewards.unlimited')}
              style={{ width: '100%' }}
              data-testid="reward-stock-input"
            />
          </Form.Item>
        )}
        <Form.Item name="perMemberLimit" label={t('rewards.fields.perMemberLimit')} extra={t('rewards.limitHint')}>
          <InputNumber
            min={1}
            precision={0}
            placeholder={t('rewards.noLimit')}
            style={{ width: '100%' }}
            data-testid="reward-limit-input"
          />
        </Form.Item>
        {!editing && (
          <Form.Item
            name="couponTemplateId"
            label={t('rewards.fields.couponTemplate')}
            extra={t('rewards.templateHint')}
          >
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              loading={loadingTemplates}
              placeholder={t('rewards.physical')}
              options={templates.map((template) => ({ value: template.id, label: template.name }))}
              data-testid="reward-template-select"
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
