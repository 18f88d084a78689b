import type { KeyboardEvent } from 'react';
import { Button, InputNumber, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { FieldMessages } from './FieldMessages';

interface Props {
  value: number | null;
  /** The most this sale may take (balance and the tenant's cap), from the latest preview. */
  max: number | null;
  balance: number;
  capPercent: number | null;
  problems: readonly string[];
  onChange: (points: number | null) => void;
  onUseMax: () => void;
  onKeyDown: (event: KeyboardEvent<HTMLInputElement>) => void;
}

/** Points as payment (积分抵现): a number within the sale's most, or the most with one tap. */
export function PointsPayment({ value, max, balance, capPercent, problems, onChange, onUseMax, onKeyDown }: Props) {
  const { t } = useTranslation();
  const refused = problems.length > 0;
  return (
    <div>
      <Space.Compact style={{ width: '100%' }}>
        <InputNumber<number>
          value={value}
          min={0}
          precision={0}
          step={100}
          inputMode="numeric"
          placeholder={t('counter.points.placeholder')}
          status={refused ? 'error' : undefined}
          onChange={(next) => onChange(typeof next === 'number' ? next : null)}
          onKeyDown={onKeyDown}
          style={{ width: '100%' }}
          aria-label={t('counter.points.label')}
          data-testid="counter-points"
        />
        <Button onClick={onUseMax} disabled={!max} data-testid="counter-points-max">
          {t('counter.points.useMax')}
        </Button>
      </Space.Compact>
      <Typography.Text
        type="secondary"
        style={{ display: 'block', fontSize: 12, marginTop: 4 }}
        data-testid="counter-points-hint"
      >
        {max === null
          ? t('counter.points.balanceOnly', { balance: balance.toLocaleString() })
          : t('counter.points.hint', {
              max: max.toLocaleString(),
              balance: balance.toLocaleString(),
              cap: capPercent ?? 100,
            })}
      </Typography.Text>
      <FieldMessages messages={problems} testId="counter-points-problem" />
    </div>
  );
}
