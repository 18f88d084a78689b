import { Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { stockLevel } from './rewardStock';

/** A reward's stock, flagged when it is used up or running low. */
export function StockCell({ stock }: { stock: number | null }) {
  const { t } = useTranslation();
  const level = stockLevel(stock);
  if (level === 'unlimited') {
    return (
      <Typography.Text type="secondary" data-testid="reward-stock" data-stock="">
        {t('rewards.unlimited')}
      </Typography.Text>
    );
  }
  return (
    <Space size={4}>
      {level === 'out' && <Tag color="red">{t('rewards.stockOut')}</Tag>}
      {level === 'low' && <Tag color="orange">{t('rewards.stockLow')}</Tag>}
      <span data-testid="reward-stock" data-stock={String(stock)}>
        {(stock ?? 0).toLocaleString()}
      </span>
    </Space>
  );
}
