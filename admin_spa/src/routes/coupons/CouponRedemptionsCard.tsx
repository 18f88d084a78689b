import { Suspense, lazy, useState, type ReactNode } from 'react';
import { Card, Empty, Segmented, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { describeError } from '../../api/userErrors';
import { formatMoney } from '../../format/money';
import { CouponRedemptionsByDayQuery } from './queries';

// ECharts is large and only this card draws with it: it loads in a chunk of its own.
const CouponRedemptionsChart = lazy(() => import('./CouponRedemptionsChart'));

const RANGES = [7, 30, 90] as const;
type Range = (typeof RANGES)[number];

const CHART_HEIGHT = 280;

interface Props {
  templateId: string;
  currency: string;
}

/** A campaign's redemptions per day in the tenant's time zone, over the last 7, 30 or 90 days. */
export function CouponRedemptionsCard({ templateId, currency }: Props) {
  const { t, i18n } = useTranslation();
  const [range, setRange] = useState<Range>(30);
  // Redemptions happen at the till, not here: coming back to the page asks the server again.
  const [{ data, fetching, error }] = useQuery({
    query: CouponRedemptionsByDayQuery,
    variables: { templateId, days: range },
    requestPolicy: 'cache-and-network',
  });

  const days = data?.couponRedemptionsByDay;
  const redeemed = days?.reduce((sum, day) => sum + day.redeemed, 0) ?? 0;
  const discount = days?.reduce((sum, day) => sum + day.discountAmount, 0) ?? 0;
  const placeholder = { height: CHART_HEIGHT, display: 'flex', alignItems: 'center', justifyContent: 'center' };

  let body: ReactNode;
  if (error && !days) {
    body = (
      <Typography.Text type="danger" style={placeholder}>
        {describeError(error, t)}
      </Typography.Text>
    );
  } else if (!days) {
    body = <Spin style={placeholder} />;
  } else if (redeemed === 0 && discount === 0) {
    body = (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={<span data-testid="coupon-redemptions-empty">{t('coupons.redemptions.empty')}</span>}
        style={{ ...placeholder, flexDirection: 'column', margin: 0 }}
      />
    );
  } else {
    body = (
      <Suspense fallback={<Spin style={placeholder} />}>
        <CouponRedemptionsChart days={days} currency={currency} />
      </Suspense>
    );
  }

  return (
    <Card
      title={t('coupons.redemptions.title')}
      data-testid="coupon-redemptions-chart"
      extra={
        <Segmented<Range>
          size="small"
          value={range}
          onChange={setRange}
          options={RANGES.map((value) => ({
            value,
            label: <span data-testid={`coupon-redemptions-range-${value}`}>{t('coupons.redemptions.range', { days: value })}</span>,
          }))}
          data-testid="coupon-redemptions-range"
        />
      }
    >
      <Spin spinning={fetching && !!days} delay={300}>
        {body}
      </Spin>
      {days && (
        <Typography.Text
          type="secondary"
          data-testid="coupon-redemptions-total"
          data-days={days.length}
          style={{ display: 'block', marginTop: 8, textAlign: 'center' }}
        >
          {t('coupons.redemptions.total', { count: redeemed, amount: formatMoney(discount, currency, i18n.language) })}
        </Typography.Text>
      )}
    </Card>
  );
}
