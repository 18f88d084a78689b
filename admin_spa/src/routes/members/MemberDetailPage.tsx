import { useMemo, useState } from 'react';
import { App, Breadcrumb, Button, Card, Result, Space, Spin, Typography } from 'antd';
import { MergeCellsOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import type { UpdateMemberInput } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { useViewer } from '../../session/ViewerProvider';
import { customFieldRecord, sortDefinitions } from '../custom-fields/customFieldValue';
import { CustomFieldDefinitionsQuery } from '../custom-fields/queries';
import { MemberOrdersCard } from '../orders/MemberOrdersCard';
import { MemberAuditTrail } from './MemberAuditTrail';
import { MemberCouponsCard } from './MemberCouponsCard';
import { MemberEditForm } from './MemberEditForm';
import { MemberPointsCard } from './MemberPointsCard';
import { MemberProfile } from './MemberProfile';
import { MemberTimelineCard } from './MemberTimelineCard';
import { MergeMemberModal } from './MergeMemberModal';
import { MemberDetailQuery, RevealMemberPiiMutation } from './queries';

interface Revealed {
  phone: string | null;
  customFields: Record<string, unknown>;
}

export default function MemberDetailPage() {
  const { id = '' } = useParams();
  // Everything on the page belongs to one member: a new id starts with fresh state.
  return <MemberDetail key={id} id={id} />;
}

function MemberDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useViewer();
  const [{ data, fetching, error }, refetch] = useQuery({ query: MemberDetailQuery, variables: { id } });
  const [{ data: definitionData }] = useQuery({ query: CustomFieldDefinitionsQuery });
  const [{ fetching: revealing }, reveal] = useMutation(RevealMemberPiiMutation);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [merging, setMerging] = useState(false);
  const [revision, setRevision] = useState(0);

  const definitions = useMemo(
    () => sortDefinitions(definitionData?.customFieldDefinitions ?? []),
    [definitionData],
  );
  const member = data?.member;

  if (!member) {
    if (fetching) return <Spin style={{ display: 'block', marginTop: 80 }} />;
    return (
      <Result
        status={error ? 'warning' : '404'}
        title={error ? describeError(error, t) : t('memberDetail.notFound')}
        extra={<Link to="/members">{t('memberDetail.back')}</Link>}
      />
    );
  }

  const customFields = { ...customFieldRecord(member.customFields), ...(revealed?.customFields ?? {}) };
  const seesPii = can('members:pii') || revealed !== null;
  const maskedKeys = new Set(seesPii ? [] : definitions.filter((d) => d.pii).map((d) => d.key));
  const phone = revealed?.phone ?? member.phone;
  const revealable = can('members:reveal') && !revealed && (member.phoneMasked || maskedKeys.size > 0);

  const onReveal = async () => {
    const result = await reveal({ id });
    const payload = result.data?.revealMemberPii;
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (payload && payload.errors.length > 0) {
      message.error(payload.errors.map((e) => e.message).join('\n'));
    } else if (payload) {
      setRevealed({ phone: payload.phone ?? null, customFields: customFieldRecord(payload.customFields) });
      message.info(t('memberDetail.revealed'));
      setRevision((r) => r + 1);
    }
  };

  const onSaved = (input: UpdateMemberInput) => {
    // Revealed values would otherwise hide the ones just saved.
    if (revealed && input.customFields) {
      setRevealed({ ...revealed, customFields: { ...revealed.customFields, ...customFieldRecord(input.customFields) } });
    }
    setRevision((r) => r + 1);
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Breadcrumb
        items={[
          { title: <Link to="/members">{t('memberDetail.back')}</Link> },
          { title: member.name ?? phone },
        ]}
      />
      <Card
        title={
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="member-title">
            {member.name ?? phone}
          </Typography.Title>
        }
        extra={
          can('members:merge') && (
            <Button icon={<MergeCellsOutlined />} onClick={() => setMerging(true)} data-testid="member-merge">
              {t('merge.button')}
            </Button>
          )
        }
      >
        <MemberProfile
          member={member}
          phone={phone}
          revealable={revealable}
          customFields={customFields}
          definitions={definitions}
          revealing={revealing}
          onReveal={() => void onReveal()}
        />
      </Card>
      <MemberPointsCard
        memberId={id}
        memberLabel={member.name ?? phone}
        revision={revision}
        onAdjusted={() => {
          refetch({ requestPolicy: 'network-only' });
          setRevision((r) => r + 1);
        }}
      />
      <MemberOrdersCard memberId={id} revision={revision} />
      <MemberCouponsCard memberId={id} memberLabel={member.name ?? phone} revision={revision} />
      <MemberTimelineCard memberId={id} revision={revision} />
      {can('members:write') && (
        <Card title={t('memberDetail.edit')} size="small">
          <MemberEditForm
            // Remount when revealed values arrive, so the form starts from them.
            key={revealed ? 'revealed' : 'masked'}
            member={member}
            customFields={customFields}
            maskedKeys={maskedKeys}
            definitions={definitions}
            onSaved={onSaved}
          />
        </Card>
      )}
      {can('audit:read') && <MemberAuditTrail memberId={id} revision={revision} />}
      {merging && (
        <MergeMemberModal
          targetId={id}
          onClose={() => setMerging(false)}
          onMerged={() => {
            setMerging(false);
            refetch({ requestPolicy: 'network-only' });
            setRevision((r) => r + 1);
          }}
        />
      )}
    </Space>
  );
}
