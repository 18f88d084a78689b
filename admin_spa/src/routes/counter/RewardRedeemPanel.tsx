import { useState } from 'react';
import { Alert, App, Button, Empty, Modal, Spin, Typography, theme, type ButtonProps } from 'antd';
import { GiftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import type { CounterRewardsQuery } from '../../gql/graphql';
import { newIdempotencyKey } from '../../api/idempotencyKey';
import { describeError } from '../../api/userErrors';
import { CounterRedeemRewardMutation, CounterRewardsQuery as RewardsQuery } from './queries';

type Reward = CounterRewardsQuery['rewards'][number];

interface Props {
  memberId: string;
  memberLabel: string;
  balance: number;
  /** Points were spent: the member's figures are worth reading again. */
  onRedeemed: () => void;
}

interface Confirming {
  reward: Reward;
  /** One key per opened dialog: confirming twice, or again after a lost answer, redeems once. */
  idempotencyKey: string;
}

/** The points mall at the counter: the rewards the member can afford, redeemed after a confirmation. */
export function RewardRedeemPanel({ memberId, memberLabel, balance, onRedeemed }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { token } = theme.useToken();
  const [{ data, fetching, error }, refetch] = useQuery({ query: RewardsQuery, requestPolicy: 'cache-and-network' });
  const [{ fetching: redeeming }, redeem] = useMutation(CounterRedeemRewardMutation);
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const [refusal, setRefusal] = useState<string[]>([]);

  const rewards = data?.rewards ?? [];
  const inStock = rewards.filter((reward) => reward.stock === null || reward.stock === undefined || reward.stock > 0);
  const affordable = inStock.filter((reward) => reward.pointsCost <= balance);
  const beyond = inStock.length - affordable.length;

  const onConfirm = async () => {
    if (!confirming) return;
    setRefusal([]);
    const result = await redeem({
      input: { rewardId: confirming.reward.id, memberId, idempotencyKey: confirming.idempotencyKey },
    });
    const payload = result.data?.redeemReward;
    if (result.error) {
      setRefusal([describeError(result.error, t)]);
    } else if (payload && payload.errors.length > 0) {
      setRefusal(payload.errors.map((e) => e.message));
    } else if (payload?.transaction) {
      message.success(
        t('counter.rewards.done', {
          name: confirming.reward.name,
          balance: payload.transaction.balanceAfter.toLocaleString(),
        }),
      );
      setConfirming(null);
      refetch({ requestPolicy: 'network-only' });
      onRedeemed();
    }
  };

  if (fetching && !data) return <Spin style={{ display: 'block', margin: '24px auto' }} />;
  if (error && !data) return <Alert type="error" showIcon message={describeError(error, t)} />;

  return (
    <div data-testid="counter-rewards">
      {affordable.length === 0 ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={<span data-testid="counter-rewards-none">{t('counter.rewards.none')}</span>}
        />
      ) : (
        <div style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
          {affordable.map((reward) => (
            <div
              key={reward.id}
              style={{
                display: 'flex',
                alignItems: 'center',
                gap: 12,
                padding: '8px 12px',
                border: `1px solid ${token.colorBorderSecondary}`,
                borderRadius: token.borderRadiusLG,
              }}
              data-testid="counter-reward"
              data-reward-id={reward.id}
            >
              <GiftOutlined style={{ fontSize: 20, color: token.colorWarning }} />
              <div style={{ flex: 1, minWidth: 0 }}>
                <Typography.Text strong style={{ display: 'block', overflowWrap: 'anywhere' }}>
                  {reward.name}
                </Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('counter.rewards.cost', { points: reward.pointsCost.toLocaleString() })}
                  {typeof reward.stock === 'number' && ` · ${t('counter.rewards.stock', { count: reward.stock })}`}
                  {reward.couponTemplate && ` · ${t('counter.rewards.coupon', { name: reward.couponTemplate.name })}`}
                </Typography.Text>
              </div>
              <Button
                onClick={() => {
                  setRefusal([]);
                  setConfirming({ reward, idempotencyKey: newIdempotencyKey() });
                }}
                data-testid="counter-reward-redeem"
              >
                {t('counter.rewards.redeem')}
              </Button>
            </div>
          ))}
        </div>
      )}
      {beyond > 0 && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t('counter.rewards.beyond', { count: beyond })}
        </Typography.Paragraph>
      )}
      <Modal
        open={confirming !== null}
        title={confirming && t('counter.rewards.confirmTitle', { name: confirming.reward.name })}
        okText={t('counter.rewards.confirm')}
        cancelText={t('common.cancel')}
        confirmLoading={redeeming}
        onOk={() => void onConfirm()}
        onCancel={() => setConfirming(null)}
        okButtonProps={{ autoFocus: true, 'data-testid': 'counter-reward-confirm' } as ButtonProps}
        destroyOnHidden
      >
        {confirming && (
          <>
            <Typography.Paragraph data-testid="counter-reward-summary">
              {t('counter.rewards.confirmBody', {
                member: memberLabel,
                points: confirming.reward.pointsCost.toLocaleString(),
                before: balance.toLocaleString(),
                after: (balance - confirming.reward.pointsCost).toLocaleString(),
              })}
            </Typography.Paragraph>
            {refusal.length > 0 && (
              <Alert type="error" showIcon message={refusal.join('\n')} data-testid="counter-reward-error" />
            )}
          </>
        )}
      </Modal>
    </div>
  );
}
