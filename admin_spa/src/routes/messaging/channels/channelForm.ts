import type { TFunction } from 'i18next';
import type { Channel, ChannelConfigFieldsFragment, ChannelSettingsQuery } from '../../../gql/graphql';
import i18n from '../../../i18n';
import type { UserErrorLike } from '../../../api/userErrors';

export type Provider = ChannelSettingsQuery['channelProviders'][number];
export type CredentialField = Provider['credentialFields'][number];

export interface ChannelValues {
  provider: string | undefined;
  credentials: Record<string, string>;
  baseUrl: string;
  enabled: boolean;
  dailyQuota: number | null;
  creditBalance: number | null;
}

/** A saved configuration's credentials as the API hints them: plain values, secrets as ••••1234. */
export function savedHints(config: ChannelConfigFieldsFragment | null): Record<string, string> {
  const raw = config?.credentials;
  if (!raw || typeof raw !== 'object') return {};
  return Object.fromEntries(
    Object.entries(raw as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** The form as a saved configuration leaves it: plain credentials filled in, secrets left blank. */
export function initialValues(config: ChannelConfigFieldsFragment | null, provider: Provider | undefined): ChannelValues {
  const hints = savedHints(config);
  const credentials: Record<string, string> = {};
  for (const field of provider?.credentialFields ?? []) {
    credentials[field.name] = field.secret ? '' : (hints[field.name] ?? '');
  }
  return {
    provider: config?.provider,
    credentials,
    baseUrl: config?.baseUrl ?? '',
    enabled: config?.enabled ?? true,
    dailyQuota: config?.dailyQuota ?? null,
    creditBalance: config?.creditBalance ?? null,
  };
}

/**
 * The credentials to send: none when the provider stays and nothing was typed over what was
 * saved (the API keeps the saved ones), else every field as typed (blanks left out), since the
 * API replaces the whole set.
 */
export function credentialsToSend(
  values: ChannelValues,
  initial: ChannelValues,
  savedProvider: string | undefined,
  provider: Provider | undefined,
): Record<string, string> | null {
  const typed = values.credentials ?? {};
  const sameProvider = savedProvider !== undefined && savedProvider === values.provider;
  const changed = (provider?.credentialFields ?? []).some(
    (field) => (typed[field.name] ?? '').trim() !== (initial.credentials[field.name] ?? '').trim(),
  );
  if (sameProvider && !changed) return null;
  return Object.fromEntries(
    (provider?.credentialFields ?? [])
      .map((field): [string, string] => [field.name, (typed[field.name] ?? '').trim()])
      .filter(([, value]) => value !== ''),
  );
}

/**
 * The API words a credential's problem in English ("AccessKey ID is not in Alibaba Cloud SMS's
 * format", the provider's title holding Chinese besides); in Chinese the field says the same from
 * what the form knows: required, or the format with the provider's example.
 */
export function credentialErrors(
  errors: readonly UserErrorLike[],
  provider: Provider | undefined,
  values: ChannelValues,
  t: TFunction,
): UserErrorLike[] {
  return errors.map((error) => {
    const field = error.field ?? [];
    const spec = provider?.credentialFields.find((f) => f.name === field[2]);
    if (field[1] !== 'credentials' || !spec || !i18n.language.startsWith('zh')) return error;
    const typed = (values.credentials?.[spec.name] ?? '').trim();
    const message = !typed
      ? t('messaging.channelsPage.credentialRequired')
      : spec.example
        ? t('messaging.channelsPage.credentialFormatExample', { example: spec.example })
        : t('messaging.channelsPage.credentialFormat');
    return { ...error, message };
  });
}

/** The fake provider every channel has in development ("fake_sms"). */
export function fakeProviderName(channel: Channel): string {
  return `fake_${channel.toLowerCase()}`;
}
