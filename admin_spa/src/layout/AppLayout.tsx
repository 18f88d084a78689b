import { Suspense, useState } from 'react';
import { Button, Layout, Menu, Space, Spin, Typography, theme } from 'antd';
import {
  ApiOutlined,
  CrownOutlined,
  GiftOutlined,
  LogoutOutlined,
  ProfileOutlined,
  ScanOutlined,
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
import { navigationItems } from './navigation';

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
} as const;

export function AppLayout() {
  const { t } = useTranslation();
  const { viewer, can } = useViewer();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const { token } = theme.useToken();

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
        style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
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
          items={items.map((item) => ({
            key: item.path,
            icon: ICONS[item.key],
            label: t(`nav.${item.key}`),
            'data-testid': `nav-${item.key}`,
          }))}
          onClick={({ key }) => navigate(key)}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: token.colorBgContainer,
            padding: '0 24px',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
          }}
        >
          <Typography.Text strong data-testid="header-tenant">
            {viewer.tenant.name}
          </Typography.Text>
          <Space size="middle">
            <Typography.Text type="secondary" data-testid="header-staff-email">
              {viewer.staff?.email}
            </Typography.Text>
            <LanguageSwitch />
            <Button
              icon={<LogoutOutlined />}
              loading={signingOut}
              onClick={() => void onLogout()}
              data-testid="logout"
            >
              {t('header.logout')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ margin: 24 }}>
          <Suspense fallback={<Spin style={{ display: 'block', marginTop: 80 }} />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
