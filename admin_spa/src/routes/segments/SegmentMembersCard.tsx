import type { HTMLAttributes } from 'react';
import { Card, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import type { SegmentMembersQuery as SegmentMembersResult } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { CursorPagination } from '../../components/CursorPagination';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { useCursorPager } from '../../hooks/useCursorPager';
import { displayPhone } from '../members/phoneFormat';
import { SegmentMembersQuery } from './queries';

type Member = NonNullable<SegmentMembersResult['segment']>['members']['edges'][number]['node'];

const PAGE_SIZE = 20;

/** The members inside a segment now, a page at a time, each linked to their page. */
export function SegmentMembersCard({ segmentId }: { segmentId: string }) {
  const { t } = useTranslation();
  const pager = useCursorPager(segmentId);
  const [{ data, fetching, error }] = useQuery({
    query: SegmentMembersQuery,
    variables: { id: segmentId, first: PAGE_SIZE, after: pager.after },
    requestPolicy: 'cache-and-network',
  });
  const members = data?.segment?.members;

  return (
    <Card size="small" title={t('segments.members.title')} data-testid="segment-members">
      {error && <Typography.Paragraph type="danger">{describeError(error, t)}</Typography.Paragraph>}
      <ResponsiveTable<Member>
        rowKey="id"
        loading={fetching && !members}
        dataSource={members?.edges.map((edge) => edge.node) ?? []}
        pagination={false}
        locale={{ emptyText: <span data-testid="segment-members-empty">{t('segments.members.empty')}</span> }}
        onRow={(member) => ({ 'data-testid': 'segment-member-row', 'data-id': member.id }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('segments.members.member'),
            key: 'member',
            card: 'title',
            render: (_, member) => (
              <Link to={`/members/${member.id}`} data-testid="segment-member-link">
                {member.name ?? displayPhone(member.phone)}
              </Link>
            ),
          },
          { title: t('segments.members.phone'), dataIndex: 'phone', render: (phone: string) => displayPhone(phone) },
          {
            title: t('segments.members.tier'),
            key: 'tier',
            render: (_, member) => member.tier?.name ?? t('common.empty'),
          },
          {
            title: t('segments.members.points'),
            dataIndex: 'pointsBalance',
            render: (points: number) => points.toLocaleString(),
          },
          {
            title: t('segments.members.tags'),
            dataIndex: 'tags',
            card: 'wide',
            render: (tags: string[]) =>
              tags.length > 0 ? tags.map((tag) => <Tag key={tag}>{tag}</Tag>) : t('common.empty'),
          },
        ]}
      />
      <div style={{ marginTop: 12 }}>
        <CursorPagination
          pager={pager}
          totalCount={members?.totalCount}
          hasNextPage={members?.pageInfo.hasNextPage ?? false}
          endCursor={members?.pageInfo.endCursor}
          testIdPrefix="segment-members"
        />
      </div>
    </Card>
  );
}
