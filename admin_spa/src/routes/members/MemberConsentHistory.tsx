import { useEffect, useMemo, type HTMLAttributes } from 'react';
import { Card, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import type { MemberConsentHistoryQuery as HistoryResult } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { CursorPagination } from '../../components/CursorPagination';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { useCursorPager } from '../../hooks/useCursorPager';
import { useViewer } from '../../session/ViewerProvider';
import { MessagingCode } from '../messaging/messagingCodes';
import { MemberConsentHistoryQuery } from './memberMessagingQueries';

const PAGE_SIZE = 10;

type ConsentEntry = NonNullable<HistoryResult['member']>['consentHistory']['edges'][number]['node'];

interface Props {
  memberId: string;
  revision: number;
}

/** Every grant and withdrawal, the latest first, with where it was given and who recorded it. */
export function MemberConsentHistory({ memberId, revision }: Props) {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const pager = useCursorPager(`${memberId}:${revision}`);
  const variables = useMemo(() => ({ id: memberId, first: PAGE_SIZE, after: pager.after }), [memberId, pager.after]);
  const [{ data, fetching, error }, refetch] = useQuery({ query: MemberConsentHistoryQuery, variables });

  useEffect(() => {
    if (revision > 0) refetch({ requestPolicy: 'network-only' });
  }, [revision, refetch]);

  const connection = data?.member?.consentHistory;
  return (
    <Card title={t('memberMessaging.history.title')} size="small" data-testid="member-consent-history">
      {error && <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>}
      <ResponsiveTable<ConsentEntry>
        rowKey="id"
        size="small"
        loading={fetching && !data}
        pagination={false}
        dataSource={connection?.edges.map((edge) => edge.node) ?? []}
        locale={{ emptyText: t('memberMessaging.history.empty') }}
        onRow={(row) =>
          ({ 'data-testid': 'consent-history-row', 'data-granted': String(row.granted) }) as HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            title: t('memberMessaging.history.time'),
            dataIndex: 'recordedAt',
            card: 'title',
            render: (value: string) => formatDateTime(value, viewer.tenant.timezone),
          },
          {
            title: t('memberMessaging.consents.channel'),
            dataIndex: 'channel',
            render: (channel: string) => <MessagingCode kind="channels" code={channel} />,
          },
          {
            title: t('memberMessaging.history.purpose'),
            dataIndex: 'purpose',
            render: (purpose: string) => <MessagingCode kind="purposes" code={purpose} />,
          },
          {
            title: t('memberMessaging.history.change'),
            dataIndex: 'granted',
            render: (granted: boolean) => (
              <Tag color={granted ? 'green' : 'red'}>
                {granted ? t('memberMessaging.history.grant') : t('memberMessaging.history.withdraw')}
              </Tag>
            ),
          },
          {
            title: t('memberMessaging.history.source'),
            dataIndex: 'source',
            render: (source: string | null) =>
              source ? <MessagingCode kind="consentSources" code={source} /> : t('common.empty'),
          },
          {
            title: t('memberMessaging.history.recordedBy'),
            dataIndex: 'recordedBy',
            render: (by: string) => <span data-testid="consent-recorded-by">{by}</span>,
          },
        ]}
        footer={() => (
          <CursorPagination
            pager={pager}
            totalCount={connection?.totalCount}
            hasNextPage={connection?.pageInfo.hasNextPage ?? false}
            endCursor={connection?.pageInfo.endCursor}
            testIdPrefix="consent-history"
          />
        )}
      />
    </Card>
  );
}
