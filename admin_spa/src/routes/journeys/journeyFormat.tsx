import { createContext, useCallback, useContext, type ReactNode } from 'react';
import { Tag } from 'antd';
import {
  ApiOutlined,
  AppstoreAddOutlined,
  BranchesOutlined,
  CheckSquareOutlined,
  ClockCircleOutlined,
  GiftOutlined,
  HourglassOutlined,
  MessageOutlined,
  MinusCircleOutlined,
  StarOutlined,
  TagOutlined,
} from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { JourneyRunStatus, JourneyStatus } from '../../gql/graphql';
import { RawCode } from '../../components/CodeLabel';
import { hasLabel, looseT } from '../../i18n/codes';
import { messagingText } from '../messaging/messagingCodes';
import {
  ACCOUNT_MANAGER,
  isBuiltinStepType,
  pluginParams,
  type BuiltinStepType,
  type JourneyStep,
  type JourneyTrigger,
  type StepType,
} from './definition';

export const JOURNEY_STATUS_COLORS: Record<JourneyStatus, string> = {
  DRAFT: 'default',
  ACTIVE: 'green',
  PAUSED: 'orange',
  ARCHIVED: 'default',
};

export const RUN_STATUSES: readonly JourneyRunStatus[] = ['ACTIVE', 'WAITING', 'COMPLETED', 'EXITED', 'FAILED'];

export const RUN_STATUS_COLORS: Record<JourneyRunStatus, string> = {
  ACTIVE: 'blue',
  WAITING: 'gold',
  COMPLETED: 'green',
  EXITED: 'default',
  FAILED: 'red',
};

export function JourneyStatusTag({ status }: { status: JourneyStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={JOURNEY_STATUS_COLORS[status]} data-testid="journey-status" data-status={status}>
      {t(`journeys.statuses.${status}`)}
    </Tag>
  );
}

export function RunStatusTag({ status }: { status: JourneyRunStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={RUN_STATUS_COLORS[status]} data-testid="run-status" data-status={status}>
      {t(`journeys.runStatuses.${status}`)}
    </Tag>
  );
}

export const STEP_ICONS: Record<BuiltinStepType, ReactNode> = {
  condition: <BranchesOutlined />,
  wait: <ClockCircleOutlined />,
  waitForEvent: <HourglassOutlined />,
  issueCoupon: <GiftOutlined />,
  grantPoints: <StarOutlined />,
  addTag: <TagOutlined />,
  removeTag: <MinusCircleOutlined />,
  sendMessage: <MessageOutlined />,
  createTask: <CheckSquareOutlined />,
  callWebhook: <ApiOutlined />,
};

/** A step's icon; a plugin's steps share one. */
export function stepIcon(type: StepType): ReactNode {
  return isBuiltinStepType(type) ? STEP_ICONS[type] : <AppstoreAddOutlined />;
}

/** A step type an enabled plugin adds (journeyPluginSteps), titled in the UI's language. */
export interface PluginStepOption {
  type: string;
  plugin: string;
  title: string;
  /** JSON Schema of the step's parameters. */
  paramsSchema: unknown;
}

/** An event an enabled plugin lets journeys start on (journeyPluginTriggers). */
export interface PluginTriggerOption {
  event: string;
  plugin: string;
  title: string;
}

/** What the step forms and node summaries name by id: loaded once for the builder. */
export interface JourneyOptions {
  couponTemplates: readonly { id: string; name: string }[];
  messageTemplates: readonly { name: string; title: string }[];
  purposes: readonly string[];
  eventTypes: readonly string[];
  tiers: readonly string[];
  /** Active staff a task can be assigned to besides the member's account manager. */
  staff: readonly { id: string; label: string }[];
  webhookEndpoints: readonly { id: string; label: string }[];
  /** The segments a segmentEntered trigger can name (by name). */
  segments: readonly { id: string; name: string }[];
  pluginSteps: readonly PluginStepOption[];
  pluginTriggers: readonly PluginTriggerOption[];
}

export const NO_OPTIONS: JourneyOptions = {
  couponTemplates: [],
  messageTemplates: [],
  purposes: [],
  eventTypes: [],
  tiers: [],
  staff: [],
  webhookEndpoints: [],
  segments: [],
  pluginSteps: [],
  pluginTriggers: [],
};

export const JourneyOptionsContext = createContext<JourneyOptions>(NO_OPTIONS);

export function useJourneyOptions(): JourneyOptions {
  return useContext(JourneyOptionsContext);
}

/** A step type's name: the platform's from the catalogue, a plugin's its own title (else its code). */
export function stepTitle(t: TFunction, type: string, pluginSteps: readonly PluginStepOption[]): string {
  if (isBuiltinStepType(type)) return t(`journeys.steps.${type}`);
  return pluginSteps.find((step) => step.type === type)?.title ?? type;
}

export function useStepTitle(): (type: string) => string {
  const { t } = useTranslation();
  const { pluginSteps } = useJourneyOptions();
  return useCallback((type: string) => stepTitle(t, type, pluginSteps), [t, pluginSteps]);
}

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const UNITS = ['weeks', 'days', 'hours', 'minutes', 'seconds'] as const;

/** An ISO 8601 duration in words ("3天2小时", "3d 2h"); anything else as it was written. */
export function formatDuration(value: unknown, t: TFunction): string {
  if (typeof value !== 'string') return '';
  const match = DURATION.exec(value);
  if (!match || value === 'P' || value.endsWith('T')) return value;
  const parts = UNITS.flatMap((unit, index) => {
    const n = match[index + 1];
    return n ? [t(`journeys.units.${unit}`, { n: Number(n) })] : [];
  });
  return parts.length > 0 ? parts.join(t('journeys.units.separator')) : value;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

const EVENT_SEGMENT = /^[a-z0-9_]+$/;

/**
 * An event type's label, or null: a journey may name any type (a tracked behaviour, a plugin's),
 * so one the catalogue lacks is shown as its code and not recorded as a missing key.
 */
export function eventLabel(t: TFunction, code: string): string | null {
  if (code.startsWith('event.')) return looseT(t)('enums.behaviourEvent', { name: code.slice('event.'.length) });
  const segments = code.split('.');
  const key = `enums.eventTypes.${segments.join('.')}`;
  return segments.every((segment) => EVENT_SEGMENT.test(segment)) && hasLabel(key) ? looseT(t)(key) : null;
}

/** The event types a trigger or wait may pick: the catalogue's, then the enabled plugins' (titled). */
export function eventOptions(t: TFunction, options: JourneyOptions): { value: string; label: ReactNode }[] {
  const titles = new Map(options.pluginTriggers.map((trigger) => [trigger.event, trigger.title]));
  const types = [...options.eventTypes, ...options.pluginTriggers.map((trigger) => trigger.event)];
  return [...new Set(types)].map((type) => ({
    value: type,
    label: (
      <span>
        {titles.get(type) ?? eventLabel(t, type) ?? type} <span data-raw-code={type}>{type}</span>
      </span>
    ),
  }));
}

/** An event type: its label when the catalogue (or the plugin declaring it) has one, the code beside it. */
export function EventName({ event }: { event: unknown }) {
  const { t } = useTranslation();
  const { pluginTriggers } = useJourneyOptions();
  const code = text(event);
  if (!code) return <>{t('journeys.summary.noEvent')}</>;
  const label = pluginTriggers.find((trigger) => trigger.event === code)?.title ?? eventLabel(t, code);
  return label ? (
    <span>
      {label} <RawCode code={code} />
    </span>
  ) : (
    <RawCode code={code} />
  );
}

/** One line on a trigger node: what enters members. */
export function TriggerSummary({ trigger }: { trigger: JourneyTrigger }) {
  const { t } = useTranslation();
  switch (trigger.type) {
    case 'event':
      return <EventName event={trigger.event} />;
    case 'birthday':
      return <>{t('journeys.summary.birthday', { days: Number(trigger.daysBefore ?? 0) })}</>;
    case 'inactivity':
      return <>{t('journeys.summary.inactivity', { days: text(trigger.days) || '?' })}</>;
    case 'pointsExpiring':
      return <>{t('journeys.summary.pointsExpiring', { days: Number(trigger.daysBefore ?? 0) })}</>;
    case 'tierChanged':
      return <>{text(trigger.tier) ? t('journeys.summary.tierInto', { tier: text(trigger.tier) }) : t('journeys.summary.anyTier')}</>;
    case 'schedule':
      return <RawCode code={text(trigger.cron) || '?'} />;
    case 'segmentEntered':
      return <>{t('journeys.summary.segment', { segment: text(trigger.segment) || '?' })}</>;
  }
}

/** One line on a step node: what the step does, in words. */
export function StepSummary({ step }: { step: JourneyStep }) {
  const { t } = useTranslation();
  const options = useJourneyOptions();
  const missing = t('journeys.summary.notSet');
  switch (step.type) {
    case 'condition':
      return text(step.if) ? <RawCode code={text(step.if)} /> : <>{missing}</>;
    case 'wait':
      if (text(step.until)) return <>{t('journeys.summary.waitUntil', { time: text(step.until) })}</>;
      return <>{t('journeys.summary.wait', { duration: formatDuration(step.duration, t) || missing })}</>;
    case 'waitForEvent':
      return (
        <span>
          <EventName event={step.event} /> · {t('journeys.summary.timeout', { duration: formatDuration(step.timeout, t) || missing })}
        </span>
      );
    case 'issueCoupon': {
      const template = options.couponTemplates.find((item) => item.id === step.templateId);
      return <>{template?.name ?? (text(step.templateId) ? t('journeys.summary.unknownTemplate') : missing)}</>;
    }
    case 'grantPoints':
      return <>{t('journeys.summary.points', { points: text(step.points) || '?' })}</>;
    case 'addTag':
    case 'removeTag':
      return <>{text(step.tag) || missing}</>;
    case 'sendMessage': {
      const template = options.messageTemplates.find((item) => item.name === step.template);
      const channel = text(step.channel);
      const name = template?.title ?? (text(step.template) || missing);
      return <>{channel ? `${name} · ${messagingText(t, 'channels', channel)}` : name}</>;
    }
    case 'createTask':
      return <>{text(step.title) || missing}</>;
    case 'callWebhook': {
      const endpoint = options.webhookEndpoints.find((item) => item.id === step.endpointId);
      return <>{endpoint?.label ?? (text(step.endpointId) ? <RawCode code={text(step.endpointId)} /> : missing)}</>;
    }
    default: {
      // A plugin's step: its parameters, as written.
      const params = Object.entries(pluginParams(step));
      if (params.length === 0) return <>{missing}</>;
      return <RawCode code={params.map(([key, value]) => `${key}: ${JSON.stringify(value)}`).join(', ')} />;
    }
  }
}

/** Who a task goes to, in words. */
export function assigneeLabel(value: unknown, options: JourneyOptions, t: TFunction): string {
  if (value === undefined || value === ACCOUNT_MANAGER) return t('journeys.form.accountManager');
  return options.staff.find((item) => item.id === value)?.label ?? text(value);
}
