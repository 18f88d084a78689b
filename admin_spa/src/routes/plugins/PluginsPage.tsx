import { useState } from 'react';
import { App, Card, Col, Empty, Row, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import type { PluginFieldsFragment } from '../../gql/graphql';
import { describeError, userErrorMessages } from '../../api/userErrors';
import { useViewer } from '../../session/ViewerProvider';
import { PluginCard } from './PluginCard';
import { PluginConfigDrawer } from './PluginConfigDrawer';
import { pluginTitle } from './pluginText';
import { DisablePluginMutation, PluginsQuery } from './queries';

/** 插件: every installed plugin, whether it fits this platform, and the tenant's choice of them. */
export default function PluginsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useViewer();
  const [{ data, fetching, error }, refetch] = useQuery({ query: PluginsQuery });
  const [{ fetching: disabling }, disable] = useMutation(DisablePluginMutation);
  const [configuring, setConfiguring] = useState<PluginFieldsFragment | null>(null);
  const [disablingName, setDisablingName] = useState<string | null>(null);
  const canManage = can('programme:manage');
  const plugins = data?.plugins ?? [];

  const reload = () => refetch({ requestPolicy: 'network-only' });

  const onDisable = async (plugin: PluginFieldsFragment) => {
    setDisablingName(plugin.name);
    try {
      const result = await disable({ name: plugin.name });
      const errors = result.data?.disablePlugin.errors ?? [];
      if (result.error) message.error(describeError(result.error, t));
      else if (errors.length > 0) message.error(userErrorMessages(errors).join('\n'));
      else message.success(t('plugins.disabledMessage', { title: pluginTitle(plugin, t) }));
    } finally {
      setDisablingName(null);
      reload();
    }
  };

  return (
    <Card title={t('plugins.title')} data-testid="plugins-page">
      <Typography.Paragraph type="secondary">
        {canManage ? t('plugins.hint') : t('plugins.hintReadOnly')}
      </Typography.Paragraph>
      {error && <Typography.Paragraph type="danger">{describeError(error, t)}</Typography.Paragraph>}
      {fetching && !data ? (
        <Spin style={{ display: 'block', margin: '24px auto' }} />
      ) : plugins.length === 0 ? (
        <Empty description={t('plugins.none')} />
      ) : (
        <Row gutter={[16, 16]}>
          {plugins.map((plugin) => (
            <Col xs={24} xl={12} key={plugin.name}>
              <PluginCard
                plugin={plugin}
                canManage={canManage}
                disabling={disabling && disablingName === plugin.name}
                onConfigure={() => setConfiguring(plugin)}
                onDisable={() => void onDisable(plugin)}
              />
            </Col>
          ))}
        </Row>
      )}
      {configuring && (
        <PluginConfigDrawer
          plugin={configuring}
          onClose={() => setConfiguring(null)}
          onSaved={() => {
            setConfiguring(null);
            reload();
          }}
        />
      )}
    </Card>
  );
}
