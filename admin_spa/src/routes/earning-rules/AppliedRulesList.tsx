import type { HTMLAttributes } from 'react';
import { Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatMoney } from '../../format/money';
import { useViewer } from '../../session/ViewerProvider';
import { KIND_COLORS, appliedRuleName, describeApplied, kindLabel, type AppliedRuleLike } from './ruleFormat';

interface Props {
  rules: readonly AppliedRuleLike[];
  /** data-testid of the table; each row is `applied-rule-row`. */
  testId: string;
  loading?: boolean;
}

/** Why an order earned what it earned: the rules that applied, in the order they ran. */
export function AppliedRulesList({ rules, testId, loading }: Props) {
  const { t, i18n } = useTranslation();
  const { viewer } = useViewer();
  const ctx = {
    t,
    money: (fen: number) => formatMoney(fen, viewer.tenant.currency, i18n.language),
    timeZone: viewer.tenant.timezone,
  };
  const rows = rules.map((rule, index) => ({ ...rule, key: `${index}` }));

  return (
    <ResponsiveTable
      data-testid={testId}
      size="small"
      loading={loading}
      pagination={false}
      dataSource={rows}
      locale={{ emptyText: t('earningRules.noneApplied') }}
      onRow={() => ({ 'data-testid': 'applied-rule-row' }) as HTMLAttributes<HTMLElement>}
      columns={[
        { title: '#', key: 'index', width: 40, card: 'hidden', render: (_, __, index) => index + 1 },
        {
          title: t('earningRules.kind'),
          dataIndex: 'kind',
          width: 140,
          render: (kind: string) => <Tag color={KIND_COLORS[kind]}>{kindLabel(kind, t)}</Tag>,
        },
        {
          title: t('earningRules.name'),
          key: 'name',
          card: 'title',
          render: (_, rule) => <Typography.Text strong>{appliedRuleName(rule, t)}</Typography.Text>,
        },
        {
          title: t('earningRules.effect'),
          key: 'detail',
          card: 'wide',
          render: (_, rule) => <span data-testid="applied-rule-detail">{describeApplied(rule, ctx)}</span>,
        },
      ]}
    />
  );
}
