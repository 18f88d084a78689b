import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { STATUS_COLORS, isCouponStatus } from './couponFormat';

export function CouponStatusTag({ status, testId }: { status: string; testId?: string }) {
  const { t } = useTranslation();
  if (!isCouponStatus(status)) return <Tag data-testid={testId}>{status}</Tag>;
  return (
    <Tag color={STATUS_COLORS[status]} data-testid={testId} data-status={status}>
      {t(`coupons.statuses.${status}`)}
    </Tag>
  );
}
