import { AutoComplete, Form, Input, InputNumber, Select } from 'antd';
import { ClusterOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  END,
  TRIGGER_TYPES,
  stepOrder,
  updateTrigger,
  type JourneyDefinition,
} from './definition';
import { eventOptions as eventChoices, useJourneyOptions, useStepTitle } from './journeyFormat';
import { NodeFormItem } from './NodeFormItem';
import type { Problem } from './problems';

interface Props {
  definition: JourneyDefinition;
  problems: readonly Problem[] | undefined;
  onChange: (definition: JourneyDefinition) => void;
}

const REENTRY_MODES = ['once', 'always', 'cooldown'] as const;
type ReentryMode = (typeof REENTRY_MODES)[number];

function reentryMode(reentry: string): ReentryMode {
  return reentry === 'once' || reentry === 'always' ? reentry : 'cooldown';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function number(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

/** The chosen segment, opened from the trigger: its condition and the members inside now. */
function SegmentLink({ segment }: { segment: { id: string; name: string } }) {
  const { t } = useTranslation();
  return (
    <Link to={`/segments/${segment.id}`} target="_blank" data-testid="trigger-segment-link">
      <ClusterOutlined /> {t('journeys.form.openSegment', { name: segment.name })}
    </Link>
  );
}

/** The trigger (what enters members), the first step and re-entry: the trigger node's panel. */
export function TriggerForm({ definition, problems, onChange }: Props) {
  const { t } = useTranslation();
  const options = useJourneyOptions();
  const stepTitle = useStepTitle();
  const trigger = definition.trigger;
  const set = (fields: Record<string, unknown>) => onChange(updateTrigger(definition, fields));
  const mode = reentryMode(definition.reentry);
  const hasCondition = trigger.type === 'event' || trigger.type === 'tierChanged' || trigger.type === 'schedule';

  // A trigger names its segment by name; one since deleted or renamed stays visible (the check flags it).
  const segmentName = text(trigger.segment);
  const chosenSegment = options.segments.find((segment) => segment.name === segmentName);
  const segmentOptions = options.segments.map((segment) => ({ value: segment.name, label: segment.name }));
  if (segmentName && !chosenSegment) segmentOptions.push({ value: segmentName, label: segmentName });

  // The catalogue's event types and the enabled plugins' trigger events.
  const eventOptions = eventChoices(t, options);

  return (
    <Form layout="vertical" component="div" data-testid="trigger-form">
      <NodeFormItem label={t('journeys.form.triggerType')} field="type" problems={problems} required>
        <Select
          value={trigger.type}
          onChange={(type) => set({ type })}
          options={TRIGGER_TYPES.map((type) => ({ value: type, label: t(`journeys.triggers.${type}`) }))}
          data-testid="trigger-type"
        />
      </NodeFormItem>
      {trigger.type === 'event' && (
        <NodeFormItem label={t('journeys.form.event')} field="event" problems={problems} extra={t('journeys.form.eventHint')} required>
          <AutoComplete
            value={text(trigger.event)}
            onChange={(event: string) => set({ event: event.trim() })}
            options={eventOptions}
            filterOption={(input, option) => String(option?.value ?? '').includes(input.trim())}
            data-testid="trigger-event"
          />
        </NodeFormItem>
      )}
      {(trigger.type === 'birthday' || trigger.type === 'pointsExpiring') && (
        <NodeFormItem label={t('journeys.form.daysBefore')} field="daysBefore" problems={problems}>
          <InputNumber
            min={0}
            max={60}
            precision={0}
            value={number(trigger.daysBefore)}
            onChange={(value) => set({ daysBefore: value ?? undefined })}
            style={{ width: '100%' }}
            data-testid="trigger-daysBefore"
          />
        </NodeFormItem>
      )}
      {trigger.type === 'inactivity' && (
        <NodeFormItem label={t('journeys.form.inactiveDays')} field="days" problems={problems} required>
          <InputNumber
            min={1}
            max={730}
            precision={0}
            value={number(trigger.days)}
            onChange={(value) => set({ days: value ?? undefined })}
            style={{ width: '100%' }}
            data-testid="trigger-days"
          />
        </NodeFormItem>
      )}
      {trigger.type === 'tierChanged' && (
        <NodeFormItem label={t('journeys.form.tier')} field="tier" problems={problems} extra={t('journeys.form.tierHint')}>
          <Select
            allowClear
            value={text(trigger.tier) || undefined}
            onChange={(tier?: string) => set({ tier })}
            options={options.tiers.map((tier) => ({ value: tier, label: tier }))}
            placeholder={t('journeys.summary.anyTier')}
            data-testid="trigger-tier"
          />
        </NodeFormItem>
      )}
      {trigger.type === 'schedule' && (
        <NodeFormItem label={t('journeys.form.cron')} field="cron" problems={problems} extra={t('journeys.form.cronHint')} required>
          <Input
            value={text(trigger.cron)}
            onChange={(event) => set({ cron: event.target.value })}
            placeholder="0 10 * * 1"
            autoComplete="off"
            data-testid="trigger-cron"
          />
        </NodeFormItem>
      )}
      {trigger.type === 'segmentEntered' && (
        <NodeFormItem
          label={t('journeys.form.segment')}
          field="segment"
          problems={problems}
          extra={chosenSegment ? <SegmentLink segment={chosenSegment} /> : t('journeys.form.segmentHint')}
          required
        >
          <Select
            showSearch
            optionFilterProp="label"
            value={segmentName || undefined}
            onChange={(segment: string) => set({ segment })}
            options={segmentOptions}
            placeholder={t('journeys.form.choose')}
            notFoundContent={t('journeys.form.noSegments')}
            data-testid="trigger-segment"
          />
        </NodeFormItem>
      )}
      {hasCondition && (
        <NodeFormItem label={t('journeys.form.triggerIf')} field="if" problems={problems} extra={t('journeys.form.celHint')}>
          <Input.TextArea
            value={text(trigger.if)}
            onChange={(event) => set({ if: event.target.value })}
            autoSize={{ minRows: 2, maxRows: 6 }}
            placeholder="member.pointsBalance > 1000"
            spellCheck={false}
            className="journey-code-input"
            data-testid="trigger-if"
          />
        </NodeFormItem>
      )}
      <NodeFormItem label={t('journeys.form.entry')} field="entry" problems={problems} required>
        <Select
          value={definition.entry || undefined}
          onChange={(entry: string) => onChange({ ...definition, entry: entry === END ? '' : entry })}
          options={stepOrder(definition).map((id) => ({ value: id, label: `${id} · ${stepTitle(definition.steps[id]!.type)}` }))}
          placeholder={t('journeys.form.entryPlaceholder')}
          data-testid="trigger-entry"
        />
      </NodeFormItem>
      <NodeFormItem label={t('journeys.form.reentry')} field="reentry" problems={problems}>
        <Select
          value={mode}
          onChange={(next: ReentryMode) => onChange({ ...definition, reentry: next === 'cooldown' ? 'P30D' : next })}
          options={REENTRY_MODES.map((value) => ({ value, label: t(`journeys.form.reentryModes.${value}`) }))}
          data-testid="trigger-reentry"
        />
        {mode === 'cooldown' && (
          <Input
            value={definition.reentry}
            onChange={(event) => onChange({ ...definition, reentry: event.target.value.trim() })}
            placeholder="P30D"
            style={{ marginTop: 8 }}
            autoComplete="off"
            data-testid="trigger-cooldown"
          />
        )}
      </NodeFormItem>
    </Form>
  );
}
