import { useEffect, useMemo, useState, type ComponentType, type ReactNode } from 'react';
import { Button, Card, Result, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { useClient } from 'urql';
import { describeError } from '../../api/userErrors';
import { currentLanguage } from '../../i18n';
import { useViewer } from '../../session/ViewerProvider';
import { createHost, type PluginHost } from './host';
import { PluginPageBoundary } from './PluginPageBoundary';
import { useInstalledPlugins, useMaySee } from './pluginMenu';
import { pluginTitle } from './pluginText';

type Loaded = { status: 'loading' } | { status: 'ready'; Page: ComponentType } | { status: 'failed'; detail: string };

class PageModuleError extends Error {}

function isComponent(value: unknown): value is ComponentType {
  // A function component or class, or what memo() / forwardRef() make.
  return typeof value === 'function' || (typeof value === 'object' && value !== null && '$$typeof' in value);
}

/** Imports a page's module and asks its default export for the page's component. */
async function loadPage(url: string, host: PluginHost): Promise<ComponentType> {
  const module = (await import(/* @vite-ignore */ url)) as { default?: unknown };
  if (typeof module.default !== 'function') throw new PageModuleError('no default export function');
  const page: unknown = (module.default as (host: PluginHost) => unknown)(host);
  if (!isComponent(page)) throw new PageModuleError('the default export did not return a React component');
  return page;
}

function detailOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function Failure({ title, detail, onRetry, reason }: { title: string; detail: string; onRetry: () => void; reason: string }) {
  const { t } = useTranslation();
  return (
    <div data-testid="plugin-page-error" data-reason={reason}>
      <Result
        status="error"
        title={title}
        subTitle={
          <>
            <Typography.Paragraph type="secondary">{t('plugins.page.failedHint')}</Typography.Paragraph>
            {/* The browser's or the page's own words, for whoever maintains the plugin. */}
            <Typography.Text code data-raw-code="" data-testid="plugin-page-error-detail">
              {detail}
            </Typography.Text>
          </>
        }
        extra={
          <Button onClick={onRetry} data-testid="plugin-page-retry">
            {t('common.retry')}
          </Button>
        }
      />
    </div>
  );
}

/** The page's module, loaded and rendered; its failures (loading, rendering) shown in its place. */
function PluginModulePage({ url }: { url: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const language = currentLanguage();
  const [attempt, setAttempt] = useState(0);
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });

  useEffect(() => {
    let live = true;
    setLoaded({ status: 'loading' });
    // A retry asks for the module afresh (the browser keeps a failed import otherwise).
    const source = attempt === 0 ? url : `${url}?attempt=${attempt}`;
    loadPage(source, createHost(client, language)).then(
      (Page) => live && setLoaded({ status: 'ready', Page }),
      (error: unknown) => live && setLoaded({ status: 'failed', detail: detailOf(error) }),
    );
    return () => {
      live = false;
    };
  }, [url, client, language, attempt]);

  const retry = () => setAttempt((n) => n + 1);
  if (loaded.status === 'loading') return <Spin style={{ display: 'block', margin: '48px auto' }} data-testid="plugin-page-loading" />;
  if (loaded.status === 'failed') {
    return <Failure title={t('plugins.page.loadFailed')} detail={loaded.detail} onRetry={retry} reason="load" />;
  }
  const { Page } = loaded;
  return (
    <PluginPageBoundary
      key={attempt}
      fallback={(error, again) => (
        <Failure title={t('plugins.page.crashed')} detail={detailOf(error)} onRetry={again} reason="render" />
      )}
    >
      <Page />
    </PluginPageBoundary>
  );
}

/** Why a plugin's page cannot be shown, with the way to the plugins page. */
function Unavailable({ status, title, reason, children }: { status: 'info' | '403' | '404' | 'warning'; title: string; reason: string; children?: ReactNode }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Card data-testid="plugin-page-unavailable" data-reason={reason}>
      <Result
        status={status}
        title={title}
        subTitle={children}
        extra={
          <Button type="primary" onClick={() => navigate('/plugins')} data-testid="plugin-page-to-plugins">
            {t('plugins.page.toPlugins')}
          </Button>
        }
      />
    </Card>
  );
}

/** `/plugins/:plugin/:page`: a page an enabled plugin adds to the admin. */
export default function PluginPage() {
  const { t, i18n } = useTranslation();
  const { can } = useViewer();
  const { plugin: name = '', page: path = '' } = useParams();
  const { data, error } = useInstalledPlugins();
  const maySee = useMaySee();
  const plugin = useMemo(() => data?.plugins.find((p) => p.name === name), [data, name]);
  const page = plugin?.adminPages.find((p) => p.path === path);

  if (!data) {
    return (
      <Card>
        {error ? (
          <Result status="warning" title={t('plugins.page.listFailed')} subTitle={describeError(error, t)} />
        ) : (
          <Spin style={{ display: 'block', margin: '48px auto' }} />
        )}
      </Card>
    );
  }
  if (!plugin) {
    return <Unavailable status="404" title={t('plugins.page.notInstalled', { plugin: name })} reason="not-installed" />;
  }
  const title = pluginTitle(plugin, t);
  if (!plugin.compatible) {
    return <Unavailable status="warning" title={t('plugins.page.incompatible', { title })} reason="incompatible" />;
  }
  if (!plugin.enabled) {
    return (
      <Unavailable status="info" title={t('plugins.page.notEnabled', { title })} reason="not-enabled">
        {can('programme:manage') ? t('plugins.page.enableIt') : t('plugins.page.askToEnable')}
      </Unavailable>
    );
  }
  if (!page) return <Unavailable status="404" title={t('plugins.page.noSuchPage', { title })} reason="no-page" />;
  if (!maySee(page)) return <Unavailable status="403" title={t('session.forbidden')} reason="forbidden" />;

  return (
    <Card title={page.title} data-testid="plugin-page" data-plugin={plugin.name} data-page={page.path}>
      {/* A new language or page starts the module afresh, with a host that says so. */}
      <PluginModulePage key={`${page.moduleUrl}|${i18n.language}`} url={page.moduleUrl} />
    </Card>
  );
}
