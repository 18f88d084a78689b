import { Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Channel, MessageStatus } from '../../gql/graphql';
import { RawCode } from '../../components/CodeLabel';
import { hasLabel, looseT } from '../../i18n/codes';
import { noteMissingKey } from '../../i18n';

/** The channels in the order the platform lists them. */
export const CHANNELS: readonly Channel[] = ['SMS', 'WECHAT_TEMPLATE', 'WECHAT_SUBSCRIBE', 'WECOM'];

export const MESSAGE_STATUSES: readonly MessageStatus[] = ['QUEUED', 'SENT', 'DELIVERED', 'SKIPPED', 'FAILED'];

export const MESSAGE_STATUS_COLORS: Record<MessageStatus, string> = {
  QUEUED: 'blue',
  SENT: 'green',
  DELIVERED: 'green',
  SKIPPED: 'orange',
  FAILED: 'red',
};

/** Why the gate held a message back, then the reasons a provider gives for refusing one. */
export const SKIP_REASONS = [
  'NO_CONSENT',
  'NO_CREDIT',
  'FREQUENCY_CAP',
  'QUIET_HOURS',
  'QUOTA_EXCEEDED',
  'FIELD_TOO_LONG',
  'NO_RECIPIENT',
  'CHANNEL_UNAVAILABLE',
  'THROTTLED',
  'INVALID_RECIPIENT',
  'INVALID_CREDENTIALS',
  'PROVIDER_ERROR',
] as const;

/** Identity kinds the platform names; a tenant may bind others by their own name. */
export const IDENTITY_PROVIDERS = ['WECHAT_OPENID', 'WECHAT_UNIONID', 'ALIPAY_USER', 'WECOM_EXTERNAL_USERID'] as const;

/**
 * Codes of the messaging domain the catalogue names under `messaging.<branch>`: channels,
 * purposes, providers, skip reasons, credential fields, template variables, identity kinds and
 * consent sources. Purposes, identity kinds and consent sources are partly the caller's own, so
 * an unknown one is shown as it is.
 */
export type MessagingCodeKind =
  | 'channels'
  | 'statuses'
  | 'purposes'
  | 'providers'
  | 'skipReasons'
  | 'credentialFields'
  | 'variables'
  | 'identityProviders'
  | 'consentSources';

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** The label of a code, or null when the catalogue has none (the miss is recorded). */
export function messagingLabel(t: TFunction, kind: MessagingCodeKind, code: string): string | null {
  const segments = code.split('.');
  const key = `messaging.${kind}.${segments.join('.')}`;
  if (segments.every((segment) => SEGMENT.test(segment)) && hasLabel(key)) return looseT(t)(key);
  // Purposes, identities and sources are named by the caller: their code is their name.
  if (kind !== 'purposes' && kind !== 'identityProviders' && kind !== 'consentSources') noteMissingKey(key);
  return null;
}

/** A code as text: its label, else the code itself. */
export function messagingText(t: TFunction, kind: MessagingCodeKind, code: string): string {
  return messagingLabel(t, kind, code) ?? code;
}

interface CodeProps {
  kind: MessagingCodeKind;
  code: string;
  /** The server's own words for it, shown when the catalogue has no label (a provider's title). */
  fallback?: string | null;
  showCode?: boolean;
}

/** A messaging code in the UI's language; one the catalogue lacks shows the server's words or the code. */
export function MessagingCode({ kind, code, fallback, showCode = false }: CodeProps) {
  const { t } = useTranslation();
  const label = messagingLabel(t, kind, code);
  if (label === null) return <RawCode code={fallback || code} />;
  if (!showCode) return <>{label}</>;
  return (
    <span>
      {label} <RawCode code={code} />
    </span>
  );
}

const HAN = /[\u3400-\u9fff]/;

/**
 * Text the server wrote itself (a provider's answer, the gate's detail): shown as it is, and
 * marked as the server's words when the Chinese UI gets it in English.
 */
export function ServerText({ text, testId }: { text: string; testId?: string }) {
  const { i18n } = useTranslation();
  const foreign = i18n.language.startsWith('zh') && !HAN.test(text);
  return (
    <Typography.Text
      type="secondary"
      style={{ fontSize: 12, whiteSpace: 'pre-wrap' }}
      data-raw-code={foreign ? text : undefined}
      data-testid={testId}
    >
      {text}
    </Typography.Text>
  );
}
