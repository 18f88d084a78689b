import { Alert, Button, Card, Descriptions, Popconfirm, Space, Tag, Typography, type ButtonProps } from 'antd';
import { CheckCircleOutlined, SettingOutlined, StopOutlined, WarningOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { PluginFieldsFragment } from '../../gql/graphql';
import { CORE_PLUGIN, pluginDescription, pluginTitle } from './pluginText';

interface Props {
  plugin: PluginFieldsFragment;
  /** The viewer may enable, configure and disable plugins (programme:manage). */
  canManage: boolean;
  disabling: boolean;
  onConfigure: () => void;
  onDisable: () => void;
}

type State = 'always' | 'on' | 'off' | 'incompatible';

function stateOf(plugin: PluginFieldsFragment): State {
  if (!plugin.compatible) return 'incompatible';
  if (plugin.alwaysOn) return 'always';
  return plugin.enabled ? 'on' : 'off';
}

const STATE_COLORS: Record<State, string> = { always: 'blue', on: 'green', off: 'default', incompatible: 'red' };

/** One installed plugin: who it is, whether it fits this platform, and whether the tenant uses it. */
export function PluginCard({ plugin, canManage, disabling, onConfigure, onDisable }: Props) {
  const { t } = useTranslation();
  const state = stateOf(plugin);
  const title = pluginTitle(plugin, t);
  const description = pluginDescription(plugin, t);
  const manageable = canManage && plugin.compatible && !plugin.alwaysOn;
  const own = plugin.name !== CORE_PLUGIN;

  return (
    <Card
      size="small"
      title={
        <Space size={8} wrap>
          {/* A manifest's words are the plugin author's: the admin cannot translate them. */}
          <span data-testid="plugin-title" data-raw-code={own ? '' : undefined}>
            {title}
          </span>
          {plugin.version && (
            <Typography.Text type="secondary" data-testid="plugin-version" data-raw-code="">
              v{plugin.version}
            </Typography.Text>
          )}
        </Space>
      }
      extra={
        <Tag color={STATE_COLORS[state]} data-testid="plugin-state" data-state={state}>
          {t(`plugins.states.${state}`)}
        </Tag>
      }
      style={{ height: '100%' }}
      data-testid="plugin-card"
      data-plugin={plugin.name}
      data-enabled={plugin.enabled ? 'true' : 'false'}
    >
      {description && (
        <Typography.Paragraph data-testid="plugin-description" data-raw-code={own ? '' : undefined}>
          {description}
        </Typography.Paragraph>
      )}
      <Descriptions size="small" column={1} colon={false} styles={{ label: { width: 120 } }}>
        <Descriptions.Item label={t('plugins.name')}>
          <Typography.Text code data-raw-code={plugin.name} data-testid="plugin-name">
            {plugin.name}
          </Typography.Text>
        </Descriptions.Item>
        {plugin.coreRange && (
          <Descriptions.Item label={t('plugins.coreRange')}>
            <Typography.Text data-raw-code={plugin.coreRange} data-testid="plugin-core-range">
              {plugin.coreRange}
            </Typography.Text>
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t('plugins.compatibility')}>
          <span data-testid="plugin-compatible" data-compatible={plugin.compatible ? 'true' : 'false'}>
            {plugin.compatible ? (
              <Typography.Text type="success">
                <CheckCircleOutlined /> {t('plugins.compatible')}
              </Typography.Text>
            ) : (
              <Typography.Text type="danger">
                <WarningOutlined /> {t('plugins.incompatible')}
              </Typography.Text>
            )}
          </span>
        </Descriptions.Item>
        {plugin.enabled && plugin.adminPages.length > 0 && (
          <Descriptions.Item label={t('plugins.pages')}>
            <Space size={[12, 4]} wrap>
              {plugin.adminPages.map((page) => (
                <Link key={page.path} to={`/plugins/${plugin.name}/${page.path}`} data-testid="plugin-page-link">
                  {page.title}
                </Link>
              ))}
            </Space>
          </Descriptions.Item>
        )}
      </Descriptions>
      {!plugin.compatible && plugin.problem && (
        <Alert
          type="error"
          showIcon
          message={t('plugins.problem')}
          description={<span data-raw-code="">{plugin.problem}</span>}
          style={{ marginTop: 12 }}
          data-testid="plugin-problem"
        />
      )}
      {manageable && (
        <Space wrap style={{ marginTop: 12 }}>
          <Button
            type={plugin.enabled ? 'default' : 'primary'}
            icon={<SettingOutlined />}
            onClick={onConfigure}
            data-testid={plugin.enabled ? 'plugin-configure' : 'plugin-enable'}
          >
            {plugin.enabled ? t('plugins.configure') : t('plugins.enable')}
          </Button>
          {plugin.enabled && (
            <Popconfirm
              title={t('plugins.disableConfirm', { title })}
              description={t('plugins.disableHint')}
              okText={t('plugins.disable')}
              cancelText={t('common.cancel')}
              okButtonProps={{ danger: true, 'data-testid': 'plugin-disable-confirm' } as ButtonProps}
              onConfirm={onDisable}
            >
              <Button danger icon={<StopOutlined />} loading={disabling} data-testid="plugin-disable">
                {t('plugins.disable')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      )}
    </Card>
  );
}
