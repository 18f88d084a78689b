import { useMemo, useState, type HTMLAttributes } from 'react';
import { App, Button, Card, Popconfirm, Space, Tag, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import type { TierFieldsFragment, TierMetric } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { useViewer } from '../../session/ViewerProvider';
import { PointsSettingsCard } from './PointsSettingsCard';
import { TierFormModal } from './TierFormModal';
import { DeleteTierMutation, TiersQuery } from './queries';
import { formatThreshold } from './tierThreshold';

export default function TiersPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { viewer, can } = useViewer();
  const editable = can('programme:manage');
  const [{ data, fetching, error }, refetch] = useQuery({ query: TiersQuery });
  const [, remove] = useMutation(DeleteTierMutation);
  const [modal, setModal] = useState<{ editing: TierFieldsFragment | null } | null>(null);

  const tiers = useMemo(() => [...(data?.tiers ?? [])].sort((a, b) => a.rank - b.rank), [data]);
  const nextRank = tiers.length > 0 ? Math.min(100, Math.max(...tiers.map((tier) => tier.rank)) + 1) : 0;
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const onDelete = async (tier: TierFieldsFragment) => {
    const result = await remove({ id: tier.id });
    const errors = result.data?.deleteTier.errors ?? [];
    if (result.error) message.error(describeError(result.error, t));
    else if (errors.length > 0) message.error(errors.map((e) => e.message).join('\n'));
    else message.success(t('common.deleted'));
    reload();
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={t('tiers.title')}
        extra={
          editable && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setModal({ editing: null })} data-testid="tier-create">
              {t('tiers.create')}
            </Button>
          )
        }
      >
        {error && <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>}
        <ResponsiveTable<TierFieldsFragment>
          rowKey="id"
          loading={fetching}
          dataSource={tiers}
          pagination={false}
          onRow={() => ({ 'data-testid': 'tier-row' }) as HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('tiers.rank'), dataIndex: 'rank', width: 80 },
            {
              title: t('tiers.name'),
              dataIndex: 'name',
              card: 'title',
              render: (name: string) => <Typography.Text strong>{name}</Typography.Text>,
            },
            {
              title: t('tiers.metric'),
              dataIndex: 'metric',
              render: (metric: TierMetric) => <Tag>{t(`tiers.metrics.${metric}`)}</Tag>,
            },
            {
              title: t('tiers.threshold'),
              dataIndex: 'threshold',
              align: 'right',
              render: (_, tier) => formatThreshold(tier.metric, tier.threshold, viewer.tenant.currency, i18n.language, t),
            },
            {
              title: t('tiers.window'),
              dataIndex: 'window',
              render: (_, tier) =>
                tier.window === 'ROLLING_DAYS' && tier.windowDays
                  ? t('tiers.days', { count: tier.windowDays })
                  : t(`tiers.windows.${tier.window}`),
            },
            {
              title: t('tiers.pointsMultiplier'),
              dataIndex: 'pointsMultiplier',
              align: 'right',
              render: (value: number) => `×${value}`,
            },
            {
              title: t('tiers.benefits'),
              dataIndex: 'benefits',
              render: (value: string | null) =>
                value ? (
                  <Typography.Paragraph style={{ whiteSpace: 'pre-line', marginBottom: 0 }} ellipsis={{ rows: 3, expandable: true }}>
                    {value}
                  </Typography.Paragraph>
                ) : (
                  <Typography.Text type="secondary">—</Typography.Text>
                ),
            },
            ...(editable
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_: unknown, tier: TierFieldsFragment) => (
                      <Space>
                        <Button size="small" icon={<EditOutlined />} onClick={() => setModal({ editing: tier })} data-testid="tier-edit">
                          {t('common.edit')}
                        </Button>
                        <Popconfirm
                          title={t('tiers.deleteConfirm', { name: tier.name })}
                          okText={t('common.delete')}
                          cancelText={t('common.cancel')}
                          okButtonProps={{ danger: true }}
                          onConfirm={() => onDelete(tier)}
                        >
                          <Button size="small" danger icon={<DeleteOutlined />} data-testid="tier-delete">
                            {t('common.delete')}
                          </Button>
                        </Popconfirm>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <PointsSettingsCard />
      {modal && (
        <TierFormModal
          editing={modal.editing}
          nextRank={nextRank}
          onClose={() => setModal(null)}
          onSaved={() => {
            setModal(null);
            reload();
          }}
        />
      )}
    </Space>
  );
}
