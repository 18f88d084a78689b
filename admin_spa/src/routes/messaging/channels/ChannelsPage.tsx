import { Card, Col, Row, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { describeError } from '../../../api/userErrors';
import { CHANNELS } from '../messagingCodes';
import { ChannelCard } from './ChannelCard';
import { ChannelSettingsQuery } from './queries';
import { SendPolicyCard } from './SendPolicyCard';

/** 渠道设置: who carries each channel, with what credentials, and the send policy under them. */
export default function ChannelsPage() {
  const { t } = useTranslation();
  const [{ data, fetching, error }, refetch] = useQuery({ query: ChannelSettingsQuery });
  const providers = data?.channelProviders ?? [];
  const configs = new Map((data?.channelConfigs ?? []).map((config) => [config.channel, config]));

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card title={t('messaging.channelsPage.title')} data-testid="channels-page">
        <Typography.Paragraph type="secondary">{t('messaging.channelsPage.hint')}</Typography.Paragraph>
        {error && <Typography.Paragraph type="danger">{describeError(error, t)}</Typography.Paragraph>}
        {fetching && !data ? (
          <Spin style={{ display: 'block', margin: '24px auto' }} />
        ) : (
          <Row gutter={[16, 16]}>
            {CHANNELS.map((channel) => {
              const config = configs.get(channel) ?? null;
              return (
                <Col xs={24} xl={12} key={channel}>
                  <ChannelCard
                    // A save gives a new updatedAt: the form starts again from what was saved.
                    key={config?.updatedAt ?? 'none'}
                    channel={channel}
                    providers={providers.filter((p) => p.channel === channel)}
                    config={config}
                    onSaved={() => refetch({ requestPolicy: 'network-only' })}
                  />
                </Col>
              );
            })}
          </Row>
        )}
      </Card>
      <SendPolicyCard />
    </Space>
  );
}
