import { useMemo, useState, type ReactNode } from 'react';
import { App, Breadcrumb, Drawer, Result, Space, Spin, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import type { UpdateMemberInput } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { useIsNarrow } from '../../hooks/useIsNarrow';
import { useViewer } from '../../session/ViewerProvider';
import { customFieldRecord, sortDefinitions } from '../custom-fields/customFieldValue';
import { CustomFieldDefinitionsQuery } from '../custom-fields/queries';
import { MemberJourneysCard } from '../journeys/MemberJourneysCard';
import { MemberOrdersCard } from '../orders/MemberOrdersCard';
import { MemberAnalyticsCard } from './MemberAnalyticsCard';
import { MemberAuditTrail } from './MemberAuditTrail';
import { MemberCouponsCard } from './MemberCouponsCard';
import { MemberEditForm } from './MemberEditForm';
import { MemberHeader } from './MemberHeader';
import { MemberMessagesCard } from './MemberMessagesCard';
import { MemberPointsCard } from './MemberPointsCard';
import { MemberProfile } from './MemberProfile';
import { MemberReachPane } from './MemberReachPane';
import { MemberTierHistory } from './MemberTierHistory';
import { MemberTimelineCard } from './MemberTimelineCard';
import { MergeMemberModal } from './MergeMemberModal';
import { displayPhone } from './phoneFormat';
import { MemberDetailQuery, RevealMemberPiiMutation } from './queries';
import { RevealFieldModal } from './RevealFieldModal';

interface Revealed {
  phone: string | null;
  customFields: Record<string, unknown>;
}

const TABS = ['points', 'orders', 'coupons', 'timeline', 'profile', 'messages', 'consents', 'audit', 'journeys'] as const;
type TabKey = (typeof TABS)[number];

function isTab(value: string | null): value is TabKey {
  return value !== null && (TABS as readonly string[]).includes(value);
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
  const narrow = useIsNarrow();
  const [searchParams, setSearchParams] = useSearchParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: MemberDetailQuery, variables: { id } });
  const [{ data: definitionData }] = useQuery({ query: CustomFieldDefinitionsQuery });
  const [{ fetching: revealing }, reveal] = useMutation(RevealMemberPiiMutation);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [revealingField, setRevealingField] = useState<string | null>(null);
  const [merging, setMerging] = useState(false);
  const [editing, setEditing] = useState(false);
  const [revision, setRevision] = useState(0);

  const definitions = useMemo(
    () => sortDefinitions(definitionData?.customFieldDefinitions ?? []),
    [definitionData],
  );
  const member = data?.member;

  // The open tab lives in the address, so a link (or the back button) can lead straight to it.
  const requested = searchParams.get('tab');
  const tabs = TABS.filter((key) => key !== 'audit' || can('audit:read'));
  const activeTab: TabKey = isTab(requested) && tabs.includes(requested) ? requested : 'points';
  const showTab = (key: string) => {
    setSearchParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.set('tab', key);
        return next;
      },
      { replace: true },
    );
  };

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
  const phone = displayPhone(revealed?.phone ?? member.phone);
  const memberLabel = member.name ?? phone;
  const canReveal = can('members:reveal') || can('members:pii');
  const revealable = canReveal && member.phoneMasked && !revealed?.phone;
  const revealableKeys = canReveal ? maskedKeys : new Set<string>();

  const reload = () => {
    refetch({ requestPolicy: 'network-only' });
    setRevision((r) => r + 1);
  };

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
    setEditing(false);
    reload();
  };

  const label = (key: TabKey) => <span data-testid={`member-tab-${key}`}>{t(`members.tabs.${key}`)}</span>;
  const panes: Record<TabKey, ReactNode> = {
    points: <MemberPointsCard memberId={id} revision={revision} />,
    orders: <MemberOrdersCard memberId={id} revision={revision} />,
    coupons: <MemberCouponsCard memberId={id} memberLabel={memberLabel} revision={revision} onChanged={reload} />,
    messages: <MemberMessagesCard memberId={id} revision={revision} />,
    consents: <MemberReachPane memberId={id} revision={revision} onChanged={reload} />,
    timeline: <MemberTimelineCard memberId={id} revision={revision} />,
    profile: (
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <MemberProfile
          member={member}
          customFields={customFields}
          definitions={definitions}
          revealableKeys={revealableKeys}
          onRevealField={setRevealingField}
        />
        <MemberAnalyticsCard memberId={id} revision={revision} />
        <MemberTierHistory memberId={id} revision={revision} />
      </Space>
    ),
    audit: <MemberAuditTrail memberId={id} revision={revision} />,
    journeys: <MemberJourneysCard memberId={id} revision={revision} />,
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Breadcrumb items={[{ title: <Link to="/members">{t('memberDetail.back')}</Link> }, { title: memberLabel }]} />
      <MemberHeader
        member={member}
        phone={phone}
        memberLabel={memberLabel}
        revealable={revealable}
        revealing={revealing}
        onReveal={() => void onReveal()}
        onEdit={can('members:write') ? () => setEditing(true) : undefined}
        onMerge={can('members:merge') ? () => setMerging(true) : undefined}
        onShowCoupons={() => showTab('coupons')}
        onChanged={reload}
      />
      <Tabs
        activeKey={activeTab}
        onChange={showTab}
        data-testid="member-tabs"
        items={tabs.map((key) => ({ key, label: label(key), children: panes[key] }))}
      />
      {editing && (
        <Drawer
          open
          title={t('memberDetail.edit')}
          width={narrow ? '100%' : 560}
          onClose={() => setEditing(false)}
          destroyOnHidden
        >
          <MemberEditForm
            // Remount when revealed values arrive, so the form starts from them.
            key={`${revealed?.phone ? 'phone' : ''}|${[...shownKeys].sort().join(',')}`}
            member={member}
            customFields={customFields}
            maskedKeys={maskedKeys}
            definitions={definitions}
            onSaved={onSaved}
          />
        </Drawer>
      )}
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
            reload();
          }}
        />
      )}
    </Space>
  );
}
