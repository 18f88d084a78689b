import { InfoCircleOutlined } from '@ant-design/icons';
import { Card, Tooltip, Typography, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { DashboardOverviewFieldsFragment } from '../../gql/graphql';
import { KPIS, changeTone, kpiChange, kpiValue, type Kpi } from './kpis';
import type { DashboardFormat } from './numberFormat';
import type { Period } from './period';

interface Props {
  current: DashboardOverviewFieldsFragment;
  previous: DashboardOverviewFieldsFragment;
  period: Period;
  format: DashboardFormat;
}

/** The period's figures, each against the period before and each a link to its members. */
export function KpiCards({ current, previous, period, format }: Props) {
  return (
    <div className="dashboard-kpis" data-testid="dashboard-kpis">
      {KPIS.map((kpi) => (
        <KpiCard
          key={kpi.key}
          kpi={kpi}
          value={kpiValue(current, kpi.key)}
          before={kpiValue(previous, kpi.key)}
          period={period}
          format={format}
        />
      ))}
    </div>
  );
}

interface CardProps {
  kpi: Kpi;
  value: number | null;
  before: number | null;
  period: Period;
  format: DashboardFormat;
}

function KpiCard({ kpi, value, before, period, format }: CardProps) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const shown = (n: number | null): string => {
    if (n === null) return t('common.empty');
    if (kpi.kind === 'money') return format.money(n);
    if (kpi.kind === 'rate') return format.percent(n);
    if (kpi.kind === 'decimal') return format.decimal(n);
    return format.count(n);
  };
  const change = kpiChange(kpi.kind, value, before);
  const tone = changeTone(kpi, change.value);
  const color = tone > 0 ? token.colorSuccess : tone < 0 ? token.colorError : token.colorTextSecondary;

  let changeText: string;
  if (kpi.better === 'now') changeText = t('dashboard.change.now');
  else if (value === null) changeText = t('common.empty');
  else if (change.value === null) changeText = t('dashboard.change.noBasis');
  else if (Math.abs(change.value) < 1e-9) changeText = t('dashboard.change.none');
  else {
    const amount =
      change.unit === 'points'
        ? t('dashboard.change.points', { value: format.signedPoints(change.value) })
        : format.signedPercent(change.value);
    changeText = t('dashboard.change.vsPrevious', { change: amount });
  }

  return (
    <Link
      to={kpi.link(period)}
      className="dashboard-kpi"
      data-testid="dashboard-kpi"
      data-kpi={kpi.key}
      data-value={value ?? ''}
      data-previous={before ?? ''}
    >
      <Card size="small" hoverable className="dashboard-kpi-card">
        <Typography.Text type="secondary" className="dashboard-kpi-title">
          {t(`dashboard.kpis.${kpi.key}`)}{' '}
          <Tooltip title={t(`dashboard.hints.${kpi.key}`)}>
            <InfoCircleOutlined aria-label={t(`dashboard.hints.${kpi.key}`)} />
          </Tooltip>
        </Typography.Text>
        <div className="dashboard-kpi-value" data-testid="dashboard-kpi-value" style={{ color: token.colorText }}>
          {shown(value)}
        </div>
        <div
          className="dashboard-kpi-change"
          data-testid="dashboard-kpi-change"
          data-change={change.value ?? ''}
          data-tone={tone}
          style={{ color }}
        >
          {changeText}
        </div>
      </Card>
    </Link>
  );
}
