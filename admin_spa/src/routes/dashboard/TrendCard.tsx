import { useMemo, type HTMLAttributes } from 'react';
import { Card, Segmented, Spin, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import type { Granularity } from '../../gql/graphql';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { useIsNarrow } from '../../hooks/useIsNarrow';
import { ChartFrame, TrendChart } from './ChartFrame';
import { activityLink, joinedLink } from './drilldown';
import type { DashboardFormat } from './numberFormat';
import { GRANULARITIES, bucketPeriod, dailyAllowed, type Period } from './period';
import { DashboardTrendQuery } from './queries';

interface Props {
  period: Period;
  granularity: Granularity;
  onGranularity: (granularity: Granularity) => void;
  currency: string;
  format: DashboardFormat;
}

interface Bucket {
  date: string;
  days: Period;
  members: number;
  revenue: number;
}

/** New members and revenue per day, week or month; a bucket opens the members behind it. */
export function TrendCard({ period, granularity, onGranularity, currency, format }: Props) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  // A bucket is a card on a phone: fewer of them a page.
  const pageSize = useIsNarrow() ? 4 : 8;
  const [{ data, fetching, error }] = useQuery({
    query: DashboardTrendQuery,
    variables: { from: period.from, until: period.until, granularity },
  });

  const buckets = useMemo<Bucket[] | null>(() => {
    if (!data) return null;
    const revenue = new Map(data.revenueSeries.map((point) => [point.date, point.value]));
    const dates = [...new Set([...data.memberGrowth.map((p) => p.date), ...data.revenueSeries.map((p) => p.date)])].sort();
    const members = new Map(data.memberGrowth.map((point) => [point.date, point.value]));
    return dates.map((date) => ({
      date,
      days: bucketPeriod(date, granularity, period),
      members: members.get(date) ?? 0,
      revenue: revenue.get(date) ?? 0,
    }));
  }, [data, granularity, period]);

  const daily = dailyAllowed(period);
  const empty = !!buckets && buckets.every((bucket) => bucket.members === 0 && bucket.revenue === 0);

  return (
    <Card
      title={t('dashboard.trend.title')}
      data-testid="dashboard-trend"
      data-granularity={granularity}
      data-buckets={buckets?.length ?? ''}
      extra={
        <Segmented<Granularity>
          size="small"
          value={granularity}
          onChange={onGranularity}
          data-testid="dashboard-granularity"
          options={GRANULARITIES.map((value) => {
            const disabled = value === 'DAY' && !daily;
            const label = (
              <span data-testid={`dashboard-granularity-${value}`}>{t(`dashboard.trend.granularity.${value}`)}</span>
            );
            return {
              value,
              disabled,
              label: disabled ? <Tooltip title={t('dashboard.trend.dayDisabled')}>{label}</Tooltip> : label,
            };
          })}
        />
      }
    >
      <Spin spinning={fetching && !!buckets} delay={300}>
        <ChartFrame
          error={error}
          loading={!buckets}
          empty={empty}
          emptyText={t('dashboard.empty')}
          testId="dashboard-trend"
        >
          {buckets && (
            <TrendChart
              buckets={buckets}
              currency={currency}
              format={format}
              onSelect={(index, series) => {
                const bucket = buckets[index];
                if (!bucket) return;
                navigate(series === 'revenue' ? activityLink('ACTIVE', bucket.days) : joinedLink(bucket.days));
              }}
            />
          )}
        </ChartFrame>
      </Spin>
      {buckets && !empty && (
        <>
          <Typography.Text type="secondary" style={{ display: 'block', margin: '8px 0' }}>
            {t('dashboard.trend.clickHint')}
          </Typography.Text>
          <ResponsiveTable<Bucket>
            size="small"
            rowKey="date"
            dataSource={buckets}
            pagination={buckets.length > pageSize ? { pageSize, showSizeChanger: false, size: 'small' } : false}
            onRow={() => ({ 'data-testid': 'dashboard-bucket' }) as HTMLAttributes<HTMLElement>}
            columns={[
              {
                key: 'date',
                dataIndex: 'date',
                title: t('dashboard.trend.bucket'),
                card: 'title',
                render: (_: string, bucket) =>
                  bucket.days.from === bucket.days.until
                    ? bucket.days.from
                    : t('dashboard.period', { from: bucket.days.from, until: bucket.days.until }),
              },
              {
                key: 'members',
                dataIndex: 'members',
                title: t('dashboard.trend.newMembers'),
                align: 'right',
                render: (value: number, bucket) => (
                  <Link
                    to={joinedLink(bucket.days)}
                    data-testid="dashboard-bucket-members"
                    data-from={bucket.days.from}
                    data-until={bucket.days.until}
                    data-value={value}
                  >
                    {format.count(value)}
                  </Link>
                ),
              },
              {
                key: 'revenue',
                dataIndex: 'revenue',
                title: t('dashboard.trend.revenue'),
                align: 'right',
                render: (value: number, bucket) => (
                  <Link
                    to={activityLink('ACTIVE', bucket.days)}
                    data-testid="dashboard-bucket-revenue"
                    data-from={bucket.days.from}
                    data-until={bucket.days.until}
                    data-value={value}
                  >
                    {format.money(value)}
                  </Link>
                ),
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}
