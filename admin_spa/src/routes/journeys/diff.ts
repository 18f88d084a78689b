import { stableStringify } from './definition';

/**
 * What changed between two versions' definitions, for people: the trigger and settings field by
 * field, then each step added, removed or changed (with its changed fields). Works on the raw
 * JSON, so a version the builder could not read still compares.
 */

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface FieldChange {
  /** `trigger.event`, `entry`, `reentry`… for settings; the step's field name for a step. */
  field: string;
  kind: ChangeKind;
  before?: unknown;
  after?: unknown;
}

export interface StepChange {
  id: string;
  kind: ChangeKind;
  /** The step's type in the newer version (the older one's for a removed step). */
  type: string;
  /** The fields that differ; for an added or removed step, every field it has. */
  fields: FieldChange[];
}

export interface DefinitionDiff {
  settings: FieldChange[];
  steps: StepChange[];
}

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function union(a: Json, b: Json): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}

/** The fields of `before` and `after` that differ, named with `prefix`. */
function fieldChanges(before: Json, after: Json, prefix = ''): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const key of union(before, after)) {
    const field = prefix + key;
    const inBefore = key in before && before[key] !== undefined;
    const inAfter = key in after && after[key] !== undefined;
    if (inBefore && !inAfter) changes.push({ field, kind: 'removed', before: before[key] });
    else if (!inBefore && inAfter) changes.push({ field, kind: 'added', after: after[key] });
    else if (inBefore && inAfter && stableStringify(before[key]) !== stableStringify(after[key]))
      changes.push({ field, kind: 'changed', before: before[key], after: after[key] });
  }
  return changes;
}

function allFields(step: Json, kind: 'added' | 'removed'): FieldChange[] {
  return Object.entries(step)
    .filter(([key]) => key !== 'type')
    .map(([field, value]) => (kind === 'added' ? { field, kind, after: value } : { field, kind, before: value }));
}

export function diffDefinitions(older: unknown, newer: unknown): DefinitionDiff {
  const a = record(older);
  const b = record(newer);
  const { steps: stepsA, trigger: triggerA, ...restA } = a;
  const { steps: stepsB, trigger: triggerB, ...restB } = b;

  const triggerBefore = record(triggerA);
  const triggerAfter = record(triggerB);
  const settings = [...fieldChanges(triggerBefore, triggerAfter, 'trigger.'), ...fieldChanges(restA, restB)];

  const before = record(stepsA);
  const after = record(stepsB);
  const steps: StepChange[] = [];
  for (const id of union(before, after)) {
    const old = id in before ? record(before[id]) : null;
    const current = id in after ? record(after[id]) : null;
    if (old && !current) {
      steps.push({ id, kind: 'removed', type: String(old.type ?? ''), fields: allFields(old, 'removed') });
    } else if (!old && current) {
      steps.push({ id, kind: 'added', type: String(current.type ?? ''), fields: allFields(current, 'added') });
    } else if (old && current) {
      const fields = fieldChanges(old, current);
      if (fields.length > 0) steps.push({ id, kind: 'changed', type: String(current.type ?? ''), fields });
    }
  }
  return { settings, steps };
}

/** A value as it reads in the diff: text as it is, anything else as JSON. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? '';
}
