import { useState, type HTMLAttributes } from 'react';
import { Card, Select, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import type { JourneyRunStatus, JourneyRunsQuery as JourneyRunsResult } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { CursorPagination } from '../../components/CursorPagination';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { useCursorPager } from '../../hooks/useCursorPager';
import { useViewer } from '../../session/ViewerProvider';
import { displayPhone } from '../members/phoneFormat';
import { RUN_STATUSES, RunStatusTag } from './journeyFormat';
import { JourneyRunsQuery } from './queries';
import { useRefetchOnChange } from './useRefetchOnChange';

type Run = NonNullable<JourneyRunsResult['journey']>['runs']['edges'][number]['node'];

interface Props {
  journeyId: string;
  /** Only the runs now at this step (the funnel's drill-down); null: every run. */
  step: string | null;
  onClearStep: () => void;
  revision: string;
}

const PAGE_SIZE = 20;

/** A journey's runs, the latest first: by status, or those now at one step; each member linked. */
export function JourneyRuns({ journeyId, step, onClearStep, revision }: Props) {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const [status, setStatus] = useState<JourneyRunStatus | null>(null);
  const pager = useCursorPager(`${status ?? ''}|${step ?? ''}`);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: JourneyRunsQuery,
    variables: { id: journeyId, first: PAGE_SIZE, after: pager.after, status, step },
    requestPolicy: 'cache-and-network',
  });
  useRefetchOnChange(revision, refetch);
  const runs = data?.journey?.runs;
  const zone = viewer.tenant.timezone;

  return (
    <Card
      size="small"
      title={t('journeys.runs.title')}
      data-testid="journey-runs"
      extra={
        <Space wrap>
          {step && (
            <Tag closable onClose={onClearStep} data-testid="runs-step-filter" data-step={step}>
              {t('journeys.runs.atStep')} <span data-raw-code={step}>{step}</span>
            </Tag>
          )}
          <Select<JourneyRunStatus>
            allowClear
            value={status ?? undefined}
            onChange={(value) => setStatus(value ?? null)}
            placeholder={t('journeys.runs.anyStatus')}
            options={RUN_STATUSES.map((value) => ({ value, label: t(`journeys.runStatuses.${value}`) }))}
            style={{ minWidth: 140 }}
            data-testid="runs-status"
          />
        </Space>
      }
    >
      {error && <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>}
      <ResponsiveTable<Run>
        rowKey="id"
        loading={fetching && !runs}
        dataSource={runs?.edges.map((edge) => edge.node) ?? []}
        pagination={false}
        locale={{ emptyText: <span data-testid="runs-empty">{t('journeys.runs.empty')}</span> }}
        onRow={(run) =>
          ({ 'data-testid': 'journey-run-row', 'data-status': run.status, 'data-step': run.currentStep ?? '' }) as HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            title: t('journeys.runs.member'),
            key: 'member',
            card: 'title',
            render: (_, run) =>
              run.member ? (
                <Link to={`/members/${run.member.id}`} data-testid="run-member-link">
                  {run.member.name ?? displayPhone(run.member.phone)}
                </Link>
              ) : (
                <Typography.Text type="secondary">{t('journeys.runs.memberGone')}</Typography.Text>
              ),
          },
          { title: t('journeys.runs.status'), dataIndex: 'status', render: (value: JourneyRunStatus) => <RunStatusTag status={value} /> },
          {
            title: t('journeys.runs.step'),
            dataIndex: 'currentStep',
            render: (value: string | null, run) =>
              value ? (
                <span data-raw-code={value}>{value}</span>
              ) : run.exitReason ? (
                <Typography.Text type="secondary" data-raw-code={run.exitReason}>
                  {run.exitReason}
                </Typography.Text>
              ) : (
                t('common.empty')
              ),
          },
          { title: t('journeys.runs.version'), dataIndex: 'version', render: (version: number) => t('journeys.versionLine', { version }) },
          {
            title: t('journeys.runs.wakeAt'),
            dataIndex: 'nextWakeAt',
            render: (value: string | null) => (value ? formatDateTime(value, zone) : t('common.empty')),
          },
          { title: t('journeys.runs.startedAt'), dataIndex: 'startedAt', render: (value: string) => formatDateTime(value, zone) },
        ]}
      />
      <div style={{ marginTop: 12 }}>
        <CursorPagination
          pager={pager}
          totalCount={runs?.totalCount}
          hasNextPage={runs?.pageInfo.hasNextPage ?? false}
          endCursor={runs?.pageInfo.endCursor}
          testIdPrefix="runs"
        />
      </div>
    </Card>
  );
}
