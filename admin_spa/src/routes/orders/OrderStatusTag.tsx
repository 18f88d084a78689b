import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { STATUS_COLORS, isOrderStatus } from './orderFormat';

export function OrderStatusTag({ status, testId }: { status: string; testId?: string }) {
  const { t } = useTranslation();
  if (!isOrderStatus(status)) return <Tag data-testid={testId}>{status}</Tag>;
  return (
    <Tag color={STATUS_COLORS[status]} data-testid={testId} data-status={status}>
      {t(`orders.statuses.${status}`)}
    </Tag>
  );
}
