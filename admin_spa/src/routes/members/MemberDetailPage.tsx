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
import { RevealFieldModal } from './RevealFieldModal';

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
  const [revealingField, setRevealingField] = useState<string | null>(null);
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
  // Fields are revealed one at a time: the phone on a tap, every other personal field with a
  // reason that goes into the audit log.
  const shownKeys = new Set(Object.keys(revealed?.customFields ?? {}));
  const maskedKeys = new Set(
    can('members:pii') ? [] : definitions.filter((d) => d.pii && !shownKeys.has(d.key)).map((d) => d.key),
  );
  const phone = revealed?.phone ?? member.phone;
  const canReveal = can('members:reveal') || can('members:pii');
  const revealable = canReveal && member.phoneMasked && !revealed?.phone;
  const revealableKeys = canReveal ? maskedKeys : new Set<string>();

  const onReveal = async () => {
    const result = await reveal({ id });
    const payload = result.data?.revealMemberPii;
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (payload && payload.errors.length > 0) {
      message.error(payload.errors.map((e) => e.message).join('\n'));
    } else if (payload) {
      setRevealed({ phone: payload.phone ?? null, customFields: revealed?.customFields ?? {} });
      message.info(t('memberDetail.revealed'));
      setRevision((r) => r + 1);
    }
  };

  const onFieldRevealed = (key: string, value: unknown) => {
    setRevealed({ phone: revealed?.phone ?? null, customFields: { ...(revealed?.customFields ?? {}), [key]: value } });
    setRevealingField(null);
    message.info(t('memberDetail.revealed'));
    setRevision((r) => r + 1);
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
          revealableKeys={revealableKeys}
          onRevealField={setRevealingField}
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
            key={`${revealed?.phone ? 'phone' : ''}|${[...shownKeys].sort().join(',')}`}
            member={member}
            customFields={customFields}
            maskedKeys={maskedKeys}
            definitions={definitions}
            onSaved={onSaved}
          />
        </Card>
      )}
      {can('audit:read') && <MemberAuditTrail memberId={id} revision={revision} />}
      {revealingField && (
        <RevealFieldModal
          memberId={id}
          field={revealingField}
          label={definitions.find((d) => d.key === revealingField)?.label ?? revealingField}
          onClose={() => setRevealingField(null)}
          onRevealed={onFieldRevealed}
        />
      )}
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
