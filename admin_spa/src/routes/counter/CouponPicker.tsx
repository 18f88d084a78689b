import { Typography, theme } from 'antd';
import { CheckCircleFilled, TagOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CounterCouponFieldsFragment } from '../../gql/graphql';
import { formatDateTime } from '../../format/dateTime';
import { formatMoney } from '../../format/money';
import { useViewer } from '../../session/ViewerProvider';
import { faceValue } from '../coupons/couponFormat';
import { FieldMessages } from './FieldMessages';

interface Props {
  /** The member's coupons usable now. */
  coupons: readonly CounterCouponFieldsFragment[];
  /** Selected codes, in tap order (scanned codes issued to nobody included). */
  selected: readonly string[];
  /** What each applied coupon takes off, by code, from the latest preview. */
  discounts: ReadonlyMap<string, number>;
  /** Why a selected coupon would be refused, by code. */
  problems: ReadonlyMap<string, string[]>;
  onToggle: (code: string) => void;
}

interface CardProps {
  code: string;
  title: string;
  subtitle: string;
  selected: boolean;
  discount: number | undefined;
  problems: readonly string[];
  onToggle: () => void;
}

function CouponCard({ code, title, subtitle, selected, discount, problems, onToggle }: CardProps) {
  const { i18n } = useTranslation();
  const { viewer } = useViewer();
  const { token } = theme.useToken();
  const refused = selected && problems.length > 0;
  const border = refused ? token.colorError : selected ? token.colorPrimary : token.colorBorder;
  return (
    <div style={{ minWidth: 0 }}>
      <button
        type="button"
        onClick={onToggle}
        aria-pressed={selected}
        data-testid="counter-coupon"
        data-code={code}
        data-selected={selected ? 'true' : 'false'}
        style={{
          width: '100%',
          minHeight: 64,
          display: 'flex',
          alignItems: 'center',
          gap: 10,
          padding: '8px 12px',
          textAlign: 'start',
          cursor: 'pointer',
          font: 'inherit',
          color: token.colorText,
          background: selected ? token.colorPrimaryBg : token.colorBgContainer,
          border: `${selected ? 2 : 1}px solid ${border}`,
          borderRadius: token.borderRadiusLG,
        }}
      >
        {selected ? (
          <CheckCircleFilled style={{ fontSize: 20, color: refused ? token.colorError : token.colorPrimary }} />
        ) : (
          <TagOutlined style={{ fontSize: 20, color: token.colorTextTertiary }} />
        )}
        <span style={{ flex: 1, minWidth: 0 }}>
          <span style={{ display: 'block', fontWeight: 600, overflowWrap: 'anywhere' }}>{title}</span>
          <span style={{ display: 'block', fontSize: 12, color: token.colorTextSecondary, overflowWrap: 'anywhere' }}>
            {subtitle}
          </span>
        </span>
        {selected && discount !== undefined && discount > 0 && (
          <span
            style={{ fontWeight: 600, color: token.colorSuccess, whiteSpace: 'nowrap' }}
            data-testid="counter-coupon-discount"
          >
            −{formatMoney(discount, viewer.tenant.currency, i18n.language)}
          </span>
        )}
      </button>
      {refused && <FieldMessages messages={problems} testId="counter-coupon-problem" code={code} />}
    </div>
  );
}

/** The member's usable coupons as cards: one tap selects, another one drops it. */
export function CouponPicker({ coupons, selected, discounts, problems, onToggle }: Props) {
  const { t, i18n } = useTranslation();
  const { viewer } = useViewer();
  const { currency, timezone: timeZone } = viewer.tenant;
  const money = (fen: number) => formatMoney(fen, currency, i18n.language);
  const known = new Set(coupons.map((c) => c.code));
  const scanned = selected.filter((code) => !known.has(code));

  if (coupons.length === 0 && scanned.length === 0) {
    return (
      <Typography.Text type="secondary" data-testid="counter-no-coupons">
        {t('counter.coupons.none')}
      </Typography.Text>
    );
  }
  return (
    <div
      style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(min(100%, 200px), 1fr))', gap: 8 }}
      data-testid="counter-coupons"
    >
      {coupons.map((coupon) => (
        <CouponCard
          key={coupon.code}
          code={coupon.code}
          title={coupon.template.name}
          subtitle={`${faceValue(coupon.template, t, money)} · ${t('counter.coupons.until', {
            date: formatDateTime(coupon.validUntil, timeZone).slice(0, 10),
          })}`}
          selected={selected.includes(coupon.code)}
          discount={discounts.get(coupon.code)}
          problems={problems.get(coupon.code) ?? []}
          onToggle={() => onToggle(coupon.code)}
        />
      ))}
      {scanned.map((code) => (
        <CouponCard
          key={code}
          code={code}
          title={code}
          subtitle={t('counter.coupons.scanned')}
          selected
          discount={discounts.get(code)}
          problems={problems.get(code) ?? []}
          onToggle={() => onToggle(code)}
        />
      ))}
    </div>
  );
}
