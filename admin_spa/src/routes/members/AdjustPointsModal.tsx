import { useRef, useState } from 'react';
import { Alert, App, Button, Form, Input, InputNumber, Modal, Popconfirm, Radio, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { AdjustPointsMutation } from './queries';
import { newIdempotencyKey } from '../../api/idempotencyKey';

interface Values {
  direction: 'add' | 'deduct';
  points: number;
  reason: string;
}

interface Props {
  memberId: string;
  /** How the confirmation names the member (name, else phone). */
  memberLabel: string;
  onClose: () => void;
  onAdjusted: () => void;
}

/**
 * Grant or deduct points by hand. The idempotency key is made once per opened modal, so however
 * often the confirmation is clicked the server writes at most one ledger entry.
 */
export function AdjustPointsModal({ memberId, memberLabel, onClose, onAdjusted }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [confirming, setConfirming] = useState<Values | null>(null);
  const [formError, setFormError] = useState<string[]>([]);
  const [{ fetching }, adjust] = useMutation(AdjustPointsMutation);
  const inFlight = useRef(false);
  const done = useRef(false);

  const onSubmit = async () => {
    if (inFlight.current || done.current) return;
    try {
      setConfirming(await form.validateFields());
    } catch {
      // the form shows what is missing
    }
  };

  const onConfirm = async () => {
    if (!confirming || inFlight.current || done.current) return;
    inFlight.current = true;
    setFormError([]);
    try {
      const signed = confirming.direction === 'deduct' ? -confirming.points : confirming.points;
      const result = await adjust({
        input: { memberId, points: signed, reason: confirming.reason.trim(), idempotencyKey },
      });
      const payload = result.data?.adjustPoints;
      if (result.error) {
        setFormError([describeError(result.error, t)]);
      } else if (payload && payload.errors.length > 0) {
        const unplaced = applyUserErrors(form, payload.errors);
        // Field errors stay next to their items; repeat them on top so none is missed.
        setFormError(unplaced.length > 0 ? unplaced : payload.errors.map((e) => e.message));
      } else {
        done.current = true;
        message.success(t('points.adjust.done'));
        onAdjusted();
      }
    } finally {
      inFlight.current = false;
      setConfirming(null);
    }
  };

  const confirmTitle = confirming
    ? t(confirming.direction === 'deduct' ? 'points.adjust.confirmDeduct' : 'points.adjust.confirmAdd', {
        name: memberLabel,
        points: confirming.points.toLocaleString(),
      })
    : '';

  return (
    <Modal
      open
      title={t('points.adjust.title', { name: memberLabel })}
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
          okText={t('common.confirm')}
          cancelText={t('common.cancel')}
          okButtonProps={{ loading: fetching, 'data-testid': 'points-adjust-confirm' } as ButtonProps}
          onConfirm={() => onConfirm()}
          onCancel={() => setConfirming(null)}
          onOpenChange={(open) => {
            if (!open && !inFlight.current) setConfirming(null);
          }}
        >
          <Button type="primary" loading={fetching} onClick={() => void onSubmit()} data-testid="points-adjust-submit">
            {t('points.adjust.submit')}
          </Button>
        </Popconfirm>,
      ]}
    >
      {formError.length > 0 && (
        <Alert
          type="error"
          showIcon
          message={formError.join('\n')}
          style={{ marginBottom: 16 }}
          data-testid="points-adjust-error"
        />
      )}
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{ direction: 'add', reason: '' }}
        onValuesChange={() => setFormError([])}
      >
        <Form.Item name="direction" label={t('points.adjust.direction')}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={[
              { value: 'add', label: t('points.adjust.add') },
              { value: 'deduct', label: t('points.adjust.deduct') },
            ]}
            data-testid="points-adjust-direction"
          />
        </Form.Item>
        <Form.Item
          name="points"
          label={t('points.adjust.amount')}
          rules={[
            { required: true, message: t('common.required', { field: t('points.adjust.amount') }) },
            { type: 'integer', min: 1, message: t('points.adjust.amountInvalid') },
          ]}
        >
          <InputNumber min={1} precision={0} step={1} style={{ width: '100%' }} data-testid="points-adjust-amount" />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('points.adjust.reason')}
          rules={[
            { required: true, whitespace: true, message: t('common.required', { field: t('points.adjust.reason') }) },
            { max: 200 },
          ]}
        >
          <Input.TextArea
            rows={2}
            maxLength={200}
            placeholder={t('points.adjust.reasonPlaceholder')}
            data-testid="points-adjust-reason"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
