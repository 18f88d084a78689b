import { useMemo, useState, type HTMLAttributes } from 'react';
import { Alert, App, Button, Card, Popconfirm, Space, Switch, Tag, Tooltip, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import type { EarningRuleFieldsFragment } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatMoney } from '../../format/money';
import { useViewer } from '../../session/ViewerProvider';
import { EarningRuleDrawer } from './EarningRuleDrawer';
import { KIND_COLORS, kindLabel, summarizeParams } from './ruleFormat';
import {
  DeleteEarningRuleMutation,
  EarningRuleKindsQuery,
  EarningRulesQuery,
  EarningSettingsQuery,
  UpdateEarningRuleMutation,
} from './queries';

type Rule = EarningRuleFieldsFragment;

export default function EarningRulesPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { viewer } = useViewer();
  const [{ data, fetching, error }, refetch] = useQuery({ query: EarningRulesQuery });
  const [{ data: kindData, error: kindError }] = useQuery({ query: EarningRuleKindsQuery });
  const [{ data: settingsData }] = useQuery({ query: EarningSettingsQuery });
  const [, update] = useMutation(UpdateEarningRuleMutation);
  const [, remove] = useMutation(DeleteEarningRuleMutation);
  const [drawer, setDrawer] = useState<{ editing: Rule | null } | null>(null);
  const [toggling, setToggling] = useState<string | null>(null);

  const rules = useMemo(() => data?.earningRules ?? [], [data]);
  const kinds = useMemo(() => kindData?.earningRuleKinds ?? [], [kindData]);
  const ctx = {
    t,
    money: (fen: number) => formatMoney(fen, viewer.tenant.currency, i18n.language),
    timeZone: viewer.tenant.timezone,
  };
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const onToggle = async (rule: Rule, enabled: boolean) => {
    setToggling(rule.id);
    try {
      const result = await update({ id: rule.id, input: { enabled } });
      const errors = result.data?.updateEarningRule.errors ?? [];
      if (result.error) message.error(describeError(result.error, t));
      else if (errors.length > 0) message.error(errors.map((e) => e.message).join('\n'));
      else message.success(enabled ? t('earningRules.enabledNow') : t('earningRules.disabledNow'));
    } finally {
      setToggling(null);
      reload();
    }
  };

  const onDelete = async (rule: Rule) => {
    const result = await remove({ id: rule.id });
    const errors = result.data?.deleteEarningRule.errors ?? [];
    if (result.error) message.error(describeError(result.error, t));
    else if (errors.length > 0) message.error(errors.map((e) => e.message).join('\n'));
    else message.success(t('common.deleted'));
    reload();
  };

  const baseRate = settingsData?.pointsSettings.earnPointsPerYuan;
  const loadError = error ?? kindError;

  return (
    <Card
      title={t('earningRules.title')}
      extra={
        <Button
          type="primary"
          icon={<PlusOutlined />}
          disabled={kinds.length === 0}
          onClick={() => setDrawer({ editing: null })}
          data-testid="earning-rule-create"
        >
          {t('earningRules.create')}
        </Button>
      }
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        message={t('earningRules.intro')}
        description={baseRate === undefined ? undefined : t('earningRules.baseRateHint', { rate: baseRate })}
      />
      {loadError && <Typography.Paragraph type="danger">{describeError(loadError, t)}</Typography.Paragraph>}
      <ResponsiveTable<Rule>
        rowKey="id"
        loading={fetching}
        dataSource={rules}
        pagination={false}
        locale={{ emptyText: t('earningRules.empty') }}
        onRow={() => ({ 'data-testid': 'earning-rule-row' }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('earningRules.name'),
            dataIndex: 'name',
            card: 'title',
            render: (name: string) => <Typography.Text strong>{name}</Typography.Text>,
          },
          {
            title: t('earningRules.kind'),
            dataIndex: 'kind',
            render: (kind: string) => <Tag color={KIND_COLORS[kind]}>{kindLabel(kind, t)}</Tag>,
          },
          {
            title: t('earningRules.paramsTitle'),
            key: 'params',
            render: (_, rule) => (
              <span data-testid="earning-rule-summary">
                {summarizeParams(
                  rule.kind,
                  kinds.find((k) => k.name === rule.kind),
                  rule.params,
                  ctx,
                ) || t('common.empty')}
              </span>
            ),
          },
          { title: t('earningRules.priority'), dataIndex: 'priority', align: 'right', width: 90 },
          {
            title: t('earningRules.enabled'),
            dataIndex: 'enabled',
            width: 90,
            render: (enabled: boolean, rule) => (
              <Switch
                checked={enabled}
                loading={toggling === rule.id}
                onChange={(next) => void onToggle(rule, next)}
                data-testid="earning-rule-enabled"
              />
            ),
          },
          {
            title: t('earningRules.available'),
            dataIndex: 'available',
            width: 110,
            render: (available: boolean) =>
              available ? (
                <Tag color="green">{t('earningRules.availableYes')}</Tag>
              ) : (
                <Tooltip title={t('earningRules.unavailableHint')}>
                  <Tag color="red">{t('earningRules.availableNo')}</Tag>
                </Tooltip>
              ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, rule) => (
              <Space>
                <Button
                  size="small"
                  icon={<EditOutlined />}
                  disabled={!rule.available || kinds.length === 0}
                  onClick={() => setDrawer({ editing: rule })}
                  data-testid="earning-rule-edit"
                >
                  {t('common.edit')}
                </Button>
                <Popconfirm
                  title={t('earningRules.deleteConfirm', { name: rule.name })}
                  description={t('earningRules.deleteHint')}
                  okText={t('common.delete')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => onDelete(rule)}
                >
                  <Button size="small" danger icon={<DeleteOutlined />} data-testid="earning-rule-delete">
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {drawer && (
        <EarningRuleDrawer
          editing={drawer.editing}
          kinds={kinds}
          rules={rules}
          onClose={() => setDrawer(null)}
          onSaved={() => {
            setDrawer(null);
            reload();
          }}
        />
      )}
    </Card>
  );
}
