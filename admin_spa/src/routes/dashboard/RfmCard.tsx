import { useMemo, type HTMLAttributes } from 'react';
import { Card, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import type { DashboardRfmQuery as DashboardRfmResult, RfmClass } from '../../gql/graphql';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { BarsChart, ChartFrame } from './ChartFrame';
import type { ChartDatum } from './charts';
import { rfmLink } from './drilldown';
import type { DashboardFormat } from './numberFormat';
import { DashboardRfmQuery } from './queries';

type Segment = DashboardRfmResult['rfmReport']['segments'][number];

/** The eight classes in the contract's order: important before general, value to win-back. */
export const RFM_CLASSES: readonly RfmClass[] = [
  'IMPORTANT_VALUE',
  'IMPORTANT_DEVELOP',
  'IMPORTANT_RETAIN',
  'IMPORTANT_WINBACK',
  'GENERAL_VALUE',
  'GENERAL_DEVELOP',
  'GENERAL_RETAIN',
  'GENERAL_WINBACK',
];

/** The members who ordered, in the eight RFM classes as of today; a class opens its members. */
export function RfmCard({ format }: { format: DashboardFormat }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [{ data, error }] = useQuery({ query: DashboardRfmQuery });
  const report = data?.rfmReport;

  const segments = useMemo<Segment[] | null>(() => {
    if (!report) return null;
    const order = (segment: Segment) => RFM_CLASSES.indexOf(segment.rfmClass);
    return [...report.segments].sort((a, b) => order(a) - order(b));
  }, [report]);

  const name = (rfmClass: RfmClass) => t(`dashboard.rfm.classes.${rfmClass}`);
  const chartData = useMemo<ChartDatum[]>(
    () =>
      (segments ?? []).map((segment) => ({
        label: t(`dashboard.rfm.classes.${segment.rfmClass}`),
        value: segment.members,
        lines: [
          `${t('dashboard.rfm.members')}: ${format.count(segment.members)}`,
          `${t('dashboard.rfm.share')}: ${format.percent(segment.share)}`,
          `${t('dashboard.rfm.monetary')}: ${format.money(segment.monetary)}`,
        ],
        onSelect: () => navigate(rfmLink(segment.rfmClass)),
      })),
    [segments, format, navigate, t],
  );
  const empty = !!segments && segments.every((segment) => segment.members === 0);

  return (
    <Card
      title={t('dashboard.rfm.title')}
      data-testid="dashboard-rfm"
      extra={
        report && (
          <Typography.Text type="secondary" data-testid="dashboard-rfm-as-of">
            {t('dashboard.rfm.asOf', { date: report.asOf })}
          </Typography.Text>
        )
      }
    >
      <ChartFrame error={error} loading={!segments} empty={empty} emptyText={t('dashboard.rfm.empty')} testId="dashboard-rfm">
        <BarsChart data={chartData} testId="dashboard-rfm-canvas" horizontal />
      </ChartFrame>
      {segments && !empty && (
        <ResponsiveTable<Segment>
          size="small"
          rowKey="rfmClass"
          dataSource={segments}
          pagination={false}
          style={{ marginTop: 12 }}
          onRow={() => ({ 'data-testid': 'dashboard-rfm-row' }) as HTMLAttributes<HTMLElement>}
          columns={[
            {
              key: 'class',
              dataIndex: 'rfmClass',
              title: t('dashboard.rfm.class'),
              card: 'title',
              render: (rfmClass: RfmClass, segment) => (
                <Link
                  to={rfmLink(rfmClass)}
                  data-testid="dashboard-rfm-class"
                  data-rfm-class={rfmClass}
                  data-members={segment.members}
                >
                  {name(rfmClass)}
                </Link>
              ),
            },
            {
              key: 'members',
              dataIndex: 'members',
              title: t('dashboard.rfm.members'),
              align: 'right',
              render: (value: number) => format.count(value),
            },
            {
              key: 'share',
              dataIndex: 'share',
              title: t('dashboard.rfm.share'),
              align: 'right',
              render: (value: number) => format.percent(value),
            },
            {
              key: 'monetary',
              dataIndex: 'monetary',
              title: t('dashboard.rfm.monetary'),
              align: 'right',
              render: (value: number) => format.money(value),
            },
          ]}
        />
      )}
    </Card>
  );
}
