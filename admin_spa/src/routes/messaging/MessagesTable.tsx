import type { HTMLAttributes, ReactNode } from 'react';
import { Descriptions, Space, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { MessageFieldsFragment, MessageStatus } from '../../gql/graphql';
import { RawCode } from '../../components/CodeLabel';
import { ResponsiveTable, type ResponsiveColumn } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { useViewer } from '../../session/ViewerProvider';
import { displayPhone } from '../members/phoneFormat';
import { MESSAGE_STATUS_COLORS, MessagingCode, ServerText } from './messagingCodes';

export interface MessageMember {
  id: string;
  name?: string | null;
  phone: string;
}

export type MessageRow = MessageFieldsFragment & { member?: MessageMember | null };

interface Props {
  messages: readonly MessageRow[];
  loading: boolean;
  /** The member column (the log); a member's own page leaves it out. */
  showMember?: boolean;
  footer?: () => ReactNode;
  emptyText: string;
}

export function MessageStatusTag({ status }: { status: MessageStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={MESSAGE_STATUS_COLORS[status]} data-testid="message-status" data-status={status}>
      {t(`messaging.statuses.${status}`)}
    </Tag>
  );
}

/** Messages, one a row: when, to whom, on which channel, with which template, and what came of it. */
export function MessagesTable({ messages, loading, showMember = false, footer, emptyText }: Props) {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const timeZone = viewer.tenant.timezone;

  const columns: ResponsiveColumn<MessageRow>[] = [
    {
      title: t('messaging.log.time'),
      dataIndex: 'createdAt',
      card: 'title',
      render: (value: string) => formatDateTime(value, timeZone),
    },
    {
      title: t('messaging.log.member'),
      key: 'member',
      hidden: !showMember,
      render: (_, row) =>
        row.member ? (
          <Link to={`/members/${row.member.id}?tab=messages`} data-testid="message-member">
            {[row.member.name, displayPhone(row.member.phone)].filter(Boolean).join(' · ')}
          </Link>
        ) : (
          t('common.empty')
        ),
    },
    {
      title: t('messaging.log.channel'),
      dataIndex: 'channel',
      render: (channel: string) => <MessagingCode kind="channels" code={channel} />,
    },
    {
      title: t('messaging.log.template'),
      dataIndex: 'template',
      render: (template: string | null) => (template ? <RawCode code={template} /> : t('common.empty')),
    },
    {
      title: t('messaging.log.status'),
      dataIndex: 'status',
      render: (status: MessageStatus, row) => (
        <Space size={4} wrap>
          <MessageStatusTag status={status} />
          {row.deferredUntil && status === 'QUEUED' && (
            <Tooltip title={t('messaging.log.deferredHint')}>
              <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="message-deferred">
                {t('messaging.log.deferredUntil', { time: formatDateTime(row.deferredUntil, timeZone) })}
              </Typography.Text>
            </Tooltip>
          )}
        </Space>
      ),
    },
    {
      title: t('messaging.log.skipReason'),
      dataIndex: 'skipReason',
      render: (reason: string | null) =>
        reason ? (
          <span data-testid="message-skip-reason" data-reason={reason}>
            <MessagingCode kind="skipReasons" code={reason} />
          </span>
        ) : (
          t('common.empty')
        ),
    },
    {
      title: t('messaging.log.detail'),
      dataIndex: 'detail',
      card: 'wide',
      render: (detail: string | null) =>
        detail ? (
          <div style={{ maxWidth: 320 }}>
            <ServerText text={detail} testId="message-detail" />
          </div>
        ) : (
          t('common.empty')
        ),
    },
  ];

  return (
    <ResponsiveTable<MessageRow>
      rowKey="id"
      size="small"
      loading={loading}
      dataSource={[...messages]}
      pagination={false}
      locale={{ emptyText: <span data-testid="messages-empty">{emptyText}</span> }}
      onRow={(row) =>
        ({
          'data-testid': 'message-row',
          'data-id': row.id,
          'data-channel': row.channel,
          'data-status': row.status,
          'data-reason': row.skipReason ?? '',
        }) as HTMLAttributes<HTMLElement>
      }
      expandable={{
        expandedRowRender: (row) => (
          <Descriptions size="small" column={1} data-testid="message-expanded">
            <Descriptions.Item label={t('messaging.log.body')}>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} data-testid="message-body">
                {row.body || t('common.empty')}
              </Typography.Paragraph>
            </Descriptions.Item>
            <Descriptions.Item label={t('messaging.log.purpose')}>
              <MessagingCode kind="purposes" code={row.purpose} />
            </Descriptions.Item>
            <Descriptions.Item label={t('messaging.log.provider')}>
              {row.provider ? <MessagingCode kind="providers" code={row.provider} /> : t('common.empty')}
            </Descriptions.Item>
            <Descriptions.Item label={t('messaging.log.attempts')}>{row.attempts}</Descriptions.Item>
            <Descriptions.Item label={t('messaging.log.sentAt')}>
              {row.sentAt ? formatDateTime(row.sentAt, timeZone) : t('common.empty')}
            </Descriptions.Item>
            <Descriptions.Item label={t('messaging.log.deliveredAt')}>
              {row.deliveredAt ? formatDateTime(row.deliveredAt, timeZone) : t('common.empty')}
            </Descriptions.Item>
            <Descriptions.Item label={t('messaging.log.cause')}>
              <RawCode code={row.cause} />
            </Descriptions.Item>
          </Descriptions>
        ),
      }}
      columns={columns}
      footer={footer}
    />
  );
}
