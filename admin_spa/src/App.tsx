import { Suspense } from 'react';
import { App as AntdApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { useTranslation } from 'react-i18next';
import { RouterProvider } from 'react-router';
import { router } from './router';
import { SessionProvider } from './session/SessionProvider';

export function App() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider
      locale={i18n.language === 'en' ? enUS : zhCN}
      theme={{ token: { colorPrimary: '#1677ff' } }}
      button={{ autoInsertSpace: false }}
    >
      <AntdApp>
        <SessionProvider>
          <Suspense fallback={<Spin size="large" fullscreen />}>
            <RouterProvider router={router} />
          </Suspense>
        </SessionProvider>
      </AntdApp>
    </ConfigProvider>
  );
}
