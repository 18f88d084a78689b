import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, Col, DatePicker, Form, Input, InputNumber, Row, Select, Space, Spin, Statistic, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import type { EarningRuleDraftInput, PreviewOrderInput, PreviewOrderMutation as PreviewResult } from '../../gql/graphql';
import { describeError, type UserErrorLike } from '../../api/userErrors';
import { formatDateTime } from '../../format/dateTime';
import { formatMoney } from '../../format/money';
import { useDebouncedValue } from '../../hooks/useDebouncedValue';
import { useViewer } from '../../session/ViewerProvider';
import { TiersQuery } from '../tiers/queries';
import { AppliedRulesList } from './AppliedRulesList';
import { paramLabel, trimDecimal, type RuleKind } from './ruleFormat';
import { PreviewOrderMutation } from './queries';

const PREVIEW_DEBOUNCE_MS = 300;

interface SampleLine {
  sku?: string;
  category?: string;
  quantity?: number | null;
  /** Yuan. */
  unitPrice?: number | null;
}

interface SampleValues {
  /** Yuan. */
  amount?: number | null;
  storeCode?: string;
  paidAt?: Dayjs | null;
  tierId?: string;
  items?: (SampleLine | undefined)[];
}

const INITIAL_SAMPLE: SampleValues = { amount: 100, items: [{ quantity: 1 }] };

type Preview = NonNullable<PreviewResult['previewOrder']['preview']>;

interface Outcome {
  preview: Preview | null;
  errors: readonly UserErrorLike[];
  failure: string | null;
}

interface Props {
  /** The rules to preview with: the tenant's enabled ones, the edited one in its place. */
  drafts: readonly EarningRuleDraftInput[];
  /** Where the edited rule sits in `drafts` (-1 when it is not in them yet). */
  editedIndex: number;
  /** The edited rule's kind, to name its parameters in errors. */
  editedKind: RuleKind | undefined;
  /** Why the edited rule is not part of the preview, if it is not. */
  notice: string | null;
}

function toFen(yuan: number): number {
  return Math.round(yuan * 100);
}

/** The sample order as `previewOrder` takes it; lines without a SKU or price are left out. */
function sampleInput(values: SampleValues): Omit<PreviewOrderInput, 'rules'> | null {
  if (typeof values.amount !== 'number' || values.amount <= 0) return null;
  const items = (values.items ?? [])
    .filter((line): line is SampleLine => !!line && !!line.sku?.trim() && typeof line.unitPrice === 'number')
    .map((line) => ({
      sku: (line.sku ?? '').trim(),
      category: line.category?.trim() || null,
      quantity: typeof line.quantity === 'number' ? line.quantity : 1,
      unitPrice: toFen(line.unitPrice ?? 0),
    }));
  return {
    amount: toFen(values.amount),
    storeCode: values.storeCode?.trim() || null,
    paidAt: values.paidAt ? values.paidAt.format() : null,
    tierId: values.tierId ?? null,
    items: items.length > 0 ? items : null,
  };
}

/** "Multiplier: must be between 0 and 100" for an error of the edited rule; other paths as given. */
function errorText(error: UserErrorLike, props: Props, drafts: readonly EarningRuleDraftInput[], t: TFunction): string {
  const field = error.field ?? [];
  if (field[1] === 'rules' && field.length >= 3) {
    const index = Number(field[2]);
    const rest = field.slice(3);
    if (index === props.editedIndex) {
      if (rest[0] === 'params' && rest[1]) {
        const param = props.editedKind?.params.find((p) => p.name === rest[1]);
        const label = props.editedKind && param ? paramLabel(props.editedKind.name, param, t) : rest[1];
        return t('earningRules.summaryItem', { label, value: error.message });
      }
      return t('earningRules.summaryItem', { label: t('earningRules.preview.thisRule'), value: error.message });
    }
    const name = drafts[index]?.name ?? `#${index + 1}`;
    return t('earningRules.summaryItem', { label: t('earningRules.preview.otherRule', { name }), value: error.message });
  }
  if (field[1] === 'items' && field.length >= 3) {
    return t('earningRules.summaryItem', {
      label: t('earningRules.preview.line', { line: Number(field[2]) + 1 }),
      value: error.message,
    });
  }
  return error.message;
}

/** A sample order and what it would earn under the rules being edited, recomputed as they change. */
export function RulePreviewPanel(props: Props) {
  const { drafts, notice } = props;
  const { t, i18n } = useTranslation();
  const { viewer } = useViewer();
  const { currency, timezone: timeZone } = viewer.tenant;
  const [form] = Form.useForm<SampleValues>();
  const watched = Form.useWatch([], form) as SampleValues | undefined;
  const [{ data: tierData }] = useQuery({ query: TiersQuery });
  const [, preview] = useMutation(PreviewOrderMutation);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [running, setRunning] = useState(false);
  const latest = useRef(0);

  const sample = sampleInput(watched ?? INITIAL_SAMPLE);
  // The serialised request: a new preview runs once it has stopped changing.
  const requestKey = sample ? JSON.stringify({ ...sample, rules: drafts }) : null;
  const debouncedKey = useDebouncedValue(requestKey, PREVIEW_DEBOUNCE_MS);

  useEffect(() => {
    if (!debouncedKey) return;
    const seq = ++latest.current;
    setRunning(true);
    const input = JSON.parse(debouncedKey) as PreviewOrderInput;
    void preview({ input }).then((result) => {
      // A slower answer to an older request must not overwrite a newer one.
      if (seq !== latest.current) return;
      setRunning(false);
      const payload = result.data?.previewOrder;
      if (result.error) {
        setOutcome({ preview: null, errors: [], failure: describeError(result.error, t) });
      } else if (payload) {
        setOutcome({ preview: payload.errors.length > 0 ? null : payload.preview, errors: payload.errors, failure: null });
      }
    });
  }, [debouncedKey, preview, t]);

  const money = (fen: number) => formatMoney(fen, currency, i18n.language);
  const result = requestKey === null ? null : (outcome?.preview ?? null);
  const messages = requestKey === null ? [t('earningRules.preview.needAmount')] : [
        ...(outcome?.failure ? [outcome.failure] : []),
        ...(outcome?.errors ?? []).map((error) => errorText(error, props, drafts, t)),
      ];
  const tiers = [...(tierData?.tiers ?? [])].sort((a, b) => a.rank - b.rank);

  return (
    <Card
      size="small"
      title={
        <Space>
          {t('earningRules.preview.title')}
          {(running || requestKey !== debouncedKey) && <Spin size="small" data-testid="preview-running" />}
        </Space>
      }
      data-testid="rule-preview"
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
        {t('earningRules.preview.hint')}
      </Typography.Paragraph>
      <Form<SampleValues> form={form} layout="vertical" size="small" initialValues={INITIAL_SAMPLE}>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item
              name="amount"
              label={t('earningRules.preview.amount')}
              rules={[{ required: true, message: t('common.required', { field: t('earningRules.preview.amount') }) }]}
            >
              <InputNumber min={0.01} precision={2} prefix="¥" style={{ width: '100%' }} data-testid="preview-amount" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="storeCode" label={t('earningRules.preview.storeCode')}>
              <Input allowClear data-testid="preview-store" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="tierId" label={t('earningRules.preview.tier')}>
              <Select
                allowClear
                placeholder={t('earningRules.preview.noTier')}
                options={tiers.map((tier) => ({ value: tier.id, label: `${tier.name} ×${tier.pointsMultiplier}` }))}
                data-testid="preview-tier"
              />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="paidAt" label={t('earningRules.preview.paidAt')} extra={t('earningRules.preview.paidAtHint')}>
          <DatePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            style={{ width: '100%' }}
            data-testid="preview-paid-at"
          />
        </Form.Item>
        <Typography.Text strong>{t('earningRules.preview.items')}</Typography.Text>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>
          {t('earningRules.preview.itemsHint')}
        </Typography.Paragraph>
        <Form.List name="items">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, index) => (
                <Row gutter={8} key={field.key} align="top">
                  <Col span={6}>
                    <Form.Item name={[field.name, 'sku']}>
                      <Input placeholder="SKU" data-testid={`preview-item-sku-${index}`} />
                    </Form.Item>
                  </Col>
                  <Col span={6}>
                    <Form.Item name={[field.name, 'category']}>
                      <Input
                        placeholder={t('earningRules.preview.category')}
                        data-testid={`preview-item-category-${index}`}
                      />
                    </Form.Item>
                  </Col>
                  <Col span={4}>
                    <Form.Item name={[field.name, 'quantity']}>
                      <InputNumber
                        min={1}
                        precision={0}
                        placeholder={t('earningRules.preview.quantity')}
                        style={{ width: '100%' }}
                        data-testid={`preview-item-quantity-${index}`}
                      />
                    </Form.Item>
                  </Col>
                  <Col span={6}>
                    <Form.Item name={[field.name, 'unitPrice']}>
                      <InputNumber
                        min={0}
                        precision={2}
                        prefix="¥"
                        placeholder={t('earningRules.preview.unitPrice')}
                        style={{ width: '100%' }}
                        data-testid={`preview-item-price-${index}`}
                      />
                    </Form.Item>
                  </Col>
                  <Col span={2}>
                    <Button
                      type="text"
                      icon={<DeleteOutlined />}
                      aria-label={t('common.delete')}
                      onClick={() => remove(field.name)}
                      data-testid={`preview-item-remove-${index}`}
                    />
                  </Col>
                </Row>
              ))}
              <Button
                type="dashed"
                size="small"
                icon={<PlusOutlined />}
                onClick={() => add({ quantity: 1 })}
                style={{ marginBottom: 16 }}
                data-testid="preview-item-add"
              >
                {t('earningRules.preview.addItem')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>

      {notice && <Alert type="info" showIcon message={notice} style={{ marginBottom: 12 }} data-testid="preview-notice" />}
      {messages.length > 0 && (
        <Alert
          type="error"
          showIcon
          message={t('earningRules.preview.invalid')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {messages.map((text, index) => (
                <li key={index}>{text}</li>
              ))}
            </ul>
          }
          style={{ marginBottom: 12 }}
          data-testid="preview-error"
        />
      )}
      <Row gutter={16} style={{ marginBottom: 12 }}>
        <Col span={10}>
          <Statistic
            title={t('earningRules.preview.points')}
            value={result ? result.pointsEarned : '—'}
            valueStyle={{ fontSize: 36, color: result ? '#1677ff' : undefined }}
            valueRender={(node) => <span data-testid="preview-points">{node}</span>}
          />
        </Col>
        <Col span={7}>
          <Statistic
            title={t('earningRules.preview.exact')}
            value={result ? result.exactPoints : '—'}
            formatter={(value) => (typeof value === 'string' ? trimDecimal(value) : String(value))}
            valueStyle={{ fontSize: 18 }}
            valueRender={(node) => <span data-testid="preview-exact">{node}</span>}
          />
        </Col>
        <Col span={7}>
          <Statistic
            title={t('earningRules.preview.cashPaid')}
            value={result ? money(result.cashPaid) : '—'}
            valueStyle={{ fontSize: 18 }}
            valueRender={(node) => <span data-testid="preview-cash">{node}</span>}
          />
        </Col>
      </Row>
      {result?.availableAt && (
        <Typography.Paragraph type="secondary" data-testid="preview-available-at">
          {t('earningRules.preview.pendingUntil', { time: formatDateTime(result.availableAt, timeZone) })}
        </Typography.Paragraph>
      )}
      <AppliedRulesList rules={result?.rules ?? []} testId="preview-rules" />
    </Card>
  );
}
