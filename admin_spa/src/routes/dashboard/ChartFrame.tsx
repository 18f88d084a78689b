import { Suspense, lazy, type ReactNode } from 'react';
import { Empty, Spin, Typography } from 'antd';
import type { CombinedError } from 'urql';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../api/userErrors';

export const CHART_HEIGHT = 280;

// ECharts is large and only these charts draw with it: they load in a chunk of their own.
export const TrendChart = lazy(() => import('./charts').then((m) => ({ default: m.TrendChart })));
export const BarsChart = lazy(() => import('./charts').then((m) => ({ default: m.BarsChart })));
export const PieSlicesChart = lazy(() => import('./charts').then((m) => ({ default: m.PieSlicesChart })));

const placeholder = {
  minHeight: CHART_HEIGHT,
  display: 'flex',
  alignItems: 'center',
  justifyContent: 'center',
  flexDirection: 'column',
  margin: 0,
} as const;

interface Props {
  error: CombinedError | undefined;
  /** Nothing arrived yet. */
  loading: boolean;
  empty: boolean;
  emptyText: string;
  testId: string;
  children: ReactNode;
}

/** A chart's place: the error, a spinner, "nothing here", or the chart once its chunk is in. */
export function ChartFrame({ error, loading, empty, emptyText, testId, children }: Props) {
  const { t } = useTranslation();
  if (error && loading) {
    return (
      <Typography.Text type="danger" style={placeholder} data-testid={`${testId}-error`}>
        {describeError(error, t)}
      </Typography.Text>
    );
  }
  if (loading) return <Spin style={placeholder} />;
  if (empty) {
    return (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={<span data-testid={`${testId}-empty`}>{emptyText}</span>}
        style={placeholder}
      />
    );
  }
  return <Suspense fallback={<Spin style={placeholder} />}>{children}</Suspense>;
}
