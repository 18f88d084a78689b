import { Suspense, useState } from 'react';
import { Button, Dropdown, Grid, Layout, Menu, Space, Spin, Typography, theme, type MenuProps } from 'antd';
import {
  ApiOutlined,
  CrownOutlined,
  DownOutlined,
  GiftOutlined,
  IdcardOutlined,
  InboxOutlined,
  LogoutOutlined,
  ProfileOutlined,
  ScanOutlined,
  SendOutlined,
  ShoppingOutlined,
  TagsOutlined,
  TeamOutlined,
  ThunderboltOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { useSession } from '../session/SessionProvider';
import { useViewer } from '../session/ViewerProvider';
import { navigationItems, type NavigationItem } from './navigation';

const ICONS = {
  members: <UserOutlined />,
  orders: <ShoppingOutlined />,
  couponLookup: <ScanOutlined />,
  tiers: <CrownOutlined />,
  earningRules: <ThunderboltOutlined />,
  coupons: <TagsOutlined />,
  rewards: <GiftOutlined />,
  customFields: <ProfileOutlined />,
  staff: <TeamOutlined />,
  apiKeys: <ApiOutlined />,
  webhooks: <SendOutlined />,
  deadLetters: <InboxOutlined />,
} as const;

type MenuItems = NonNullable<MenuProps['items']>;

/** Menu entries in NAVIGATION order, a section's entries under its heading after the others. */
function menuItems(
  items: readonly NavigationItem[],
  label: (item: NavigationItem) => string,
  sectionLabel: (section: 'developer') => string,
  collapsed: boolean,
): MenuItems {
  const entry = (item: NavigationItem) => ({
    key: item.path,
    icon: ICONS[item.key],
    label: label(item),
    'data-testid': `nav-${item.key}`,
  });
  const ungrouped: MenuItems = items.filter((item) => !item.section).map(entry);
  const developer = items.filter((item) => item.section === 'developer');
  if (developer.length === 0) return ungrouped;
  // An icon-only menu has no room for a heading: a line sets the section apart instead.
  if (collapsed) {
    return [...ungrouped, { type: 'divider', key: 'section-developer' }, ...developer.map(entry)];
  }
  return [
    ...ungrouped,
    {
      type: 'group',
      key: 'section-developer',
      label: sectionLabel('developer'),
      children: developer.map(entry),
    },
  ];
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
  // On a phone the menu hides entirely and opens over the page, which keeps the whole width.
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;

  const items = navigationItems(can);
  const selected = items.find((item) => location.pathname.startsWith(item.path))?.path;

  const onLogout = async () => {
    setSigningOut(true);
    try {
      await signOut();
    } finally {
      setSigningOut(false);
    }
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        breakpoint="lg"
        collapsedWidth={phone ? 0 : 80}
        zeroWidthTriggerStyle={{ top: 12 }}
        style={
          phone
            ? { position: 'fixed', left: 0, top: 0, bottom: 0, zIndex: 1000, height: '100vh' }
            : { position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }
        }
      >
        <div
          style={{
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
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={selected ? [selected] : []}
          items={menuItems(
            items,
            (item) => t(`nav.${item.key}`),
            (section) => t(`nav.sections.${section}`),
            collapsed,
          )}
          onClick={({ key }) => {
            navigate(key);
            if (phone) setCollapsed(true);
          }}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: token.colorBgContainer,
            padding: phone ? '0 12px 0 48px' : '0 24px',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            gap: 12,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
          }}
        >
          <Typography.Text strong ellipsis style={{ minWidth: 0 }} data-testid="header-tenant">
            {viewer.tenant.name}
          </Typography.Text>
          <Space size={phone ? 'small' : 'middle'}>
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
  );
}
