import { useState, type HTMLAttributes } from 'react';
import { App, Button, Card, Popconfirm, Space, Tag, Typography, type ButtonProps } from 'antd';
import { DisconnectOutlined, LinkOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { MemberReachQuery } from '../../gql/graphql';
import { describeError, userErrorMessages } from '../../api/userErrors';
import { RawCode } from '../../components/CodeLabel';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { useViewer } from '../../session/ViewerProvider';
import { MessagingCode } from '../messaging/messagingCodes';
import { BindIdentityModal } from './BindIdentityModal';
import { UnbindIdentityMutation } from './memberMessagingQueries';

type Identity = NonNullable<MemberReachQuery['member']>['identities'][number];

interface Props {
  memberId: string;
  identities: readonly Identity[];
  /** Mini-program subscribe messages the member may be sent, by template id. */
  subscribeCredits: Record<string, number>;
  onChanged: () => void;
}

const identityKey = (identity: Identity) => `${identity.provider}|${identity.appId ?? ''}|${identity.subject}`;

/** The member's accounts elsewhere, what messages reach them through, and their subscribe credits. */
export function MemberIdentitiesCard({ memberId, identities, subscribeCredits, onChanged }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { viewer, can } = useViewer();
  const writable = can('members:write');
  const [binding, setBinding] = useState(false);
  const [unbinding, setUnbinding] = useState<string | null>(null);
  const [, unbind] = useMutation(UnbindIdentityMutation);
  const credits = Object.entries(subscribeCredits);

  const onUnbind = async (identity: Identity) => {
    setUnbinding(identityKey(identity));
    try {
      const result = await unbind({
        input: { memberId, provider: identity.provider, appId: identity.appId ?? null, subject: identity.subject },
      });
      const payload = result.data?.unbindIdentity;
      if (result.error) message.error(describeError(result.error, t));
      else if (payload && payload.errors.length > 0) message.error(userErrorMessages(payload.errors).join('\n'));
      else {
        message.success(t('memberMessaging.identities.unbound'));
        onChanged();
      }
    } finally {
      setUnbinding(null);
    }
  };

  return (
    <Card
      title={t('memberMessaging.identities.title')}
      size="small"
      extra={
        writable && (
          <Button icon={<LinkOutlined />} onClick={() => setBinding(true)} data-testid="identity-bind">
            {t('memberMessaging.identities.bind')}
          </Button>
        )
      }
      data-testid="member-identities"
    >
      <ResponsiveTable<Identity>
        rowKey={identityKey}
        size="small"
        pagination={false}
        dataSource={[...identities]}
        locale={{ emptyText: t('memberMessaging.identities.empty') }}
        onRow={(identity) =>
          ({ 'data-testid': 'identity-row', 'data-provider': identity.provider, 'data-subject': identity.subject }) as HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            title: t('memberMessaging.identities.provider'),
            dataIndex: 'provider',
            card: 'title',
            render: (provider: string) => <MessagingCode kind="identityProviders" code={provider} />,
          },
          {
            title: t('memberMessaging.identities.appId'),
            dataIndex: 'appId',
            render: (appId: string | null) => (appId ? <RawCode code={appId} /> : t('common.empty')),
          },
          {
            title: t('memberMessaging.identities.subject'),
            dataIndex: 'subject',
            render: (subject: string) => <RawCode code={subject} />,
          },
          {
            title: t('memberMessaging.identities.boundAt'),
            dataIndex: 'createdAt',
            render: (value: string) => formatDateTime(value, viewer.tenant.timezone),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            hidden: !writable,
            render: (_, identity) => (
              <Popconfirm
                title={t('memberMessaging.identities.unbindConfirm')}
                okText={t('memberMessaging.identities.unbind')}
                cancelText={t('common.cancel')}
                okButtonProps={{ danger: true, 'data-testid': 'identity-unbind-confirm' } as ButtonProps}
                onConfirm={() => void onUnbind(identity)}
              >
                <Button
                  size="small"
                  danger
                  icon={<DisconnectOutlined />}
                  loading={unbinding === identityKey(identity)}
                  data-testid="identity-unbind"
                >
                  {t('memberMessaging.identities.unbind')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <Space direction="vertical" size={4} style={{ marginTop: 12 }} data-testid="member-subscribe-credits">
        <Typography.Text strong>{t('memberMessaging.credits.title')}</Typography.Text>
        {credits.length === 0 ? (
          <Typography.Text type="secondary">{t('memberMessaging.credits.empty')}</Typography.Text>
        ) : (
          <Space wrap size={[8, 8]}>
            {credits.map(([code, left]) => (
              <Tag key={code} data-testid="subscribe-credit" data-template={code}>
                <RawCode code={code} /> {t('memberMessaging.credits.left', { count: left })}
              </Tag>
            ))}
          </Space>
        )}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('memberMessaging.credits.hint')}
        </Typography.Text>
      </Space>
      {binding && (
        <BindIdentityModal
          memberId={memberId}
          onClose={() => setBinding(false)}
          onBound={() => {
            setBinding(false);
            onChanged();
          }}
        />
      )}
    </Card>
  );
}
