/** Permission strings the server puts in `Viewer.permissions`; the UI hides what the viewer lacks. */
export const PERMISSIONS = [
  'members:read',
  'members:write',
  'members:reveal',
  'members:pii',
  'members:merge',
  'points:write',
  'orders:write',
  'coupons:write',
  'events:write',
  'programme:manage',
  'custom_fields:manage',
  'staff:manage',
  'apikeys:manage',
  'webhooks:manage',
  'messages:send',
  'channels:manage',
  'tasks:read',
  'tasks:manage',
  'journeys:manage',
  'audit:read',
  'analytics:read',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['owner', 'admin', 'marketer', 'clerk', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
