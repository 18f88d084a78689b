import { Progress, Space, Tag, Typography } from 'antd';
import { CrownOutlined, WarningOutlined } from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { MemberHeaderFieldsFragment, TierMetric } from '../../gql/graphql';
import { formatDate } from '../../format/dateTime';
import { formatMoney } from '../../format/money';
import { useViewer } from '../../session/ViewerProvider';

type TierProgressFields = NonNullable<MemberHeaderFieldsFragment['tierProgress']>;

interface Props {
  tierName: string | null;
  progress: TierProgressFields | null | undefined;
}

/** A metric's amount as the tier page states thresholds: money for spend, a count otherwise. */
function metricAmount(metric: TierMetric, value: number, currency: string, language: string): string {
  return metric === 'SPEND' ? formatMoney(value, currency, language) : value.toLocaleString();
}

function progressText(progress: TierProgressFields, t: TFunction, currency: string, language: string): string {
  const next = progress.nextTier;
  if (!next) return t('members.header.progress.top');
  if (progress.remaining <= 0) return t('members.header.progress.reached', { tier: next.name });
  const amount = metricAmount(next.metric, progress.remaining, currency, language);
  switch (next.metric) {
    case 'SPEND':
      return t('members.header.progress.SPEND', { amount, tier: next.name });
    case 'ORDER_COUNT':
      return t('members.header.progress.ORDER_COUNT', { orders: amount, tier: next.name });
    case 'POINTS_EARNED':
      return t('members.header.progress.POINTS_EARNED', { points: amount, tier: next.name });
  }
}

/** The member's tier badge, how far the next tier is, and when the own tier is reviewed. */
export function MemberTierProgress({ tierName, progress }: Props) {
  const { t, i18n } = useTranslation();
  const { viewer } = useViewer();
  const { currency, timezone } = viewer.tenant;
  const next = progress?.nextTier;
  const percent = next
    ? next.threshold > 0
      ? Math.min(100, Math.floor((progress.nextTierValue / next.threshold) * 100))
      : 100
    : 100;

  return (
    <div className="member-header-tier" data-testid="member-tier-block">
      <Space size={[8, 4]} wrap>
        <Tag color="gold" icon={<CrownOutlined />} style={{ marginInlineEnd: 0 }} data-testid="member-tier">
          {tierName ?? t('members.noTier')}
        </Tag>
        {progress && (
          <Typography.Text data-testid="member-tier-progress">
            {progressText(progress, t, currency, i18n.language)}
          </Typography.Text>
        )}
      </Space>
      {next && progress && (
        <div className="member-header-progress">
          <Progress
            percent={percent}
            showInfo={false}
            size="small"
            strokeColor="#faad14"
            aria-label={t('members.header.progress.label', { tier: next.name })}
          />
          <Typography.Text type="secondary" className="member-header-progress-value" data-testid="member-tier-value">
            {metricAmount(next.metric, progress.nextTierValue, currency, i18n.language)} /{' '}
            {metricAmount(next.metric, next.threshold, currency, i18n.language)}
          </Typography.Text>
        </div>
      )}
      {progress?.belowSince ? (
        <Typography.Text type="warning" data-testid="member-tier-review" data-below="true">
          <WarningOutlined />{' '}
          {t('members.header.review.below', {
            tier: tierName ?? '',
            since: formatDate(progress.belowSince, timezone),
            date: formatDate(progress.reviewAt, timezone) || t('common.empty'),
          })}
        </Typography.Text>
      ) : (
        progress?.reviewAt && (
          <Typography.Text type="secondary" data-testid="member-tier-review">
            {t('members.header.review.validUntil', { date: formatDate(progress.reviewAt, timezone) })}
          </Typography.Text>
        )
      )}
    </div>
  );
}
