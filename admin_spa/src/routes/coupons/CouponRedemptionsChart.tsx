import { useMemo } from 'react';
import { theme } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CouponRedemptionsByDayQuery } from '../../gql/graphql';
import { EChart, type ChartOption } from '../../components/EChart';
import { formatMoney, minorUnitDigits, moneyFormatter } from '../../format/money';

type Day = CouponRedemptionsByDayQuery['couponRedemptionsByDay'][number];

interface Props {
  days: readonly Day[];
  currency: string;
}

/** Bars of coupons redeemed per day and a line of the discount given, on an axis of its own. */
export default function CouponRedemptionsChart({ days, currency }: Props) {
  const { t, i18n } = useTranslation();
  const { token } = theme.useToken();
  const locale = i18n.language;

  const option = useMemo<ChartOption>(() => {
    const digits = minorUnitDigits(currency);
    const tick = moneyFormatter(currency, locale, { minimumFractionDigits: 0, maximumFractionDigits: digits });
    const redeemedName = t('coupons.redemptions.redeemedSeries');
    const discountName = t('coupons.redemptions.discountSeries');
    return {
      color: [token.colorPrimary, token.colorWarning],
      textStyle: { fontFamily: token.fontFamily },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { data: [redeemedName, discountName], top: 0 },
      grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
      xAxis: {
        type: 'category',
        // Full dates in the tooltip's header, month and day on the axis.
        data: days.map((day) => day.date),
        axisLabel: { formatter: (date: string) => date.slice(5) },
        axisTick: { alignWithLabel: true },
      },
      yAxis: [
        { type: 'value', minInterval: 1, name: redeemedName },
        {
          type: 'value',
          name: discountName,
          splitLine: { show: false },
          axisLabel: { formatter: (value: number) => tick.format(value) },
        },
      ],
      series: [
        {
          name: redeemedName,
          type: 'bar',
          yAxisIndex: 0,
          barMaxWidth: 24,
          data: days.map((day) => day.redeemed),
        },
        {
          name: discountName,
          type: 'line',
          yAxisIndex: 1,
          showSymbol: days.length <= 31,
          // The axis is in yuan; the tooltip shows the exact amount from the fen it came in.
          data: days.map((day) => day.discountAmount / 10 ** digits),
          tooltip: {
            valueFormatter: (_value, dataIndex) => formatMoney(days[dataIndex]?.discountAmount ?? 0, currency, locale),
          },
        },
      ],
    };
  }, [days, currency, locale, t, token.colorPrimary, token.colorWarning, token.fontFamily]);

  return <EChart option={option} height={280} data-testid="coupon-redemptions-canvas" />;
}
