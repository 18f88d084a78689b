import { useEffect } from 'react';
import { Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { describeError } from '../../api/userErrors';
import { useViewer } from '../../session/ViewerProvider';
import { ConsentPurposesQuery, MemberReachQuery } from './memberMessagingQueries';
import { MemberConsentHistory } from './MemberConsentHistory';
import { MemberConsentMatrix } from './MemberConsentMatrix';
import { MemberIdentitiesCard } from './MemberIdentitiesCard';

// The platform's default purposes, for staff who may not read the send policy.
const DEFAULT_PURPOSES = ['marketing', 'service'];

interface Props {
  memberId: string;
  revision: number;
  onChanged: () => void;
}

function creditsOf(value: unknown): Record<string, number> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
  );
}

/** 授权与账号: the member's consents, their history, and the accounts messages reach them through. */
export function MemberReachPane({ memberId, revision, onChanged }: Props) {
  const { t } = useTranslation();
  const { can } = useViewer();
  const [{ data, fetching, error }, refetch] = useQuery({ query: MemberReachQuery, variables: { id: memberId } });
  const [{ data: purposeData }] = useQuery({
    query: ConsentPurposesQuery,
    pause: !(can('messages:send') || can('channels:manage')),
  });

  useEffect(() => {
    if (revision > 0) refetch({ requestPolicy: 'network-only' });
  }, [revision, refetch]);

  const member = data?.member;
  if (!member) {
    if (fetching) return <Spin style={{ display: 'block', margin: '24px auto' }} />;
    return error ? <Typography.Text type="danger">{describeError(error, t)}</Typography.Text> : null;
  }
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <MemberConsentMatrix
        memberId={memberId}
        consents={member.consents}
        purposes={purposeData?.messagingSettings.purposes ?? DEFAULT_PURPOSES}
        onChanged={onChanged}
      />
      <MemberIdentitiesCard
        memberId={memberId}
        identities={member.identities}
        subscribeCredits={creditsOf(member.subscribeCredits)}
        onChanged={onChanged}
      />
      <MemberConsentHistory memberId={memberId} revision={revision} />
    </Space>
  );
}
