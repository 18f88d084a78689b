/** One line of an audit entry's before → after: the field's path and its two values, as stored. */
export interface AuditChange {
  /** Empty when the entry's snapshots are not objects; two segments for nested ones ("target", "name"). */
  path: string[];
  before: unknown;
  after: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Field-by-field differences of two JSON snapshots (nested records such as a merge's flattened one level). */
export function auditChanges(before: unknown, after: unknown): AuditChange[] {
  if (!isRecord(before) && !isRecord(after)) {
    return same(before, after) ? [] : [{ path: [], before, after }];
  }
  const from = isRecord(before) ? before : {};
  const to = isRecord(after) ? after : {};
  const changes: AuditChange[] = [];
  for (const field of new Set([...Object.keys(from), ...Object.keys(to)])) {
    const a = from[field];
    const b = to[field];
    if (same(a, b)) continue;
    if (isRecord(a) || isRecord(b)) {
      for (const change of auditChanges(a ?? {}, b ?? {})) {
        changes.push({ ...change, path: [field, ...change.path] });
      }
    } else {
      changes.push({ path: [field], before: a, after: b });
    }
  }
  return changes;
}
