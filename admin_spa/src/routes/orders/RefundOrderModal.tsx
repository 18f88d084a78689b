import { useRef, useState } from 'react';
import { Alert, App, Button, Form, InputNumber, Modal, Popconfirm, Radio, Typography, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { formatMoney } from '../../format/money';
import { useViewer } from '../../session/ViewerProvider';
import { newIdempotencyKey } from '../../api/idempotencyKey';
import { fenToYuan, yuanToFen } from './orderFormat';
import { RefundOrderMutation } from './queries';

interface Values {
  mode: 'full' | 'partial';
  /** Yuan, for a partial refund. */
  amount?: number;
}

interface Props {
  order: { externalId: string; amount: number; refundedAmount: number; pointsEarned: number };
  onClose: () => void;
  onRefunded: () => void;
}

/**
 * Refund all or part of an order. The idempotency key is made once per opened modal, so however
 * often the confirmation is clicked the server refunds at most once.
 */
export function RefundOrderModal({ order, onClose, onRefunded }: Props) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { viewer } = useViewer();
  const [form] = Form.useForm<Values>();
  const mode = Form.useWatch('mode', form) ?? 'full';
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [confirming, setConfirming] = useState<{ fen: number; full: boolean } | null>(null);
  const [formError, setFormError] = useState<string[]>([]);
  const [{ fetching }, refund] = useMutation(RefundOrderMutation);
  const inFlight = useRef(false);
  const done = useRef(false);

  const refundable = order.amount - order.refundedAmount;
  const money = (fen: number) => formatMoney(fen, viewer.tenant.currency, i18n.language);

  const onSubmit = async () => {
    if (inFlight.current || done.current) return;
    try {
      const values = await form.validateFields();
      const full = values.mode === 'full';
      setConfirming({ full, fen: full ? refundable : yuanToFen(values.amount ?? 0) });
    } catch {
      // the form shows what is wrong
    }
  };

  const onConfirm = async () => {
    if (!confirming || inFlight.current || done.current) return;
    inFlight.current = true;
    setFormError([]);
    try {
      const result = await refund({
        input: {
          externalId: order.externalId,
          // No amount refunds whatever is left, even if another refund landed meanwhile.
          amount: confirming.full ? null : confirming.fen,
          idempotencyKey,
        },
      });
      const payload = result.data?.refundOrder;
      if (result.error) {
        setFormError([describeError(result.error, t)]);
      } else if (payload && payload.errors.length > 0) {
        const unplaced = applyUserErrors(form, payload.errors);
        setFormError(unplaced.length > 0 ? unplaced : payload.errors.map((e) => e.message));
      } else {
        done.current = true;
        message.success(t('orders.refund.done'));
        onRefunded();
      }
    } finally {
      inFlight.current = false;
      setConfirming(null);
    }
  };

  const confirmTitle = confirming
    ? t(confirming.full ? 'orders.refund.confirmFull' : 'orders.refund.confirmPartial', {
        order: order.externalId,
        amount: money(confirming.fen),
      })
    : '';

  return (
    <Modal
      open
      title={t('orders.refund.title', { order: order.externalId })}
      onCancel={onClose}
      maskClosable={!fetching}
      destroyOnHidden
      footer={[
        <Button key="cancel" onClick={onClose} disabled={fetching}>
          {t('common.cancel')}
        </Button>,
        <Popconfirm
          key="submit"
          open={confirming !== null}
          title={confirmTitle}
          description={t('orders.refund.pointsHint')}
          okText={t('common.confirm')}
          cancelText={t('common.cancel')}
          okButtonProps={{ loading: fetching, danger: true, 'data-testid': 'refund-confirm' } as ButtonProps}
          onConfirm={() => onConfirm()}
          onCancel={() => setConfirming(null)}
          onOpenChange={(open) => {
            if (!open && !inFlight.current) setConfirming(null);
          }}
        >
          <Button type="primary" danger loading={fetching} onClick={() => void onSubmit()} data-testid="refund-submit">
            {t('orders.refund.submit')}
          </Button>
        </Popconfirm>,
      ]}
    >
      {formError.length > 0 && (
        <Alert type="error" showIcon message={formError.join('\n')} style={{ marginBottom: 16 }} data-testid="refund-error" />
      )}
      <Typography.Paragraph type="secondary" data-testid="refund-refundable">
        {t('orders.refund.refundable', { amount: money(refundable), total: money(order.amount) })}
      </Typography.Paragraph>
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{ mode: 'full' }}
        onValuesChange={() => setFormError([])}
      >
        <Form.Item name="mode" label={t('orders.refund.mode')}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={[
              { value: 'full', label: t('orders.refund.full') },
              { value: 'partial', label: t('orders.refund.partial') },
            ]}
            data-testid="refund-mode"
          />
        </Form.Item>
        {mode === 'partial' && (
          <Form.Item
            name="amount"
            label={t('orders.refund.amount')}
            rules={[
              { required: true, message: t('common.required', { field: t('orders.refund.amount') }) },
              {
                validator: async (_, value: number | null | undefined) => {
                  if (value === null || value === undefined) return;
                  const fen = yuanToFen(value);
                  if (fen <= 0 || fen > refundable) {
                    throw new Error(t('orders.refund.amountInvalid', { max: money(refundable) }));
                  }
                },
              },
            ]}
          >
            <InputNumber
              prefix="¥"
              precision={2}
              step={1}
              placeholder={String(fenToYuan(refundable))}
              style={{ width: '100%' }}
              data-testid="refund-amount"
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
