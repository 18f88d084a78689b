import { Button, List, Space, Tag, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, MinusCircleOutlined, PlusCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Channel } from '../../../gql/graphql';
import { CHANNELS, MessagingCode, messagingText } from '../messagingCodes';

interface Props {
  value?: Channel[];
  onChange?: (value: Channel[]) => void;
}

/** The order channels are tried in: move one up or down, take it out, or add one left out. */
export function FallbackOrder({ value = [], onChange }: Props) {
  const { t } = useTranslation();
  const left = CHANNELS.filter((channel) => !value.includes(channel));
  const move = (index: number, by: -1 | 1) => {
    const next = [...value];
    const [item] = next.splice(index, 1);
    if (item === undefined) return;
    next.splice(index + by, 0, item);
    onChange?.(next);
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="fallback-order">
      <List
        size="small"
        bordered
        dataSource={value}
        locale={{ emptyText: t('messaging.policy.fallbackEmpty') }}
        renderItem={(channel, index) => {
          const name = messagingText(t, 'channels', channel);
          return (
            <List.Item
              data-testid="fallback-item"
              data-channel={channel}
              actions={[
                <Button
                  key="up"
                  size="small"
                  icon={<ArrowUpOutlined />}
                  disabled={index === 0}
                  onClick={() => move(index, -1)}
                  aria-label={t('messaging.policy.moveUp', { channel: name })}
                  data-testid="fallback-up"
                />,
                <Button
                  key="down"
                  size="small"
                  icon={<ArrowDownOutlined />}
                  disabled={index === value.length - 1}
                  onClick={() => move(index, 1)}
                  aria-label={t('messaging.policy.moveDown', { channel: name })}
                  data-testid="fallback-down"
                />,
                <Button
                  key="remove"
                  size="small"
                  icon={<MinusCircleOutlined />}
                  disabled={value.length === 1}
                  onClick={() => onChange?.(value.filter((c) => c !== channel))}
                  aria-label={t('messaging.policy.remove', { channel: name })}
                  data-testid="fallback-remove"
                />,
              ]}
            >
              <Space>
                <Tag>{index + 1}</Tag>
                <MessagingCode kind="channels" code={channel} />
              </Space>
            </List.Item>
          );
        }}
      />
      {left.length > 0 && (
        <Space wrap>
          <Typography.Text type="secondary">{t('messaging.policy.notTried')}</Typography.Text>
          {left.map((channel) => (
            <Button
              key={channel}
              size="small"
              icon={<PlusCircleOutlined />}
              onClick={() => onChange?.([...value, channel])}
              data-testid="fallback-add"
              data-channel={channel}
            >
              <MessagingCode kind="channels" code={channel} />
            </Button>
          ))}
        </Space>
      )}
    </Space>
  );
}
