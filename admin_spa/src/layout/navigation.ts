import type { Permission } from '../session/permissions';

/** Headings of the menu, in the order they follow the ungrouped entries. */
export const NAVIGATION_SECTIONS = ['messaging', 'developer', 'plugins'] as const;
export type NavigationSection = (typeof NAVIGATION_SECTIONS)[number];

export interface NavigationItem {
  key:
    | 'dashboard'
    | 'counter'
    | 'members'
    | 'tasks'
    | 'orders'
    | 'couponLookup'
    | 'tiers'
    | 'earningRules'
    | 'coupons'
    | 'rewards'
    | 'journeys'
    | 'segments'
    | 'customFields'
    | 'staff'
    | 'apiKeys'
    | 'webhooks'
    | 'deadLetters'
    | 'messageTemplates'
    | 'messageLog'
    | 'channels'
    | 'plugins';
  path: string;
  permission: Permission;
  /** Entries of a section sit under its heading, after the ungrouped ones. */
  section?: NavigationSection;
}

/** The sider menu, in order; an entry shows only when the viewer holds its permission. */
export const NAVIGATION: readonly NavigationItem[] = [
  // First: whoever reads the analytics lands on the overview.
  { key: 'dashboard', path: '/dashboard', permission: 'analytics:read' },
  // A clerk (no analytics) signs in to the counter.
  { key: 'counter', path: '/counter', permission: 'orders:write' },
  { key: 'members', path: '/members', permission: 'members:read' },
  // Every staff member has tasks of their own (tasks:read shows everyone's).
  { key: 'tasks', path: '/tasks', permission: 'members:read' },
  { key: 'orders', path: '/orders', permission: 'members:read' },
  // Before 'coupons': the menu highlights the first entry whose path starts the location.
  { key: 'couponLookup', path: '/coupons/lookup', permission: 'coupons:write' },
  { key: 'tiers', path: '/tiers', permission: 'members:read' },
  { key: 'earningRules', path: '/earning-rules', permission: 'programme:manage' },
  { key: 'coupons', path: '/coupons', permission: 'programme:manage' },
  { key: 'rewards', path: '/rewards', permission: 'programme:manage' },
  { key: 'journeys', path: '/journeys', permission: 'journeys:manage' },
  { key: 'segments', path: '/segments', permission: 'journeys:manage' },
  { key: 'customFields', path: '/custom-fields', permission: 'custom_fields:manage' },
  { key: 'staff', path: '/staff', permission: 'staff:manage' },
  { key: 'messageTemplates', path: '/messaging/templates', permission: 'messages:send', section: 'messaging' },
  { key: 'messageLog', path: '/messaging/log', permission: 'messages:send', section: 'messaging' },
  { key: 'channels', path: '/messaging/channels', permission: 'channels:manage', section: 'messaging' },
  { key: 'apiKeys', path: '/api-keys', permission: 'apikeys:manage', section: 'developer' },
  { key: 'webhooks', path: '/webhooks', permission: 'webhooks:manage', section: 'developer' },
  { key: 'deadLetters', path: '/dead-letters', permission: 'webhooks:manage', section: 'developer' },
  // Everyone sees what is installed; enabling needs programme:manage. The enabled plugins' pages follow.
  { key: 'plugins', path: '/plugins', permission: 'members:read', section: 'plugins' },
];

export function navigationItems(can: (permission: Permission) => boolean): NavigationItem[] {
  return NAVIGATION.filter((item) => can(item.permission));
}
