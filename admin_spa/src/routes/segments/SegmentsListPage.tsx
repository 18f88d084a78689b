import { useState, type HTMLAttributes } from 'react';
import { Button, Card, Space, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import type { SegmentFieldsFragment } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { useViewer } from '../../session/ViewerProvider';
import { SegmentActions } from './SegmentActions';
import { SegmentFormDrawer } from './SegmentFormDrawer';
import { SegmentCondition, SegmentTagFlag } from './segmentFormat';
import { SegmentsQuery } from './queries';

type Segment = SegmentFieldsFragment;

/** 分群: saved member filters with how many members each holds now; create, edit, delete. */
export default function SegmentsListPage() {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const [{ data, fetching, error }, refetch] = useQuery({ query: SegmentsQuery, requestPolicy: 'cache-and-network' });
  const [dialog, setDialog] = useState<{ editing: Segment | null } | null>(null);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  return (
    <Card
      title={t('segments.title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ editing: null })} data-testid="segment-create">
          {t('segments.create')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('segments.hint')}</Typography.Paragraph>
      {error && <Typography.Paragraph type="danger">{describeError(error, t)}</Typography.Paragraph>}
      <ResponsiveTable<Segment>
        rowKey="id"
        loading={fetching && !data}
        dataSource={data?.segments ?? []}
        pagination={false}
        locale={{ emptyText: <span data-testid="segments-empty">{t('segments.empty')}</span> }}
        onRow={(segment) =>
          ({ 'data-testid': 'segment-row', 'data-id': segment.id, 'data-name': segment.name }) as HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            title: t('segments.fields.name'),
            dataIndex: 'name',
            card: 'title',
            render: (name: string, segment) => (
              <Space direction="vertical" size={0} style={{ maxWidth: 280 }}>
                <Link to={`/segments/${segment.id}`} data-testid="segment-link">
                  <Typography.Text strong>{name}</Typography.Text>
                </Link>
                {segment.description && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {segment.description}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          {
            title: t('segments.fields.condition'),
            dataIndex: 'condition',
            card: 'wide',
            render: (condition: string) => (
              <div style={{ maxWidth: 360 }}>
                <SegmentCondition condition={condition} />
              </div>
            ),
          },
          {
            title: t('segments.fields.memberCount'),
            dataIndex: 'memberCount',
            render: (count: number) => <span data-testid="segment-row-count">{count}</span>,
          },
          {
            title: t('segments.fields.tag'),
            dataIndex: 'tag',
            render: (tag: boolean) => <SegmentTagFlag tag={tag} />,
          },
          {
            title: t('segments.fields.evaluatedAt'),
            dataIndex: 'evaluatedAt',
            render: (value: string | null) =>
              value ? formatDateTime(value, viewer.tenant.timezone) : t('segments.notEvaluated'),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, segment) => (
              <SegmentActions segment={segment} onEdit={() => setDialog({ editing: segment })} onDeleted={reload} />
            ),
          },
        ]}
      />
      {dialog && (
        <SegmentFormDrawer
          editing={dialog.editing}
          onClose={() => setDialog(null)}
          onSaved={() => {
            setDialog(null);
            reload();
          }}
        />
      )}
    </Card>
  );
}
