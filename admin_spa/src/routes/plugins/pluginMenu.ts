import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import type { PluginPagesQuery as PluginPagesResult } from '../../gql/graphql';
import { useViewer } from '../../session/ViewerProvider';
import { PluginPagesQuery } from './queries';

export type InstalledPlugin = PluginPagesResult['plugins'][number];
export type PluginAdminPage = InstalledPlugin['adminPages'][number];

/** A plugin's page in the menu. */
export interface PluginMenuEntry {
  path: string;
  plugin: string;
  page: string;
  title: string;
}

export function pluginPagePath(plugin: string, page: string): string {
  return `/plugins/${plugin}/${page}`;
}

// The list changes with every enablePlugin / disablePlugin: their payloads carry a Plugin.
const CONTEXT = { additionalTypenames: ['Plugin'] };

/**
 * The installed plugins and their admin pages, titled in the UI's language: asked again when the
 * language changes, as the titles come from the server in it.
 */
export function useInstalledPlugins() {
  const { i18n } = useTranslation();
  const [result, reexecute] = useQuery({ query: PluginPagesQuery, context: CONTEXT });
  const language = useRef(i18n.language);
  useEffect(() => {
    if (language.current === i18n.language) return;
    language.current = i18n.language;
    reexecute({ requestPolicy: 'network-only' });
  }, [i18n.language, reexecute]);
  return result;
}

/** Whether the viewer may see a page: it names no permission, or one the viewer holds. */
export function useMaySee(): (page: PluginAdminPage) => boolean {
  const { viewer } = useViewer();
  return useMemo(() => {
    const held = new Set<string>(viewer.permissions);
    return (page: PluginAdminPage) => !page.permission || held.has(page.permission);
  }, [viewer.permissions]);
}

/** The menu's plugin pages: those of the plugins the tenant enabled that the viewer may see. */
export function usePluginMenu(): PluginMenuEntry[] {
  const { data } = useInstalledPlugins();
  const maySee = useMaySee();
  return useMemo(
    () =>
      (data?.plugins ?? [])
        .filter((plugin) => plugin.enabled && plugin.compatible)
        .flatMap((plugin) =>
          plugin.adminPages.filter(maySee).map((page) => ({
            path: pluginPagePath(plugin.name, page.path),
            plugin: plugin.name,
            page: page.path,
            title: page.title,
          })),
        ),
    [data, maySee],
  );
}
