import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Button, Card, Empty, Space, Spin, Tag, Timeline, Tooltip, Typography } from 'antd';
import {
  AimOutlined,
  ClockCircleOutlined,
  CrownOutlined,
  GiftOutlined,
  ShoppingOutlined,
  StarOutlined,
  TagsOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import type { MemberTimelineQuery as MemberTimelineResult } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { RawCode } from '../../components/CodeLabel';
import { formatDateTime } from '../../format/dateTime';
import { useViewer } from '../../session/ViewerProvider';
import { MemberTimelineQuery } from './memberTimelineQueries';
import {
  FAMILY_COLORS,
  behaviourProperties,
  relativeTime,
  timelineFamily,
  timelineSummary,
  timelineTitle,
  timelineTypeKnown,
  type TimelineFamily,
} from './timelineFormat';

const PAGE_SIZE = 20;

type TimelineConnection = NonNullable<MemberTimelineResult['member']>['timeline'];
type TimelineEvent = TimelineConnection['edges'][number]['node'];

interface Page {
  events: TimelineEvent[];
  hasNextPage: boolean;
  endCursor: string | null;
}

const FAMILY_ICONS: Record<TimelineFamily, ReactNode> = {
  order: <ShoppingOutlined />,
  points: <StarOutlined />,
  coupon: <TagsOutlined />,
  tier: <CrownOutlined />,
  member: <UserOutlined />,
  reward: <GiftOutlined />,
  behaviour: <AimOutlined />,
  other: <ClockCircleOutlined />,
};

interface Props {
  memberId: string;
  /** Bumped by the member page whenever the member changed; starts again from the newest. */
  revision: number;
}

/** Everything that happened to the member, newest first, a page at a time ("load more"). */
export function MemberTimelineCard({ memberId, revision }: Props) {
  const { t } = useTranslation();
  return (
    <Card title={t('timeline.title')} size="small" data-testid="member-timeline">
      <TimelineEvents key={`${memberId}:${revision}`} memberId={memberId} />
    </Card>
  );
}

function TimelineEvents({ memberId }: { memberId: string }) {
  const { t, i18n } = useTranslation();
  const { viewer } = useViewer();
  const { timezone: timeZone, currency } = viewer.tenant;
  // The cursors of the pages asked for so far; each page's events are kept by the cursor it began at.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [pages, setPages] = useState<Record<string, Page>>({});
  const after = cursors[cursors.length - 1] ?? null;
  const [{ data, fetching, error, operation }] = useQuery({
    query: MemberTimelineQuery,
    variables: { id: memberId, first: PAGE_SIZE, after },
  });

  // Keep each answer under the cursor it was asked with (an earlier page may answer late).
  const answered = data?.member?.timeline;
  const answeredAfter = (operation?.variables as { after?: string | null } | undefined)?.after ?? null;
  useEffect(() => {
    if (!answered) return;
    setPages((current) => ({
      ...current,
      [answeredAfter ?? '']: {
        events: answered.edges.map((edge) => edge.node),
        hasNextPage: answered.pageInfo.hasNextPage,
        endCursor: answered.pageInfo.endCursor ?? null,
      },
    }));
  }, [answered, answeredAfter]);

  const events = useMemo(() => {
    const seen = new Set<string>();
    const all: TimelineEvent[] = [];
    for (const cursor of cursors) {
      for (const event of pages[cursor ?? '']?.events ?? []) {
        if (!seen.has(event.id)) {
          seen.add(event.id);
          all.push(event);
        }
      }
    }
    return all;
  }, [cursors, pages]);
  const last = pages[after ?? ''];
  const loadingMore = cursors.length > 1 && !last;
  const now = Date.now();

  if (events.length === 0) {
    if (error) return <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>;
    if (fetching || !last) return <Spin />;
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('timeline.empty')} data-testid="timeline-empty" />;
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {error && <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>}
      <Timeline
        style={{ marginTop: 8 }}
        items={events.map((event) => {
          const family = timelineFamily(event.type, event.behaviour);
          const summary = timelineSummary(event.type, event.data, t, currency, i18n.language);
          const properties = event.behaviour ? behaviourProperties(event.data) : [];
          const recordedLater = Math.abs(new Date(event.createdAt).getTime() - new Date(event.occurredAt).getTime()) > 60_000;
          return {
            key: event.id,
            color: FAMILY_COLORS[family],
            dot: <span style={{ color: FAMILY_COLORS[family], fontSize: 16 }}>{FAMILY_ICONS[family]}</span>,
            children: (
              <div data-testid="timeline-event" data-type={event.type} data-family={family}>
                <Space size={[8, 0]} wrap>
                  <Typography.Text strong data-testid="timeline-title">
                    {timelineTitle(event.type, t)}
                  </Typography.Text>
                  {event.behaviour && <Tag color="cyan">{t('timeline.behaviour')}</Tag>}
                  <Tooltip
                    title={
                      <>
                        <div>{formatDateTime(event.occurredAt, timeZone)}</div>
                        {recordedLater && (
                          <div>{t('timeline.recordedAt', { time: formatDateTime(event.createdAt, timeZone) })}</div>
                        )}
                      </>
                    }
                  >
                    <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="timeline-time">
                      {relativeTime(event.occurredAt, i18n.language, now)}
                    </Typography.Text>
                  </Tooltip>
                </Space>
                {summary && <div data-testid="timeline-summary">{summary}</div>}
                {properties.length > 0 && (
                  <div style={{ marginTop: 4 }}>
                    <Space size={[4, 4]} wrap>
                      {properties.map(([key, value]) => (
                        <Tag key={key} data-testid="timeline-property" data-key={key} style={{ whiteSpace: 'normal' }}>
                          <Typography.Text type="secondary">{key}:</Typography.Text> {value}
                        </Tag>
                      ))}
                    </Space>
                  </div>
                )}
                {!timelineTypeKnown(event.type, t) && (
                  <div>
                    <RawCode code={event.type} />
                  </div>
                )}
              </div>
            ),
          };
        })}
      />
      {(loadingMore || (last?.hasNextPage && last.endCursor)) && (
        <Button
          block
          loading={loadingMore}
          onClick={() => {
            const next = last?.endCursor;
            if (next) setCursors((current) => [...current, next]);
          }}
          data-testid="timeline-more"
        >
          {t('timeline.loadMore')}
        </Button>
      )}
    </Space>
  );
}
