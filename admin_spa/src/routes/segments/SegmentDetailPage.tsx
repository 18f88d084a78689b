import { useCallback, useState } from 'react';
import { Breadcrumb, Card, Descriptions, Grid, Result, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';
import { describeError } from '../../api/userErrors';
import { formatDateTime } from '../../format/dateTime';
import { useViewer } from '../../session/ViewerProvider';
import { SegmentActions } from './SegmentActions';
import { SegmentFormDrawer } from './SegmentFormDrawer';
import { SegmentMembersCard } from './SegmentMembersCard';
import { SegmentCondition, SegmentTagFlag } from './segmentFormat';
import { SegmentQuery } from './queries';

export default function SegmentDetailPage() {
  const { id = '' } = useParams();
  return <SegmentDetail key={id} id={id} />;
}

/** One segment: its condition and state, what to do with it, and the members inside now. */
function SegmentDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const { viewer, can } = useViewer();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const [{ data, fetching, error }, refetch] = useQuery({ query: SegmentQuery, variables: { id } });
  const [editing, setEditing] = useState(false);
  // Bumped after a save: the segment was evaluated again, so its members may have changed.
  const [revision, setRevision] = useState(0);
  const reload = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);

  const segment = data?.segment;
  if (!segment) {
    if (fetching) return <Spin style={{ display: 'block', marginTop: 80 }} />;
    return (
      <Result
        status={error ? 'warning' : '404'}
        title={error ? describeError(error, t) : t('segments.notFound')}
        extra={<Link to="/segments">{t('segments.back')}</Link>}
      />
    );
  }

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Breadcrumb items={[{ title: <Link to="/segments">{t('segments.back')}</Link> }, { title: segment.name }]} />
      <Card
        title={
          <Typography.Title level={5} style={{ margin: 0, whiteSpace: 'normal' }} data-testid="segment-title">
            {segment.name}
          </Typography.Title>
        }
      >
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <SegmentActions segment={segment} onEdit={() => setEditing(true)} onDeleted={() => navigate('/segments')} />
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 1, md: 2, lg: 3 }}
            bordered
            // Labels above values on a phone: beside them, each would get a few pixels.
            layout={screens.sm === false ? 'vertical' : 'horizontal'}
          >
            <Descriptions.Item label={t('segments.fields.condition')} span="filled">
              <SegmentCondition condition={segment.condition} />
            </Descriptions.Item>
            <Descriptions.Item label={t('segments.fields.description')} span="filled">
              {segment.description || t('common.empty')}
            </Descriptions.Item>
            <Descriptions.Item label={t('segments.fields.memberCount')}>
              <span data-testid="segment-member-count">{segment.memberCount}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('segments.fields.tag')}>
              <SegmentTagFlag tag={segment.tag} />
            </Descriptions.Item>
            <Descriptions.Item label={t('segments.fields.evaluatedAt')}>
              {segment.evaluatedAt ? formatDateTime(segment.evaluatedAt, viewer.tenant.timezone) : t('segments.notEvaluated')}
            </Descriptions.Item>
          </Descriptions>
          {segment.tag && (
            <Typography.Text type="secondary">{t('segments.tagNote', { name: segment.name })}</Typography.Text>
          )}
        </Space>
      </Card>
      {can('members:read') && <SegmentMembersCard key={revision} segmentId={segment.id} />}
      {editing && (
        <SegmentFormDrawer
          editing={segment}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            setRevision((r) => r + 1);
            reload();
          }}
        />
      )}
    </Space>
  );
}
