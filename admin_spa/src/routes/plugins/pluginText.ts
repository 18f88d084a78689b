import type { TFunction } from 'i18next';

/** The platform's own plugin: always on, and described in the admin's own words. */
export const CORE_PLUGIN = 'membership-core';

interface Named {
  name: string;
  title: string;
  description?: string | null;
}

/**
 * A plugin's name for people. A plugin's manifest has one title and one description, in its
 * author's words; the platform's own plugin is named from the catalogue, in the UI's language.
 */
export function pluginTitle(plugin: Named, t: TFunction): string {
  return plugin.name === CORE_PLUGIN ? t('plugins.core.title') : plugin.title || plugin.name;
}

export function pluginDescription(plugin: Named, t: TFunction): string | null {
  return plugin.name === CORE_PLUGIN ? t('plugins.core.description') : plugin.description || null;
}
