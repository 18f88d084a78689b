import type { HTMLAttributes } from 'react';
import { Card, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import type { JourneyRunStatus, MemberJourneyRunsQuery as MemberJourneyRunsResult } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { useViewer } from '../../session/ViewerProvider';
import { RunStatusTag } from './journeyFormat';
import { MemberJourneyRunsQuery } from './queries';
import { useRefetchOnChange } from './useRefetchOnChange';

type Run = NonNullable<MemberJourneyRunsResult['member']>['journeyRuns'][number];

interface Props {
  memberId: string;
  /** Bumped when the page reloads the member: the runs are read again. */
  revision: number;
}

/** The member page's Journeys tab: every journey the member is in or went through, the latest first. */
export function MemberJourneysCard({ memberId, revision }: Props) {
  const { t } = useTranslation();
  const { viewer, can } = useViewer();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: MemberJourneyRunsQuery,
    variables: { id: memberId },
    requestPolicy: 'cache-and-network',
  });
  useRefetchOnChange(String(revision), refetch);
  const zone = viewer.tenant.timezone;

  return (
    <Card size="small" title={t('journeys.memberTab.title')} data-testid="member-journeys">
      {error && <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>}
      <ResponsiveTable<Run>
        rowKey="id"
        loading={fetching && !data}
        dataSource={data?.member?.journeyRuns ?? []}
        pagination={false}
        locale={{ emptyText: <span data-testid="member-journeys-empty">{t('journeys.memberTab.empty')}</span> }}
        onRow={(run) =>
          ({ 'data-testid': 'member-journey-row', 'data-status': run.status, 'data-journey': run.journey.id }) as HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            title: t('journeys.memberTab.journey'),
            key: 'journey',
            card: 'title',
            render: (_, run) =>
              can('journeys:manage') ? (
                <Link to={`/journeys/${run.journey.id}?tab=funnel`} data-testid="member-journey-link">
                  {run.journey.name}
                </Link>
              ) : (
                <Typography.Text strong>{run.journey.name}</Typography.Text>
              ),
          },
          { title: t('journeys.runs.version'), dataIndex: 'version', render: (version: number) => t('journeys.versionLine', { version }) },
          { title: t('journeys.runs.status'), dataIndex: 'status', render: (value: JourneyRunStatus) => <RunStatusTag status={value} /> },
          {
            title: t('journeys.runs.step'),
            dataIndex: 'currentStep',
            render: (value: string | null) => (value ? <span data-raw-code={value}>{value}</span> : t('common.empty')),
          },
          { title: t('journeys.runs.startedAt'), dataIndex: 'startedAt', render: (value: string) => formatDateTime(value, zone) },
        ]}
      />
    </Card>
  );
}
