import { useEffect, useMemo } from 'react';
import { Card, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { describeError } from '../../api/userErrors';
import { CursorPagination } from '../../components/CursorPagination';
import { useCursorPager } from '../../hooks/useCursorPager';
import { MessagesTable } from '../messaging/MessagesTable';
import { MemberMessagesQuery } from './memberMessagingQueries';

const PAGE_SIZE = 10;
const POLL_MS = 3000;

interface Props {
  memberId: string;
  /** Bumped by the member page whenever the member changed (a message sent); reloads the list. */
  revision: number;
}

/** The messages sent (or held back) to the member, the latest first; polled while one is queued. */
export function MemberMessagesCard({ memberId, revision }: Props) {
  const { t } = useTranslation();
  const pager = useCursorPager(`${memberId}:${revision}`);
  const variables = useMemo(() => ({ id: memberId, first: PAGE_SIZE, after: pager.after }), [memberId, pager.after]);
  const [{ data, fetching, error }, refetch] = useQuery({ query: MemberMessagesQuery, variables });

  useEffect(() => {
    if (revision > 0) refetch({ requestPolicy: 'network-only' });
  }, [revision, refetch]);

  const connection = data?.member?.messages;
  const rows = useMemo(() => connection?.edges.map((edge) => edge.node) ?? [], [connection]);
  const queued = rows.some((row) => row.status === 'QUEUED' && !row.deferredUntil);

  useEffect(() => {
    if (!queued || fetching) return;
    const timer = window.setTimeout(() => refetch({ requestPolicy: 'network-only' }), POLL_MS);
    return () => window.clearTimeout(timer);
  }, [queued, fetching, data, refetch]);

  return (
    <Card title={t('memberMessaging.messages.title')} size="small" data-testid="member-messages">
      {error && <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>}
      <MessagesTable
        messages={rows}
        loading={fetching && !data}
        emptyText={t('memberMessaging.messages.empty')}
        footer={() => (
          <CursorPagination
            pager={pager}
            totalCount={connection?.totalCount}
            hasNextPage={connection?.pageInfo.hasNextPage ?? false}
            endCursor={connection?.pageInfo.endCursor}
            testIdPrefix="member-messages"
          />
        )}
      />
    </Card>
  );
}
