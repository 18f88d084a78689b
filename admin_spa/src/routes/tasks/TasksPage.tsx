import { useMemo, useState, type HTMLAttributes } from 'react';
import { Button, Card, Empty, Segmented, Select, Space, Tag, Tooltip, Typography } from 'antd';
import { CheckOutlined, ReloadOutlined, UserSwitchOutlined, WarningOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import type { TaskFieldsFragment, TaskStatus } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { CursorPagination } from '../../components/CursorPagination';
import { ResponsiveTable, type ResponsiveColumn } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { useCursorPager } from '../../hooks/useCursorPager';
import { useViewer } from '../../session/ViewerProvider';
import { displayPhone } from '../members/phoneFormat';
import { CompleteTaskModal } from './CompleteTaskModal';
import { DefaultAssigneeModal } from './DefaultAssigneeModal';
import { TasksQuery } from './queries';

const PAGE_SIZE = 20;
const VIEWS = ['mine', 'all', 'overdue'] as const;
type View = (typeof VIEWS)[number];
const STATUSES: readonly TaskStatus[] = ['OPEN', 'DONE', 'CANCELLED'];
const STATUS_COLORS: Record<TaskStatus, string> = { OPEN: 'processing', DONE: 'success', CANCELLED: 'default' };
const ANY = 'ANY';

type Task = TaskFieldsFragment;

function viewOf(value: string | null, views: readonly View[]): View {
  return views.find((view) => view === value) ?? 'mine';
}

function statusOf(value: string | null): TaskStatus | null {
  if (value === ANY) return null;
  return STATUSES.find((status) => status === value) ?? 'OPEN';
}

/**
 * 待办任务: the viewer's follow-ups (or everyone's, with tasks:read), soonest due first, each
 * completed with an optional note. The view and status live in the address (?view=overdue).
 */
export default function TasksPage() {
  const { t } = useTranslation();
  const { viewer, can } = useViewer();
  const timeZone = viewer.tenant.timezone;
  const ownId = viewer.staff?.id ?? null;
  const views = useMemo(() => VIEWS.filter((view) => view !== 'all' || can('tasks:read')), [can]);
  const [searchParams, setSearchParams] = useSearchParams();
  const view = viewOf(searchParams.get('view'), views);
  const status = view === 'overdue' ? 'OPEN' : statusOf(searchParams.get('status'));
  const [completing, setCompleting] = useState<Task | null>(null);
  const [choosingDefault, setChoosingDefault] = useState(false);

  const filter = useMemo(() => ({ status, mine: view === 'mine', overdue: view === 'overdue' }), [status, view]);
  const pager = useCursorPager(JSON.stringify(filter));
  const variables = useMemo(() => ({ ...filter, first: PAGE_SIZE, after: pager.after }), [filter, pager.after]);
  const [{ data, fetching, error }, refetch] = useQuery({ query: TasksQuery, variables });
  const connection = data?.tasks;
  const rows = useMemo(() => connection?.edges.map((edge) => edge.node) ?? [], [connection]);

  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(searchParams);
    next.set(key, value);
    setSearchParams(next, { replace: true });
  };
  const mayComplete = (task: Task) =>
    task.status === 'OPEN' && (can('tasks:manage') || (ownId !== null && task.assignee?.id === ownId));

  const columns: ResponsiveColumn<Task>[] = [
    {
      title: t('tasks.fields.title'),
      dataIndex: 'title',
      card: 'title',
      render: (title: string) => (
        <Typography.Text strong data-testid="task-title">
          {title}
        </Typography.Text>
      ),
    },
    {
      title: t('tasks.fields.member'),
      key: 'member',
      render: (_, task) =>
        task.member ? (
          <Link to={`/members/${task.member.id}`} data-testid="task-member">
            {[task.member.name, displayPhone(task.member.phone)].filter(Boolean).join(' · ')}
          </Link>
        ) : (
          t('common.empty')
        ),
    },
    {
      title: t('tasks.fields.dueAt'),
      dataIndex: 'dueAt',
      render: (dueAt: string | null, task) =>
        dueAt ? (
          <Space size={4} wrap>
            <Typography.Text type={task.overdue ? 'danger' : undefined} data-testid="task-due" data-overdue={task.overdue}>
              {formatDateTime(dueAt, timeZone)}
            </Typography.Text>
            {task.overdue && (
              <Tag color="error" icon={<WarningOutlined />}>
                {t('tasks.overdue')}
              </Tag>
            )}
          </Space>
        ) : (
          <Typography.Text type="secondary">{t('tasks.noDueDate')}</Typography.Text>
        ),
    },
    {
      title: t('tasks.fields.assignee'),
      key: 'assignee',
      hidden: view === 'mine',
      render: (_, task) =>
        task.assignee ? (
          task.assignee.name || task.assignee.email
        ) : (
          <Typography.Text type="secondary">{t('tasks.unassigned')}</Typography.Text>
        ),
    },
    {
      title: t('tasks.fields.status'),
      dataIndex: 'status',
      render: (value: TaskStatus, task) => (
        <Space size={4} wrap>
          <Tag color={STATUS_COLORS[value]} data-testid="task-status" data-status={value}>
            {t(`tasks.statuses.${value}`)}
          </Tag>
          {task.completedAt && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('tasks.completedAt', { time: formatDateTime(task.completedAt, timeZone) })}
            </Typography.Text>
          )}
          {task.noticeError && (
            <Tooltip title={t('tasks.noticeFailed', { error: task.noticeError })}>
              <Typography.Text type="warning" data-testid="task-notice-error">
                <WarningOutlined />
              </Typography.Text>
            </Tooltip>
          )}
        </Space>
      ),
    },
    {
      title: t('tasks.fields.note'),
      key: 'note',
      card: 'wide',
      render: (_, task) => {
        const notes = [task.note, task.completionNote].filter(Boolean);
        return notes.length > 0 ? (
          <Typography.Paragraph
            ellipsis={{ rows: 2, expandable: true }}
            style={{ maxWidth: 320, marginBottom: 0, whiteSpace: 'pre-wrap' }}
            data-testid="task-note"
          >
            {notes.join('\n')}
          </Typography.Paragraph>
        ) : (
          t('common.empty')
        );
      },
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, task) =>
        mayComplete(task) && (
          <Button
            type="primary"
            size="small"
            icon={<CheckOutlined />}
            onClick={() => setCompleting(task)}
            data-testid="task-complete"
          >
            {t('tasks.complete')}
          </Button>
        ),
    },
  ];

  return (
    <Card
      title={t('tasks.title')}
      extra={
        <Space wrap>
          {can('tasks:manage') && can('staff:manage') && (
            <Button icon={<UserSwitchOutlined />} onClick={() => setChoosingDefault(true)} data-testid="default-assignee">
              {t('tasks.defaultAssignee.button')}
            </Button>
          )}
          <Button
            icon={<ReloadOutlined />}
            onClick={() => refetch({ requestPolicy: 'network-only' })}
            aria-label={t('tasks.reload')}
            data-testid="tasks-reload"
          />
        </Space>
      }
      data-testid="tasks-page"
    >
      <Typography.Paragraph type="secondary">{t('tasks.hint')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <Segmented<View>
          value={view}
          onChange={(value) => setParam('view', value)}
          options={views.map((value) => ({ value, label: t(`tasks.views.${value}`) }))}
          data-testid="tasks-view"
        />
        {view !== 'overdue' && (
          <Select<string>
            value={status ?? ANY}
            onChange={(value) => setParam('status', value)}
            options={[
              ...STATUSES.map((value) => ({ value, label: t(`tasks.statuses.${value}`) })),
              { value: ANY, label: t('tasks.anyStatus') },
            ]}
            style={{ minWidth: 120 }}
            data-testid="tasks-status"
          />
        )}
      </Space>
      {error && <Typography.Paragraph type="danger">{describeError(error, t)}</Typography.Paragraph>}
      <ResponsiveTable<Task>
        rowKey="id"
        size="small"
        loading={fetching && !data}
        dataSource={rows}
        pagination={false}
        locale={{
          emptyText: (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tasks.empty')} data-testid="tasks-empty" />
          ),
        }}
        onRow={(task) =>
          ({
            'data-testid': 'task-row',
            'data-id': task.id,
            'data-status': task.status,
            'data-overdue': String(task.overdue),
          }) as HTMLAttributes<HTMLElement>
        }
        columns={columns}
        footer={() => (
          <CursorPagination
            pager={pager}
            totalCount={connection?.totalCount}
            hasNextPage={connection?.pageInfo.hasNextPage ?? false}
            endCursor={connection?.pageInfo.endCursor}
            testIdPrefix="tasks"
          />
        )}
      />
      {completing && (
        <CompleteTaskModal
          task={completing}
          onClose={() => setCompleting(null)}
          onCompleted={() => {
            setCompleting(null);
            refetch({ requestPolicy: 'network-only' });
          }}
        />
      )}
      {choosingDefault && <DefaultAssigneeModal onClose={() => setChoosingDefault(false)} />}
    </Card>
  );
}
