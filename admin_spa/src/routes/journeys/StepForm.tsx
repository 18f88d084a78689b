import { useState, type ReactNode } from 'react';
import { AutoComplete, Form, Input, InputNumber, Radio, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { messagingText } from '../messaging/messagingCodes';
import {
  ACCOUNT_MANAGER,
  CHANNELS,
  END,
  linksOf,
  setPluginParams,
  stepOrder,
  updateStep,
  setLink,
  type JourneyDefinition,
  type JourneyStep,
} from './definition';
import { eventOptions, formatDuration, useJourneyOptions, useStepTitle } from './journeyFormat';
import { NodeFormItem } from './NodeFormItem';
import { PluginStepFields } from './PluginStepFields';
import type { Problem } from './problems';

interface Props {
  stepId: string;
  definition: JourneyDefinition;
  problems: readonly Problem[] | undefined;
  onChange: (definition: JourneyDefinition) => void;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

type WaitMode = 'duration' | 'until';

interface WaitProps {
  step: JourneyStep;
  onMode: (mode: WaitMode) => void;
  durationField: ReactNode;
  untilField: ReactNode;
}

/** A wait lasts a duration or ends at a time of day; the choice stays while its value is cleared. */
function WaitFields({ step, onMode, durationField, untilField }: WaitProps) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<WaitMode>('until' in step ? 'until' : 'duration');
  return (
    <>
      <Form.Item label={t('journeys.form.waitMode')}>
        <Radio.Group
          value={mode}
          onChange={(event) => {
            const next = event.target.value as WaitMode;
            setMode(next);
            onMode(next);
          }}
          optionType="button"
          options={[
            { value: 'duration', label: t('journeys.form.waitDuration') },
            { value: 'until', label: t('journeys.form.waitUntil') },
          ]}
          data-testid="step-wait-mode"
        />
      </Form.Item>
      {mode === 'until' ? untilField : durationField}
    </>
  );
}

/** The fields of one step, by its type, then where each of its links leads. */
export function StepForm({ stepId, definition, problems, onChange }: Props) {
  const { t } = useTranslation();
  const options = useJourneyOptions();
  const stepTitle = useStepTitle();
  const step = definition.steps[stepId];
  if (!step) return null;
  const set = (fields: Record<string, unknown>) => onChange(updateStep(definition, stepId, fields));
  const item = (field: string, label: ReactNode, input: ReactNode, extra?: ReactNode, required = true) => (
    <NodeFormItem key={field} label={label} field={field} problems={problems} extra={extra} required={required}>
      {input}
    </NodeFormItem>
  );
  const textInput = (field: string, placeholder?: string) => (
    <Input
      value={text(step[field])}
      onChange={(event) => set({ [field]: event.target.value })}
      placeholder={placeholder}
      autoComplete="off"
      data-testid={`step-${field}`}
    />
  );
  const durationInput = (field: string, placeholder: string) => {
    const words = formatDuration(step[field], t);
    return (
      <Input
        value={text(step[field])}
        onChange={(event) => set({ [field]: event.target.value.trim().toUpperCase() })}
        placeholder={placeholder}
        autoComplete="off"
        suffix={words && words !== step[field] ? <span className="journey-duration-words">{words}</span> : undefined}
        data-testid={`step-${field}`}
      />
    );
  };
  const celInput = (field: string) => (
    <Input.TextArea
      value={text(step[field])}
      onChange={(event) => set({ [field]: event.target.value })}
      autoSize={{ minRows: 2, maxRows: 6 }}
      placeholder="member.pointsBalance > 1000"
      spellCheck={false}
      className="journey-code-input"
      data-testid={`step-${field}`}
    />
  );
  const eventInput = (
    <AutoComplete
      value={text(step.event)}
      onChange={(event: string) => set({ event: event.trim() })}
      options={eventOptions(t, options)}
      filterOption={(input, option) => String(option?.value ?? '').includes(input.trim())}
      data-testid="step-event"
    />
  );

  const fields = (s: JourneyStep): ReactNode[] => {
    switch (s.type) {
      case 'condition':
        return [item('if', t('journeys.form.if'), celInput('if'), t('journeys.form.celHint'))];
      case 'wait':
        return [
          <WaitFields
            key="wait"
            step={s}
            onMode={(mode) =>
              onChange(
                updateStep(
                  definition,
                  stepId,
                  mode === 'until' ? { duration: undefined, until: '10:00' } : { until: undefined, duration: 'P1D' },
                ),
              )
            }
            durationField={item('duration', t('journeys.form.duration'), durationInput('duration', 'P3D'), t('journeys.form.durationHint'))}
            untilField={item('until', t('journeys.form.until'), textInput('until', '10:00'), t('journeys.form.untilHint'))}
          />,
        ];
      case 'waitForEvent':
        return [
          item('event', t('journeys.form.event'), eventInput, t('journeys.form.eventHint')),
          item('if', t('journeys.form.eventIf'), celInput('if'), t('journeys.form.celHint'), false),
          item('timeout', t('journeys.form.timeout'), durationInput('timeout', 'P3D'), t('journeys.form.durationHint')),
        ];
      case 'issueCoupon':
        return [
          item(
            'templateId',
            t('journeys.form.couponTemplate'),
            <Select
              showSearch
              optionFilterProp="label"
              value={text(s.templateId) || undefined}
              onChange={(templateId: string) => set({ templateId })}
              options={options.couponTemplates.map((template) => ({ value: template.id, label: template.name }))}
              placeholder={t('journeys.form.choose')}
              data-testid="step-templateId"
            />,
          ),
        ];
      case 'grantPoints':
        return [
          item(
            'points',
            t('journeys.form.points'),
            <InputNumber
              min={1}
              precision={0}
              value={typeof s.points === 'number' ? s.points : null}
              onChange={(points) => set({ points: points ?? undefined })}
              style={{ width: '100%' }}
              data-testid="step-points"
            />,
          ),
          item('reason', t('journeys.form.reason'), textInput('reason')),
        ];
      case 'addTag':
      case 'removeTag':
        return [item('tag', t('journeys.form.tag'), textInput('tag'))];
      case 'sendMessage':
        return [
          item(
            'template',
            t('journeys.form.messageTemplate'),
            <Select
              showSearch
              optionFilterProp="label"
              value={text(s.template) || undefined}
              onChange={(template: string) => set({ template })}
              options={options.messageTemplates.map((template) => ({ value: template.name, label: template.title }))}
              placeholder={t('journeys.form.choose')}
              data-testid="step-template"
            />,
          ),
          item(
            'channel',
            t('journeys.form.channel'),
            <Select
              allowClear
              value={text(s.channel) || undefined}
              onChange={(channel?: string) => set({ channel })}
              options={CHANNELS.map((channel) => ({ value: channel, label: messagingText(t, 'channels', channel) }))}
              placeholder={t('journeys.form.channelAuto')}
              data-testid="step-channel"
            />,
            t('journeys.form.channelHint'),
            false,
          ),
          item(
            'purpose',
            t('journeys.form.purpose'),
            <Select
              allowClear
              value={text(s.purpose) || undefined}
              onChange={(purpose?: string) => set({ purpose })}
              options={options.purposes.map((purpose) => ({ value: purpose, label: messagingText(t, 'purposes', purpose) }))}
              placeholder={t('journeys.form.purposeAuto')}
              data-testid="step-purpose"
            />,
            undefined,
            false,
          ),
        ];
      case 'createTask': {
        const assignTo = text(s.assignTo) || ACCOUNT_MANAGER;
        const assignOptions = [
          { value: ACCOUNT_MANAGER, label: t('journeys.form.accountManager') },
          ...options.staff.map((member) => ({ value: member.id, label: member.label })),
        ];
        // A staff member no longer assignable (deactivated) stays visible; the check flags them.
        if (!assignOptions.some((option) => option.value === assignTo)) assignOptions.push({ value: assignTo, label: assignTo });
        return [
          item('title', t('journeys.form.taskTitle'), textInput('title')),
          item(
            'assignTo',
            t('journeys.form.assignTo'),
            <Select
              showSearch
              optionFilterProp="label"
              value={assignTo}
              onChange={(value: string) => set({ assignTo: value })}
              options={assignOptions}
              data-testid="step-assignTo"
            />,
          ),
          item('dueIn', t('journeys.form.dueIn'), durationInput('dueIn', 'P1D'), t('journeys.form.dueInHint'), false),
        ];
      }
      case 'callWebhook': {
        const endpointId = text(s.endpointId);
        const endpointOptions = options.webhookEndpoints.map((endpoint) => ({ value: endpoint.id, label: endpoint.label }));
        // An endpoint since deleted stays visible as its id; the check flags it.
        if (endpointId && !endpointOptions.some((option) => option.value === endpointId)) {
          endpointOptions.push({ value: endpointId, label: endpointId });
        }
        return [
          item(
            'endpointId',
            t('journeys.form.endpoint'),
            <Select
              showSearch
              optionFilterProp="label"
              value={endpointId || undefined}
              onChange={(value: string) => set({ endpointId: value })}
              options={endpointOptions}
              placeholder={t('journeys.form.choose')}
              notFoundContent={t('journeys.form.noEndpoints')}
              data-testid="step-endpointId"
            />,
          ),
        ];
      }
      default:
        // A plugin's step: its parameters as JSON, checked by the plugin's model on the server.
        return [
          <PluginStepFields
            key="params"
            step={s}
            plugin={options.pluginSteps.find((option) => option.type === s.type)}
            problems={problems}
            onParams={(params) => onChange(setPluginParams(definition, stepId, params))}
          />,
        ];
    }
  };

  const targets = [
    ...stepOrder(definition)
      .filter((id) => id !== stepId || step.type === 'wait' || step.type === 'waitForEvent')
      .map((id) => ({ value: id, label: `${id} · ${stepTitle(definition.steps[id]!.type)}` })),
    { value: END, label: t('journeys.nodes.end') },
  ];

  return (
    <Form layout="vertical" component="div" data-testid="step-form" data-step={stepId}>
      {fields(step)}
      {linksOf(step.type).map((link) => (
        <NodeFormItem key={link} label={t(`journeys.links.${link}`)} field={link} problems={problems} required>
          <Select
            value={text(step[link]) || undefined}
            onChange={(target: string) => onChange(setLink(definition, stepId, link, target))}
            options={targets}
            placeholder={t('journeys.form.choose')}
            data-testid={`step-link-${link}`}
          />
        </NodeFormItem>
      ))}
    </Form>
  );
}
