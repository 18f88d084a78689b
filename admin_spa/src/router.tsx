import { lazy, type ReactNode } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { AppLayout } from './layout/AppLayout';
import { followDocumentTitle } from './layout/documentTitle';
import { HomeRedirect, NotFound, RequirePermission } from './layout/RequirePermission';
import type { Permission } from './session/permissions';
import { CHANGE_PASSWORD_PATH, ViewerProvider } from './session/ViewerProvider';

const LoginPage = lazy(() => import('./routes/login/LoginPage'));
const DashboardPage = lazy(() => import('./routes/dashboard/DashboardPage'));
const CounterPage = lazy(() => import('./routes/counter/CounterPage'));
const MembersListPage = lazy(() => import('./routes/members/MembersListPage'));
const MemberDetailPage = lazy(() => import('./routes/members/MemberDetailPage'));
const TasksPage = lazy(() => import('./routes/tasks/TasksPage'));
const OrdersListPage = lazy(() => import('./routes/orders/OrdersListPage'));
const OrderDetailPage = lazy(() => import('./routes/orders/OrderDetailPage'));
const EarningRulesPage = lazy(() => import('./routes/earning-rules/EarningRulesPage'));
const TiersPage = lazy(() => import('./routes/tiers/TiersPage'));
const CouponTemplatesPage = lazy(() => import('./routes/coupons/CouponTemplatesPage'));
const CouponTemplateDetailPage = lazy(() => import('./routes/coupons/CouponTemplateDetailPage'));
const CouponLookupPage = lazy(() => import('./routes/coupons/CouponLookupPage'));
const RewardsPage = lazy(() => import('./routes/rewards/RewardsPage'));
const JourneysListPage = lazy(() => import('./routes/journeys/JourneysListPage'));
const JourneyEditorPage = lazy(() => import('./routes/journeys/JourneyEditorPage'));
const SegmentsListPage = lazy(() => import('./routes/segments/SegmentsListPage'));
const SegmentDetailPage = lazy(() => import('./routes/segments/SegmentDetailPage'));
const CustomFieldsPage = lazy(() => import('./routes/custom-fields/CustomFieldsPage'));
const StaffPage = lazy(() => import('./routes/staff/StaffPage'));
const ApiKeysPage = lazy(() => import('./routes/api-keys/ApiKeysPage'));
const WebhooksPage = lazy(() => import('./routes/webhooks/WebhooksPage'));
const WebhookEndpointDetailPage = lazy(() => import('./routes/webhooks/WebhookEndpointDetailPage'));
const DeadLettersPage = lazy(() => import('./routes/dead-letters/DeadLettersPage'));
const MessageTemplatesPage = lazy(() => import('./routes/messaging/templates/MessageTemplatesPage'));
const MessageLogPage = lazy(() => import('./routes/messaging/log/MessageLogPage'));
const ChannelsPage = lazy(() => import('./routes/messaging/channels/ChannelsPage'));
const AccountPage = lazy(() => import('./routes/account/AccountPage'));
const PluginsPage = lazy(() => import('./routes/plugins/PluginsPage'));
const PluginPage = lazy(() => import('./routes/plugins/PluginPage'));

function guarded(permission: Permission, page: ReactNode): ReactNode {
  return <RequirePermission permission={permission}>{page}</RequirePermission>;
}

export const router = createBrowserRouter(
  [
    { path: '/login', element: <LoginPage /> },
    {
      path: '/',
      element: (
        <ViewerProvider>
          <AppLayout />
        </ViewerProvider>
      ),
      children: [
        { index: true, element: <HomeRedirect /> },
        { path: 'dashboard', element: guarded('analytics:read', <DashboardPage />) },
        { path: 'counter', element: guarded('orders:write', <CounterPage />) },
        { path: 'members', element: guarded('members:read', <MembersListPage />) },
        { path: 'members/:id', element: guarded('members:read', <MemberDetailPage />) },
        { path: 'tasks', element: guarded('members:read', <TasksPage />) },
        { path: 'orders', element: guarded('members:read', <OrdersListPage />) },
        { path: 'orders/:externalId', element: guarded('members:read', <OrderDetailPage />) },
        { path: 'tiers', element: guarded('members:read', <TiersPage />) },
        { path: 'earning-rules', element: guarded('programme:manage', <EarningRulesPage />) },
        { path: 'coupons', element: guarded('programme:manage', <CouponTemplatesPage />) },
        { path: 'coupons/lookup', element: guarded('coupons:write', <CouponLookupPage />) },
        { path: 'coupons/:id', element: guarded('programme:manage', <CouponTemplateDetailPage />) },
        { path: 'rewards', element: guarded('programme:manage', <RewardsPage />) },
        { path: 'journeys', element: guarded('journeys:manage', <JourneysListPage />) },
        { path: 'journeys/new', element: guarded('journeys:manage', <JourneyEditorPage />) },
        { path: 'journeys/:id', element: guarded('journeys:manage', <JourneyEditorPage />) },
        { path: 'segments', element: guarded('journeys:manage', <SegmentsListPage />) },
        { path: 'segments/:id', element: guarded('journeys:manage', <SegmentDetailPage />) },
        { path: 'custom-fields', element: guarded('custom_fields:manage', <CustomFieldsPage />) },
        { path: 'staff', element: guarded('staff:manage', <StaffPage />) },
        { path: 'api-keys', element: guarded('apikeys:manage', <ApiKeysPage />) },
        { path: 'webhooks', element: guarded('webhooks:manage', <WebhooksPage />) },
        { path: 'webhooks/:id', element: guarded('webhooks:manage', <WebhookEndpointDetailPage />) },
        { path: 'dead-letters', element: guarded('webhooks:manage', <DeadLettersPage />) },
        { path: 'messaging/templates', element: guarded('messages:send', <MessageTemplatesPage />) },
        { path: 'messaging/log', element: guarded('messages:send', <MessageLogPage />) },
        { path: 'messaging/channels', element: guarded('channels:manage', <ChannelsPage />) },
        { path: 'plugins', element: guarded('members:read', <PluginsPage />) },
        // A plugin's page says itself whom it is for (its permission) and when it is not enabled.
        { path: 'plugins/:plugin/:page', element: <PluginPage /> },
        { path: 'account', element: <AccountPage /> },
        // The viewer gate shows the form there while a change is due; afterwards it leads home.
        { path: CHANGE_PASSWORD_PATH.slice(1), element: <Navigate to="/" replace /> },
        { path: '*', element: <NotFound /> },
      ],
    },
  ],
  { basename: import.meta.env.BASE_URL.replace(/\/$/, '') },
);

followDocumentTitle(router);
