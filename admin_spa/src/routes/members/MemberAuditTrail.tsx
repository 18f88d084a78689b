import { useEffect, useMemo } from 'react';
import { Card, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import type { MemberAuditLogQuery as MemberAuditLogResult } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { CodeLabel } from '../../components/CodeLabel';
import { CursorPagination } from '../../components/CursorPagination';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { formatMoney } from '../../format/money';
import { useCursorPager } from '../../hooks/useCursorPager';
import { useViewer } from '../../session/ViewerProvider';
import { CustomFieldDefinitionsQuery } from '../custom-fields/queries';
import { TiersQuery } from '../tiers/queries';
import { auditChanges } from './auditChange';
import { auditActorText, auditFieldLabel, auditValueText } from './auditFormat';
import { MemberAuditLogQuery } from './queries';

type AuditEntry = MemberAuditLogResult['auditLog']['edges'][number]['node'];

const PAGE_SIZE = 20;

interface Props {
  memberId: string;
  /** Bumped after this page changes the member, to fetch the new entries. */
  revision: number;
}

export function MemberAuditTrail({ memberId, revision }: Props) {
  const { t, i18n } = useTranslation();
  const { viewer } = useViewer();
  // Entries name tiers by id and custom fields by key: shown by their names.
  const [{ data: tierData }] = useQuery({ query: TiersQuery });
  const [{ data: fieldData }] = useQuery({ query: CustomFieldDefinitionsQuery });
  const format = {
    t,
    money: (fen: number) => formatMoney(fen, viewer.tenant.currency, i18n.language),
    timeZone: viewer.tenant.timezone,
    tierName: (id: string) => tierData?.tiers.find((tier) => tier.id === id)?.name,
    customFieldLabel: (key: string) => fieldData?.customFieldDefinitions.find((d) => d.key === key)?.label,
  };
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
      <ResponsiveTable<AuditEntry>
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
            render: (_, entry) => auditActorText(entry, t),
          },
          {
            title: t('audit.action'),
            dataIndex: 'action',
            width: 160,
            render: (action: string) => (
              <Tag data-testid="audit-action" data-action={action} style={{ whiteSpace: 'normal' }}>
                <CodeLabel kind="auditAction" code={action} />
              </Tag>
            ),
          },
          {
            title: t('audit.change'),
            key: 'change',
            render: (_, entry) => (
              <div>
                {auditChanges(entry.before, entry.after).map((change) => {
                  const value = (stored: unknown) => auditValueText(entry.action, change.path, stored, format);
                  const added = change.before === undefined || change.before === null;
                  // A value the entry no longer has (a merged-away profile's): struck out alone.
                  const removed = !added && change.after === undefined;
                  return (
                    <div key={change.path.join('.')} data-testid="audit-change" data-field={change.path.join('.')}>
                      {change.path.length > 0 && (
                        <Typography.Text type="secondary">
                          {t('audit.fieldLabel', { field: auditFieldLabel(entry.action, change.path, t) })}
                        </Typography.Text>
                      )}
                      {!added && (
                        <>
                          <Typography.Text delete type="secondary">
                            {value(change.before)}
                          </Typography.Text>
                          {!removed && ' → '}
                        </>
                      )}
                      {!removed && <Typography.Text>{value(change.after)}</Typography.Text>}
                    </div>
                  );
                })}
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
