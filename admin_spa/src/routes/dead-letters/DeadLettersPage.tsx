import { useEffect, useMemo, useState, type HTMLAttributes } from 'react';
import { App, Button, Card, Empty, Tag, Typography } from 'antd';
import { RedoOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import type { DeadLetterFieldsFragment } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { CodeLabel } from '../../components/CodeLabel';
import { CursorPagination } from '../../components/CursorPagination';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { useCursorPager } from '../../hooks/useCursorPager';
import { useViewer } from '../../session/ViewerProvider';
import { DeadLettersQuery, ReplayDeadLetterMutation } from './queries';

const PAGE_SIZE = 20;

type DeadLetter = DeadLetterFieldsFragment;

const STATUS_COLORS: Record<string, string> = { DEAD: 'error', PENDING: 'processing', DONE: 'success' };

function statusKey(status: string): 'DEAD' | 'PENDING' | 'DONE' | null {
  return status === 'DEAD' || status === 'PENDING' || status === 'DONE' ? status : null;
}

/** Event handlings that used up their attempts; each can be given a fresh set. */
export default function DeadLettersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { viewer } = useViewer();
  const timeZone = viewer.tenant.timezone;
  const [changes, setChanges] = useState(0);
  const [replaying, setReplaying] = useState<string | null>(null);
  const pager = useCursorPager(String(changes));
  const variables = useMemo(() => ({ first: PAGE_SIZE, after: pager.after }), [pager.after]);
  const [{ data, fetching, error }, refetch] = useQuery({ query: DeadLettersQuery, variables });
  const [, replay] = useMutation(ReplayDeadLetterMutation);

  useEffect(() => {
    if (changes > 0) refetch({ requestPolicy: 'network-only' });
  }, [changes, refetch]);

  const connection = data?.deadLetters;
  const rows = useMemo(() => connection?.edges.map((edge) => edge.node) ?? [], [connection]);

  const onReplay = async (letter: DeadLetter) => {
    setReplaying(letter.id);
    try {
      const result = await replay({ id: letter.id });
      const errors = result.data?.replayDeadLetter.errors;
      if (result.error) message.error(describeError(result.error, t));
      else if (errors && errors.length > 0) message.error(errors.map((e) => e.message).join('\n'));
      else message.success(t('deadLetters.replayed'));
      setChanges((c) => c + 1);
    } finally {
      setReplaying(null);
    }
  };

  return (
    <Card title={t('deadLetters.title')}>
      <Typography.Paragraph type="secondary">{t('deadLetters.hint')}</Typography.Paragraph>
      {error && <Typography.Paragraph type="danger">{describeError(error, t)}</Typography.Paragraph>}
      <ResponsiveTable<DeadLetter>
        rowKey="id"
        size="small"
        loading={fetching && !data}
        dataSource={rows}
        pagination={false}
        locale={{
          emptyText: (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={t('deadLetters.empty')}
              data-testid="dead-letters-empty"
            />
          ),
        }}
        onRow={(letter) =>
          ({ 'data-testid': 'dead-letter-row', 'data-status': letter.status, 'data-id': letter.id }) as HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            title: t('deadLetters.fields.eventType'),
            dataIndex: 'eventType',
            card: 'title',
            render: (type: string) => <CodeLabel kind="eventType" code={type} showCode />,
          },
          {
            title: t('deadLetters.fields.handler'),
            dataIndex: 'handler',
            render: (handler: string) => <CodeLabel kind="handler" code={handler} showCode />,
          },
          {
            title: t('deadLetters.fields.member'),
            dataIndex: 'memberId',
            render: (memberId: string | null) =>
              memberId ? <Link to={`/members/${memberId}`}>{t('deadLetters.openMember')}</Link> : t('common.empty'),
          },
          { title: t('deadLetters.fields.attempts'), dataIndex: 'attempts', align: 'right' },
          {
            title: t('deadLetters.fields.lastError'),
            dataIndex: 'lastError',
            card: 'wide',
            render: (lastError: string | null) =>
              lastError ? (
                <Typography.Paragraph
                  type="danger"
                  ellipsis={{ rows: 2, expandable: true, symbol: t('deadLetters.more') }}
                  style={{ maxWidth: 360, marginBottom: 0 }}
                  data-testid="dead-letter-error"
                >
                  {lastError}
                </Typography.Paragraph>
              ) : (
                t('common.empty')
              ),
          },
          {
            title: t('deadLetters.fields.status'),
            dataIndex: 'status',
            render: (status: string) => {
              const key = statusKey(status);
              return (
                <Tag color={STATUS_COLORS[status]} data-testid="dead-letter-status" data-status={status}>
                  {key ? t(`deadLetters.statuses.${key}`) : <CodeLabel kind="deadLetterStatus" code={status} />}
                </Tag>
              );
            },
          },
          {
            title: t('deadLetters.fields.eventAt'),
            dataIndex: 'eventAt',
            render: (value: string) => formatDateTime(value, timeZone),
          },
          {
            title: t('deadLetters.fields.updatedAt'),
            dataIndex: 'updatedAt',
            render: (value: string) => formatDateTime(value, timeZone),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, letter) =>
              letter.status === 'DEAD' && (
                <Button
                  size="small"
                  icon={<RedoOutlined />}
                  loading={replaying === letter.id}
                  onClick={() => void onReplay(letter)}
                  data-testid="dead-letter-replay"
                >
                  {t('deadLetters.replay')}
                </Button>
              ),
          },
        ]}
        footer={() => (
          <CursorPagination
            pager={pager}
            totalCount={connection?.totalCount}
            hasNextPage={connection?.pageInfo.hasNextPage ?? false}
            endCursor={connection?.pageInfo.endCursor}
            testIdPrefix="dead-letters"
          />
        )}
      />
    </Card>
  );
}
