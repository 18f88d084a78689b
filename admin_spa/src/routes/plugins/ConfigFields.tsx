import type { ReactNode } from 'react';
import { Button, Card, Form, Input, InputNumber, Select, Space, Switch, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { newItem, type ConfigField, type FormPath, type Shape } from './configSchema';

/**
 * The form fields of a plugin's configuration, generated from its schema (`configSchema.ts`).
 *
 * `name` is a field's path as antd's Form takes it (inside a list, relative to the list's item);
 * `path` is the whole path from the configuration's root, which names the field for tests
 * (`data-path="columns.1.label"`) and lets server errors find it.
 */

interface FieldProps {
  field: ConfigField;
  name: FormPath;
  path: FormPath;
}

function dotted(path: FormPath): string {
  return path.join('.');
}

/** The constraints worth saying under a field: "1 – 50", "at most 40 characters". */
function constraintHint(shape: Shape, t: TFunction): string | null {
  const schema = shape.schema;
  if (shape.kind === 'integer' || shape.kind === 'number') {
    const { minimum: min, maximum: max, exclusiveMinimum: above, exclusiveMaximum: below } = schema;
    if (above !== undefined || below !== undefined) {
      // A bound the value may not take ("> 0"): in symbols, which read the same in every language.
      const bounds = [
        min !== undefined && `≥ ${min}`,
        above !== undefined && `> ${above}`,
        max !== undefined && `≤ ${max}`,
        below !== undefined && `< ${below}`,
      ];
      return bounds.filter(Boolean).join(', ');
    }
    if (min !== undefined && max !== undefined) return t('plugins.form.range', { min, max });
    if (min !== undefined) return t('plugins.form.atLeast', { min });
    if (max !== undefined) return t('plugins.form.atMost', { max });
  }
  if (shape.kind === 'string' && schema.maxLength !== undefined) return t('plugins.form.maxLength', { max: schema.maxLength });
  if (shape.kind === 'array' && schema.minItems !== undefined) return t('plugins.form.minItems', { min: schema.minItems });
  return null;
}

function rulesOf(field: ConfigField, t: TFunction): Rule[] {
  const { shape } = field;
  const schema = shape.schema;
  const rules: Rule[] = [];
  const label = field.label;
  if (field.required && shape.kind !== 'boolean' && shape.kind !== 'array' && shape.kind !== 'object') {
    const message = t('plugins.form.required', { field: label });
    // The validator takes a value for text unless told otherwise; a choice may be any value.
    if (shape.kind === 'string' || shape.kind === 'json') rules.push({ required: true, whitespace: true, message });
    else if (shape.kind === 'integer' || shape.kind === 'number') rules.push({ required: true, type: 'number', message });
    else {
      rules.push({
        required: true,
        validator: async (_rule, value: unknown) => {
          if (value === undefined || value === null) throw new Error(message);
        },
      });
    }
  }
  if (shape.kind === 'integer' || shape.kind === 'number') {
    const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = schema;
    rules.push({
      validator: async (_rule, value: unknown) => {
        if (typeof value !== 'number') return;
        const low = (minimum !== undefined && value < minimum) || (exclusiveMinimum !== undefined && value <= exclusiveMinimum);
        const high = (maximum !== undefined && value > maximum) || (exclusiveMaximum !== undefined && value >= exclusiveMaximum);
        if (low || high) throw new Error(t('plugins.form.outOfRange', { field: label, hint: constraintHint(shape, t) }));
      },
    });
  }
  if (shape.kind === 'string') {
    if (schema.minLength !== undefined && schema.minLength > 1) {
      rules.push({ min: schema.minLength, message: t('plugins.form.tooShort', { field: label, min: schema.minLength }) });
    }
    if (schema.maxLength !== undefined) {
      rules.push({ max: schema.maxLength, message: t('plugins.form.tooLong', { field: label, max: schema.maxLength }) });
    }
    if (schema.pattern) {
      try {
        rules.push({ pattern: new RegExp(schema.pattern, 'u'), message: t('plugins.form.pattern', { field: label }) });
      } catch {
        // A pattern JavaScript cannot read is left to the server.
      }
    }
  }
  if (shape.kind === 'json') {
    rules.push({
      validator: async (_rule, value: unknown) => {
        const text = typeof value === 'string' ? value.trim() : '';
        if (text === '') return;
        try {
          JSON.parse(text);
        } catch {
          throw new Error(t('plugins.form.badJson'));
        }
      },
    });
  }
  return rules;
}

function optionLabel(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

interface ScalarInputProps {
  shape: Shape;
  path: FormPath;
  nullable: boolean;
  /** What the enclosing Form.Item hands its control (value or checked, onChange, id…). */
  [control: string]: unknown;
}

/** The input for a scalar value: the Form.Item's control, handing on what the item gives it. */
function ScalarInput({ shape, path, nullable, ...control }: ScalarInputProps) {
  const { t } = useTranslation();
  const common = { ...control, 'data-testid': 'plugin-config-input', 'data-path': dotted(path) };
  switch (shape.kind) {
    case 'boolean':
      return <Switch {...common} />;
    case 'integer':
    case 'number':
      return (
        <InputNumber
          {...common}
          precision={shape.kind === 'integer' ? 0 : undefined}
          style={{ width: '100%', maxWidth: 240 }}
        />
      );
    case 'enum':
      return (
        <Select
          {...common}
          allowClear={nullable}
          placeholder={t('plugins.form.choose')}
          options={shape.options.map((value) => ({ value: value as string, label: optionLabel(value) }))}
          style={{ maxWidth: 360 }}
        />
      );
    case 'json':
      return <Input.TextArea {...common} autoSize={{ minRows: 3, maxRows: 12 }} spellCheck={false} style={{ fontFamily: 'monospace' }} />;
    case 'string':
      if (shape.secret) return <Input.Password {...common} autoComplete="new-password" />;
      if (shape.multiline) return <Input.TextArea {...common} autoSize={{ minRows: 2, maxRows: 8 }} />;
      return <Input {...common} autoComplete="off" />;
    default:
      return null;
  }
}

/** A list of scalars: enums as a multiple choice, text as tags, numbers as rows. */
function ScalarList({ field, name, path }: FieldProps) {
  const { t } = useTranslation();
  const shape = field.shape;
  if (shape.kind !== 'array') return null;
  const item = shape.item;
  const common = { 'data-testid': 'plugin-config-input', 'data-path': dotted(path) };
  if (item.kind === 'enum' || item.kind === 'string') {
    return (
      <Form.Item name={name} label={field.label} extra={fieldExtra(field, t)} required={field.required}>
        <Select
          {...common}
          mode={item.kind === 'enum' ? 'multiple' : 'tags'}
          tokenSeparators={item.kind === 'string' ? [',', '，'] : undefined}
          placeholder={item.kind === 'enum' ? t('plugins.form.choose') : t('plugins.form.tagsHint')}
          options={item.kind === 'enum' ? item.options.map((value) => ({ value: value as string, label: optionLabel(value) })) : []}
        />
      </Form.Item>
    );
  }
  return (
    <Form.Item label={field.label} extra={fieldExtra(field, t)} required={field.required}>
      <Form.List name={name}>
        {(items, { add, remove }) => (
          <Space direction="vertical" style={{ width: '100%' }}>
            {items.map((entry, index) => (
              <Space key={entry.key} align="start">
                <FieldItem name={[entry.name]} path={[...path, index]} label={null} field={{ ...field, shape: item, required: true, nullable: false }} />
                <Button
                  icon={<DeleteOutlined />}
                  aria-label={t('plugins.form.remove')}
                  onClick={() => remove(entry.name)}
                  data-testid="plugin-config-remove"
                  data-path={dotted([...path, index])}
                />
              </Space>
            ))}
            <Button icon={<PlusOutlined />} onClick={() => add(newItem(item))} data-testid="plugin-config-add" data-path={dotted(path)}>
              {t('plugins.form.add')}
            </Button>
          </Space>
        )}
      </Form.List>
    </Form.Item>
  );
}

function fieldExtra(field: ConfigField, t: TFunction): ReactNode {
  const hint = constraintHint(field.shape, t);
  if (!field.description && !hint) return undefined;
  return [field.description, hint].filter(Boolean).join(' · ');
}

/** One scalar field: its Form.Item, wrapped so tests and server errors can find it. */
function FieldItem({ field, name, path, label }: FieldProps & { label?: string | null }) {
  const { t } = useTranslation();
  return (
    <div data-testid="plugin-config-item" data-path={dotted(path)}>
      <Form.Item
        name={name}
        label={label === null ? undefined : (label ?? field.label)}
        extra={label === null ? undefined : fieldExtra(field, t)}
        rules={rulesOf(field, t)}
        valuePropName={field.shape.kind === 'boolean' ? 'checked' : 'value'}
      >
        <ScalarInput shape={field.shape} path={path} nullable={field.nullable} />
      </Form.Item>
    </div>
  );
}

/** A list of objects: a card per item, with add and remove. */
function ObjectList({ field, name, path }: FieldProps) {
  const { t } = useTranslation();
  const shape = field.shape;
  if (shape.kind !== 'array' || shape.item.kind !== 'object') return null;
  const item = shape.item;
  const minItems = shape.schema.minItems ?? 0;
  const maxItems = shape.schema.maxItems;
  return (
    <Form.Item label={field.label} extra={fieldExtra(field, t)} required={minItems > 0}>
      <Form.List name={name}>
        {(items, { add, remove }) => (
          <Space direction="vertical" style={{ width: '100%' }} data-testid="plugin-config-list" data-path={dotted(path)}>
            {items.map((entry, index) => (
              <Card
                key={entry.key}
                size="small"
                title={t('plugins.form.item', { label: field.label, number: index + 1 })}
                extra={
                  <Button
                    type="text"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={t('plugins.form.remove')}
                    onClick={() => remove(entry.name)}
                    data-testid="plugin-config-remove"
                    data-path={dotted([...path, index])}
                  />
                }
                data-testid="plugin-config-list-item"
                data-path={dotted([...path, index])}
              >
                <ConfigFields fields={item.fields} name={[entry.name]} path={[...path, index]} />
              </Card>
            ))}
            {items.length === 0 && (
              <Typography.Text type="secondary">{t('plugins.form.noItems')}</Typography.Text>
            )}
            {(maxItems === undefined || items.length < maxItems) && (
              <Button icon={<PlusOutlined />} onClick={() => add(newItem(item))} data-testid="plugin-config-add" data-path={dotted(path)}>
                {t('plugins.form.addItem', { label: field.label })}
              </Button>
            )}
          </Space>
        )}
      </Form.List>
    </Form.Item>
  );
}

/** A nested model: its fields in a card; an optional one can be left out (null) or added. */
function ObjectGroup({ field, name, path }: FieldProps) {
  const { t } = useTranslation();
  const shape = field.shape;
  if (shape.kind !== 'object') return null;
  return (
    <Form.Item noStyle shouldUpdate>
      {(form) => {
        // The form instance takes whole paths; inside a list an item's name is its index, as in `path`.
        const value: unknown = form.getFieldValue(path);
        const absent = field.nullable && (value === null || value === undefined);
        return (
          <Card
            size="small"
            title={field.label}
            style={{ marginBottom: 16 }}
            data-testid="plugin-config-group"
            data-path={dotted(path)}
            extra={
              field.nullable && !absent ? (
                <Button type="link" onClick={() => form.setFieldValue(path, null)} data-testid="plugin-config-clear" data-path={dotted(path)}>
                  {t('plugins.form.leaveOut')}
                </Button>
              ) : undefined
            }
          >
            {field.description && <Typography.Paragraph type="secondary">{field.description}</Typography.Paragraph>}
            {absent ? (
              <Button
                icon={<PlusOutlined />}
                onClick={() => form.setFieldValue(path, newItem(shape))}
                data-testid="plugin-config-set"
                data-path={dotted(path)}
              >
                {t('plugins.form.setUp', { label: field.label })}
              </Button>
            ) : (
              <ConfigFields fields={shape.fields} name={name} path={path} />
            )}
          </Card>
        );
      }}
    </Form.Item>
  );
}

/** The fields of a model, at `name` (relative to the enclosing list item, if any). */
export function ConfigFields({ fields, name, path }: { fields: readonly ConfigField[]; name: FormPath; path: FormPath }) {
  return (
    <>
      {fields.map((field) => {
        const props = { field, name: [...name, field.key], path: [...path, field.key] };
        const shape = field.shape;
        if (shape.kind === 'object') return <ObjectGroup key={field.key} {...props} />;
        if (shape.kind === 'array') {
          return shape.item.kind === 'object' ? <ObjectList key={field.key} {...props} /> : <ScalarList key={field.key} {...props} />;
        }
        return <FieldItem key={field.key} {...props} />;
      })}
    </>
  );
}
