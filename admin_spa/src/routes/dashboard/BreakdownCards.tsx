import { useMemo, type HTMLAttributes } from 'react';
import { Card, Col } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import type { DashboardBreakdownQuery as DashboardBreakdownResult } from '../../gql/graphql';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { codeText } from '../../i18n/codes';
import { BarsChart, ChartFrame, PieSlicesChart } from './ChartFrame';
import type { ChartDatum } from './charts';
import { channelLink, tierLink } from './drilldown';
import type { DashboardFormat } from './numberFormat';
import type { Period } from './period';
import { DashboardBreakdownQuery } from './queries';

type TierRow = DashboardBreakdownResult['tierContribution'][number];
type ChannelRow = DashboardBreakdownResult['channelValue'][number];

interface Props {
  period: Period;
  currency: string;
  format: DashboardFormat;
}

/** What each tier and each acquisition channel brings in the period: two cards side by side. */
export function BreakdownCards({ period, currency, format }: Props) {
  const [{ data, error }] = useQuery({
    query: DashboardBreakdownQuery,
    variables: { from: period.from, until: period.until },
  });
  return (
    <>
      <Col xs={24} xl={12}>
        <TierCard rows={data?.tierContribution ?? null} error={error} format={format} />
      </Col>
      {/* Five columns: the channels take the whole width. */}
      <Col span={24}>
        <ChannelCard rows={data?.channelValue ?? null} error={error} period={period} currency={currency} format={format} />
      </Col>
    </>
  );
}

interface CardProps<T> {
  rows: readonly T[] | null;
  error: Parameters<typeof ChartFrame>[0]['error'];
  format: DashboardFormat;
}

function TierCard({ rows, error, format }: CardProps<TierRow>) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const sorted = useMemo(
    // Tiers from the lowest up, members in no tier last.
    () => (rows ? [...rows].sort((a, b) => (a.tier?.rank ?? Infinity) - (b.tier?.rank ?? Infinity)) : null),
    [rows],
  );
  const name = (row: TierRow) => row.tier?.name ?? t('dashboard.tiers.noTier');
  const chartData = useMemo<ChartDatum[]>(
    () =>
      (sorted ?? []).map((row) => ({
        label: row.tier?.name ?? t('dashboard.tiers.noTier'),
        value: row.revenue,
        lines: [
          `${t('dashboard.tiers.members')}: ${format.count(row.members)}`,
          `${t('dashboard.tiers.revenue')}: ${format.money(row.revenue)}`,
          `${t('dashboard.tiers.share')}: ${format.percent(row.share)}`,
        ],
        onSelect: () => navigate(tierLink(row.tier?.id ?? null)),
      })),
    [sorted, format, navigate, t],
  );
  const empty = !!sorted && sorted.every((row) => row.revenue === 0);

  return (
    <Card title={t('dashboard.tiers.title')} data-testid="dashboard-tiers" style={{ height: '100%' }}>
      <ChartFrame error={error} loading={!sorted} empty={empty} emptyText={t('dashboard.empty')} testId="dashboard-tiers">
        <PieSlicesChart data={chartData} testId="dashboard-tiers-canvas" />
      </ChartFrame>
      {sorted && sorted.length > 0 && (
        <ResponsiveTable<TierRow>
          size="small"
          rowKey={(row) => row.tier?.id ?? 'none'}
          dataSource={sorted}
          pagination={false}
          style={{ marginTop: 12 }}
          onRow={() => ({ 'data-testid': 'dashboard-tier-row' }) as HTMLAttributes<HTMLElement>}
          columns={[
            {
              key: 'tier',
              title: t('dashboard.tiers.tier'),
              card: 'title',
              render: (_: unknown, row) => (
                <Link
                  to={tierLink(row.tier?.id ?? null)}
                  data-testid="dashboard-tier"
                  data-tier-id={row.tier?.id ?? ''}
                  data-without-tier={row.tier ? undefined : '1'}
                  data-members={row.members}
                  data-revenue={row.revenue}
                >
                  {name(row)}
                </Link>
              ),
            },
            {
              key: 'members',
              dataIndex: 'members',
              title: t('dashboard.tiers.members'),
              align: 'right',
              render: (value: number) => format.count(value),
            },
            {
              key: 'revenue',
              dataIndex: 'revenue',
              title: t('dashboard.tiers.revenue'),
              align: 'right',
              render: (value: number) => format.money(value),
            },
            {
              key: 'share',
              dataIndex: 'share',
              title: t('dashboard.tiers.share'),
              align: 'right',
              render: (value: number) => format.percent(value),
            },
          ]}
        />
      )}
    </Card>
  );
}

function ChannelCard({
  rows,
  error,
  period,
  currency,
  format,
}: CardProps<ChannelRow> & { period: Period; currency: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const name = (channel: string | null | undefined) =>
    channel ? codeText(t, 'sourceChannel', channel) : t('dashboard.channels.notRecorded');
  const sorted = useMemo(() => (rows ? [...rows].sort((a, b) => b.revenue - a.revenue) : null), [rows]);
  const chartData = useMemo<ChartDatum[]>(
    () =>
      (sorted ?? []).map((row) => ({
        label: row.sourceChannel ? codeText(t, 'sourceChannel', row.sourceChannel) : t('dashboard.channels.notRecorded'),
        value: row.revenue,
        lines: [
          `${t('dashboard.channels.members')}: ${format.count(row.members)}`,
          `${t('dashboard.channels.activeMembers')}: ${format.count(row.activeMembers)}`,
          `${t('dashboard.channels.revenue')}: ${format.money(row.revenue)}`,
          `${t('dashboard.channels.perMember')}: ${format.money(row.averageRevenuePerMember)}`,
        ],
        onSelect: () => navigate(channelLink(row.sourceChannel ?? null, period.until)),
      })),
    [sorted, format, navigate, period.until, t],
  );
  const empty = !!sorted && sorted.every((row) => row.members === 0 && row.revenue === 0);

  return (
    <Card title={t('dashboard.channels.title')} data-testid="dashboard-channels" style={{ height: '100%' }}>
      <ChartFrame
        error={error}
        loading={!sorted}
        empty={empty}
        emptyText={t('dashboard.empty')}
        testId="dashboard-channels"
      >
        <BarsChart data={chartData} money={currency} testId="dashboard-channels-canvas" />
      </ChartFrame>
      {sorted && sorted.length > 0 && (
        <ResponsiveTable<ChannelRow>
          size="small"
          rowKey={(row) => row.sourceChannel ?? ''}
          dataSource={sorted}
          pagination={false}
          style={{ marginTop: 12 }}
          onRow={() => ({ 'data-testid': 'dashboard-channel-row' }) as HTMLAttributes<HTMLElement>}
          columns={[
            {
              key: 'channel',
              title: t('dashboard.channels.channel'),
              card: 'title',
              render: (_: unknown, row) => (
                <Link
                  to={channelLink(row.sourceChannel ?? null, period.until)}
                  data-testid="dashboard-channel"
                  data-source-channel={row.sourceChannel ?? ''}
                  data-members={row.members}
                  data-revenue={row.revenue}
                >
                  {name(row.sourceChannel)}
                </Link>
              ),
            },
            {
              key: 'members',
              dataIndex: 'members',
              title: t('dashboard.channels.members'),
              align: 'right',
              render: (value: number) => format.count(value),
            },
            {
              key: 'activeMembers',
              dataIndex: 'activeMembers',
              title: t('dashboard.channels.activeMembers'),
              align: 'right',
              render: (value: number) => format.count(value),
            },
            {
              key: 'revenue',
              dataIndex: 'revenue',
              title: t('dashboard.channels.revenue'),
              align: 'right',
              render: (value: number) => format.money(value),
            },
            {
              key: 'perMember',
              dataIndex: 'averageRevenuePerMember',
              title: t('dashboard.channels.perMember'),
              align: 'right',
              render: (value: number) => format.money(value),
            },
          ]}
        />
      )}
    </Card>
  );
}
