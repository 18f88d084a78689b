import { useRef, useState, type HTMLAttributes } from 'react';
import { Alert, Button, Form, List, Modal, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import type { Channel, MessageFieldsFragment } from '../../gql/graphql';
import { newIdempotencyKey } from '../../api/idempotencyKey';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { ErrorListAlert } from '../../components/ErrorListAlert';
import { MessageStatusTag } from '../messaging/MessagesTable';
import { CHANNELS, MessagingCode, ServerText, messagingText } from '../messaging/messagingCodes';
import { SendMessageMutation, SendMessageTemplatesQuery } from './memberMessagingQueries';

interface Values {
  template: string;
  channels: Channel[];
}

interface Props {
  memberId: string;
  memberLabel: string;
  onClose: () => void;
  /** A send went through (whatever became of each channel): the page reloads the member's messages. */
  onSent: () => void;
}

/**
 * Sends a template to the member through the send policy, and shows what became of each channel
 * tried: held back (and why) or queued. One idempotency key per opened dialog: pressing again
 * returns the first send's messages instead of sending twice.
 */
export function SendMessageModal({ memberId, memberLabel, onClose, onSent }: Props) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [sent, setSent] = useState<readonly MessageFieldsFragment[] | null>(null);
  const [{ data, fetching: loading, error: loadError }] = useQuery({ query: SendMessageTemplatesQuery });
  const [{ fetching: sending }, send] = useMutation(SendMessageMutation);
  const inFlight = useRef(false);
  const chosen = Form.useWatch('template', form) as string | undefined;
  const templates = data?.messageTemplates ?? [];
  const template = templates.find((item) => item.name === chosen);
  const channelOptions = CHANNELS.filter((channel) => !template || template.channels.includes(channel));

  const onFinish = async (values: Values) => {
    if (inFlight.current || sent) return;
    inFlight.current = true;
    setFormErrors([]);
    try {
      const result = await send({
        input: {
          memberId,
          template: values.template,
          idempotencyKey,
          channels: values.channels?.length ? values.channels : null,
        },
      });
      const payload = result.data?.sendMessage;
      if (result.error) setFormErrors([describeError(result.error, t)]);
      else if (payload && payload.errors.length > 0) setFormErrors(applyUserErrors(form, payload.errors));
      else if (payload) {
        setSent(payload.messages);
        onSent();
      }
    } finally {
      inFlight.current = false;
    }
  };

  const queued = sent?.some((m) => m.status === 'QUEUED') ?? false;

  return (
    <Modal
      open
      title={t('memberMessaging.send.title', { name: memberLabel })}
      onCancel={onClose}
      maskClosable={!sending}
      destroyOnHidden
      footer={
        sent ? (
          <Button type="primary" onClick={onClose} data-testid="send-message-close">
            {t('common.close')}
          </Button>
        ) : (
          <Space>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="primary" loading={sending} onClick={() => form.submit()} data-testid="send-message-submit">
              {t('memberMessaging.send.submit')}
            </Button>
          </Space>
        )
      }
    >
      {loadError && <Alert type="error" showIcon message={describeError(loadError, t)} style={{ marginBottom: 16 }} />}
      <ErrorListAlert title={t('memberMessaging.send.failed')} messages={formErrors} testId="send-message-errors" />
      {sent ? (
        <Space direction="vertical" style={{ width: '100%' }} data-testid="send-message-result">
          <Alert
            type={queued ? 'success' : 'warning'}
            showIcon
            message={queued ? t('memberMessaging.send.queued') : t('memberMessaging.send.notQueued')}
          />
          <List
            size="small"
            bordered
            dataSource={[...sent]}
            renderItem={(item) => (
              <List.Item
                {...({
                  'data-testid': 'send-outcome',
                  'data-channel': item.channel,
                  'data-status': item.status,
                  'data-reason': item.skipReason ?? '',
                } as HTMLAttributes<HTMLElement>)}
              >
                <Space direction="vertical" size={2} style={{ width: '100%' }}>
                  <Space wrap>
                    <MessagingCode kind="channels" code={item.channel} />
                    <MessageStatusTag status={item.status} />
                    {item.skipReason && <MessagingCode kind="skipReasons" code={item.skipReason} />}
                  </Space>
                  {item.detail && <ServerText text={item.detail} />}
                </Space>
              </List.Item>
            )}
          />
        </Space>
      ) : (
        <Form<Values> form={form} layout="vertical" onFinish={onFinish} onValuesChange={() => setFormErrors([])}>
          <Form.Item
            name="template"
            label={t('memberMessaging.send.template')}
            rules={[{ required: true, message: t('common.required', { field: t('memberMessaging.send.template') }) }]}
          >
            <Select
              showSearch
              optionFilterProp="label"
              loading={loading}
              placeholder={t('memberMessaging.send.templatePlaceholder')}
              notFoundContent={loading ? undefined : t('memberMessaging.send.noTemplates')}
              options={templates.map((item) => ({ value: item.name, label: item.title }))}
              onChange={() => form.setFieldValue('channels', [])}
              data-testid="send-message-template"
            />
          </Form.Item>
          <Form.Item name="channels" label={t('memberMessaging.send.channels')} extra={t('memberMessaging.send.channelsHint')}>
            <Select
              mode="multiple"
              allowClear
              placeholder={t('memberMessaging.send.channelsPlaceholder')}
              options={channelOptions.map((channel) => ({ value: channel, label: messagingText(t, 'channels', channel) }))}
              data-testid="send-message-channels"
            />
          </Form.Item>
          {template && (
            <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
              {t('memberMessaging.send.purpose')}: <MessagingCode kind="purposes" code={template.purpose} />
            </Typography.Paragraph>
          )}
        </Form>
      )}
    </Modal>
  );
}
