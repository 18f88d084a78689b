import { useState, type HTMLAttributes } from 'react';
import { Alert, App, Badge, Button, Card, Space, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, type CombinedError } from 'urql';
import type { StaffFieldsFragment } from '../../gql/graphql';
import { describeError, type UserErrorLike } from '../../api/userErrors';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { CodeLabel } from '../../components/CodeLabel';
import { isRole } from '../../session/permissions';
import { useViewer } from '../../session/ViewerProvider';
import { StaffActions } from './StaffActions';
import { StaffCreateModal } from './StaffCreateModal';
import { StaffPasswordModal } from './StaffPasswordModal';
import { StaffRoleModal } from './StaffRoleModal';
import { StaffStoresModal } from './StaffStoresModal';
import { StaffWecomModal } from './StaffWecomModal';
import {
  DeactivateStaffMutation,
  ReactivateStaffMutation,
  ResetStaffPasswordMutation,
  StaffListQuery,
} from './queries';

interface Revealed {
  email: string;
  password: string;
}

export default function StaffPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { viewer } = useViewer();
  const timeZone = viewer.tenant.timezone;
  const viewerIsOwner = viewer.staff?.role === 'owner';
  const [{ data, fetching, error }, refetch] = useQuery({ query: StaffListQuery });
  const [, deactivate] = useMutation(DeactivateStaffMutation);
  const [, reactivate] = useMutation(ReactivateStaffMutation);
  const [, resetPassword] = useMutation(ResetStaffPasswordMutation);
  const [creating, setCreating] = useState(false);
  const [roleFor, setRoleFor] = useState<StaffFieldsFragment | null>(null);
  const [storesFor, setStoresFor] = useState<StaffFieldsFragment | null>(null);
  const [wecomFor, setWecomFor] = useState<StaffFieldsFragment | null>(null);
  const knownStores = Array.from(new Set((data?.staff ?? []).flatMap((s) => s.stores)));
  const [busyId, setBusyId] = useState<string | null>(null);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  // A refusal (the last owner, an owner's account) stays on the page until dismissed.
  const [refusal, setRefusal] = useState<string | null>(null);

  const reload = () => refetch({ requestPolicy: 'network-only' });

  /** True when the write went through; otherwise shows the server's reason. */
  const succeeded = (error: CombinedError | undefined, errors: readonly UserErrorLike[] | undefined) => {
    if (error) {
      setRefusal(describeError(error, t));
      return false;
    }
    if (!errors || errors.length > 0) {
      setRefusal(errors?.map((e) => e.message).join('\n') ?? t('common.unexpected'));
      return false;
    }
    return true;
  };

  const onSetActive = async (staff: StaffFieldsFragment, active: boolean) => {
    setRefusal(null);
    setBusyId(staff.id);
    try {
      const outcome = active
        ? await reactivate({ id: staff.id }).then((r) => ({ error: r.error, errors: r.data?.reactivateStaff.errors }))
        : await deactivate({ id: staff.id }).then((r) => ({ error: r.error, errors: r.data?.deactivateStaff.errors }));
      if (succeeded(outcome.error, outcome.errors)) {
        message.success(t(active ? 'staff.reactivated' : 'staff.deactivated'));
        reload();
      }
    } finally {
      setBusyId(null);
    }
  };

  const onResetPassword = async (staff: StaffFieldsFragment) => {
    setRefusal(null);
    const result = await resetPassword({ id: staff.id });
    const payload = result.data?.resetStaffPassword;
    if (succeeded(result.error, payload?.errors) && payload?.temporaryPassword) {
      setRevealed({ email: staff.email, password: payload.temporaryPassword });
      reload();
    }
  };

  return (
    <Card
      title={t('staff.title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="staff-create">
          {t('staff.create')}
        </Button>
      }
      styles={{ body: { overflowX: 'auto' } }}
    >
      {error && <Typography.Paragraph type="danger">{describeError(error, t)}</Typography.Paragraph>}
      {refusal && (
        <Alert
          type="error"
          showIcon
          closable
          message={t('staff.refused')}
          description={refusal}
          onClose={() => setRefusal(null)}
          style={{ marginBottom: 16 }}
          data-testid="staff-action-error"
        />
      )}
      <ResponsiveTable<StaffFieldsFragment>
        rowKey="id"
        loading={fetching}
        dataSource={data?.staff ?? []}
        pagination={false}
        onRow={(record) => ({ 'data-testid': 'staff-row', 'data-email': record.email }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('staff.email'),
            dataIndex: 'email',
            card: 'title',
            render: (email: string, record) => (
              <Space direction="vertical" size={0}>
                <Typography.Text>{email}</Typography.Text>
                {record.name && <Typography.Text type="secondary">{record.name}</Typography.Text>}
              </Space>
            ),
          },
          {
            title: t('staff.role'),
            dataIndex: 'role',
            render: (role: string) => (
              <Tag color={role === 'owner' ? 'gold' : undefined} data-testid="staff-role">
                {isRole(role) ? t(`staff.roles.${role}`) : <CodeLabel kind="role" code={role} />}
              </Tag>
            ),
          },
          {
            title: t('staff.status'),
            dataIndex: 'active',
            render: (active: boolean, record) => (
              <Space direction="vertical" size={0}>
                <span data-testid="staff-status">
                  {active ? (
                    <Badge status="success" text={t('staff.active')} />
                  ) : (
                    <Badge status="default" text={t('staff.inactive')} />
                  )}
                </span>
                {record.mustChangePassword && (
                  <Typography.Text type="warning" style={{ fontSize: 12 }} data-testid="staff-must-change">
                    {t('staff.mustChangePassword')}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          {
            title: t('staff.stores'),
            dataIndex: 'stores',
            render: (stores: string[], record) => (
              <Space direction="vertical" size={0}>
                <span data-testid="staff-stores">
                  {stores.length === 0 ? (
                    <Typography.Text type="secondary">{t('staff.allStores')}</Typography.Text>
                  ) : (
                    stores.map((code) => <Tag key={code}>{code}</Tag>)
                  )}
                </span>
                {record.wecomUserId && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="staff-wecom">
                    {t('staff.wecomShort', { userid: record.wecomUserId })}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          {
            title: t('staff.lastLoginAt'),
            dataIndex: 'lastLoginAt',
            render: (value: string | null) => (
              <span data-testid="staff-last-login">
                {formatDateTime(value, timeZone) || t('staff.neverLoggedIn')}
              </span>
            ),
          },
          {
            title: t('staff.createdAt'),
            dataIndex: 'createdAt',
            responsive: ['md'],
            render: (value: string) => formatDateTime(value, timeZone),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, record) => (
              <StaffActions
                staff={record}
                busy={busyId === record.id}
                onChangeRole={() => {
                  setRefusal(null);
                  setRoleFor(record);
                }}
                onSetActive={(active) => void onSetActive(record, active)}
                onResetPassword={() => void onResetPassword(record)}
                onAssignStores={() => {
                  setRefusal(null);
                  setStoresFor(record);
                }}
                onSetWecom={() => {
                  setRefusal(null);
                  setWecomFor(record);
                }}
              />
            ),
          },
        ]}
      />
      {creating && (
        <StaffCreateModal
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            reload();
          }}
        />
      )}
      {roleFor && (
        <StaffRoleModal
          staff={roleFor}
          viewerIsOwner={viewerIsOwner}
          onClose={() => setRoleFor(null)}
          onChanged={() => {
            setRoleFor(null);
            reload();
          }}
        />
      )}
      {wecomFor && (
        <StaffWecomModal
          staff={wecomFor}
          onClose={() => setWecomFor(null)}
          onChanged={() => {
            setWecomFor(null);
            reload();
          }}
        />
      )}
      {storesFor && (
        <StaffStoresModal
          staff={storesFor}
          knownStores={knownStores}
          onClose={() => setStoresFor(null)}
          onChanged={() => {
            setStoresFor(null);
            reload();
          }}
        />
      )}
      {revealed && (
        <StaffPasswordModal email={revealed.email} password={revealed.password} onClose={() => setRevealed(null)} />
      )}
    </Card>
  );
}
