import { useMemo, useState, type HTMLAttributes } from 'react';
import { Button, Card, Col, Row, Space, Statistic, Typography } from 'antd';
import { UnorderedListOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { describeError } from '../../api/userErrors';
import { EChart, type ChartOption } from '../../components/EChart';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { readDefinition, stepOrder } from './definition';
import { useStepTitle } from './journeyFormat';
import { JourneyRuns } from './JourneyRuns';
import { JourneyFunnelQuery } from './queries';
import { useRefetchOnChange } from './useRefetchOnChange';

interface Props {
  journeyId: string;
  /** Changes when the journey does: the counts are read again. */
  revision: string;
}

const TOTALS = ['entered', 'active', 'waiting', 'completed', 'exited', 'failed'] as const;

interface StepRow {
  step: string;
  type: string | null;
  reached: number;
  now: number;
}

/** How many entered and how their runs ended, each step's counts, and the runs (at a step, by status). */
export function JourneyFunnel({ journeyId, revision }: Props) {
  const { t } = useTranslation();
  const stepTitle = useStepTitle();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: JourneyFunnelQuery,
    variables: { id: journeyId },
    requestPolicy: 'cache-and-network',
  });
  useRefetchOnChange(revision, refetch);
  const [step, setStep] = useState<string | null>(null);
  const journey = data?.journey;
  const funnel = journey?.funnel;

  const rows = useMemo((): StepRow[] => {
    if (!journey) return [];
    const definition = readDefinition(journey.definition);
    const reached = new Map(journey.funnel.reached.map((item) => [item.step, item.count]));
    const now = new Map(journey.funnel.atStep.map((item) => [item.step, item.count]));
    // The latest version's steps in the order runs meet them, then steps only older versions had.
    const ids = stepOrder(definition);
    for (const id of [...reached.keys(), ...now.keys()]) if (!ids.includes(id)) ids.push(id);
    return ids.map((id) => ({
      step: id,
      type: definition.steps[id]?.type ?? null,
      reached: reached.get(id) ?? 0,
      now: now.get(id) ?? 0,
    }));
  }, [journey]);

  const option = useMemo((): ChartOption => {
    const labels = rows.map((row) => (row.type ? `${row.step} · ${stepTitle(row.type)}` : row.step)).reverse();
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: labels },
      series: [
        { name: t('journeys.funnel.reached'), type: 'bar', data: rows.map((row) => row.reached).reverse() },
        { name: t('journeys.funnel.now'), type: 'bar', data: rows.map((row) => row.now).reverse() },
      ],
    };
  }, [rows, t, stepTitle]);

  if (error) return <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>;

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="journey-funnel">
      <Row gutter={[16, 16]}>
        {TOTALS.map((key) => (
          <Col key={key} xs={12} sm={8} lg={4}>
            <div data-testid={`funnel-${key}`} data-count={funnel ? funnel[key] : ''}>
              <Statistic title={t(`journeys.funnel.${key}`)} value={funnel ? funnel[key] : '—'} loading={fetching && !funnel} />
            </div>
          </Col>
        ))}
      </Row>
      {rows.length > 0 && (
        <Card size="small" title={t('journeys.funnel.byStep')}>
          <EChart option={option} height={Math.max(160, rows.length * 44 + 48)} data-testid="funnel-chart" />
          <ResponsiveTable<StepRow>
            rowKey="step"
            dataSource={rows}
            pagination={false}
            size="small"
            onRow={(row) =>
              ({
                'data-testid': 'funnel-step',
                'data-step': row.step,
                'data-reached': row.reached,
                'data-now': row.now,
              }) as HTMLAttributes<HTMLElement>
            }
            columns={[
              {
                title: t('journeys.funnel.step'),
                dataIndex: 'step',
                card: 'title',
                render: (_, row) => (
                  <span>
                    {row.type ? stepTitle(row.type) : t('journeys.funnel.oldStep')}{' '}
                    <Typography.Text type="secondary" data-raw-code={row.step}>
                      {row.step}
                    </Typography.Text>
                  </span>
                ),
              },
              { title: t('journeys.funnel.reached'), dataIndex: 'reached' },
              { title: t('journeys.funnel.now'), dataIndex: 'now' },
              {
                title: t('common.actions'),
                key: 'actions',
                render: (_, row) => (
                  <Button
                    size="small"
                    icon={<UnorderedListOutlined />}
                    disabled={row.now === 0}
                    onClick={() => setStep(row.step)}
                    data-testid="funnel-step-runs"
                  >
                    {t('journeys.funnel.runsAtStep')}
                  </Button>
                ),
              },
            ]}
          />
        </Card>
      )}
      <JourneyRuns journeyId={journeyId} step={step} onClearStep={() => setStep(null)} revision={revision} />
    </Space>
  );
}
