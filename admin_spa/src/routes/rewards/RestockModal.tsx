import { useState } from 'react';
import { Alert, App, Descriptions, Form, InputNumber, Modal, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { RewardFieldsFragment } from '../../gql/graphql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { UpdateRewardMutation } from './queries';

interface Values {
  addStock: number;
}

interface Props {
  /** A reward with a counted stock (unlimited ones have nothing to add to). */
  reward: RewardFieldsFragment;
  onClose: () => void;
  onRestocked: () => void;
}

/**
 * Add to a reward's stock, or take some off (a negative quantity). The server adds the quantity
 * to the stock as it is then, so redemptions made meanwhile are never overwritten.
 */
export function RestockModal({ reward, onClose, onRestocked }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [formError, setFormError] = useState<string[]>([]);
  const [{ fetching }, update] = useMutation(UpdateRewardMutation);
  const current = reward.stock ?? 0;
  const delta = Form.useWatch('addStock', form);
  const after = typeof delta === 'number' ? current + delta : null;

  const onFinish = async ({ addStock }: Values) => {
    setFormError([]);
    const result = await update({ id: reward.id, input: { addStock } });
    const payload = result.data?.updateReward;
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (payload && payload.errors.length > 0) {
      setFormError(applyUserErrors(form, payload.errors));
    } else {
      message.success(t('rewards.restock.done', { stock: (payload?.reward?.stock ?? 0).toLocaleString() }));
      onRestocked();
    }
  };

  return (
    <Modal
      open
      title={t('rewards.restock.title', { name: reward.name })}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={fetching}
      onOk={() => form.submit()}
      onCancel={onClose}
      okButtonProps={{ 'data-testid': 'restock-submit' } as ButtonProps}
      destroyOnHidden
    >
      {formError.length > 0 && (
        <Alert type="error" showIcon message={formError.join('\n')} style={{ marginBottom: 16 }} />
      )}
      <Descriptions size="small" column={2} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('rewards.restock.current')}>
          <span data-testid="restock-current">{current.toLocaleString()}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('rewards.restock.after')}>
          <span data-testid="restock-after">{after === null ? t('common.empty') : after.toLocaleString()}</span>
        </Descriptions.Item>
      </Descriptions>
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} onValuesChange={() => setFormError([])}>
        <Form.Item
          name="addStock"
          label={t('rewards.restock.quantity')}
          extra={t('rewards.restock.hint')}
          rules={[
            { required: true, message: t('common.required', { field: t('rewards.restock.quantity') }) },
            {
              validator: (_, value: number | null | undefined) =>
                value === 0
                  ? Promise.reject(new Error(t('rewards.restock.zero')))
                  : typeof value === 'number' && current + value < 0
                    ? Promise.reject(new Error(t('rewards.restock.belowZero', { stock: current.toLocaleString() })))
                    : Promise.resolve(),
            },
          ]}
        >
          <InputNumber precision={0} style={{ width: '100%' }} autoFocus data-testid="restock-quantity" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
