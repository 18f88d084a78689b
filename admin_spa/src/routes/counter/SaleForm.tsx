import { useState, type KeyboardEvent, type ReactNode, type Ref } from 'react';
import { Button, InputNumber, Typography, type GetRef, type InputNumberProps } from 'antd';
import { DownOutlined, RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CounterCouponFieldsFragment } from '../../gql/graphql';
import { yuanToFen } from '../../format/money';
import { CouponPicker } from './CouponPicker';
import { FieldMessages } from './FieldMessages';
import { PointsPayment } from './PointsPayment';
import type { SaleDraft, SaleErrors, SaleLine } from './sale';
import { SaleLines } from './SaleLines';
import { StoreField } from './StoreField';

/** The amount input, focused when a member opens. */
export type AmountInputRef = GetRef<typeof InputNumber>;

interface Props {
  sale: SaleDraft;
  errors: SaleErrors;
  amountRef: Ref<AmountInputRef>;
  stores: readonly string[] | null;
  coupons: readonly CounterCouponFieldsFragment[];
  discounts: ReadonlyMap<string, number>;
  balance: number;
  maxPoints: number | null;
  capPercent: number | null;
  onAmount: (yuan: number | null) => void;
  onStore: (storeCode: string) => void;
  onLines: (lines: SaleLine[]) => void;
  onToggleCoupon: (code: string) => void;
  onPoints: (points: number | null) => void;
  onUseMaxPoints: () => void;
  /** Enter in a field: confirm the sale once its preview is ready. */
  onSubmit: () => void;
}

function Section({ label, extra, children }: { label: ReactNode; extra?: ReactNode; children: ReactNode }) {
  return (
    <section style={{ marginBottom: 16 }}>
      <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 8, marginBottom: 6 }}>
        <Typography.Text strong>{label}</Typography.Text>
        {extra}
      </div>
      {children}
    </section>
  );
}

/** Entering a sale: amount, store, items, coupons and points. */
export function SaleForm(props: Props) {
  const { sale, errors } = props;
  const { t } = useTranslation();
  const [showLines, setShowLines] = useState(sale.lines.length > 0);

  // Enter confirms; Esc empties the field it is pressed in (a second Esc clears the sale).
  const fieldKeys =
    (value: unknown, clear: () => void) =>
    (event: KeyboardEvent<HTMLInputElement>) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        props.onSubmit();
      } else if (event.key === 'Escape' && value !== null && value !== '') {
        event.preventDefault();
        clear();
      }
    };

  const amountProps: InputNumberProps<number> = {
    value: sale.amount,
    min: 0,
    precision: 2,
    prefix: '¥',
    size: 'large',
    inputMode: 'decimal',
    placeholder: t('counter.sale.amountPlaceholder'),
    status: errors.amount.length > 0 ? 'error' : undefined,
    onChange: (value) => props.onAmount(typeof value === 'number' ? value : null),
    onKeyDown: fieldKeys(sale.amount, () => props.onAmount(null)),
    style: { width: '100%', fontSize: 20 },
  };

  return (
    <div data-testid="counter-sale">
      <Section label={t('counter.sale.amount')}>
        <InputNumber<number>
          {...amountProps}
          ref={props.amountRef}
          aria-label={t('counter.sale.amount')}
          data-testid="counter-amount"
        />
        <FieldMessages messages={errors.amount} testId="counter-amount-error" />
      </Section>
      <Section label={t('counter.store.label')}>
        <StoreField stores={props.stores} value={sale.storeCode} errors={errors.storeCode} onChange={props.onStore} />
      </Section>
      <Section
        label={
          <Button
            type="text"
            icon={showLines ? <DownOutlined /> : <RightOutlined />}
            onClick={() => setShowLines((shown) => !shown)}
            aria-expanded={showLines}
            style={{ paddingInline: 0, fontWeight: 600 }}
            data-testid="counter-lines-toggle"
          >
            {sale.lines.length > 0
              ? t('counter.lines.titleCount', { count: sale.lines.length })
              : t('counter.lines.title')}
          </Button>
        }
      >
        {showLines && (
          <SaleLines
            lines={sale.lines}
            amountFen={typeof sale.amount === 'number' ? yuanToFen(sale.amount) : null}
            errors={errors.lines}
            onChange={props.onLines}
            onUseTotal={(fen) => props.onAmount(fen / 100)}
          />
        )}
      </Section>
      <Section label={t('counter.coupons.title')}>
        <CouponPicker
          coupons={props.coupons}
          selected={sale.couponCodes}
          discounts={props.discounts}
          problems={errors.coupons}
          onToggle={props.onToggleCoupon}
        />
      </Section>
      <Section label={t('counter.points.title')}>
        <PointsPayment
          value={sale.points}
          max={props.maxPoints}
          balance={props.balance}
          capPercent={props.capPercent}
          problems={errors.points}
          onChange={props.onPoints}
          onUseMax={props.onUseMaxPoints}
          onKeyDown={fieldKeys(sale.points, () => props.onPoints(null))}
        />
      </Section>
    </div>
  );
}
