import { useMemo } from 'react';
import { theme } from 'antd';
import { useTranslation } from 'react-i18next';
import { EChart, type ChartOption } from '../../components/EChart';
import { minorUnitDigits, moneyFormatter } from '../../format/money';
import { useIsNarrow } from '../../hooks/useIsNarrow';
import { CHART_HEIGHT } from './ChartFrame';
import type { DashboardFormat } from './numberFormat';

// ECharts is large: these charts load in a chunk of their own (see ChartFrame), after the figures.

/** One bar, point or slice: its label, the figures the tooltip lists, and where a click leads. */
export interface ChartDatum {
  label: string;
  value: number;
  lines: string[];
  onSelect: () => void;
}

function tooltipHtml(title: string, lines: readonly string[]): string {
  const escape = (text: string) =>
    text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
  return [`<strong>${escape(title)}</strong>`, ...lines.map(escape)].join('<br/>');
}

function useMoneyAxis(currency: string) {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const digits = minorUnitDigits(currency);
    const tick = moneyFormatter(currency, i18n.language, { minimumFractionDigits: 0, maximumFractionDigits: 0 });
    return { scale: 10 ** digits, tick: (value: number) => tick.format(value) };
  }, [currency, i18n.language]);
}

interface TrendProps {
  buckets: readonly { date: string; members: number; revenue: number }[];
  currency: string;
  format: DashboardFormat;
  onSelect: (index: number, series: 'members' | 'revenue') => void;
}

/** New members as bars, revenue as a line on an axis of its own, per bucket. */
export function TrendChart({ buckets, currency, format, onSelect }: TrendProps) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const money = useMoneyAxis(currency);
  const option = useMemo<ChartOption>(() => {
    const membersName = t('dashboard.trend.newMembers');
    const revenueName = t('dashboard.trend.revenue');
    return {
      color: [token.colorPrimary, token.colorWarning],
      textStyle: { fontFamily: token.fontFamily },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params) => {
          const first = Array.isArray(params) ? params[0] : params;
          const bucket = buckets[first?.dataIndex ?? 0];
          if (!bucket) return '';
          return tooltipHtml(bucket.date, [
            `${membersName}: ${format.count(bucket.members)}`,
            `${revenueName}: ${format.money(bucket.revenue)}`,
          ]);
        },
      },
      legend: { data: [membersName, revenueName], top: 0 },
      grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: buckets.map((bucket) => bucket.date),
        axisTick: { alignWithLabel: true },
      },
      yAxis: [
        { type: 'value', minInterval: 1 },
        { type: 'value', splitLine: { show: false }, axisLabel: { formatter: money.tick } },
      ],
      series: [
        {
          name: membersName,
          type: 'bar',
          barMaxWidth: 24,
          data: buckets.map((bucket) => bucket.members),
        },
        {
          name: revenueName,
          type: 'line',
          yAxisIndex: 1,
          showSymbol: buckets.length <= 62,
          data: buckets.map((bucket) => bucket.revenue / money.scale),
        },
      ],
    };
  }, [buckets, format, money, t, token.colorPrimary, token.colorWarning, token.fontFamily]);

  return (
    <EChart
      option={option}
      height={CHART_HEIGHT}
      data-testid="dashboard-trend-canvas"
      onClick={(event) => onSelect(event.dataIndex, event.seriesIndex === 1 ? 'revenue' : 'members')}
    />
  );
}

interface BarsProps {
  data: readonly ChartDatum[];
  /** Money values (minor units) get a money axis. */
  money?: string;
  testId: string;
  horizontal?: boolean;
}

/** One bar per datum, labelled; the tooltip lists its figures and a click opens its members. */
export function BarsChart({ data, money, testId, horizontal = false }: BarsProps) {
  const { token } = theme.useToken();
  const axis = useMoneyAxis(money ?? 'CNY');
  const option = useMemo<ChartOption>(() => {
    const scale = money ? axis.scale : 1;
    const categories = { type: 'category' as const, data: data.map((datum) => datum.label), axisTick: { show: false } };
    const values = {
      type: 'value' as const,
      minInterval: money ? undefined : 1,
      axisLabel: money ? { formatter: axis.tick } : {},
    };
    return {
      color: [token.colorPrimary],
      textStyle: { fontFamily: token.fontFamily },
      tooltip: {
        trigger: 'item',
        formatter: (params) => {
          const item = Array.isArray(params) ? params[0] : params;
          const datum = data[item?.dataIndex ?? 0];
          return datum ? tooltipHtml(datum.label, datum.lines) : '';
        },
      },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: horizontal ? values : categories,
      yAxis: horizontal ? { ...categories, inverse: true } : values,
      series: [
        {
          type: 'bar',
          barMaxWidth: 28,
          cursor: 'pointer',
          data: data.map((datum) => datum.value / scale),
        },
      ],
    };
  }, [data, money, axis, horizontal, token.colorPrimary, token.fontFamily]);

  return (
    <EChart
      option={option}
      height={CHART_HEIGHT}
      data-testid={testId}
      onClick={(event) => data[event.dataIndex]?.onSelect()}
    />
  );
}

interface PieProps {
  data: readonly ChartDatum[];
  testId: string;
}

/** Slices of a whole (revenue by tier): the tooltip lists each slice's figures. */
export function PieSlicesChart({ data, testId }: PieProps) {
  const { token } = theme.useToken();
  // A phone has no room for labels beside the ring: the legend and the table name the slices.
  const narrow = useIsNarrow();
  const option = useMemo<ChartOption>(
    () => ({
      textStyle: { fontFamily: token.fontFamily },
      tooltip: {
        trigger: 'item',
        formatter: (params) => {
          const item = Array.isArray(params) ? params[0] : params;
          const datum = data[item?.dataIndex ?? 0];
          return datum ? tooltipHtml(datum.label, datum.lines) : '';
        },
      },
      legend: { bottom: 0, type: 'plain' },
      series: [
        {
          type: 'pie',
          radius: ['35%', '65%'],
          center: ['50%', '45%'],
          avoidLabelOverlap: true,
          label: { show: !narrow, formatter: '{b}: {d}%' },
          data: data.map((datum) => ({ name: datum.label, value: datum.value })),
        },
      ],
    }),
    [data, narrow, token.fontFamily],
  );

  return (
    <EChart
      option={option}
      height={CHART_HEIGHT}
      data-testid={testId}
      onClick={(event) => data[event.dataIndex]?.onSelect()}
    />
  );
}
