import type { HTMLAttributes } from 'react';
import { Button, Card, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import type { JourneysQuery as JourneysResult } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { useViewer } from '../../session/ViewerProvider';
import { JourneyStatusTag } from './journeyFormat';
import { JourneysQuery } from './queries';

type JourneyRow = JourneysResult['journeys'][number];

/** 旅程: every journey with its status, versions and how many entered and completed. */
export default function JourneysListPage() {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const navigate = useNavigate();
  const [{ data, fetching, error }] = useQuery({ query: JourneysQuery, requestPolicy: 'cache-and-network' });

  return (
    <Card
      title={t('journeys.title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/journeys/new')} data-testid="journey-create">
          {t('journeys.create')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('journeys.hint')}</Typography.Paragraph>
      {error && <Typography.Paragraph type="danger">{describeError(error, t)}</Typography.Paragraph>}
      <ResponsiveTable<JourneyRow>
        rowKey="id"
        loading={fetching && !data}
        dataSource={data?.journeys ?? []}
        pagination={false}
        locale={{ emptyText: <span data-testid="journeys-empty">{t('journeys.empty')}</span> }}
        onRow={(journey) => ({ 'data-testid': 'journey-row', 'data-id': journey.id }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('journeys.fields.name'),
            dataIndex: 'name',
            card: 'title',
            render: (name: string, journey) => (
              <Link to={`/journeys/${journey.id}`} data-testid="journey-link">
                <Typography.Text strong>{name}</Typography.Text>
              </Link>
            ),
          },
          {
            title: t('journeys.fields.status'),
            dataIndex: 'status',
            render: (_, journey) => <JourneyStatusTag status={journey.status} />,
          },
          {
            title: t('journeys.fields.version'),
            key: 'version',
            render: (_, journey) => (
              <span data-testid="journey-row-version">
                {t('journeys.versionLine', { version: journey.version })}
                {' · '}
                {journey.activeVersion
                  ? t('journeys.activeVersionLine', { version: journey.activeVersion })
                  : t('journeys.notPublished')}
              </span>
            ),
          },
          {
            title: t('journeys.funnel.entered'),
            key: 'entered',
            render: (_, journey) => <span data-testid="journey-row-entered">{journey.funnel.entered}</span>,
          },
          {
            title: t('journeys.funnel.completed'),
            key: 'completed',
            render: (_, journey) => <span data-testid="journey-row-completed">{journey.funnel.completed}</span>,
          },
          {
            title: t('journeys.fields.updatedAt'),
            dataIndex: 'updatedAt',
            render: (value: string) => formatDateTime(value, viewer.tenant.timezone),
          },
        ]}
      />
    </Card>
  );
}
