import { DatePicker, Form, Input, InputNumber, Select, Switch } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { CustomFieldDefinition } from './customFieldValue';

const DATE_FORMAT = 'YYYY-MM-DD';

/** Date form items keep ISO `YYYY-MM-DD` strings in the form values, dayjs only in the picker. */
export const dateItemProps = {
  getValueProps: (value: unknown) => ({
    value: typeof value === 'string' && value ? dayjs(value) : undefined,
  }),
  normalize: (value: Dayjs | null | undefined) => (value ? value.format(DATE_FORMAT) : null),
};

/** Form.Item props that bind a custom field's control to a plain JSON value. */
export function customFieldItemProps(definition: CustomFieldDefinition) {
  if (definition.type === 'DATE') return dateItemProps;
  if (definition.type === 'BOOL') return { valuePropName: 'checked' };
  return {};
}

interface ControlProps {
  definition: CustomFieldDefinition;
  /** Injected by Form.Item. */
  id?: string;
  value?: unknown;
  checked?: boolean;
  onChange?: (value: unknown) => void;
  disabled?: boolean;
  placeholder?: string;
  testId?: string;
}

/** The bare input for one custom field, by its type; place it inside a Form.Item. */
export function CustomFieldControl({ definition, id, value, checked, onChange, disabled, placeholder, testId }: ControlProps) {
  const common = { id, disabled, placeholder, 'data-testid': testId };
  switch (definition.type) {
    case 'NUMBER':
      return (
        <InputNumber
          {...common}
          style={{ width: '100%' }}
          value={typeof value === 'number' ? value : null}
          onChange={(next) => onChange?.(next)}
        />
      );
    case 'DATE':
      return (
        <DatePicker
          {...common}
          style={{ width: '100%' }}
          value={dayjs.isDayjs(value) ? value : null}
          onChange={(next) => onChange?.(next)}
        />
      );
    case 'ENUM':
      return (
        <Select
          {...common}
          allowClear
          value={typeof value === 'string' ? value : undefined}
          onChange={(next) => onChange?.(next ?? null)}
          options={definition.options.map((option) => ({ value: option, label: option }))}
        />
      );
    case 'BOOL':
      return <Switch id={id} disabled={disabled} data-testid={testId} checked={checked === true} onChange={(next) => onChange?.(next)} />;
    case 'TEXT':
    default:
      return (
        <Input
          {...common}
          allowClear
          value={typeof value === 'string' ? value : value == null ? '' : String(value)}
          onChange={(event) => onChange?.(event.target.value)}
        />
      );
  }
}

interface ItemProps {
  definition: CustomFieldDefinition;
  /** Masked personal data: shown read-only until revealed. */
  masked?: boolean;
}

/** A form item bound to `customFields.<key>`, rendered by the definition's type. */
export function CustomFieldFormItem({ definition, masked }: ItemProps) {
  const { t } = useTranslation();
  return (
    <Form.Item
      name={['customFields', definition.key]}
      label={definition.label}
      tooltip={masked ? t('memberDetail.maskedHint') : undefined}
      rules={
        definition.required && !masked && definition.type !== 'BOOL'
          ? [{ required: true, message: t('common.required', { field: definition.label }) }]
          : []
      }
      {...(masked ? {} : customFieldItemProps(definition))}
    >
      {masked ? <Input disabled /> : <CustomFieldControl definition={definition} testId={`cf-input-${definition.key}`} />}
    </Form.Item>
  );
}
