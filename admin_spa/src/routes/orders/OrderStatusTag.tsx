import { Tag } from 'antd';
import { CodeLabel } from '../../components/CodeLabel';
import { useTranslation } from 'react-i18next';
import { STATUS_COLORS, isOrderStatus } from './orderFormat';

export function OrderStatusTag({ status, testId }: { status: string; testId?: string }) {
  const { t } = useTranslation();
  if (!isOrderStatus(status)) {
    return (
      <Tag data-testid={testId} data-status={status}>
        <CodeLabel kind="orderStatus" code={status} />
      </Tag>
    );
  }
  return (
    <Tag color={STATUS_COLORS[status]} data-testid={testId} data-status={status}>
      {t(`orders.statuses.${status}`)}
    </Tag>
  );
}
