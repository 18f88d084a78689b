import { useState } from 'react';
import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { pluginParams, type JourneyStep } from './definition';
import type { PluginStepOption } from './journeyFormat';
import type { Problem } from './problems';

interface Props {
  step: JourneyStep;
  /** The enabled plugin's step type; undefined when the tenant no longer has it. */
  plugin: PluginStepOption | undefined;
  problems: readonly Problem[] | undefined;
  onParams: (params: Record<string, unknown>) => void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The parameter names of a JSON Schema object, the required ones first. */
function schemaFields(schema: unknown): { name: string; required: boolean }[] {
  if (!isRecord(schema) || !isRecord(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  return Object.keys(schema.properties)
    .map((name) => ({ name, required: required.has(name) }))
    .sort((a, b) => Number(b.required) - Number(a.required));
}

/**
 * A plugin step's parameters as a JSON object: the plugin's model checks them on the server
 * (checkJourneyDefinition), and its problems show here with the parameter they are about.
 * Text that is not a JSON object stays in the editor and leaves the definition as it was.
 */
export function PluginStepFields({ step, plugin, problems, onParams }: Props) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => JSON.stringify(pluginParams(step), null, 2));
  const [notJson, setNotJson] = useState(false);
  const fields = schemaFields(plugin?.paramsSchema);
  const messages = (problems ?? [])
    .filter((problem) => problem.field !== 'next')
    .map((problem) => (problem.field && problem.field !== 'type' ? `${problem.field}: ${problem.message}` : problem.message));
  if (notJson) messages.unshift(t('journeys.form.paramsNotJson'));
  const placeholder = JSON.stringify(Object.fromEntries(fields.filter((f) => f.required).map((f) => [f.name, '…'])), null, 2);

  return (
    <Form.Item
      label={t('journeys.form.params')}
      extra={
        plugin
          ? t('journeys.form.paramsHint', {
              plugin: plugin.plugin,
              fields: fields.map((f) => (f.required ? `${f.name} *` : f.name)).join(', ') || '—',
            })
          : undefined
      }
      validateStatus={messages.length > 0 ? 'error' : undefined}
      help={messages.length > 0 ? <span data-testid="field-error-params">{messages.join(' ')}</span> : undefined}
    >
      <Input.TextArea
        value={text}
        onChange={(event) => {
          const value = event.target.value;
          setText(value);
          let parsed: unknown;
          try {
            parsed = JSON.parse(value.trim() || '{}');
          } catch {
            parsed = undefined;
          }
          setNotJson(!isRecord(parsed));
          if (isRecord(parsed)) onParams(parsed);
        }}
        autoSize={{ minRows: 3, maxRows: 12 }}
        placeholder={placeholder}
        spellCheck={false}
        className="journey-code-input"
        data-testid="step-params"
      />
    </Form.Item>
  );
}
