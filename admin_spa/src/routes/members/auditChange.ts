/** One line of an audit entry's before → after, per field that differs. */
export interface AuditChange {
  field: string;
  before: string;
  after: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function show(value: unknown): string {
  if (value === undefined || value === null) return '∅';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Field-by-field differences of two JSON snapshots (nested `customFields` flattened one level). */
export function auditChanges(before: unknown, after: unknown): AuditChange[] {
  if (!isRecord(before) && !isRecord(after)) {
    return JSON.stringify(before) === JSON.stringify(after)
      ? []
      : [{ field: '', before: show(before), after: show(after) }];
  }
  const from = isRecord(before) ? before : {};
  const to = isRecord(after) ? after : {};
  const changes: AuditChange[] = [];
  for (const field of new Set([...Object.keys(from), ...Object.keys(to)])) {
    const a = from[field];
    const b = to[field];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (isRecord(a) || isRecord(b)) {
      for (const change of auditChanges(a ?? {}, b ?? {})) {
        changes.push({ ...change, field: change.field ? `${field}.${change.field}` : field });
      }
    } else {
      changes.push({ field, before: show(a), after: show(b) });
    }
  }
  return changes;
}
