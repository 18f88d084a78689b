import { useRef, useState } from 'react';
import { Alert, App, Form, Modal, Select, Space, Typography, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import { newIdempotencyKey } from '../../api/idempotencyKey';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { MemberRedeemRewardMutation, MemberRewardOptionsQuery } from './memberHeaderQueries';

interface Values {
  rewardId: string;
}

interface Props {
  memberId: string;
  memberLabel: string;
  /** The member's available points: rewards that cost more are listed but cannot be chosen. */
  balance: number;
  onClose: () => void;
  onRedeemed: () => void;
}

/**
 * Redeem a points-mall reward for the member at the desk. The idempotency key is made once per
 * opened dialog, so however often it is confirmed the points are spent once.
 */
export function RedeemRewardModal({ memberId, memberLabel, balance, onClose, onRedeemed }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [formError, setFormError] = useState<string[]>([]);
  const [{ data, fetching: loading, error: rewardsError }] = useQuery({ query: MemberRewardOptionsQuery });
  const [{ fetching }, redeem] = useMutation(MemberRedeemRewardMutation);
  const inFlight = useRef(false);
  const done = useRef(false);

  const rewards = data?.rewards ?? [];
  const affordable = rewards.filter((reward) => reward.pointsCost <= balance && reward.stock !== 0);

  const onFinish = async ({ rewardId }: Values) => {
    if (inFlight.current || done.current) return;
    inFlight.current = true;
    setFormError([]);
    try {
      const result = await redeem({ input: { rewardId, memberId, idempotencyKey } });
      const payload = result.data?.redeemReward;
      if (result.error) {
        setFormError([describeError(result.error, t)]);
      } else if (payload && payload.errors.length > 0) {
        const unplaced = applyUserErrors(form, payload.errors);
        setFormError(unplaced.length > 0 ? unplaced : payload.errors.map((e) => e.message));
      } else {
        done.current = true;
        const reward = rewards.find((r) => r.id === rewardId);
        const points = Math.abs(payload?.transaction?.points ?? reward?.pointsCost ?? 0).toLocaleString();
        const code = payload?.coupon?.code;
        message.success(
          code
            ? t('members.redeem.doneCoupon', { reward: reward?.name ?? '', points, code })
            : t('members.redeem.done', { reward: reward?.name ?? '', points }),
        );
        onRedeemed();
      }
    } finally {
      inFlight.current = false;
    }
  };

  return (
    <Modal
      open
      title={t('members.redeem.title', { name: memberLabel })}
      okText={t('members.redeem.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={fetching}
      onOk={() => form.submit()}
      onCancel={onClose}
      maskClosable={!fetching}
      okButtonProps={{ 'data-testid': 'redeem-reward-submit', disabled: affordable.length === 0 } as ButtonProps}
      destroyOnHidden
    >
      {(formError.length > 0 || rewardsError) && (
        <Alert
          type="error"
          showIcon
          message={rewardsError ? describeError(rewardsError, t) : formError.join('\n')}
          style={{ marginBottom: 16 }}
          data-testid="redeem-reward-error"
        />
      )}
      <Typography.Paragraph data-testid="redeem-reward-balance">
        {t('members.redeem.balance', { points: balance.toLocaleString() })}
      </Typography.Paragraph>
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} onValuesChange={() => setFormError([])}>
        <Form.Item
          name="rewardId"
          label={t('members.redeem.reward')}
          rules={[{ required: true, message: t('common.required', { field: t('members.redeem.reward') }) }]}
          extra={!loading && rewards.length > 0 && affordable.length === 0 ? t('members.redeem.noneAffordable') : null}
        >
          <Select
            showSearch
            optionFilterProp="title"
            loading={loading}
            placeholder={t('members.redeem.placeholder')}
            notFoundContent={loading ? undefined : t('members.redeem.noRewards')}
            options={rewards.map((reward) => {
              const outOfStock = reward.stock === 0;
              const tooDear = reward.pointsCost > balance;
              return {
                value: reward.id,
                title: reward.name,
                disabled: outOfStock || tooDear,
                label: (
                  <Space size={8} style={{ width: '100%', justifyContent: 'space-between' }}>
                    <span>{reward.name}</span>
                    <Typography.Text type={tooDear || outOfStock ? 'secondary' : undefined}>
                      {outOfStock
                        ? t('members.redeem.outOfStock')
                        : tooDear
                          ? t('members.redeem.notEnough', { points: reward.pointsCost.toLocaleString() })
                          : t('members.redeem.cost', { points: reward.pointsCost.toLocaleString() })}
                    </Typography.Text>
                  </Space>
                ),
              };
            })}
            data-testid="redeem-reward-select"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
