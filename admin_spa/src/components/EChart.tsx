import { useEffect, useRef, type CSSProperties } from 'react';
import {
  BarChart,
  LineChart,
  PieChart,
  type BarSeriesOption,
  type LineSeriesOption,
  type PieSeriesOption,
} from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { init, use, type ComposeOption, type ECElementEvent, type EChartsType } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

// Only what the charts below use is registered, so the bundle carries no more of ECharts than that.
use([BarChart, LineChart, PieChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

/** The options a chart may use: exactly the series and components registered above. */
export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | PieSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
>;

interface Props {
  option: ChartOption;
  height?: number;
  style?: CSSProperties;
  'data-testid'?: string;
  /** A click on a bar, a point or a slice (the chart's drill-down). */
  onClick?: (event: ECElementEvent) => void;
}

/**
 * One ECharts instance in a div: made on mount, given each new option whole, resized with its
 * container and disposed on unmount. Build the option with useMemo so an unchanged one is not re-applied.
 */
export function EChart({ option, height = 300, style, 'data-testid': testId, onClick }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  // The latest handler, read at click time: a new function each render does not re-bind the chart.
  const clicked = useRef(onClick);
  clicked.current = onClick;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const instance = init(element);
    chart.current = instance;
    instance.on('click', (event) => clicked.current?.(event as ECElementEvent));
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    // notMerge: a series or axis the new option leaves out must go, not linger from the last one.
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={container} style={{ width: '100%', height, ...style }} data-testid={testId} />;
}
