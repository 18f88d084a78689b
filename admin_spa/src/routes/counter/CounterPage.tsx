import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Card, ConfigProvider, Spin, Tabs, Typography, type InputRef } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { describeError } from '../../api/userErrors';
import { useMediaQuery } from '../../hooks/useIsNarrow';
import { touchTheme } from '../../layout/touchTheme';
import { useViewer } from '../../session/ViewerProvider';
import { ConfirmBar } from './ConfirmBar';
import { CounterMemberCard } from './CounterMemberCard';
import { defaultStore, rememberStore, saleStore } from './counterStore';
import type { MemberSummary, ScannedCoupon } from './lookupTerm';
import { MemberLookup } from './MemberLookup';
import { CounterMemberQuery, CounterSetupQuery } from './queries';
import { RewardRedeemPanel } from './RewardRedeemPanel';
import { counterPhone, newSaleNumber, type SaleDraft, type SaleLine } from './sale';
import { SaleForm, type AmountInputRef } from './SaleForm';
import { SalePreview } from './SalePreview';
import { SaleResult, type RecordedOrder } from './SaleResult';
import { useSaleCheckout } from './useSaleCheckout';

/** The window width from which the sale and its totals sit side by side. */
const TWO_COLUMNS_FROM_PX = 1024;

interface SaleBasics {
  amount: number | null;
  /** null: the default store. */
  storeChoice: string | null;
  lines: SaleLine[];
}

/** Coupons and points belong to one member: another member starts without them. */
interface Payment {
  memberId: string | null;
  couponCodes: string[];
  points: number | null;
  /** "Use max" was tapped: the points follow the most the sale allows as it changes. */
  followMax: boolean;
}

const EMPTY_BASICS: SaleBasics = { amount: null, storeChoice: null, lines: [] };
const NO_PAYMENT: Payment = { memberId: null, couponCodes: [], points: null, followMax: false };

/** Escape pressed where it already means something (a dialog, an open select) is left alone. */
function escapeIsTaken(target: EventTarget | null): boolean {
  const owners = '.ant-modal-root, .ant-modal-wrap, .ant-select, .ant-select-dropdown, .ant-dropdown, .ant-drawer';
  return target instanceof Element && target.closest(owners) !== null;
}

/**
 * The counter (收银台): find the member, enter the sale with coupons and points, see what it
 * records, confirm; or redeem a reward from the points mall. Built for a tablet, a phone and a
 * scanner: Enter moves the sale on, Esc clears.
 */
export default function CounterPage() {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const timeZone = viewer.tenant.timezone;
  const navigate = useNavigate();
  const [searchParams, setSearchParams] = useSearchParams();
  const memberId = searchParams.get('member');
  // From a landscape tablet up the totals stay in sight beside the sale; below, a bottom bar holds them.
  const wide = useMediaQuery(`(min-width: ${TWO_COLUMNS_FROM_PX}px)`);
  const searchRef = useRef<InputRef>(null);
  const amountRef = useRef<AmountInputRef>(null);

  const [{ data: setup }] = useQuery({ query: CounterSetupQuery });
  const stores = setup ? (setup.viewer.staff?.stores ?? []) : null;
  const capPercent = setup?.pointsSettings.pointsPaymentCapPercent ?? null;

  const [{ data: memberData, fetching: memberFetching, error: memberError }, refetchMember] = useQuery({
    query: CounterMemberQuery,
    variables: { id: memberId ?? '' },
    pause: !memberId,
    requestPolicy: 'network-only',
  });
  const loaded = memberData?.member ?? null;
  // A merged profile's id opens the profile it went into; until the answer arrives, nobody.
  const member = memberId && loaded && (loaded.id === memberId || !memberFetching) ? loaded : null;

  const [basics, setBasics] = useState<SaleBasics>(EMPTY_BASICS);
  const [payment, setPayment] = useState<Payment>(NO_PAYMENT);
  const [saleNumber, setSaleNumber] = useState(() => newSaleNumber(timeZone));
  const [recorded, setRecorded] = useState<RecordedOrder | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // A scanned code issued to nobody, waiting for the member who uses it.
  const [unowned, setUnowned] = useState<string | null>(null);
  const [tab, setTab] = useState<'sale' | 'rewards'>('sale');

  const fallbackStore = useMemo(() => defaultStore(stores), [stores]);
  const current: Payment = payment.memberId === memberId ? payment : { ...NO_PAYMENT, memberId };
  const sale: SaleDraft = {
    amount: basics.amount,
    storeCode: saleStore(basics.storeChoice, stores, fallbackStore),
    lines: basics.lines,
    couponCodes: current.couponCodes,
    points: current.points,
  };
  const checkout = useSaleCheckout(member?.id ?? null, sale, saleNumber, (order, input) => {
    rememberStore(input.storeCode);
    setRecorded(order);
  });
  const { preview, running } = checkout;

  const updatePayment = (patch: Partial<Payment>) => setPayment({ ...current, ...patch });

  // "Use max" keeps the points at the most the sale allows while the amount or coupons change.
  useEffect(() => {
    if (running || !preview || !current.followMax) return;
    if ((current.points ?? 0) !== preview.maxPointsToSpend) {
      setPayment({ ...current, points: preview.maxPointsToSpend });
    }
  }, [running, preview, current]);

  const [focusSearch, setFocusSearch] = useState(0);
  useEffect(() => {
    if (focusSearch > 0) searchRef.current?.focus();
  }, [focusSearch]);
  const memberShown = member?.id ?? null;
  useEffect(() => {
    if (memberShown) amountRef.current?.focus();
  }, [memberShown]);

  const resetCheckout = checkout.reset;
  const clearSale = useCallback(() => {
    setRecorded(null);
    setBasics((b) => ({ ...EMPTY_BASICS, storeChoice: b.storeChoice }));
    setPayment(NO_PAYMENT);
    resetCheckout();
    setNotice(null);
    setUnowned(null);
    setTab('sale');
    setSaleNumber(newSaleNumber(timeZone));
    setSearchParams({}, { replace: true });
    setFocusSearch((n) => n + 1);
  }, [resetCheckout, setSearchParams, timeZone]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || escapeIsTaken(event.target)) return;
      clearSale();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [clearSale]);

  const statusText = (coupon: ScannedCoupon) =>
    t('counter.lookup.couponUnusable', {
      code: coupon.code,
      status: t(`memberCoupons.statuses.${coupon.status as 'ISSUED' | 'REDEEMED' | 'EXPIRED' | 'VOIDED'}`),
    });

  const onOpen = (found: MemberSummary, coupon: ScannedCoupon | null) => {
    setNotice(coupon && coupon.status !== 'ISSUED' ? statusText(coupon) : null);
    const scanned = coupon && coupon.status === 'ISSUED' ? coupon.code : null;
    setTab('sale');
    if (found.id === memberId) {
      // Their own coupon scanned while they are served: it joins the sale.
      if (scanned && !current.couponCodes.includes(scanned)) {
        updatePayment({ couponCodes: [...current.couponCodes, scanned] });
      }
      amountRef.current?.focus();
      return;
    }
    const codes = [scanned, unowned].filter((code): code is string => !!code);
    setPayment({ ...NO_PAYMENT, memberId: found.id, couponCodes: codes });
    setUnowned(null);
    checkout.reset();
    setSearchParams({ member: found.id }, { replace: true });
  };

  const onUnownedCoupon = (coupon: ScannedCoupon) => {
    if (coupon.status !== 'ISSUED') {
      setNotice(statusText(coupon));
    } else if (member) {
      setNotice(null);
      if (!current.couponCodes.includes(coupon.code)) {
        updatePayment({ couponCodes: [...current.couponCodes, coupon.code] });
      }
    } else {
      setUnowned(coupon.code);
      setNotice(t('counter.lookup.unownedCoupon', { code: coupon.code }));
    }
  };

  const toggleCoupon = (code: string) =>
    updatePayment({
      couponCodes: current.couponCodes.includes(code)
        ? current.couponCodes.filter((c) => c !== code)
        : [...current.couponCodes, code],
    });

  const now = Date.now();
  const usable = (member?.coupons.edges ?? [])
    .map((edge) => edge.node)
    .filter((coupon) => Date.parse(coupon.validFrom) <= now && Date.parse(coupon.validUntil) > now);
  const discounts = new Map((preview?.coupons ?? []).map((c) => [c.code, c.discountAmount]));
  const amountFen = checkout.input?.amount ?? null;
  const confirm = {
    disabled: !checkout.canConfirm,
    loading: checkout.recording,
    onConfirm: () => void checkout.confirm(),
  };

  if (recorded) {
    return (
      <ConfigProvider theme={touchTheme}>
        <div data-testid="counter" style={{ maxWidth: 720, margin: '0 auto' }}>
          <SaleResult
            order={recorded}
            onNext={clearSale}
            onViewOrder={() => navigate(`/orders/${encodeURIComponent(recorded.externalId)}`)}
          />
        </div>
      </ConfigProvider>
    );
  }

  const saleTab = member && (
    <SaleForm
      sale={sale}
      errors={checkout.errors}
      amountRef={amountRef}
      stores={stores}
      coupons={usable}
      discounts={discounts}
      balance={member.pointsBalance}
      maxPoints={preview ? preview.maxPointsToSpend : null}
      capPercent={capPercent}
      onAmount={(amount) => setBasics({ ...basics, amount })}
      onStore={(choice) => setBasics({ ...basics, storeChoice: choice })}
      onLines={(lines) => setBasics({ ...basics, lines })}
      onToggleCoupon={toggleCoupon}
      onPoints={(points) => updatePayment({ points, followMax: false })}
      onUseMaxPoints={() => updatePayment({ points: preview?.maxPointsToSpend ?? null, followMax: true })}
      onSubmit={checkout.confirmWhenReady}
    />
  );
  const showSale = member !== null && tab === 'sale';

  return (
    <ConfigProvider theme={touchTheme}>
      <div
        data-testid="counter"
        data-layout={wide ? 'columns' : 'stacked'}
        style={
          wide
            ? {
                display: 'grid',
                gridTemplateColumns: 'minmax(0, 1fr) minmax(280px, 360px)',
                gap: 16,
                alignItems: 'start',
                maxWidth: 1280,
                margin: '0 auto',
              }
            : { display: 'flex', flexDirection: 'column', gap: 12 }
        }
      >
        <div style={{ display: 'flex', flexDirection: 'column', gap: 12, minWidth: 0 }}>
          <MemberLookup
            inputRef={searchRef}
            hasMember={member !== null}
            onOpen={onOpen}
            onUnownedCoupon={onUnownedCoupon}
          />
          {notice && (
            <Alert
              type="warning"
              showIcon
              closable
              message={notice}
              onClose={() => setNotice(null)}
              data-testid="counter-notice"
            />
          )}
          {memberId && !member && memberFetching && <Spin style={{ display: 'block', margin: '24px auto' }} />}
          {memberId && !member && !memberFetching && (
            <Alert
              type="warning"
              showIcon
              message={memberError ? describeError(memberError, t) : t('counter.member.notFound')}
              action={<Button onClick={clearSale}>{t('counter.member.close')}</Button>}
              data-testid="counter-member-missing"
            />
          )}
          {member && <CounterMemberCard member={member} usableCoupons={usable.length} onClose={clearSale} />}
          {member && (
            <Card size="small" styles={{ body: { paddingTop: 0 } }}>
              <Tabs
                activeKey={tab}
                onChange={(key) => setTab(key === 'rewards' ? 'rewards' : 'sale')}
                items={[
                  {
                    key: 'sale',
                    label: <span data-testid="counter-tab-sale">{t('counter.tabs.sale')}</span>,
                    children: saleTab,
                  },
                  {
                    key: 'rewards',
                    label: <span data-testid="counter-tab-rewards">{t('counter.tabs.rewards')}</span>,
                    children: (
                      <RewardRedeemPanel
                        memberId={member.id}
                        memberLabel={member.name ?? counterPhone(member.phone)}
                        balance={member.pointsBalance}
                        onRedeemed={() => refetchMember({ requestPolicy: 'network-only' })}
                      />
                    ),
                  },
                ]}
              />
            </Card>
          )}
        </div>
        {showSale && wide && (
          <div style={{ position: 'sticky', top: 16 }}>
            <SalePreview
              amount={amountFen}
              preview={preview}
              running={running}
              messages={checkout.messages}
              confirm={confirm}
            />
          </div>
        )}
        {showSale && !wide && (
          <SalePreview amount={amountFen} preview={preview} running={running} messages={checkout.messages} />
        )}
        {showSale && !wide && (
          <ConfirmBar
            due={preview && !running ? preview.cashPaid : null}
            earn={preview && !running ? preview.pointsEarned : null}
            disabled={confirm.disabled}
            loading={checkout.recording}
            onConfirm={confirm.onConfirm}
          />
        )}
        {!member && !memberId && wide && (
          <Card size="small" title={t('counter.steps.title')}>
            <ol style={{ margin: 0, paddingInlineStart: 20 }}>
              <li>{t('counter.steps.find')}</li>
              <li>{t('counter.steps.enter')}</li>
              <li>{t('counter.steps.confirm')}</li>
            </ol>
            <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
              {t('counter.steps.keys')}
            </Typography.Paragraph>
          </Card>
        )}
      </div>
    </ConfigProvider>
  );
}
