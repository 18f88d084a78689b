import { useEffect, useMemo } from 'react';
import { Card, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import type { MemberAuditLogQuery as MemberAuditLogResult } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { CursorPagination } from '../../components/CursorPagination';
import { formatDateTime } from '../../format/dateTime';
import { useCursorPager } from '../../hooks/useCursorPager';
import { useViewer } from '../../session/ViewerProvider';
import { auditChanges } from './auditChange';
import { MemberAuditLogQuery } from './queries';

type AuditEntry = MemberAuditLogResult['auditLog']['edges'][number]['node'];

const PAGE_SIZE = 20;

interface Props {
  memberId: string;
  /** Bumped after this page changes the member, to fetch the new entries. */
  revision: number;
}

export function MemberAuditTrail({ memberId, revision }: Props) {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const pager = useCursorPager(memberId);
  const variables = useMemo(
    () => ({ targetId: memberId, first: PAGE_SIZE, after: pager.after }),
    [memberId, pager.after],
  );
  const [{ data, fetching, error }, refetch] = useQuery({ query: MemberAuditLogQuery, variables });

  useEffect(() => {
    if (revision > 0) refetch({ requestPolicy: 'network-only' });
  }, [revision, refetch]);

  const connection = data?.auditLog;
  return (
    <Card title={t('audit.title')} size="small">
      {error && <Typography.Paragraph type="danger">{describeError(error, t)}</Typography.Paragraph>}
      <Table<AuditEntry>
        data-testid="audit-table"
        rowKey="id"
        size="small"
        loading={fetching}
        dataSource={connection?.edges.map((edge) => edge.node) ?? []}
        pagination={false}
        locale={{ emptyText: t('audit.empty') }}
        columns={[
          {
            title: t('audit.time'),
            dataIndex: 'createdAt',
            width: 150,
            render: (createdAt: string) => formatDateTime(createdAt, viewer.tenant.timezone),
          },
          {
            title: t('audit.actor'),
            key: 'actor',
            width: 180,
            render: (_, entry) => entry.actorLabel ?? [entry.actorType, entry.actorId].filter(Boolean).join(':'),
          },
          {
            title: t('audit.action'),
            dataIndex: 'action',
            width: 160,
            render: (action: string) => <Tag>{action}</Tag>,
          },
          {
            title: t('audit.change'),
            key: 'change',
            render: (_, entry) => (
              <div>
                {auditChanges(entry.before, entry.after).map((change) => (
                  <div key={change.field}>
                    {change.field && <Typography.Text type="secondary">{change.field}: </Typography.Text>}
                    <Typography.Text delete type="secondary">
                      {change.before}
                    </Typography.Text>
                    {' → '}
                    <Typography.Text>{change.after}</Typography.Text>
                  </div>
                ))}
              </div>
            ),
          },
        ]}
        footer={() => (
          <CursorPagination
            pager={pager}
            totalCount={connection?.totalCount}
            hasNextPage={connection?.pageInfo.hasNextPage ?? false}
            endCursor={connection?.pageInfo.endCursor}
            testIdPrefix="audit"
          />
        )}
      />
    </Card>
  );
}
