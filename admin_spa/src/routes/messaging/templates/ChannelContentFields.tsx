import { Button, Card, Form, Input, Space, Switch, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Channel } from '../../../gql/graphql';
import { MessagingCode } from '../messagingCodes';
import { CHANNEL_PARTS } from './templateForm';

/** Where a value sits in the form, and its input: what a variable is inserted into. */
export type FocusedValue = { name: (string | number)[]; element: HTMLInputElement | HTMLTextAreaElement };

interface Props {
  channel: Channel;
  onFocusValue: (focused: FocusedValue) => void;
}

/** One channel's content in a template: switched on to give it, then its template id, fields, text and link. */
export function ChannelContentFields({ channel, onFocusValue }: Props) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const enabled = Form.useWatch(['content', channel, 'enabled'], form) as boolean | undefined;
  const parts = CHANNEL_PARTS[channel];
  const focus = (name: (string | number)[]) => (event: React.FocusEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    onFocusValue({ name, element: event.currentTarget });

  return (
    <Card
      size="small"
      title={<MessagingCode kind="channels" code={channel} />}
      extra={
        <Form.Item name={['content', channel, 'enabled']} valuePropName="checked" noStyle>
          <Switch
            aria-label={t('messaging.templates.useChannel')}
            data-testid="template-channel-toggle"
            data-channel={channel}
          />
        </Form.Item>
      }
      data-testid="template-channel"
      data-channel={channel}
      styles={enabled ? undefined : { body: { display: 'none' } }}
    >
      {enabled && (
        <>
          {parts.includes('templateCode') && (
            <Form.Item
              name={['content', channel, 'templateCode']}
              label={t('messaging.templates.templateCode')}
              extra={t('messaging.templates.templateCodeHint')}
            >
              <Input autoComplete="off" data-testid="template-code" data-channel={channel} />
            </Form.Item>
          )}
          {parts.includes('fields') && (
            <Form.Item label={t('messaging.templates.fields')} extra={t('messaging.templates.fieldsHint')}>
              <Form.List name={['content', channel, 'fields']}>
                {(rows, { add, remove }) => (
                  <Space direction="vertical" style={{ width: '100%' }}>
                    {rows.map((row) => (
                      <Space key={row.key} align="start" style={{ width: '100%' }} wrap data-testid="template-field-row">
                        <Form.Item
                          name={[row.name, 'key']}
                          rules={[{ required: true, message: t('messaging.templates.fieldKeyRequired') }]}
                          style={{ marginBottom: 0, width: 140 }}
                        >
                          <Input
                            placeholder={t('messaging.templates.fieldKey')}
                            autoComplete="off"
                            data-testid="template-field-key"
                          />
                        </Form.Item>
                        <Form.Item name={[row.name, 'value']} style={{ marginBottom: 0, minWidth: 200, flex: 1 }}>
                          <Input
                            placeholder={t('messaging.templates.fieldValue')}
                            autoComplete="off"
                            onFocus={focus(['content', channel, 'fields', row.name, 'value'])}
                            data-testid="template-field-value"
                          />
                        </Form.Item>
                        <Button
                          icon={<MinusCircleOutlined />}
                          onClick={() => remove(row.name)}
                          aria-label={t('messaging.templates.removeField')}
                          data-testid="template-field-remove"
                        />
                      </Space>
                    ))}
                    <Button
                      type="dashed"
                      icon={<PlusOutlined />}
                      onClick={() => add({ key: '', value: '' })}
                      data-testid="template-field-add"
                    >
                      {t('messaging.templates.addField')}
                    </Button>
                  </Space>
                )}
              </Form.List>
            </Form.Item>
          )}
          {parts.includes('text') && (
            <Form.Item
              name={['content', channel, 'text']}
              label={t('messaging.templates.text')}
              extra={channel === 'SMS' ? t('messaging.templates.smsTextHint') : undefined}
            >
              <Input.TextArea
                rows={3}
                onFocus={focus(['content', channel, 'text'])}
                data-testid="template-text"
                data-channel={channel}
              />
            </Form.Item>
          )}
          {parts.includes('link') && (
            <Form.Item
              name={['content', channel, 'link']}
              label={t('messaging.templates.link')}
              extra={t('messaging.templates.linkHint')}
            >
              <Input
                autoComplete="off"
                onFocus={focus(['content', channel, 'link'])}
                data-testid="template-link"
                data-channel={channel}
              />
            </Form.Item>
          )}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('messaging.templates.variablesInValues')}
          </Typography.Text>
        </>
      )}
    </Card>
  );
}
