import { useEffect, useRef } from 'react';
import { Button, Card, Result, Space, Typography } from 'antd';
import { FileSearchOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CounterRecordOrderMutation } from '../../gql/graphql';
import { formatMoney } from '../../format/money';
import { useViewer } from '../../session/ViewerProvider';

export type RecordedOrder = NonNullable<CounterRecordOrderMutation['recordOrder']['order']>;

interface Props {
  order: RecordedOrder;
  onNext: () => void;
  onViewOrder: () => void;
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div style={{ minWidth: 0 }}>
      <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
        {label}
      </Typography.Text>
      <Typography.Text strong style={{ fontSize: 20, overflowWrap: 'anywhere' }} data-testid={testId}>
        {value}
      </Typography.Text>
    </div>
  );
}

/** The recorded sale: its number, what it earned, the member's balance now. Enter starts the next. */
export function SaleResult({ order, onNext, onViewOrder }: Props) {
  const { t, i18n } = useTranslation();
  const { viewer } = useViewer();
  const next = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    next.current?.focus();
  }, []);

  return (
    <Card data-testid="counter-result">
      <Result
        status="success"
        title={t('counter.result.title')}
        subTitle={
          <span data-testid="counter-result-order">{t('counter.result.order', { number: order.externalId })}</span>
        }
        style={{ padding: '16px 0' }}
        extra={
          <Space wrap style={{ justifyContent: 'center' }}>
            <Button
              ref={next}
              type="primary"
              size="large"
              icon={<ReloadOutlined />}
              onClick={onNext}
              data-testid="counter-next"
            >
              {t('counter.result.next')}
            </Button>
            <Button size="large" icon={<FileSearchOutlined />} onClick={onViewOrder} data-testid="counter-view-order">
              {t('counter.result.view')}
            </Button>
          </Space>
        }
      >
        <div
          style={{
            display: 'grid',
            gridTemplateColumns: 'repeat(auto-fit, minmax(110px, 1fr))',
            gap: 12,
            textAlign: 'center',
          }}
        >
          <Figure
            label={t('counter.result.amount')}
            value={formatMoney(order.amount, viewer.tenant.currency, i18n.language)}
            testId="counter-result-amount"
          />
          <Figure
            label={t('counter.result.spent')}
            value={t('counter.result.spentValue', { points: order.pointsSpent.toLocaleString() })}
            testId="counter-result-spent"
          />
          <Figure
            label={t('counter.result.earned')}
            value={`+${order.pointsEarned.toLocaleString()}`}
            testId="counter-result-earned"
          />
          <Figure
            label={t('counter.result.balance')}
            value={order.member.pointsBalance.toLocaleString()}
            testId="counter-result-balance"
          />
        </div>
        {order.discountAmount > 0 && (
          <Typography.Paragraph type="secondary" style={{ textAlign: 'center', marginTop: 12, marginBottom: 0 }}>
            {t('counter.result.discount', {
              discount: formatMoney(order.discountAmount, viewer.tenant.currency, i18n.language),
            })}
          </Typography.Paragraph>
        )}
      </Result>
    </Card>
  );
}
