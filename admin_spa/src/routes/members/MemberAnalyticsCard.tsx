import { useEffect } from 'react';
import { Card, Col, Row, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import type { MemberAnalyticsQuery as AnalyticsResult } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { formatMoney } from '../../format/money';
import { useIsNarrow } from '../../hooks/useIsNarrow';
import { useViewer } from '../../session/ViewerProvider';
import {
  MemberAnalyticsQuery,
  churnLevelColor,
  daysAgo,
  formatDecimal,
  formatPercent,
  rfmClassColor,
  rfmClassListPath,
  rfmHighs,
  type RfmHighs,
} from './memberAnalytics';

type Analytics = NonNullable<AnalyticsResult['member']>;
type Rfm = Analytics['rfm'];
type ChurnRisk = NonNullable<Analytics['churnRisk']>;

interface Props {
  memberId: string;
  /** Bumped by the member page whenever the member changed; reloads the figures. */
  revision: number;
}

/**
 * What the member is worth and whether they are drifting away: the RFM class with R, F and M in
 * words, and the churn risk of the tenant's model with the purchase rhythm behind it.
 */
export function MemberAnalyticsCard({ memberId, revision }: Props) {
  const { t } = useTranslation();
  const [{ data, fetching, error }, refetch] = useQuery({ query: MemberAnalyticsQuery, variables: { id: memberId } });

  useEffect(() => {
    if (revision > 0) refetch({ requestPolicy: 'network-only' });
  }, [revision, refetch]);

  const member = data?.member;
  return (
    <Card title={t('memberAnalytics.title')} size="small" loading={fetching && !member} data-testid="member-analytics">
      {error && <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>}
      {member &&
        (member.rfm.orders === 0 || !member.rfm.rfmClass ? (
          <Typography.Text type="secondary" data-testid="member-analytics-no-orders">
            {t('memberAnalytics.noOrders')}
          </Typography.Text>
        ) : (
          <Row gutter={[24, 16]}>
            <Col xs={24} md={12}>
              <RfmSection rfm={member.rfm} />
            </Col>
            <Col xs={24} md={12}>
              <ChurnSection risk={member.churnRisk ?? null} />
            </Col>
          </Row>
        ))}
    </Card>
  );
}

/** Where one dimension stands against the mean over the tenant's buyers, in its own words. */
function VsMean({ dimension, high }: { dimension: keyof RfmHighs; high: boolean }) {
  const { t } = useTranslation();
  return (
    <Tag bordered={false} color={high ? 'green' : undefined} data-testid={`member-rfm-${dimension}-vs-mean`}>
      {t(`memberAnalytics.rfm.vsMean.${dimension}.${high ? 'high' : 'low'}`)}
    </Tag>
  );
}

function RfmSection({ rfm }: { rfm: Rfm }) {
  const { t, i18n } = useTranslation();
  const { viewer } = useViewer();
  const narrow = useIsNarrow();
  const rfmClass = rfm.rfmClass;
  if (!rfmClass) return null;
  const highs = rfmHighs(rfmClass);
  const recency = daysAgo(rfm.recencyDays ?? 0);
  const recencyText =
    recency.key === 'daysAgo'
      ? t('memberAnalytics.rfm.recency.daysAgo', { days: recency.days })
      : t(`memberAnalytics.rfm.recency.${recency.key}`);

  return (
    <Space direction="vertical" size={6} style={{ width: '100%' }} data-testid="member-rfm">
      <Space wrap size={8}>
        <Typography.Text type="secondary">{t('memberAnalytics.rfm.label')}</Typography.Text>
        <Tag color={rfmClassColor(rfmClass)} data-testid="member-rfm-class" data-rfm-class={rfmClass}>
          {t(`memberAnalytics.classes.${rfmClass}`)}
        </Tag>
      </Space>
      <Typography.Text type="secondary">{t(`memberAnalytics.hints.${rfmClass}`)}</Typography.Text>
      <Space wrap size={4}>
        <VsMean dimension="recency" high={highs.recency} />
        <span data-testid="member-rfm-recency">{recencyText}</span>
      </Space>
      <Space wrap size={4}>
        <VsMean dimension="frequency" high={highs.frequency} />
        <span data-testid="member-rfm-frequency">
          {t('memberAnalytics.rfm.frequency', { days: rfm.purchaseDays, orders: rfm.orders })}
        </span>
      </Space>
      <Space wrap size={4}>
        <VsMean dimension="monetary" high={highs.monetary} />
        <span data-testid="member-rfm-monetary">
          {t('memberAnalytics.rfm.monetary', {
            amount: formatMoney(rfm.monetary, viewer.tenant.currency, i18n.language),
          })}
        </span>
      </Space>
      <Typography.Text type="secondary" data-testid="member-rfm-dates">
        {t('memberAnalytics.rfm.dates', { first: rfm.firstOrderOn ?? '', last: rfm.lastOrderOn ?? '' })}
      </Typography.Text>
      <Link
        to={rfmClassListPath(rfmClass)}
        data-testid="member-rfm-class-link"
        // A phone: a link standing alone is a 44 px tap target.
        style={narrow ? { display: 'inline-flex', alignItems: 'center', minHeight: 44 } : undefined}
      >
        {t('memberAnalytics.rfm.sameClass', { name: t(`memberAnalytics.classes.${rfmClass}`) })}
      </Link>
    </Space>
  );
}

function churnDrivers(risk: ChurnRisk, t: TFunction, locale: string): string {
  const since = daysAgo(risk.daysSinceLastPurchase);
  const last =
    since.key === 'daysAgo'
      ? t('memberAnalytics.churn.since.daysAgo', { days: since.days })
      : t(`memberAnalytics.churn.since.${since.key}`);
  const interval = risk.typicalDaysBetweenPurchases;
  let rhythm: string;
  if (interval === null || interval === undefined) rhythm = t('memberAnalytics.churn.rhythm.once');
  else if (interval < 1.5) rhythm = t('memberAnalytics.churn.rhythm.daily');
  else rhythm = t('memberAnalytics.churn.rhythm.every', { days: formatDecimal(interval, locale) });
  return t('memberAnalytics.churn.drivers', { last, rhythm });
}

/** What the model expects in the next 30 days; a trace under 0.05 reads "under 0.1", not "0";
 * null where the model cannot compute it for the member. */
function expectedText(risk: ChurnRisk, t: TFunction, locale: string): string | null {
  const expected = risk.expectedPurchasesNext30Days;
  if (expected === null || expected === undefined) return null;
  if (expected > 0 && expected < 0.05) {
    return t('memberAnalytics.churn.expectedUnder', { expected: formatDecimal(0.1, locale) });
  }
  return t('memberAnalytics.churn.expected', { expected: formatDecimal(expected, locale) });
}

function ChurnSection({ risk }: { risk: ChurnRisk | null }) {
  const { t, i18n } = useTranslation();
  if (!risk) {
    return (
      <Space direction="vertical" size={6} style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('memberAnalytics.churn.label')}</Typography.Text>
        <Typography.Text type="secondary" data-testid="member-churn-unavailable">
          {t('memberAnalytics.churn.noModel')}
        </Typography.Text>
      </Space>
    );
  }
  return (
    <Space direction="vertical" size={6} style={{ width: '100%' }} data-testid="member-churn">
      <Space wrap size={8}>
        <Typography.Text type="secondary">{t('memberAnalytics.churn.label')}</Typography.Text>
        <Tag color={churnLevelColor(risk.level)} data-testid="member-churn-level" data-level={risk.level}>
          {t(`memberAnalytics.churn.levels.${risk.level}`)}
        </Tag>
        <Typography.Text strong data-testid="member-churn-percent">
          {formatPercent(risk.risk, i18n.language)}
        </Typography.Text>
      </Space>
      <Typography.Text data-testid="member-churn-drivers">{churnDrivers(risk, t, i18n.language)}</Typography.Text>
      {expectedText(risk, t, i18n.language) !== null && (
        <Typography.Text data-testid="member-churn-expected">{expectedText(risk, t, i18n.language)}</Typography.Text>
      )}
      <Typography.Text type="secondary" data-testid="member-churn-model">
        {t('memberAnalytics.churn.modelAsOf', { date: risk.modelAsOf })}
      </Typography.Text>
    </Space>
  );
}
