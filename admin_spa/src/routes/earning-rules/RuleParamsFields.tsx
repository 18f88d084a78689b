import type { ReactNode } from 'react';
import { Checkbox, DatePicker, Form, InputNumber, Select } from 'antd';
import type { Rule } from 'antd/es/form';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ISO_WEEKDAYS, isMoneyParam, paramHint, paramLabel, type RuleKind, type RuleParam } from './ruleFormat';

const MONTH_DAYS = Array.from({ length: 31 }, (_, i) => i + 1);

function inRange(value: number, low: number | null, high: number | null): boolean {
  return (low === null || value >= low) && (high === null || value <= high);
}

function rangeText(low: number | null, high: number | null): { low: string; high: string } {
  return { low: low === null ? '-∞' : String(low), high: high === null ? '∞' : String(high) };
}

/**
 * Client-side checks mirroring the kind's declaration (bounds are checked here rather than by the
 * inputs, which would silently clamp a typed value); the server checks again on save.
 */
function paramRules(kind: string, param: RuleParam, label: string, t: TFunction): Rule[] {
  const rules: Rule[] = [];
  if (param.required) rules.push({ required: true, message: t('common.required', { field: label }) });
  const money = isMoneyParam(kind, param);
  const low = param.minimum === null ? null : money ? param.minimum / 100 : param.minimum;
  const high = param.maximum === null ? null : money ? param.maximum / 100 : param.maximum;
  if (param.type === 'decimal' || param.type === 'integer') {
    rules.push({
      validator: async (_, value: unknown) => {
        if (value === null || value === undefined || value === '') return;
        if (typeof value !== 'number' || !inRange(value, low, high)) {
          throw new Error(t('earningRules.errors.range', rangeText(low, high)));
        }
      },
    });
  } else if (param.type === 'integers') {
    rules.push({
      validator: async (_, value: unknown) => {
        if (!Array.isArray(value)) return;
        const bad = value.some((item) => {
          const number = typeof item === 'number' ? item : Number(item);
          return !Number.isInteger(number) || !inRange(number, low, high);
        });
        if (bad) throw new Error(t('earningRules.errors.integers', rangeText(low, high)));
      },
    });
  }
  return rules;
}

/**
 * The input for one parameter. Called (not rendered as a component) so that the Form.Item around
 * it hands its value and onChange straight to the antd control.
 */
function paramControl(kind: string, param: RuleParam, testId: string, t: TFunction): ReactNode {
  switch (param.type) {
    case 'decimal':
    case 'integer': {
      const money = isMoneyParam(kind, param);
      return (
        <InputNumber
          style={{ width: '100%' }}
          precision={money ? 2 : param.type === 'integer' ? 0 : undefined}
          step={1}
          prefix={money ? '¥' : param.name === 'multiplier' ? '×' : undefined}
          data-testid={testId}
        />
      );
    }
    case 'strings':
      return (
        <Select
          mode="tags"
          tokenSeparators={[',', '，']}
          open={false}
          suffixIcon={null}
          placeholder={t('earningRules.tagsPlaceholder')}
          data-testid={testId}
        />
      );
    case 'integers':
      if (param.name === 'weekdays') {
        return (
          <Checkbox.Group
            data-testid={testId}
            options={ISO_WEEKDAYS.map((day) => ({ value: day, label: t(`earningRules.weekdays.${day}`) }))}
          />
        );
      }
      if (param.name === 'monthDays') {
        return (
          <Select
            mode="multiple"
            allowClear
            placeholder={t('earningRules.monthDaysPlaceholder')}
            options={MONTH_DAYS.map((day) => ({ value: day, label: String(day) }))}
            data-testid={testId}
          />
        );
      }
      return (
        <Select
          mode="tags"
          tokenSeparators={[',', '，']}
          open={false}
          suffixIcon={null}
          placeholder={t('earningRules.tagsPlaceholder')}
          data-testid={testId}
        />
      );
    case 'datetime':
      return <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} data-testid={testId} />;
    default:
      return null;
  }
}

/** The parameter inputs of a kind, generated from its declaration. */
export function RuleParamsFields({ kind }: { kind: RuleKind }) {
  const { t } = useTranslation();
  return (
    <>
      {kind.params.map((param) => {
        const label = paramLabel(kind.name, param, t);
        const money = isMoneyParam(kind.name, param);
        return (
          <Form.Item
            key={`${kind.name}.${param.name}`}
            name={['params', param.name]}
            label={money ? t('earningRules.yuanLabel', { label }) : label}
            tooltip={paramHint(kind.name, param, t)}
            rules={paramRules(kind.name, param, label, t)}
          >
            {paramControl(kind.name, param, `rule-param-${param.name}`, t)}
          </Form.Item>
        );
      })}
    </>
  );
}
