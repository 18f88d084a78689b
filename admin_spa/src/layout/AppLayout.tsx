import { Suspense, useState } from 'react';
import {
  Button,
  ConfigProvider,
  Drawer,
  Dropdown,
  Layout,
  Menu,
  Space,
  Spin,
  Typography,
  theme,
  type MenuProps,
} from 'antd';
import {
  ApiOutlined,
  AppstoreOutlined,
  BlockOutlined,
  CheckSquareOutlined,
  ClusterOutlined,
  CloseOutlined,
  CrownOutlined,
  DashboardOutlined,
  DownOutlined,
  FileTextOutlined,
  GiftOutlined,
  HistoryOutlined,
  IdcardOutlined,
  InboxOutlined,
  LogoutOutlined,
  MenuOutlined,
  MessageOutlined,
  NodeIndexOutlined,
  ProfileOutlined,
  ScanOutlined,
  SendOutlined,
  ShoppingCartOutlined,
  ShoppingOutlined,
  TagsOutlined,
  TeamOutlined,
  ThunderboltOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { usePluginMenu, type PluginMenuEntry } from '../routes/plugins/pluginMenu';
import { TestClockPanel } from '../routes/test-clock/TestClockPanel';
import { useIsNarrow } from '../hooks/useIsNarrow';
import { useSession } from '../session/SessionProvider';
import { useViewer } from '../session/ViewerProvider';
import { NAVIGATION_SECTIONS, navigationItems, type NavigationItem, type NavigationSection } from './navigation';
import { desktopTheme, touchTheme } from './touchTheme';

const ICONS = {
  dashboard: <DashboardOutlined />,
  counter: <ShoppingCartOutlined />,
  members: <UserOutlined />,
  tasks: <CheckSquareOutlined />,
  orders: <ShoppingOutlined />,
  couponLookup: <ScanOutlined />,
  tiers: <CrownOutlined />,
  earningRules: <ThunderboltOutlined />,
  coupons: <TagsOutlined />,
  rewards: <GiftOutlined />,
  journeys: <NodeIndexOutlined />,
  segments: <ClusterOutlined />,
  customFields: <ProfileOutlined />,
  staff: <TeamOutlined />,
  apiKeys: <ApiOutlined />,
  webhooks: <SendOutlined />,
  deadLetters: <InboxOutlined />,
  messageTemplates: <FileTextOutlined />,
  messageLog: <HistoryOutlined />,
  channels: <MessageOutlined />,
  plugins: <AppstoreOutlined />,
} as const;

type MenuItems = NonNullable<MenuProps['items']>;

/**
 * Menu entries in NAVIGATION order, each section's entries under its heading after the others;
 * the enabled plugins' pages close the plugins section.
 */
function menuItems(
  items: readonly NavigationItem[],
  pluginPages: readonly PluginMenuEntry[],
  label: (item: NavigationItem) => string,
  sectionLabel: (section: NavigationSection) => string,
  collapsed: boolean,
): MenuItems {
  const entry = (item: NavigationItem) => ({
    key: item.path,
    icon: ICONS[item.key],
    label: label(item),
    'data-testid': `nav-${item.key}`,
  });
  const pluginEntry = (page: PluginMenuEntry) => ({
    key: page.path,
    icon: <BlockOutlined />,
    label: page.title,
    'data-testid': 'plugin-nav',
    'data-plugin': page.plugin,
    'data-page': page.page,
  });
  const menu: MenuItems = items.filter((item) => !item.section).map(entry);
  for (const section of NAVIGATION_SECTIONS) {
    const entries: MenuItems = items.filter((item) => item.section === section).map(entry);
    if (section === 'plugins') entries.push(...pluginPages.map(pluginEntry));
    if (entries.length === 0) continue;
    // An icon-only menu has no room for a heading: a line sets the section apart instead.
    if (collapsed) {
      menu.push({ type: 'divider', key: `section-${section}` }, ...entries);
    } else {
      menu.push({ type: 'group', key: `section-${section}`, label: sectionLabel(section), children: entries });
    }
  }
  return menu;
}

export function AppLayout() {
  const { t } = useTranslation();
  const { viewer, can } = useViewer();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const { token } = theme.useToken();
  // On a phone the sider gives way to a drawer opened from the header, which keeps the whole width.
  const phone = useIsNarrow();
  const [drawerOpen, setDrawerOpen] = useState(false);

  const items = navigationItems(can);
  const pluginPages = usePluginMenu();
  const selected =
    pluginPages.find((page) => location.pathname === page.path)?.path ??
    items.find((item) => location.pathname.startsWith(item.path))?.path;

  const onLogout = async () => {
    setSigningOut(true);
    try {
      await signOut();
    } finally {
      setSigningOut(false);
    }
  };

  const navigationMenu = (menuTheme: 'dark' | 'light', iconsOnly: boolean) => (
    <Menu
      theme={menuTheme}
      mode="inline"
      selectedKeys={selected ? [selected] : []}
      items={menuItems(
        items,
        pluginPages,
        (item) => t(`nav.${item.key}`),
        (section) => t(`nav.sections.${section}`),
        iconsOnly,
      )}
      onClick={({ key }) => {
        navigate(key);
        setDrawerOpen(false);
      }}
      style={menuTheme === 'light' ? { borderInlineEnd: 'none' } : undefined}
    />
  );

  return (
    <ConfigProvider theme={phone ? touchTheme : desktopTheme}>
      <Layout style={{ minHeight: '100vh' }}>
        {phone ? (
          <Drawer
            placement="left"
            width={280}
            open={drawerOpen}
            onClose={() => setDrawerOpen(false)}
            title={t('app.name')}
            // A full-size close button at the right, where a thumb reaches it.
            closable={false}
            extra={
              <Button
                type="text"
                icon={<CloseOutlined />}
                aria-label={t('responsive.closeMenu')}
                onClick={() => setDrawerOpen(false)}
                data-testid="nav-drawer-close"
                style={{ width: 44 }}
              />
            }
            styles={{ header: { paddingBlock: 8 }, body: { padding: 0 } }}
            data-testid="nav-drawer"
          >
            {navigationMenu('light', false)}
          </Drawer>
        ) : (
          <Layout.Sider
            collapsible
            collapsed={collapsed}
            onCollapse={setCollapsed}
            breakpoint="lg"
            style={{ position: 'sticky', top: 0, height: '100vh' }}
          >
            {/* The menu scrolls under the name, above the collapse button (which would hide its end). */}
            <div style={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
              <div
                style={{
                  flex: 'none',
                  height: 56,
                  display: 'flex',
                  alignItems: 'center',
                  justifyContent: 'center',
                  color: '#fff',
                  fontWeight: 600,
                  fontSize: collapsed ? 14 : 16,
                  whiteSpace: 'nowrap',
                  overflow: 'hidden',
                }}
              >
                {collapsed ? t('app.name').slice(0, 2) : t('app.name')}
              </div>
              <div style={{ flex: 1, minHeight: 0, overflowY: 'auto', overflowX: 'hidden' }}>
                {navigationMenu('dark', collapsed)}
              </div>
            </div>
          </Layout.Sider>
        )}
        <Layout>
          <Layout.Header
            style={{
              background: token.colorBgContainer,
              padding: phone ? '0 12px' : '0 24px',
              display: 'flex',
              alignItems: 'center',
              justifyContent: 'space-between',
              gap: 12,
              borderBottom: `1px solid ${token.colorBorderSecondary}`,
            }}
          >
            {phone && (
              <Button
                type="text"
                icon={<MenuOutlined />}
                aria-label={t('responsive.openMenu')}
                aria-expanded={drawerOpen}
                onClick={() => setDrawerOpen(true)}
                data-testid="nav-drawer-toggle"
                style={{ flex: 'none', width: 44 }}
              />
            )}
            <Typography.Text strong ellipsis style={{ minWidth: 0, flex: 1 }} data-testid="header-tenant">
              {viewer.tenant.name}
            </Typography.Text>
            {/* The switches keep their width: the tenant name is what gives way on a narrow screen. */}
            <Space size={phone ? 'small' : 'middle'} style={{ flex: 'none' }}>
              <TestClockPanel />
              <LanguageSwitch />
              <Dropdown
                trigger={['click']}
                menu={{
                  items: [
                    {
                      key: 'account',
                      icon: <IdcardOutlined />,
                      label: <span data-testid="user-menu-account">{t('header.account')}</span>,
                    },
                    { type: 'divider' },
                    {
                      key: 'logout',
                      icon: <LogoutOutlined />,
                      label: <span data-testid="logout">{t('header.logout')}</span>,
                      disabled: signingOut,
                    },
                  ],
                  onClick: ({ key }) => {
                    if (key === 'account') navigate('/account');
                    if (key === 'logout') void onLogout();
                  },
                }}
              >
                <Button icon={<UserOutlined />} loading={signingOut} title={viewer.staff?.email} data-testid="user-menu">
                  {phone ? null : (
                    <Space size={4}>
                      <Typography.Text
                        ellipsis
                        style={{ maxWidth: 220 }}
                        data-testid="header-staff-email"
                      >
                        {viewer.staff?.email}
                      </Typography.Text>
                      <DownOutlined style={{ fontSize: 10 }} />
                    </Space>
                  )}
                </Button>
              </Dropdown>
            </Space>
          </Layout.Header>
          <Layout.Content style={{ margin: phone ? 12 : 24, minWidth: 0 }}>
            <Suspense fallback={<Spin style={{ display: 'block', marginTop: 80 }} />}>
              <Outlet />
            </Suspense>
          </Layout.Content>
        </Layout>
      </Layout>
    </ConfigProvider>
  );
}
