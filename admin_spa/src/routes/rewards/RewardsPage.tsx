import { useState, type HTMLAttributes } from 'react';
import { App, Button, Card, Space, Switch, Tag, Tooltip, Typography } from 'antd';
import { EditOutlined, GiftOutlined, PlusOutlined, PlusSquareOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import type { RewardFieldsFragment } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { RestockModal } from './RestockModal';
import { RewardFormModal } from './RewardFormModal';
import { RewardsQuery, UpdateRewardMutation } from './queries';
import { StockCell } from './StockCell';

type Reward = RewardFieldsFragment;

type Dialog = { kind: 'form'; editing: Reward | null } | { kind: 'restock'; reward: Reward };

/** The points mall's catalogue: what members can buy with points, its stock and whether it is on offer. */
export default function RewardsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [{ data, fetching, error }, refetch] = useQuery({ query: RewardsQuery });
  const [, update] = useMutation(UpdateRewardMutation);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [toggling, setToggling] = useState<string | null>(null);

  const rewards = data?.rewards ?? [];
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const closeAndReload = () => {
    setDialog(null);
    reload();
  };

  const onToggle = async (reward: Reward, active: boolean) => {
    setToggling(reward.id);
    try {
      const result = await update({ id: reward.id, input: { active } });
      const errors = result.data?.updateReward.errors ?? [];
      if (result.error) message.error(describeError(result.error, t));
      else if (errors.length > 0) message.error(errors.map((e) => e.message).join('\n'));
      else message.success(active ? t('rewards.activatedNow') : t('rewards.deactivatedNow'));
    } finally {
      setToggling(null);
      reload();
    }
  };

  return (
    <Card
      title={t('rewards.title')}
      extra={
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setDialog({ kind: 'form', editing: null })}
          data-testid="reward-create"
        >
          {t('rewards.create')}
        </Button>
      }
    >
      {error && <Typography.Paragraph type="danger">{describeError(error, t)}</Typography.Paragraph>}
      <ResponsiveTable<Reward>
        rowKey="id"
        loading={fetching}
        dataSource={rewards}
        pagination={false}
        locale={{ emptyText: t('rewards.empty') }}
        onRow={(reward) =>
          ({ 'data-testid': 'reward-row', 'data-reward-id': reward.id }) as HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            title: t('rewards.fields.name'),
            dataIndex: 'name',
            card: 'title',
            render: (name: string, reward) => (
              <Typography.Text strong type={reward.active ? undefined : 'secondary'} data-testid="reward-name">
                {name}
              </Typography.Text>
            ),
          },
          {
            title: t('rewards.fields.pointsCost'),
            dataIndex: 'pointsCost',
            align: 'right',
            render: (points: number) => t('rewards.points', { points: points.toLocaleString() }),
          },
          {
            title: t('rewards.fields.stock'),
            dataIndex: 'stock',
            align: 'right',
            render: (stock: number | null) => <StockCell stock={stock} />,
          },
          {
            title: t('rewards.fields.redeemedCount'),
            dataIndex: 'redeemedCount',
            align: 'right',
            render: (count: number) => <span data-testid="reward-redeemed">{count.toLocaleString()}</span>,
          },
          {
            title: t('rewards.fields.perMemberLimit'),
            dataIndex: 'perMemberLimit',
            align: 'right',
            render: (limit: number | null) => (limit === null ? t('rewards.noLimit') : limit.toLocaleString()),
          },
          {
            title: t('rewards.fields.fulfilment'),
            key: 'couponTemplate',
            render: (_, reward) =>
              reward.couponTemplate ? (
                <Tag color="blue">{reward.couponTemplate.name}</Tag>
              ) : (
                <Tag icon={<GiftOutlined />}>{t('rewards.physical')}</Tag>
              ),
          },
          {
            title: t('rewards.fields.active'),
            dataIndex: 'active',
            width: 100,
            render: (active: boolean, reward) => (
              <Tooltip title={active ? t('rewards.activeHint') : t('rewards.inactiveHint')}>
                <Switch
                  checked={active}
                  loading={toggling === reward.id}
                  onChange={(next) => void onToggle(reward, next)}
                  data-testid="reward-active"
                />
              </Tooltip>
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, reward) => (
              <Space>
                <Tooltip title={reward.stock === null ? t('rewards.restock.unlimited') : undefined}>
                  <Button
                    size="small"
                    icon={<PlusSquareOutlined />}
                    disabled={reward.stock === null}
                    onClick={() => setDialog({ kind: 'restock', reward })}
                    data-testid="reward-restock"
                  >
                    {t('rewards.restock.button')}
                  </Button>
                </Tooltip>
                <Button
                  size="small"
                  icon={<EditOutlined />}
                  onClick={() => setDialog({ kind: 'form', editing: reward })}
                  data-testid="reward-edit"
                >
                  {t('common.edit')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      {dialog?.kind === 'form' && (
        <RewardFormModal editing={dialog.editing} onClose={() => setDialog(null)} onSaved={closeAndReload} />
      )}
      {dialog?.kind === 'restock' && (
        <RestockModal reward={dialog.reward} onClose={() => setDialog(null)} onRestocked={closeAndReload} />
      )}
    </Card>
  );
}
