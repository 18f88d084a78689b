import { useRef, useState, type KeyboardEvent, type Ref } from 'react';
import { Alert, Button, Card, Empty, Input, Space, Tag, Typography, type InputRef } from 'antd';
import { ScanOutlined, UserAddOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useClient, useMutation } from 'urql';
import { describeError } from '../../api/userErrors';
import { useViewer } from '../../session/ViewerProvider';
import {
  lookupAnswer,
  lookupVariables,
  memberCodeOf,
  phoneOf,
  singleMatch,
  type LookupAnswer,
  type MemberSummary,
  type ScannedCoupon,
} from './lookupTerm';
import { CounterCreateMemberMutation, CounterLookupQuery } from './queries';
import { counterPhone } from './sale';

interface Props {
  inputRef: Ref<InputRef>;
  /** A member is open: the box then looks up the next one, or a coupon for this one. */
  hasMember: boolean;
  /** The term named this member; `coupon` when it was a coupon code of theirs. */
  onOpen: (member: MemberSummary, coupon: ScannedCoupon | null) => void;
  /** The term was a coupon code issued to nobody yet: usable by whichever member buys. */
  onUnownedCoupon: (coupon: ScannedCoupon) => void;
}

interface Shown extends LookupAnswer {
  term: string;
}

/**
 * The counter's one search box: a phone number, a scanned member code (会员码), a member card
 * number (externalId), a member id or a scanned coupon code, submitted with Enter as a barcode scanner does. One match opens at once.
 */
export function MemberLookup({ inputRef, hasMember, onOpen, onUnownedCoupon }: Props) {
  const { t } = useTranslation();
  const { can } = useViewer();
  const client = useClient();
  const [typed, setTyped] = useState('');
  const [searching, setSearching] = useState(false);
  const [shown, setShown] = useState<Shown | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [createErrors, setCreateErrors] = useState<string[]>([]);
  const [{ fetching: creating }, createMember] = useMutation(CounterCreateMemberMutation);
  const latest = useRef(0);
  const resultsRef = useRef<HTMLDivElement>(null);

  const reset = () => {
    setTyped('');
    setShown(null);
    setFailure(null);
    setCreateErrors([]);
  };

  const open = (member: MemberSummary, coupon: ScannedCoupon | null) => {
    reset();
    onOpen(member, coupon?.member?.id === member.id ? coupon : null);
  };

  const onSearch = async (value: string) => {
    const term = value.trim();
    if (!term) return;
    const seq = ++latest.current;
    setSearching(true);
    setFailure(null);
    setCreateErrors([]);
    const result = await client
      .query(CounterLookupQuery, lookupVariables(term), { requestPolicy: 'network-only' })
      .toPromise();
    // A scanner may send the next code before this answer: only the latest one counts.
    if (seq !== latest.current) return;
    setSearching(false);
    if (result.error || !result.data) {
      setShown(null);
      setFailure(result.error ? describeError(result.error, t) : t('common.unexpected'));
      return;
    }
    const answer = lookupAnswer(result.data);
    if (answer.coupon && !answer.coupon.member) {
      reset();
      onUnownedCoupon(answer.coupon);
      return;
    }
    const single = singleMatch(answer);
    if (single) {
      open(single, answer.coupon);
      return;
    }
    setShown({ term, ...answer });
  };

  const onCreate = async (phone: string) => {
    setCreateErrors([]);
    const result = await createMember({ input: { phone } });
    const payload = result.data?.createMember;
    if (result.error) {
      setCreateErrors([describeError(result.error, t)]);
    } else if (payload && payload.errors.length > 0) {
      setCreateErrors(payload.errors.map((e) => e.message));
    } else if (payload?.member) {
      open(payload.member, null);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Escape' && (typed || shown || failure)) {
      // Clears the box; a second Esc (on an empty box) clears the whole sale.
      event.preventDefault();
      reset();
    } else if (event.key === 'ArrowDown') {
      const first = resultsRef.current?.querySelector<HTMLButtonElement>('button');
      if (first) {
        event.preventDefault();
        first.focus();
      }
    }
  };

  const matches = shown ? (shown.exact.length > 0 ? shown.exact : shown.similar) : [];
  const phone = shown ? phoneOf(shown.term) : null;

  return (
    <Card size="small" styles={{ body: { padding: 12 } }}>
      <Input.Search
        ref={inputRef}
        size="large"
        value={typed}
        onChange={(event) => setTyped(event.target.value)}
        onSearch={(value) => void onSearch(value)}
        onKeyDown={onKeyDown}
        enterButton={t('counter.lookup.search')}
        prefix={<ScanOutlined />}
        placeholder={hasMember ? t('counter.lookup.placeholderNext') : t('counter.lookup.placeholder')}
        loading={searching}
        autoFocus
        autoComplete="off"
        spellCheck={false}
        inputMode="search"
        aria-label={t('counter.lookup.label')}
        data-testid="counter-search"
      />
      <div ref={resultsRef}>
        {failure && (
          <Alert
            type="error"
            showIcon
            message={failure}
            style={{ marginTop: 12 }}
            data-testid="counter-search-failed"
          />
        )}
        {shown && matches.length > 0 && (
          <div style={{ marginTop: 12 }}>
            <Typography.Text type="secondary">
              {shown.exact.length > 0 ? t('counter.lookup.several') : t('counter.lookup.similar')}
            </Typography.Text>
            <Space direction="vertical" style={{ width: '100%', marginTop: 8 }}>
              {matches.map((member) => (
                <Button
                  key={member.id}
                  block
                  onClick={() => open(member, shown.coupon)}
                  style={{ height: 'auto', minHeight: 44, textAlign: 'start', whiteSpace: 'normal' }}
                  data-testid="counter-match"
                >
                  <Space wrap size={8}>
                    <Typography.Text strong>{member.name ?? t('counter.member.noName')}</Typography.Text>
                    <span>{counterPhone(member.phone)}</span>
                    {member.tier && <Tag color="gold">{member.tier.name}</Tag>}
                  </Space>
                </Button>
              ))}
            </Space>
          </div>
        )}
        {shown && matches.length === 0 && (
          <div style={{ marginTop: 12 }} data-testid="counter-not-found">
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={
                memberCodeOf(shown.term)
                  ? t('counter.lookup.memberCodeExpired')
                  : t('counter.lookup.notFound', { term: shown.term })
              }
              style={{ margin: '8px 0' }}
            >
              {phone && can('members:write') && (
                <Button
                  type="primary"
                  icon={<UserAddOutlined />}
                  loading={creating}
                  onClick={() => void onCreate(phone)}
                  data-testid="counter-create-member"
                >
                  {t('counter.lookup.create', { phone })}
                </Button>
              )}
            </Empty>
            {createErrors.length > 0 && (
              <Alert type="error" showIcon message={createErrors.join('\n')} data-testid="counter-create-error" />
            )}
          </div>
        )}
      </div>
    </Card>
  );
}
