import { useCallback, useMemo } from 'react';
import { Alert, Card, Col, Row, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import type { Granularity } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { useViewer } from '../../session/ViewerProvider';
import { TestClockQuery } from '../test-clock/queries';
import { BreakdownCards } from './BreakdownCards';
import { KpiCards } from './KpiCards';
import { dashboardFormat } from './numberFormat';
import {
  dailyAllowed,
  granularityFromParams,
  periodFromParams,
  previousPeriod,
  todayIn,
  type Period,
} from './period';
import { PeriodPicker } from './PeriodPicker';
import { DashboardOverviewQuery } from './queries';
import { RfmCard } from './RfmCard';
import { TrendCard } from './TrendCard';
import './dashboard.css';

/** Today in the tenant's time zone, by a sandbox's test clock when it has one; null until known. */
function useTenantToday(timeZone: string): string | null {
  // The header asks the same: urql answers this one from its cache.
  const [{ data, error }] = useQuery({ query: TestClockQuery });
  if (!data && !error) return null;
  const frozen = data?.viewer.tenant.testClock?.frozenTime;
  return todayIn(timeZone, frozen ? new Date(frozen) : new Date());
}

/** 数据概览: the programme's figures over a period, each leading to the members behind it. */
export default function DashboardPage() {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const { timezone: timeZone } = viewer.tenant;
  const today = useTenantToday(timeZone);
  if (!today) return <Spin style={{ display: 'block', marginTop: 80 }} />;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="dashboard">
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('dashboard.title')}
      </Typography.Title>
      <Dashboard today={today} timeZone={timeZone} currency={viewer.tenant.currency} />
    </Space>
  );
}

interface DashboardProps {
  today: string;
  timeZone: string;
  currency: string;
}

function Dashboard({ today, timeZone, currency }: DashboardProps) {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const period = periodFromParams(params, today);
  const { from, until } = period;
  const stable = useMemo<Period>(() => ({ from, until }), [from, until]);
  const granularity = granularityFromParams(params, stable);
  const previous = previousPeriod(stable);
  const format = useMemo(() => dashboardFormat(i18n.language, currency), [i18n.language, currency]);

  // The period (and the granularity picked for it) live in the URL: a reload or a shared link keeps them.
  const choosePeriod = useCallback(
    (next: Period) => {
      setParams((current) => {
        const updated = new URLSearchParams(current);
        updated.set('from', next.from);
        updated.set('until', next.until);
        if (updated.get('granularity') === 'DAY' && !dailyAllowed(next)) updated.delete('granularity');
        return updated;
      });
    },
    [setParams],
  );
  const chooseGranularity = useCallback(
    (next: Granularity) => {
      setParams((current) => {
        const updated = new URLSearchParams(current);
        updated.set('from', from);
        updated.set('until', until);
        updated.set('granularity', next);
        return updated;
      });
    },
    [setParams, from, until],
  );

  const [{ data, error }] = useQuery({
    query: DashboardOverviewQuery,
    variables: { from, until, previousFrom: previous.from, previousUntil: previous.until },
  });
  const overview = data && data.current.from === from && data.current.until === until ? data : undefined;

  return (
    <>
      <Card size="small">
        <PeriodPicker period={stable} today={today} timeZone={timeZone} onChange={choosePeriod} />
        {from <= until && (
          <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8, fontSize: 12 }}>
            {t('dashboard.comparedWith', { from: previous.from, until: previous.until })}
          </Typography.Text>
        )}
      </Card>
      {error && !overview ? (
        <Alert type="error" showIcon message={describeError(error, t)} data-testid="dashboard-error" />
      ) : overview ? (
        <KpiCards current={overview.current} previous={overview.previous} period={stable} format={format} />
      ) : (
        <Spin style={{ display: 'block', padding: 32 }} />
      )}
      {!error && (
        <Row gutter={[16, 16]}>
          <Col span={24}>
            <TrendCard
              period={stable}
              granularity={granularity}
              onGranularity={chooseGranularity}
              currency={currency}
              format={format}
            />
          </Col>
          <Col xs={24} xl={12}>
            <RfmCard format={format} />
          </Col>
          <BreakdownCards period={stable} currency={currency} format={format} />
        </Row>
      )}
    </>
  );
}
