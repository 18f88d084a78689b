import type { ReactNode } from 'react';
import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import type { Permission } from '../session/permissions';
import { useViewer } from '../session/ViewerProvider';
import { navigationItems } from './navigation';

export function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  const { t } = useTranslation();
  const { can } = useViewer();
  const navigate = useNavigate();
  if (can(permission)) return <>{children}</>;
  return (
    <Result
      status="403"
      title="403"
      subTitle={t('session.forbidden')}
      extra={
        <Button type="primary" onClick={() => navigate('/')}>
          {t('session.home')}
        </Button>
      }
    />
  );
}

/** `/` goes to the first page the viewer may open. */
export function HomeRedirect() {
  const { t } = useTranslation();
  const { can } = useViewer();
  const first = navigationItems(can)[0];
  if (first) return <Navigate to={first.path} replace />;
  return <Result status="403" title="403" subTitle={t('session.forbidden')} />;
}

export function NotFound() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t('session.notFound')}
      extra={
        <Button type="primary" onClick={() => navigate('/')}>
          {t('session.home')}
        </Button>
      }
    />
  );
}
