/**
 * A journey's definition as the builder edits it: the contract's JSON (trigger, entry, reentry,
 * steps), read defensively from the server and changed by pure functions that return a new one.
 * The server checks it (checkJourneyDefinition) and refuses unknown fields, so nothing of the
 * builder's own (positions, selection) is ever stored in it. Besides the platform's step types, a
 * step may be an enabled plugin's action ("stamp_card.addStamp"): it has `next`, and its other
 * fields are the action's parameters, which the server checks.
 */

export const END = 'end';

export const TRIGGER_TYPES = [
  'event',
  'birthday',
  'inactivity',
  'pointsExpiring',
  'tierChanged',
  'schedule',
  'segmentEntered',
] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];

export const STEP_TYPES = [
  'condition',
  'wait',
  'waitForEvent',
  'issueCoupon',
  'grantPoints',
  'addTag',
  'removeTag',
  'sendMessage',
  'createTask',
  'callWebhook',
] as const;
export type BuiltinStepType = (typeof STEP_TYPES)[number];
/** A plugin's step type: "<plugin prefix>.<action>". */
export type PluginStepType = `${string}.${string}`;
export type StepType = BuiltinStepType | PluginStepType;

export type LinkField = 'next' | 'then' | 'else' | 'onEvent' | 'onTimeout';

/** The fields of each step type that name the step to go to next, in the order they are drawn. */
export const STEP_LINKS: Record<BuiltinStepType, readonly LinkField[]> = {
  condition: ['then', 'else'],
  wait: ['next'],
  waitForEvent: ['onEvent', 'onTimeout'],
  issueCoupon: ['next'],
  grantPoints: ['next'],
  addTag: ['next'],
  removeTag: ['next'],
  sendMessage: ['next'],
  createTask: ['next'],
  callWebhook: ['next'],
};

/** The fields each trigger type may carry besides `type`. */
export const TRIGGER_FIELDS: Record<TriggerType, readonly string[]> = {
  event: ['event', 'if'],
  birthday: ['daysBefore'],
  inactivity: ['days'],
  pointsExpiring: ['daysBefore'],
  tierChanged: ['tier', 'if'],
  schedule: ['cron', 'if'],
  segmentEntered: ['segment'],
};

export const CHANNELS = ['SMS', 'WECHAT_TEMPLATE', 'WECHAT_SUBSCRIBE', 'WECOM'] as const;

export const ACCOUNT_MANAGER = 'accountManager';

/** A step: its type, its links and its own fields, kept as the server has them. */
export type JourneyStep = { type: StepType } & Record<string, unknown>;
export type JourneyTrigger = { type: TriggerType } & Record<string, unknown>;

export interface JourneyDefinition {
  trigger: JourneyTrigger;
  /** The first step; '' until one is chosen. */
  entry: string;
  /** 'once' (the default), 'always', or an ISO 8601 cooldown such as P30D. */
  reentry: string;
  steps: Record<string, JourneyStep>;
  /** Other top-level fields the server allows (name, description), kept as they came. */
  extra: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isBuiltinStepType(value: unknown): value is BuiltinStepType {
  return typeof value === 'string' && (STEP_TYPES as readonly string[]).includes(value);
}

const PLUGIN_STEP_TYPE = /^[a-z][a-z0-9_]*\.[a-z][A-Za-z0-9]*$/;

export function isPluginStepType(value: unknown): value is PluginStepType {
  return typeof value === 'string' && PLUGIN_STEP_TYPE.test(value);
}

/** A platform step type, or one shaped like a plugin's (the server says whether it is installed). */
export function isStepType(value: unknown): value is StepType {
  return isBuiltinStepType(value) || isPluginStepType(value);
}

const PLUGIN_LINKS: readonly LinkField[] = ['next'];

/** The link fields of a step type: a plugin's step has `next` only. */
export function linksOf(type: StepType): readonly LinkField[] {
  return isBuiltinStepType(type) ? STEP_LINKS[type] : PLUGIN_LINKS;
}

/** A plugin step's parameters: its fields other than `type` and `next`. */
export function pluginParams(step: JourneyStep): Record<string, unknown> {
  const { type: _type, next: _next, ...params } = step;
  return params;
}

export function isTriggerType(value: unknown): value is TriggerType {
  return typeof value === 'string' && (TRIGGER_TYPES as readonly string[]).includes(value);
}

/** An empty journey: entered on member.created, no steps yet. */
export function emptyDefinition(): JourneyDefinition {
  return { trigger: { type: 'event', event: 'member.created' }, entry: '', reentry: 'once', steps: {}, extra: {} };
}

/** The server's JSON as the builder's definition; what cannot be read is left for the server to report. */
export function readDefinition(raw: unknown): JourneyDefinition {
  if (!isRecord(raw)) return emptyDefinition();
  const trigger = isRecord(raw.trigger) && isTriggerType(raw.trigger.type)
    ? ({ ...raw.trigger } as JourneyTrigger)
    : emptyDefinition().trigger;
  const steps: Record<string, JourneyStep> = {};
  if (isRecord(raw.steps)) {
    for (const [id, body] of Object.entries(raw.steps)) {
      if (isRecord(body) && isStepType(body.type)) steps[id] = { ...body } as JourneyStep;
    }
  }
  const extra: Record<string, unknown> = {};
  for (const key of ['name', 'description']) if (key in raw) extra[key] = raw[key];
  return {
    trigger,
    entry: typeof raw.entry === 'string' ? raw.entry : '',
    reentry: typeof raw.reentry === 'string' ? raw.reentry : 'once',
    steps,
    extra,
  };
}

/** The JSON the server takes: `entry` left out while there is none, so the server says so. */
export function toJson(definition: JourneyDefinition): Record<string, unknown> {
  const json: Record<string, unknown> = { ...definition.extra, trigger: definition.trigger };
  if (definition.entry) json.entry = definition.entry;
  json.reentry = definition.reentry;
  json.steps = definition.steps;
  return json;
}

/** JSON with keys sorted at every level: equal definitions give equal text. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).filter((key) => value[key] !== undefined).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${stableStringify(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Where each link of a step leads, as written (missing links left out). */
export function stepLinks(step: JourneyStep): [LinkField, string][] {
  return linksOf(step.type)
    .map((link): [LinkField, unknown] => [link, step[link]])
    .filter((pair): pair is [LinkField, string] => typeof pair[1] === 'string' && pair[1] !== '');
}

/** The first free id of the form s1, s2, … */
export function newStepId(definition: JourneyDefinition): string {
  let n = Object.keys(definition.steps).length + 1;
  while (`s${n}` in definition.steps) n += 1;
  return `s${n}`;
}

/** A new step of `type`, every link leading to the end. */
export function blankStep(type: StepType): JourneyStep {
  const step: JourneyStep = { type };
  for (const link of linksOf(type)) step[link] = END;
  if (type === 'wait') step.duration = 'P1D';
  if (type === 'waitForEvent') step.timeout = 'P3D';
  if (type === 'createTask') step.assignTo = ACCOUNT_MANAGER;
  return step;
}

/**
 * Adds a step of `type`. It becomes the entry of an empty journey; otherwise it follows `after`
 * (a step id, or the trigger for the entry) in place of that step's first link to the end.
 */
export function addStep(
  definition: JourneyDefinition,
  type: StepType,
  after: string | null,
): { definition: JourneyDefinition; id: string } {
  const id = newStepId(definition);
  const steps = { ...definition.steps, [id]: blankStep(type) };
  let entry = definition.entry;
  if (!entry || !(entry in definition.steps)) {
    entry = id;
  } else if (after && after in definition.steps) {
    const previous = definition.steps[after]!;
    const free = linksOf(previous.type).find((link) => previous[link] === END || !previous[link]);
    if (free) steps[after] = { ...previous, [free]: id };
  }
  return { definition: { ...definition, entry, steps }, id };
}

/** Points a step's link (or the trigger's entry, `link` null) at `target`. */
export function setLink(
  definition: JourneyDefinition,
  source: string | null,
  link: LinkField | null,
  target: string,
): JourneyDefinition {
  if (source === null || link === null) return { ...definition, entry: target === END ? '' : target };
  const step = definition.steps[source];
  if (!step || !linksOf(step.type).includes(link)) return definition;
  return { ...definition, steps: { ...definition.steps, [source]: { ...step, [link]: target } } };
}

/** Removes a link: the server then asks where it leads. */
export function clearLink(definition: JourneyDefinition, source: string | null, link: LinkField | null): JourneyDefinition {
  if (source === null || link === null) return { ...definition, entry: '' };
  const step = definition.steps[source];
  if (!step) return definition;
  const { [link]: _removed, ...rest } = step;
  return { ...definition, steps: { ...definition.steps, [source]: rest as JourneyStep } };
}

/**
 * Removes a step. What led to it leads where it led when it had one way on (a removed tag step
 * closes the gap); otherwise those links are cleared, for the merchant to choose.
 */
export function removeStep(definition: JourneyDefinition, id: string): JourneyDefinition {
  const removed = definition.steps[id];
  if (!removed) return definition;
  const onward = linksOf(removed.type).length === 1 ? stepLinks(removed)[0]?.[1] : undefined;
  const replacement = onward && onward !== id ? onward : undefined;
  const steps: Record<string, JourneyStep> = {};
  for (const [stepId, step] of Object.entries(definition.steps)) {
    if (stepId === id) continue;
    const next: JourneyStep = { ...step };
    for (const link of linksOf(step.type)) {
      if (next[link] !== id) continue;
      if (replacement) next[link] = replacement;
      else delete next[link];
    }
    steps[stepId] = next;
  }
  let entry = definition.entry;
  if (entry === id) entry = replacement && replacement !== END ? replacement : '';
  return { ...definition, entry, steps };
}

/** Sets a step's own fields; `undefined` or '' removes one, so the server reports it missing. */
export function updateStep(definition: JourneyDefinition, id: string, fields: Record<string, unknown>): JourneyDefinition {
  const step = definition.steps[id];
  if (!step) return definition;
  return { ...definition, steps: { ...definition.steps, [id]: withFields(step, fields) } };
}

/** Replaces a plugin step's parameters, keeping its type and `next`. */
export function setPluginParams(definition: JourneyDefinition, id: string, params: Record<string, unknown>): JourneyDefinition {
  const step = definition.steps[id];
  if (!step) return definition;
  const next: JourneyStep = { ...params, type: step.type };
  if (typeof step.next === 'string') next.next = step.next;
  return { ...definition, steps: { ...definition.steps, [id]: next } };
}

/** Sets the trigger's fields; a new type keeps only the fields that type has. */
export function updateTrigger(definition: JourneyDefinition, fields: Record<string, unknown>): JourneyDefinition {
  let trigger = withFields(definition.trigger, fields);
  if (isTriggerType(fields.type) && fields.type !== definition.trigger.type) {
    const allowed = new Set(TRIGGER_FIELDS[fields.type]);
    trigger = Object.fromEntries(
      Object.entries(trigger).filter(([key]) => key === 'type' || allowed.has(key)),
    ) as JourneyTrigger;
  }
  return { ...definition, trigger };
}

function withFields<T extends Record<string, unknown>>(body: T, fields: Record<string, unknown>): T {
  const next: Record<string, unknown> = { ...body };
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null || value === '') delete next[key];
    else next[key] = value;
  }
  return next as T;
}

/** Steps in the order a run meets them (breadth first from the entry), then any left unreached. */
export function stepOrder(definition: JourneyDefinition): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const queue = definition.entry in definition.steps ? [definition.entry] : [];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id) || !(id in definition.steps)) continue;
    seen.add(id);
    order.push(id);
    for (const [, target] of stepLinks(definition.steps[id]!)) queue.push(target);
  }
  for (const id of Object.keys(definition.steps)) if (!seen.has(id)) order.push(id);
  return order;
}
