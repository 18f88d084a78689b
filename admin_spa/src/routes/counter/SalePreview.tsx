import type { ReactNode } from 'react';
import { Alert, Button, Card, Divider, Space, Spin, Typography, theme } from 'antd';
import { CheckOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CounterPreviewMutation } from '../../gql/graphql';
import { formatDateTime } from '../../format/dateTime';
import { formatMoney } from '../../format/money';
import { useViewer } from '../../session/ViewerProvider';
import { appliedRuleName, describeApplied } from '../earning-rules/ruleFormat';

export type Preview = NonNullable<CounterPreviewMutation['previewOrder']['preview']>;

interface Props {
  /** The amount entered, in fen; null before there is one. */
  amount: number | null;
  preview: Preview | null;
  running: boolean;
  /** Messages that belong to no field: a failed request, the member, the order number. */
  messages: readonly string[];
  /** Shown with the confirm button; the phone layout puts that in its bottom bar instead. */
  confirm?: { disabled: boolean; loading: boolean; onConfirm: () => void };
}

interface LineProps {
  label: ReactNode;
  value: ReactNode;
  testId: string;
  strong?: boolean;
}

function Line({ label, value, testId, strong }: LineProps) {
  return (
    <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline', gap: 8 }}>
      <Typography.Text type={strong ? undefined : 'secondary'} strong={strong}>
        {label}
      </Typography.Text>
      <Typography.Text
        strong={strong}
        style={{ fontSize: strong ? 24 : 16, whiteSpace: 'nowrap' }}
        data-testid={testId}
      >
        {value}
      </Typography.Text>
    </div>
  );
}

/** What the sale will record, recomputed as it is entered, and the button that records it. */
export function SalePreview({ amount, preview, running, messages, confirm }: Props) {
  const { t, i18n } = useTranslation();
  const { viewer } = useViewer();
  const { token } = theme.useToken();
  const { currency, timezone: timeZone } = viewer.tenant;
  const money = (fen: number) => formatMoney(fen, currency, i18n.language);
  const ctx = { t, money, timeZone };

  return (
    <Card
      size="small"
      title={
        <Space>
          {t('counter.preview.title')}
          {running && <Spin size="small" data-testid="counter-preview-running" />}
        </Space>
      }
      data-testid="counter-preview"
      data-settled={!running && preview ? 'true' : 'false'}
    >
      {amount === null ? (
        <Typography.Text type="secondary">{t('counter.preview.empty')}</Typography.Text>
      ) : (
        <div style={{ display: 'flex', flexDirection: 'column', gap: 6, opacity: running ? 0.6 : 1 }}>
          <Line label={t('counter.preview.amount')} value={money(amount)} testId="counter-preview-amount" />
          {preview && preview.discountAmount > 0 && (
            <>
              <Line
                label={t('counter.preview.discount')}
                value={`−${money(preview.discountAmount)}`}
                testId="counter-preview-discount"
              />
              {preview.coupons.map((coupon) => (
                <div
                  key={coupon.code}
                  style={{ display: 'flex', justifyContent: 'space-between', gap: 8, paddingInlineStart: 12 }}
                  data-testid="counter-preview-coupon"
                  data-code={coupon.code}
                >
                  <Typography.Text type="secondary" ellipsis style={{ fontSize: 12 }}>
                    {coupon.name}
                  </Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                    −{money(coupon.discountAmount)}
                  </Typography.Text>
                </div>
              ))}
            </>
          )}
          {preview && preview.pointsToSpend > 0 && (
            <Line
              label={
                <span data-testid="counter-preview-points">
                  {t('counter.preview.points', { points: preview.pointsToSpend.toLocaleString() })}
                </span>
              }
              value={`−${money(preview.pointsValue)}`}
              testId="counter-preview-points-value"
            />
          )}
          <Divider style={{ margin: '6px 0' }} />
          <Line
            label={t('counter.preview.due')}
            value={preview ? money(preview.cashPaid) : '—'}
            testId="counter-preview-due"
            strong
          />
          <Line
            label={t('counter.preview.earn')}
            value={preview ? `+${preview.pointsEarned.toLocaleString()}` : '—'}
            testId="counter-preview-earn"
          />
          {preview?.availableAt && preview.pointsEarned > 0 && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="counter-preview-pending">
              {t('counter.preview.pendingUntil', { time: formatDateTime(preview.availableAt, timeZone) })}
            </Typography.Text>
          )}
          {preview && preview.rules.length > 0 && (
            <ul
              style={{ margin: '4px 0 0', paddingInlineStart: 18, fontSize: 12, color: token.colorTextSecondary }}
              data-testid="counter-preview-rules"
            >
              {preview.rules.map((rule, index) => (
                <li key={index} data-testid="counter-preview-rule" style={{ overflowWrap: 'anywhere' }}>
                  {appliedRuleName(rule, t)}: {describeApplied(rule, ctx)}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {messages.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          message={messages.length === 1 ? messages[0] : t('counter.preview.refused')}
          description={
            messages.length > 1 ? (
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {messages.map((text, index) => (
                  <li key={index}>{text}</li>
                ))}
              </ul>
            ) : undefined
          }
          data-testid="counter-errors"
        />
      )}
      {confirm && (
        <Button
          type="primary"
          size="large"
          block
          icon={<CheckOutlined />}
          disabled={confirm.disabled}
          loading={confirm.loading}
          onClick={confirm.onConfirm}
          style={{ marginTop: 16 }}
          data-testid="counter-confirm"
        >
          {t('counter.confirm')}
        </Button>
      )}
    </Card>
  );
}
