import { Button, Input, InputNumber, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../../format/money';
import { useViewer } from '../../session/ViewerProvider';
import { FieldMessages } from './FieldMessages';
import { linesTotal, type SaleLine } from './sale';

interface Props {
  lines: readonly SaleLine[];
  /** The amount typed, in fen (null when none). */
  amountFen: number | null;
  errors: ReadonlyMap<number, string[]>;
  onChange: (lines: SaleLine[]) => void;
  /** Use the lines' total as the sale's amount. */
  onUseTotal: (fen: number) => void;
}

const GRID = { display: 'grid', gridTemplateColumns: 'minmax(0, 2fr) 72px minmax(0, 1.4fr) 44px', gap: 6 } as const;

/** The sale's items (SKU, quantity, unit price in yuan); optional, for SKU and category rules. */
export function SaleLines({ lines, amountFen, errors, onChange, onUseTotal }: Props) {
  const { t, i18n } = useTranslation();
  const { viewer } = useViewer();
  const total = linesTotal(lines);
  const update = (key: number, patch: Partial<SaleLine>) =>
    onChange(lines.map((line) => (line.key === key ? { ...line, ...patch } : line)));
  const add = () => {
    const key = Math.max(0, ...lines.map((l) => l.key)) + 1;
    onChange([...lines, { key, sku: '', quantity: 1, unitPrice: null }]);
  };

  return (
    <div data-testid="counter-lines">
      {lines.length > 0 && (
        <div style={{ ...GRID, marginBottom: 4 }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('counter.lines.sku')}
          </Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('counter.lines.quantity')}
          </Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('counter.lines.unitPrice')}
          </Typography.Text>
        </div>
      )}
      {lines.map((line, index) => (
        <div key={line.key} style={{ marginBottom: 6 }}>
          <div style={GRID}>
            <Input
              value={line.sku}
              onChange={(event) => update(line.key, { sku: event.target.value })}
              placeholder="SKU"
              autoComplete="off"
              spellCheck={false}
              aria-label={t('counter.lines.sku')}
              data-testid={`counter-line-sku-${index}`}
            />
            <InputNumber<number>
              value={line.quantity}
              min={1}
              precision={0}
              inputMode="numeric"
              onChange={(quantity) => update(line.key, { quantity })}
              style={{ width: '100%' }}
              aria-label={t('counter.lines.quantity')}
              data-testid={`counter-line-quantity-${index}`}
            />
            <InputNumber<number>
              value={line.unitPrice}
              min={0}
              precision={2}
              prefix="¥"
              inputMode="decimal"
              onChange={(unitPrice) => update(line.key, { unitPrice })}
              style={{ width: '100%' }}
              aria-label={t('counter.lines.unitPrice')}
              data-testid={`counter-line-price-${index}`}
            />
            <Button
              type="text"
              icon={<DeleteOutlined />}
              aria-label={t('common.delete')}
              onClick={() => onChange(lines.filter((l) => l.key !== line.key))}
              data-testid={`counter-line-remove-${index}`}
            />
          </div>
          <FieldMessages messages={errors.get(line.key) ?? []} testId="counter-line-error" />
        </div>
      ))}
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'center' }}>
        <Button type="dashed" icon={<PlusOutlined />} onClick={add} data-testid="counter-line-add">
          {t('counter.lines.add')}
        </Button>
        {total > 0 && (
          <>
            <Typography.Text type="secondary" data-testid="counter-lines-total">
              {t('counter.lines.total', { total: formatMoney(total, viewer.tenant.currency, i18n.language) })}
            </Typography.Text>
            {total !== amountFen && (
              <Button type="link" onClick={() => onUseTotal(total)} data-testid="counter-lines-use-total">
                {t('counter.lines.useTotal')}
              </Button>
            )}
          </>
        )}
      </div>
    </div>
  );
}
