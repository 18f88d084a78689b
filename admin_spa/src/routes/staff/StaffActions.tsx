import { Button, Popconfirm, Space, type ButtonProps } from 'antd';
import {
  CheckCircleOutlined,
  KeyOutlined,
  MessageOutlined,
  ShopOutlined,
  StopOutlined,
  SwapOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { StaffFieldsFragment } from '../../gql/graphql';

interface Props {
  staff: StaffFieldsFragment;
  busy: boolean;
  onChangeRole: () => void;
  onSetActive: (active: boolean) => void;
  onResetPassword: () => void;
  onAssignStores: () => void;
  onSetWecom: () => void;
}

/** What an owner or admin does to one account; each step is confirmed first. */
export function StaffActions({
  staff,
  busy,
  onChangeRole,
  onSetActive,
  onResetPassword,
  onAssignStores,
  onSetWecom,
}: Props) {
  const { t } = useTranslation();
  return (
    <Space size={4} wrap>
      <Button size="small" icon={<SwapOutlined />} onClick={onChangeRole} data-testid="staff-change-role">
        {t('staff.changeRole')}
      </Button>
      <Button size="small" icon={<ShopOutlined />} onClick={onAssignStores} data-testid="staff-assign-stores">
        {t('staff.assignStores')}
      </Button>
      <Button size="small" icon={<MessageOutlined />} onClick={onSetWecom} data-testid="staff-set-wecom">
        {t('staff.wecom')}
      </Button>
      {staff.active ? (
        <Popconfirm
          title={t('staff.deactivateConfirm', { email: staff.email })}
          okText={t('staff.deactivate')}
          cancelText={t('common.cancel')}
          okButtonProps={{ danger: true, 'data-testid': 'staff-deactivate-confirm' } as ButtonProps}
          onConfirm={() => onSetActive(false)}
        >
          <Button size="small" danger icon={<StopOutlined />} loading={busy} data-testid="staff-deactivate">
            {t('staff.deactivate')}
          </Button>
        </Popconfirm>
      ) : (
        <Popconfirm
          title={t('staff.reactivateConfirm', { email: staff.email })}
          okText={t('staff.reactivate')}
          cancelText={t('common.cancel')}
          okButtonProps={{ 'data-testid': 'staff-reactivate-confirm' } as ButtonProps}
          onConfirm={() => onSetActive(true)}
        >
          <Button size="small" icon={<CheckCircleOutlined />} loading={busy} data-testid="staff-reactivate">
            {t('staff.reactivate')}
          </Button>
        </Popconfirm>
      )}
      <Popconfirm
        title={t('staff.resetConfirm', { email: staff.email })}
        okText={t('staff.resetPassword')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: true, 'data-testid': 'staff-reset-confirm' } as ButtonProps}
        onConfirm={onResetPassword}
      >
        <Button size="small" icon={<KeyOutlined />} data-testid="staff-reset-password">
          {t('staff.resetPassword')}
        </Button>
      </Popconfirm>
    </Space>
  );
}
