import type { FormInstance } from 'antd';
import type { Channel, MessageTemplateFieldsFragment } from '../../../gql/graphql';
import { applyUserErrors, userErrorMessage, type UserErrorLike } from '../../../api/userErrors';
import { CHANNELS } from '../messagingCodes';

export interface FieldRow {
  key: string;
  value: string;
}

export interface ChannelContentValues {
  enabled: boolean;
  templateCode: string;
  fields: FieldRow[];
  text: string;
  link: string;
}

export interface TemplateValues {
  name: string;
  title: string;
  purpose: string | undefined;
  content: Record<Channel, ChannelContentValues>;
}

/** What each channel's content holds, as the API documents it. */
export const CHANNEL_PARTS: Record<Channel, readonly ('templateCode' | 'fields' | 'text' | 'link')[]> = {
  SMS: ['templateCode', 'fields', 'text'],
  WECHAT_TEMPLATE: ['templateCode', 'fields', 'link'],
  WECHAT_SUBSCRIBE: ['templateCode', 'fields', 'link'],
  WECOM: ['text'],
};

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function contentOf(template: MessageTemplateFieldsFragment | null): Record<string, Record<string, unknown>> {
  const raw = template?.content;
  return raw && typeof raw === 'object' ? (raw as Record<string, Record<string, unknown>>) : {};
}

export function templateInitialValues(template: MessageTemplateFieldsFragment | null, purposes: readonly string[]): TemplateValues {
  const content = contentOf(template);
  const channels = Object.fromEntries(
    CHANNELS.map((channel): [Channel, ChannelContentValues] => {
      const part = content[channel];
      const fields = part?.fields && typeof part.fields === 'object' ? (part.fields as Record<string, unknown>) : {};
      return [
        channel,
        {
          enabled: part !== undefined,
          templateCode: text(part?.templateCode),
          fields: Object.entries(fields).map(([key, value]) => ({ key, value: text(value) })),
          text: text(part?.text),
          link: text(part?.link),
        },
      ];
    }),
  ) as Record<Channel, ChannelContentValues>;
  return {
    name: template?.name ?? '',
    title: template?.title ?? '',
    purpose: template?.purpose ?? purposes[0],
    content: channels,
  };
}

/** The `content` JSON the API takes: the channels switched on, with what each of them holds. */
export function contentInput(values: TemplateValues): Record<string, Record<string, unknown>> {
  const content: Record<string, Record<string, unknown>> = {};
  for (const channel of CHANNELS) {
    const part = values.content?.[channel];
    if (!part?.enabled) continue;
    const parts = CHANNEL_PARTS[channel];
    const entry: Record<string, unknown> = {};
    if (parts.includes('templateCode') && part.templateCode?.trim()) entry.templateCode = part.templateCode.trim();
    if (parts.includes('fields')) {
      const fields = Object.fromEntries(
        (part.fields ?? []).filter((row) => row?.key?.trim()).map((row) => [row.key.trim(), row.value ?? '']),
      );
      if (Object.keys(fields).length > 0) entry.fields = fields;
    }
    if (parts.includes('text') && part.text) entry.text = part.text;
    if (parts.includes('link') && part.link?.trim()) entry.link = part.link.trim();
    content[channel] = entry;
  }
  return content;
}

/**
 * Puts the API's errors on the form: a field's value error ["input", "content", channel, "fields",
 * "thing1"] lands on that row's value; the rest as `applyUserErrors` places them. Returns the
 * messages that belong to no field.
 */
export function applyTemplateErrors(form: FormInstance<TemplateValues>, errors: readonly UserErrorLike[]): string[] {
  const values = form.getFieldsValue(true) as TemplateValues;
  const rest: UserErrorLike[] = [];
  const onRows = new Map<string, { name: (string | number)[]; errors: string[] }>();
  for (const error of errors) {
    const [root, content, channel, part, key] = error.field ?? [];
    const rows = channel ? values.content?.[channel as Channel]?.fields : undefined;
    const index = part === 'fields' && key !== undefined ? (rows ?? []).findIndex((row) => row?.key?.trim() === key) : -1;
    if (root === 'input' && content === 'content' && channel && index >= 0) {
      const name = ['content', channel, 'fields', index, 'value'];
      const id = JSON.stringify(name);
      const entry = onRows.get(id) ?? { name, errors: [] };
      entry.errors.push(userErrorMessage(error));
      onRows.set(id, entry);
    } else {
      rest.push(error);
    }
  }
  (form as unknown as FormInstance).setFields([...onRows.values()]);
  return applyUserErrors(form, rest);
}
