/**
 * A plugin's configuration schema read as form fields.
 *
 * Plugins describe their configuration with a pydantic model, whose JSON Schema the API serves as
 * `configSchema`. This reads the part of JSON Schema pydantic writes: strings, integers, numbers,
 * booleans, enums (and `Literal`s), nested models and `$ref`s to `$defs`, lists of models or of
 * scalars, and `anyOf` with null for optional fields (a `Decimal`'s number-or-string as a
 * number). Anything else (a `dict`, a union of models) is edited as JSON text, so every
 * configuration stays editable.
 */

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema | JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minItems?: number;
  maxItems?: number;
  writeOnly?: boolean;
}

/** What a field is edited as. */
export type Shape =
  | { kind: 'string'; schema: JsonSchema; secret: boolean; multiline: boolean }
  | { kind: 'integer' | 'number'; schema: JsonSchema; decimal: boolean }
  | { kind: 'boolean'; schema: JsonSchema }
  | { kind: 'enum'; schema: JsonSchema; options: unknown[] }
  | { kind: 'object'; schema: JsonSchema; fields: ConfigField[] }
  | { kind: 'array'; schema: JsonSchema; item: Shape }
  | { kind: 'json'; schema: JsonSchema };

export interface ConfigField {
  key: string;
  label: string;
  description?: string;
  /** In the model's `required` and not optional: the form asks for it. */
  required: boolean;
  /** Optional (`X | None`): an empty value is sent as null. */
  nullable: boolean;
  shape: Shape;
  /** The schema's default for the field, when it gives one. */
  defaultValue: unknown;
  hasDefault: boolean;
}

/** A value as the form holds it (text for JSON fields, objects and lists as nested values). */
export type FormValue = unknown;
export type FormPath = (string | number)[];

const MAX_DEPTH = 12;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** pydantic's own title for a field without one: "page_size" → "Page Size". */
function humanize(key: string): string {
  return key
    .split('_')
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

function types(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  return schema.type ? [schema.type] : [];
}

interface Resolved {
  schema: JsonSchema;
  nullable: boolean;
}

/** Follows `$ref`, a lone `allOf` and `anyOf`-with-null; the outer keywords win over the target's. */
function resolve(node: JsonSchema, root: JsonSchema): Resolved {
  let schema = node;
  let nullable = false;
  for (let hops = 0; hops < MAX_DEPTH; hops += 1) {
    const { $ref, allOf, anyOf, oneOf, ...outer } = schema;
    if ($ref) {
      const match = /^#\/(\$defs|definitions)\/(.+)$/.exec($ref);
      const [, where, name] = match ?? [];
      const target = where && name ? root[where as '$defs' | 'definitions']?.[decodeURIComponent(name)] : undefined;
      if (!target) return { schema: { ...outer, type: undefined }, nullable };
      // The definition's title is its class name: the field's own words come first.
      const { title: _className, ...definition } = target;
      schema = { ...definition, ...outer };
      continue;
    }
    if (allOf) {
      if (allOf.length !== 1) return { schema: { ...outer, type: undefined, allOf }, nullable };
      schema = { ...allOf[0], ...outer };
      continue;
    }
    const variants = anyOf ?? oneOf;
    if (variants) {
      const present = variants.filter((variant) => !types(variant).includes('null') || types(variant).length > 1);
      nullable = nullable || present.length < variants.length;
      if (present.length === 1) {
        schema = { ...present[0], ...outer };
        continue;
      }
      // A Decimal: a number, or a string holding one.
      const kinds = present.map((variant) => types(variant).join());
      if (present.length === 2 && kinds.includes('number') && kinds.includes('string')) {
        return { schema: { ...outer, type: 'number', format: 'decimal' }, nullable };
      }
      return { schema: { ...outer, type: undefined, anyOf: variants }, nullable };
    }
    const listed = types(schema);
    if (listed.length > 1 && listed.includes('null')) {
      nullable = true;
      const rest = listed.filter((type) => type !== 'null');
      schema = { ...schema, type: rest.length === 1 ? rest[0] : rest };
    }
    return { schema, nullable };
  }
  return { schema: { type: undefined }, nullable };
}

function shapeOf(schema: JsonSchema, root: JsonSchema, depth: number): Shape {
  if (depth > MAX_DEPTH) return { kind: 'json', schema };
  if (schema.enum) return { kind: 'enum', schema, options: schema.enum };
  if (schema.const !== undefined) return { kind: 'enum', schema, options: [schema.const] };
  const [type, ...others] = types(schema);
  if (others.length > 0) return { kind: 'json', schema };
  switch (type) {
    case 'string':
      return {
        kind: 'string',
        schema,
        secret: schema.format === 'password' || schema.writeOnly === true,
        multiline: (schema.maxLength ?? 0) > 200 || schema.format === 'textarea',
      };
    case 'integer':
    case 'number':
      return { kind: type, schema, decimal: schema.format === 'decimal' };
    case 'boolean':
      return { kind: 'boolean', schema };
    case 'object':
      // A model (even one without fields) has properties; a dict has none.
      if (!schema.properties) return { kind: 'json', schema };
      return { kind: 'object', schema, fields: fieldsOf(schema, root, depth + 1) };
    case 'array': {
      if (!schema.items || Array.isArray(schema.items)) return { kind: 'json', schema };
      const item = resolve(schema.items, root);
      const itemShape = shapeOf(item.schema, root, depth + 1);
      // A list of lists, of JSON blobs or of optional items has no form of its own.
      if (item.nullable || itemShape.kind === 'array' || itemShape.kind === 'json') return { kind: 'json', schema };
      return { kind: 'array', schema, item: itemShape };
    }
    default:
      return { kind: 'json', schema };
  }
}

function fieldsOf(schema: JsonSchema, root: JsonSchema, depth: number): ConfigField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([key, node]) => {
    const { schema: resolved, nullable } = resolve(node, root);
    return {
      key,
      label: resolved.title ?? humanize(key),
      description: resolved.description,
      required: required.has(key) && !nullable,
      nullable,
      shape: shapeOf(resolved, root, depth),
      defaultValue: resolved.default,
      hasDefault: 'default' in resolved,
    };
  });
}

/** The configuration's fields (none for a plugin that takes no configuration). */
export function configFields(schema: unknown): ConfigField[] {
  if (!isObject(schema)) return [];
  const root = schema as JsonSchema;
  const { schema: resolved } = resolve(root, root);
  const shape = shapeOf({ ...resolved, type: resolved.type ?? 'object' }, root, 0);
  return shape.kind === 'object' ? shape.fields : [];
}

/** The starting value of a shape that has no value and no default. */
function emptyValue(shape: Shape, nullable: boolean): unknown {
  if (nullable) return null;
  switch (shape.kind) {
    case 'object':
      return Object.fromEntries(shape.fields.map((field) => [field.key, fieldStart(field)]));
    case 'array':
      return [];
    case 'boolean':
      return false;
    default:
      return undefined;
  }
}

function fieldStart(field: ConfigField): unknown {
  return field.hasDefault ? field.defaultValue : emptyValue(field.shape, field.nullable);
}

/** A new item of a list: its fields' defaults. */
export function newItem(shape: Shape): FormValue {
  return toForm(shape, emptyValue(shape, false));
}

/** A configuration value as the form holds it. */
export function toForm(shape: Shape, value: unknown): FormValue {
  switch (shape.kind) {
    case 'object': {
      if (value === null) return null;
      const source = isObject(value) ? value : {};
      return Object.fromEntries(
        shape.fields.map((field) => [
          field.key,
          toForm(field.shape, field.key in source ? source[field.key] : fieldStart(field)),
        ]),
      );
    }
    case 'array':
      return Array.isArray(value) ? value.map((item) => toForm(shape.item, item)) : [];
    case 'string':
      return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
    case 'integer':
    case 'number': {
      if (typeof value === 'number') return value;
      const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      return Number.isFinite(parsed) ? parsed : null;
    }
    case 'boolean':
      return value === true;
    case 'enum':
      // An empty select holds undefined (it shows its placeholder).
      return value === null ? undefined : value;
    case 'json':
      return value === undefined ? '' : JSON.stringify(value, null, 2);
  }
}

/** The form's starting values: the current configuration, else the schema's defaults. */
export function initialFormValues(fields: readonly ConfigField[], config: unknown): Record<string, FormValue> {
  const object: Shape = { kind: 'object', schema: {}, fields: [...fields] };
  const current = isObject(config) ? config : {};
  return (toForm(object, current) ?? {}) as Record<string, FormValue>;
}

/** A JSON field whose text does not parse: placed at its field by the form. */
export class JsonTextError extends Error {
  constructor(readonly path: FormPath) {
    super('invalid JSON');
  }
}

function fromForm(shape: Shape, value: FormValue, nullable: boolean, path: FormPath): unknown {
  switch (shape.kind) {
    case 'object': {
      if (value === null || value === undefined) return nullable ? null : undefined;
      const source = isObject(value) ? value : {};
      const result: Record<string, unknown> = {};
      for (const field of shape.fields) {
        const item = fromForm(field.shape, source[field.key], field.nullable, [...path, field.key]);
        if (item !== undefined) result[field.key] = item;
      }
      return result;
    }
    case 'array':
      return Array.isArray(value) ? value.map((item, index) => fromForm(shape.item, item, false, [...path, index])) : [];
    case 'string':
      if (typeof value !== 'string' || value === '') return nullable ? null : value === '' ? '' : undefined;
      return value;
    case 'integer':
    case 'number':
      if (typeof value !== 'number') return nullable ? null : undefined;
      // Sent as text, a Decimal keeps its digits exactly.
      return shape.decimal ? String(value) : value;
    case 'boolean':
      return value === true;
    case 'enum':
      return value === null || value === undefined ? (nullable ? null : undefined) : value;
    case 'json': {
      const text = typeof value === 'string' ? value.trim() : '';
      if (text === '') return nullable ? null : undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new JsonTextError(path);
      }
    }
  }
}

/**
 * The configuration to send, from the form's values: optional fields left empty become null,
 * other empty fields are left out (the server fills in its defaults or says what is missing).
 */
export function formToConfig(fields: readonly ConfigField[], values: Record<string, FormValue>): Record<string, unknown> {
  const object: Shape = { kind: 'object', schema: {}, fields: [...fields] };
  return (fromForm(object, values, false, []) ?? {}) as Record<string, unknown>;
}

/** The labels along a server error's path ("Columns", 2, "Label"), to say where a problem is. */
export function pathLabels(fields: readonly ConfigField[], path: readonly string[]): (string | number)[] {
  const labels: (string | number)[] = [];
  let current: readonly ConfigField[] | null = fields;
  let shape: Shape | null = null;
  for (const part of path) {
    if (shape?.kind === 'array' && /^\d+$/.test(part)) {
      labels.push(Number(part) + 1);
      shape = shape.item;
      current = shape.kind === 'object' ? shape.fields : null;
      continue;
    }
    const field: ConfigField | undefined = current?.find((candidate) => candidate.key === part);
    if (!field) {
      labels.push(part);
      current = null;
      shape = null;
      continue;
    }
    labels.push(field.label);
    shape = field.shape;
    current = shape.kind === 'object' ? shape.fields : null;
  }
  return labels;
}
