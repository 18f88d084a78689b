import { useEffect, useMemo } from 'react';
import { Button, Card, DatePicker, Select, Space, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import type { Channel, MessageFilter, MessageStatus } from '../../../gql/graphql';
import { describeError } from '../../../api/userErrors';
import { CursorPagination } from '../../../components/CursorPagination';
import { useCursorPager } from '../../../hooks/useCursorPager';
import { CHANNELS, MESSAGE_STATUSES, SKIP_REASONS, messagingText } from '../messagingCodes';
import { MessagesTable, type MessageRow } from '../MessagesTable';
import { MessageLogQuery, MessageLogTemplatesQuery } from './queries';

const PAGE_SIZE = 20;
const POLL_MS = 3000;

interface Filters {
  channel: Channel | null;
  status: MessageStatus | null;
  skipReason: string | null;
  template: string | null;
  range: [Dayjs | null, Dayjs | null] | null;
}

const DAY = 'YYYY-MM-DD';

function oneOf<T extends string>(values: readonly T[], value: string | null): T | null {
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : null;
}

function day(value: string | null): Dayjs | null {
  const parsed = value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? dayjs(value) : null;
  return parsed?.isValid() ? parsed : null;
}

/** The filters as the address keeps them (?status=SKIPPED&from=2025-01-01…), so a link or a reload keeps them. */
function filtersOf(params: URLSearchParams): Filters {
  const from = day(params.get('from'));
  const to = day(params.get('to'));
  return {
    channel: oneOf(CHANNELS, params.get('channel')),
    status: oneOf(MESSAGE_STATUSES, params.get('status')),
    skipReason: params.get('reason'),
    template: params.get('template'),
    range: from || to ? [from, to] : null,
  };
}

function paramsOf(filters: Filters): URLSearchParams {
  const params = new URLSearchParams();
  const [from, to] = filters.range ?? [null, null];
  const entries: [string, string | null][] = [
    ['channel', filters.channel],
    ['status', filters.status],
    ['reason', filters.skipReason],
    ['template', filters.template],
    ['from', from ? from.format(DAY) : null],
    ['to', to ? to.format(DAY) : null],
  ];
  for (const [key, value] of entries) if (value) params.set(key, value);
  return params;
}

function messageFilter(filters: Filters): MessageFilter {
  const [from, to] = filters.range ?? [null, null];
  return {
    channel: filters.channel,
    status: filters.status,
    skipReason: filters.skipReason,
    template: filters.template,
    since: from ? from.startOf('day').toISOString() : null,
    until: to ? to.add(1, 'day').startOf('day').toISOString() : null,
  };
}

/** 消息记录: every message to a member, the latest first, filtered; polled while some are queued. */
export default function MessageLogPage() {
  const { t } = useTranslation();
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = useMemo(() => filtersOf(searchParams), [searchParams]);
  const filter = useMemo(() => messageFilter(filters), [filters]);
  const pager = useCursorPager(JSON.stringify(filter));
  const variables = useMemo(() => ({ filter, first: PAGE_SIZE, after: pager.after }), [filter, pager.after]);
  const [{ data, fetching, error }, refetch] = useQuery({ query: MessageLogQuery, variables });
  const [{ data: templateData }] = useQuery({ query: MessageLogTemplatesQuery });
  const set = <K extends keyof Filters>(key: K) => (value: Filters[K] | undefined) =>
    setSearchParams(paramsOf({ ...filters, [key]: value ?? null }), { replace: true });

  const connection = data?.messages;
  const rows: MessageRow[] = useMemo(() => connection?.edges.map((edge) => edge.node) ?? [], [connection]);
  const queued = rows.some((row) => row.status === 'QUEUED' && !row.deferredUntil);

  useEffect(() => {
    if (!queued || fetching) return;
    const timer = window.setTimeout(() => refetch({ requestPolicy: 'network-only' }), POLL_MS);
    return () => window.clearTimeout(timer);
  }, [queued, fetching, data, refetch]);

  return (
    <Card
      title={t('messaging.log.title')}
      extra={
        <Button icon={<ReloadOutlined />} onClick={() => refetch({ requestPolicy: 'network-only' })} data-testid="messages-reload">
          {t('messaging.log.reload')}
        </Button>
      }
      data-testid="message-log"
    >
      <Typography.Paragraph type="secondary">{t('messaging.log.hint')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }} data-testid="message-filters">
        <Select<Channel>
          allowClear
          placeholder={t('messaging.log.anyChannel')}
          value={filters.channel ?? undefined}
          onChange={set('channel')}
          options={CHANNELS.map((channel) => ({ value: channel, label: messagingText(t, 'channels', channel) }))}
          style={{ minWidth: 160 }}
          data-testid="filter-channel"
        />
        <Select<MessageStatus>
          allowClear
          placeholder={t('messaging.log.anyStatus')}
          value={filters.status ?? undefined}
          onChange={set('status')}
          options={MESSAGE_STATUSES.map((status) => ({ value: status, label: t(`messaging.statuses.${status}`) }))}
          style={{ minWidth: 120 }}
          data-testid="filter-status"
        />
        <Select<string>
          allowClear
          placeholder={t('messaging.log.anySkipReason')}
          value={filters.skipReason ?? undefined}
          onChange={set('skipReason')}
          options={SKIP_REASONS.map((reason) => ({ value: reason, label: messagingText(t, 'skipReasons', reason) }))}
          style={{ minWidth: 160 }}
          data-testid="filter-skip-reason"
        />
        <Select<string>
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t('messaging.log.anyTemplate')}
          value={filters.template ?? undefined}
          onChange={set('template')}
          options={(templateData?.messageTemplates ?? []).map((template) => ({ value: template.name, label: template.title }))}
          style={{ minWidth: 160 }}
          data-testid="filter-template"
        />
        <DatePicker.RangePicker
          value={filters.range}
          onChange={(range) => set('range')(range ? [range[0], range[1]] : null)}
          data-testid="filter-range"
        />
      </Space>
      {error && <Typography.Paragraph type="danger">{describeError(error, t)}</Typography.Paragraph>}
      <MessagesTable
        messages={rows}
        loading={fetching && !data}
        showMember
        emptyText={t('messaging.log.empty')}
        footer={() => (
          <CursorPagination
            pager={pager}
            totalCount={connection?.totalCount}
            hasNextPage={connection?.pageInfo.hasNextPage ?? false}
            endCursor={connection?.pageInfo.endCursor}
            testIdPrefix="messages"
          />
        )}
      />
    </Card>
  );
}
