import { useState, type HTMLAttributes } from 'react';
import { App, Button, Card, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { Channel, MemberReachQuery } from '../../gql/graphql';
import { newIdempotencyKey } from '../../api/idempotencyKey';
import { describeError, userErrorMessages } from '../../api/userErrors';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { useViewer } from '../../session/ViewerProvider';
import { CHANNELS, MessagingCode, messagingText } from '../messaging/messagingCodes';
import { RecordConsentMutation } from './memberMessagingQueries';

type Consent = NonNullable<MemberReachQuery['member']>['consents'][number];

interface Props {
  memberId: string;
  consents: readonly Consent[];
  /** The programme's purposes (the consents' own besides). */
  purposes: readonly string[];
  onChanged: () => void;
}

interface Row {
  channel: Channel;
}

/** Consent as it stands, channel by purpose: given, withdrawn or never given; staff may record either. */
export function MemberConsentMatrix({ memberId, consents, purposes, onChanged }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { viewer, can } = useViewer();
  const writable = can('members:write');
  const [, record] = useMutation(RecordConsentMutation);
  const [busy, setBusy] = useState<string | null>(null);
  const columns = [...new Set([...purposes, ...consents.map((c) => c.purpose)])];
  const find = (channel: Channel, purpose: string) => consents.find((c) => c.channel === channel && c.purpose === purpose);

  const onRecord = async (channel: Channel, purpose: string, granted: boolean) => {
    const cell = `${channel}:${purpose}`;
    setBusy(cell);
    try {
      // A fresh key per press: each press is its own grant or withdrawal.
      const result = await record({
        input: { memberId, channel, purpose, granted, source: 'admin', idempotencyKey: newIdempotencyKey() },
      });
      const payload = result.data?.recordConsent;
      if (result.error) message.error(describeError(result.error, t));
      else if (payload && payload.errors.length > 0) message.error(userErrorMessages(payload.errors).join('\n'));
      else {
        message.success(
          t(granted ? 'memberMessaging.consents.granted' : 'memberMessaging.consents.withdrawn', {
            channel: messagingText(t, 'channels', channel),
            purpose: messagingText(t, 'purposes', purpose),
          }),
        );
        onChanged();
      }
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card title={t('memberMessaging.consents.title')} size="small" data-testid="member-consents">
      <Typography.Paragraph type="secondary">{t('memberMessaging.consents.hint')}</Typography.Paragraph>
      <ResponsiveTable<Row>
        rowKey="channel"
        size="small"
        pagination={false}
        dataSource={CHANNELS.map((channel) => ({ channel }))}
        columns={[
          {
            title: t('memberMessaging.consents.channel'),
            dataIndex: 'channel',
            card: 'title',
            render: (channel: Channel) => <MessagingCode kind="channels" code={channel} />,
          },
          ...columns.map((purpose) => ({
            title: messagingText(t, 'purposes', purpose),
            key: `purpose-${purpose}`,
            render: (_: unknown, { channel }: Row) => {
              const consent = find(channel, purpose);
              const state = consent ? (consent.granted ? 'granted' : 'withdrawn') : 'none';
              return (
                <Space
                  size={4}
                  wrap
                  {...({ 'data-testid': 'consent-cell', 'data-channel': channel, 'data-purpose': purpose, 'data-state': state } as HTMLAttributes<HTMLDivElement>)}
                >
                  <Tag color={state === 'granted' ? 'green' : state === 'withdrawn' ? 'red' : 'default'} data-testid="consent-state">
                    {t(`memberMessaging.consents.states.${state}`)}
                  </Tag>
                  {consent && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatDateTime(consent.recordedAt, viewer.tenant.timezone)}
                    </Typography.Text>
                  )}
                  {writable && (
                    <Button
                      size="small"
                      type={state === 'granted' ? 'default' : 'primary'}
                      danger={state === 'granted'}
                      ghost={state !== 'granted'}
                      loading={busy === `${channel}:${purpose}`}
                      onClick={() => void onRecord(channel, purpose, state !== 'granted')}
                      data-testid={state === 'granted' ? 'consent-withdraw' : 'consent-grant'}
                    >
                      {state === 'granted' ? t('memberMessaging.consents.withdraw') : t('memberMessaging.consents.grant')}
                    </Button>
                  )}
                </Space>
              );
            },
          })),
        ]}
      />
    </Card>
  );
}
