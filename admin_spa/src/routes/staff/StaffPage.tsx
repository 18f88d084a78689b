import { useState, type HTMLAttributes } from 'react';
import { Badge, Button, Card, Table, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import type { StaffFieldsFragment } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { formatDateTime } from '../../format/dateTime';
import { isRole } from '../../session/permissions';
import { useViewer } from '../../session/ViewerProvider';
import { StaffCreateModal } from './StaffCreateModal';
import { StaffListQuery } from './queries';

export default function StaffPage() {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const timeZone = viewer.tenant.timezone;
  const [{ data, fetching, error }, refetch] = useQuery({ query: StaffListQuery });
  const [creating, setCreating] = useState(false);

  return (
    <Card
      title={t('staff.title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="staff-create">
          {t('staff.create')}
        </Button>
      }
    >
      {error && <Typography.Paragraph type="danger">{describeError(error, t)}</Typography.Paragraph>}
      <Table<StaffFieldsFragment>
        rowKey="id"
        loading={fetching}
        dataSource={data?.staff ?? []}
        pagination={false}
        onRow={() => ({ 'data-testid': 'staff-row' }) as HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('staff.email'), dataIndex: 'email' },
          { title: t('staff.name'), dataIndex: 'name', render: (name: string | null) => name ?? t('common.empty') },
          {
            title: t('staff.role'),
            dataIndex: 'role',
            render: (role: string) => (isRole(role) ? t(`staff.roles.${role}`) : role),
          },
          {
            title: t('staff.status'),
            dataIndex: 'active',
            render: (active: boolean) =>
              active ? <Badge status="success" text={t('staff.active')} /> : <Badge status="default" text={t('staff.inactive')} />,
          },
          {
            title: t('staff.createdAt'),
            dataIndex: 'createdAt',
            render: (value: string) => formatDateTime(value, timeZone),
          },
          {
            title: t('staff.lastLoginAt'),
            dataIndex: 'lastLoginAt',
            render: (value: string | null) => formatDateTime(value, timeZone) || t('staff.neverLoggedIn'),
          },
        ]}
      />
      {creating && (
        <StaffCreateModal
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            refetch({ requestPolicy: 'network-only' });
          }}
        />
      )}
    </Card>
  );
}
