import { useState } from 'react';
import { Alert, App, Button, Checkbox, DatePicker, Form, Modal, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { ReplayWebhookDeliveriesMutation } from './queries';

interface Values {
  since: Dayjs;
  onlyFailed: boolean;
}

interface Props {
  endpointId: string;
  onClose: () => void;
  /** After deliveries were queued again. */
  onReplayed: () => void;
}

/** Queue again every delivery of an endpoint made since a time, optionally only the failed ones. */
export function ReplaySinceModal({ endpointId, onClose, onReplayed }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [queued, setQueued] = useState<number | null>(null);
  const [{ fetching }, replay] = useMutation(ReplayWebhookDeliveriesMutation);

  const onFinish = async (values: Values) => {
    setFormErrors([]);
    const result = await replay({
      endpointId,
      since: values.since.toISOString(),
      status: values.onlyFailed ? 'FAILED' : null,
    });
    const payload = result.data?.replayWebhookDeliveries;
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (payload && payload.errors.length > 0) {
      setFormErrors(applyUserErrors(form, payload.errors));
    } else if (payload) {
      setQueued(payload.count);
      onReplayed();
    } else {
      message.error(t('common.unexpected'));
    }
  };

  return (
    <Modal
      open
      title={t('webhooks.replaySince.title')}
      onCancel={onClose}
      destroyOnHidden
      footer={
        queued === null
          ? [
              <Button key="cancel" onClick={onClose}>
                {t('common.cancel')}
              </Button>,
              <Button key="ok" type="primary" loading={fetching} onClick={() => form.submit()} data-testid="replay-since-submit">
                {t('webhooks.replaySince.submit')}
              </Button>,
            ]
          : [
              <Button key="close" type="primary" onClick={onClose} data-testid="replay-since-close">
                {t('common.close')}
              </Button>,
            ]
      }
    >
      {queued !== null ? (
        <Alert
          type={queued > 0 ? 'success' : 'info'}
          showIcon
          message={t('webhooks.replaySince.queued', { count: queued })}
          data-testid="replay-since-result"
          data-count={queued}
        />
      ) : (
        <>
          <Typography.Paragraph type="secondary">{t('webhooks.replaySince.hint')}</Typography.Paragraph>
          {formErrors.length > 0 && (
            <Alert type="error" showIcon message={formErrors.join('\n')} style={{ marginBottom: 16 }} />
          )}
          <Form<Values>
            form={form}
            layout="vertical"
            onFinish={onFinish}
            initialValues={{ since: dayjs().subtract(1, 'day').startOf('hour'), onlyFailed: true }}
          >
            <Form.Item
              name="since"
              label={t('webhooks.replaySince.since')}
              rules={[{ required: true, message: t('common.required', { field: t('webhooks.replaySince.since') }) }]}
            >
              <DatePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                disabledDate={(date) => date.isAfter(dayjs())}
                style={{ width: '100%' }}
                data-testid="replay-since-time"
              />
            </Form.Item>
            <Form.Item name="onlyFailed" valuePropName="checked">
              <Checkbox data-testid="replay-since-only-failed">{t('webhooks.replaySince.onlyFailed')}</Checkbox>
            </Form.Item>
          </Form>
        </>
      )}
    </Modal>
  );
}
