import { Tag } from 'antd';
import { CodeLabel } from '../../components/CodeLabel';
import { useTranslation } from 'react-i18next';
import { STATUS_COLORS, isCouponStatus } from './couponFormat';

export function CouponStatusTag({ status, testId }: { status: string; testId?: string }) {
  const { t } = useTranslation();
  if (!isCouponStatus(status)) {
    return (
      <Tag data-testid={testId} data-status={status}>
        <CodeLabel kind="couponStatus" code={status} />
      </Tag>
    );
  }
  return (
    <Tag color={STATUS_COLORS[status]} data-testid={testId} data-status={status}>
      {t(`coupons.statuses.${status}`)}
    </Tag>
  );
}
