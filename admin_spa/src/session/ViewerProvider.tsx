import { createContext, lazy, Suspense, useCallback, useContext, useMemo, type ReactNode } from 'react';
import { Button, Result, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { useQuery } from 'urql';
import type { ViewerQuery as ViewerQueryResult } from '../gql/graphql';
import { isUnauthenticated } from '../api/client';
import { describeError } from '../api/userErrors';
import type { Permission } from './permissions';
import { ViewerQuery } from './queries';
import { useSession } from './SessionProvider';

export type Viewer = ViewerQueryResult['viewer'];

interface ViewerContextValue {
  viewer: Viewer;
  can: (permission: Permission) => boolean;
}

const ViewerContext = createContext<ViewerContextValue | null>(null);

/** Where a staff member whose password was reset must set a new one before anything else. */
export const CHANGE_PASSWORD_PATH = '/change-password';

const ForcedPasswordPage = lazy(() => import('../routes/account/ForcedPasswordPage'));

/** Loads the signed-in staff member and their permissions; sends anyone else to the login page. */
export function ViewerProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { token, ended, signOut } = useSession();
  const location = useLocation();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ViewerQuery,
    pause: !token,
    requestPolicy: 'network-only',
  });

  const viewer = data?.viewer;
  const can = useCallback(
    (permission: Permission) => viewer?.permissions.includes(permission) ?? false,
    [viewer],
  );
  const value = useMemo(() => (viewer ? { viewer, can } : null), [viewer, can]);

  if (!token) {
    // After an explicit logout the next person starts from the home page, not the last one's.
    const state = ended === 'logout' ? null : { from: location.pathname + location.search };
    return <Navigate to="/login" replace state={state} />;
  }
  if (value?.viewer.staff?.mustChangePassword) {
    // The server refuses everything else to this token: show only the form, at its own address.
    if (location.pathname !== CHANGE_PASSWORD_PATH) return <Navigate to={CHANGE_PASSWORD_PATH} replace />;
    return (
      <ViewerContext.Provider value={value}>
        <Suspense fallback={<Spin size="large" fullscreen />}>
          <ForcedPasswordPage />
        </Suspense>
      </ViewerContext.Provider>
    );
  }
  if (value) return <ViewerContext.Provider value={value}>{children}</ViewerContext.Provider>;
  if (fetching || (error && isUnauthenticated(error))) {
    return <Spin size="large" fullscreen />;
  }
  return (
    <Result
      status="warning"
      title={t('session.loadFailed')}
      subTitle={error ? describeError(error, t) : undefined}
      extra={[
        <Button key="retry" type="primary" onClick={() => refetch({ requestPolicy: 'network-only' })}>
          {t('common.retry')}
        </Button>,
        <Button key="logout" onClick={() => void signOut()}>
          {t('header.logout')}
        </Button>,
      ]}
    />
  );
}

export function useViewer(): ViewerContextValue {
  const value = useContext(ViewerContext);
  if (!value) throw new Error('useViewer must be used inside <ViewerProvider>');
  return value;
}
