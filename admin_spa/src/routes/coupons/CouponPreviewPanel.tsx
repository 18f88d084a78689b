import { useEffect, useRef, useState, type HTMLAttributes } from 'react';
import { Alert, Button, Card, Col, Form, Input, InputNumber, Row, Space, Spin, Statistic, Table, Tag, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type {
  CreateCouponTemplateInput,
  PreviewCouponTemplateInput,
  PreviewCouponTemplateMutation as PreviewResult,
} from '../../gql/graphql';
import { describeError, type UserErrorLike } from '../../api/userErrors';
import { formatMoney } from '../../format/money';
import { useDebouncedValue } from '../../hooks/useDebouncedValue';
import { useViewer } from '../../session/ViewerProvider';
import { yuanToFen } from './couponFormat';
import { PreviewCouponTemplateMutation } from './queries';
import { isTemplateField } from './templateForm';

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
  items?: (SampleLine | undefined)[];
}

const INITIAL_SAMPLE: SampleValues = { amount: 100, items: [] };

type Preview = NonNullable<PreviewResult['previewCouponTemplate']['preview']>;
type PreviewLine = Preview['lines'][number] & { key: number };

interface Outcome {
  preview: Preview | null;
  errors: readonly UserErrorLike[];
  failure: string | null;
}

interface Props {
  /** The template as the editor has it. */
  template: CreateCouponTemplateInput;
  /** What its coupons give, as a shopper reads it ("满 ¥100 减 ¥20"). */
  summary: string;
  /** The preview's verdict on the template's own fields (paths ["input", "template", field]). */
  onTemplateErrors: (errors: readonly UserErrorLike[]) => void;
}

/** The sample order as `previewCouponTemplate` takes it; lines without a SKU or price are left out. */
function sampleInput(values: SampleValues): Omit<PreviewCouponTemplateInput, 'template'> | null {
  if (typeof values.amount !== 'number' || values.amount <= 0) return null;
  const items = (values.items ?? [])
    .filter((line): line is SampleLine => !!line && !!line.sku?.trim() && typeof line.unitPrice === 'number')
    .map((line) => ({
      sku: (line.sku ?? '').trim(),
      category: line.category?.trim() || null,
      quantity: typeof line.quantity === 'number' ? line.quantity : 1,
      unitPrice: yuanToFen(line.unitPrice ?? 0),
    }));
  return {
    amount: yuanToFen(values.amount),
    storeCode: values.storeCode?.trim() || null,
    items: items.length > 0 ? items : null,
  };
}

function isTemplateError(error: UserErrorLike): boolean {
  const field = error.field ?? [];
  return field[0] === 'input' && field[1] === 'template';
}

/** "Percent off: must be between 1 and 100" for a template field; sample lines by number. */
function errorText(error: UserErrorLike, t: TFunction): string {
  const field = error.field ?? [];
  if (isTemplateError(error) && field[2] && isTemplateField(field[2])) {
    return t('coupons.summaryItem', { label: t(`coupons.fields.${field[2]}`), value: error.message });
  }
  if (field[1] === 'items' && field.length >= 3) {
    return t('coupons.summaryItem', {
      label: t('coupons.preview.line', { line: Number(field[2]) + 1 }),
      value: error.message,
    });
  }
  return error.message;
}

/** A sample order and the discount the template being edited would give on it, as it changes. */
export function CouponPreviewPanel({ template, summary, onTemplateErrors }: Props) {
  const { t, i18n } = useTranslation();
  const { viewer } = useViewer();
  const [form] = Form.useForm<SampleValues>();
  const watched = Form.useWatch([], form) as SampleValues | undefined;
  const [, preview] = useMutation(PreviewCouponTemplateMutation);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [running, setRunning] = useState(false);
  const latest = useRef(0);
  const reportErrors = useRef(onTemplateErrors);
  useEffect(() => {
    reportErrors.current = onTemplateErrors;
  }, [onTemplateErrors]);

  const sample = sampleInput(watched ?? INITIAL_SAMPLE);
  // The serialised request: a new preview runs once it has stopped changing.
  const requestKey = sample ? JSON.stringify({ ...sample, template }) : null;
  const debouncedKey = useDebouncedValue(requestKey, PREVIEW_DEBOUNCE_MS);

  useEffect(() => {
    if (!debouncedKey) return;
    const seq = ++latest.current;
    setRunning(true);
    const input = JSON.parse(debouncedKey) as PreviewCouponTemplateInput;
    void preview({ input }).then((result) => {
      // A slower answer to an older request must not overwrite a newer one.
      if (seq !== latest.current) return;
      setRunning(false);
      const payload = result.data?.previewCouponTemplate;
      if (result.error) {
        setOutcome({ preview: null, errors: [], failure: describeError(result.error, t) });
        reportErrors.current([]);
      } else if (payload) {
        setOutcome({ preview: payload.errors.length > 0 ? null : (payload.preview ?? null), errors: payload.errors, failure: null });
        reportErrors.current(payload.errors.filter(isTemplateError));
      }
    });
  }, [debouncedKey, preview, t]);

  const money = (fen: number) => formatMoney(fen, viewer.tenant.currency, i18n.language);
  const result = requestKey === null ? null : (outcome?.preview ?? null);
  const messages =
    requestKey === null
      ? [t('coupons.preview.needAmount')]
      : [
          ...(outcome?.failure ? [outcome.failure] : []),
          ...(outcome?.errors ?? []).map((error) => errorText(error, t)),
        ];
  const reasons = result?.reasons ?? [];
  const lines: PreviewLine[] = (result?.lines ?? []).map((line, index) => ({ ...line, key: index }));

  return (
    <Card
      size="small"
      title={
        <Space>
          {t('coupons.preview.title')}
          {(running || requestKey !== debouncedKey) && <Spin size="small" data-testid="coupon-preview-running" />}
        </Space>
      }
      data-testid="coupon-preview"
    >
      <Typography.Paragraph style={{ marginBottom: 4 }}>
        <Typography.Text strong data-testid="coupon-preview-summary">
          {summary}
        </Typography.Text>
      </Typography.Paragraph>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
        {t('coupons.preview.hint')}
      </Typography.Paragraph>
      <Form<SampleValues> form={form} layout="vertical" size="small" initialValues={INITIAL_SAMPLE}>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item
              name="amount"
              label={t('coupons.preview.amount')}
              rules={[{ required: true, message: t('common.required', { field: t('coupons.preview.amount') }) }]}
            >
              <InputNumber min={0.01} precision={2} prefix="¥" style={{ width: '100%' }} data-testid="coupon-preview-amount" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="storeCode" label={t('coupons.preview.storeCode')}>
              <Input allowClear data-testid="coupon-preview-store" />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Text strong>{t('coupons.preview.items')}</Typography.Text>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>
          {t('coupons.preview.itemsHint')}
        </Typography.Paragraph>
        <Form.List name="items">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, index) => (
                <Row gutter={8} key={field.key} align="top">
                  <Col span={6}>
                    <Form.Item name={[field.name, 'sku']}>
                      <Input placeholder="SKU" data-testid={`coupon-preview-item-sku-${index}`} />
                    </Form.Item>
                  </Col>
                  <Col span={6}>
                    <Form.Item name={[field.name, 'category']}>
                      <Input placeholder={t('coupons.preview.category')} data-testid={`coupon-preview-item-category-${index}`} />
                    </Form.Item>
                  </Col>
                  <Col span={4}>
                    <Form.Item name={[field.name, 'quantity']}>
                      <InputNumber
                        min={1}
                        precision={0}
                        placeholder={t('coupons.preview.quantity')}
                        style={{ width: '100%' }}
                        data-testid={`coupon-preview-item-quantity-${index}`}
                      />
                    </Form.Item>
                  </Col>
                  <Col span={6}>
                    <Form.Item name={[field.name, 'unitPrice']}>
                      <InputNumber
                        min={0}
                        precision={2}
                        prefix="¥"
                        placeholder={t('coupons.preview.unitPrice')}
                        style={{ width: '100%' }}
                        data-testid={`coupon-preview-item-price-${index}`}
                      />
                    </Form.Item>
                  </Col>
                  <Col span={2}>
                    <Button
                      type="text"
                      icon={<DeleteOutlined />}
                      aria-label={t('common.delete')}
                      onClick={() => remove(field.name)}
                      data-testid={`coupon-preview-item-remove-${index}`}
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
                data-testid="coupon-preview-item-add"
              >
                {t('coupons.preview.addItem')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>

      {messages.length > 0 && (
        <Alert
          type="error"
          showIcon
          message={t('coupons.preview.invalid')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {messages.map((text, index) => (
                <li key={index}>{text}</li>
              ))}
            </ul>
          }
          style={{ marginBottom: 12 }}
          data-testid="coupon-preview-error"
        />
      )}
      <Row gutter={16} style={{ marginBottom: 12 }}>
        <Col span={10}>
          <Statistic
            title={t('coupons.preview.discount')}
            value={result ? money(result.discountAmount) : '—'}
            valueStyle={{ fontSize: 32, color: result && result.discountAmount > 0 ? '#cf1322' : undefined }}
            valueRender={(node) => <span data-testid="coupon-preview-discount">{node}</span>}
          />
        </Col>
        <Col span={7}>
          <Statistic
            title={t('coupons.preview.payable')}
            value={result ? money(result.payableAmount) : '—'}
            valueStyle={{ fontSize: 18 }}
            valueRender={(node) => <span data-testid="coupon-preview-payable">{node}</span>}
          />
        </Col>
        <Col span={7}>
          <Statistic
            title={t('coupons.preview.eligible')}
            value={result ? money(result.eligibleAmount) : '—'}
            valueStyle={{ fontSize: 18 }}
            valueRender={(node) => <span data-testid="coupon-preview-eligible">{node}</span>}
          />
        </Col>
      </Row>
      {result && reasons.length > 0 && (
        <Alert
          type="warning"
          showIcon
          message={t('coupons.preview.notApplicable')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {reasons.map((reason, index) => (
                <li key={index} data-testid="coupon-preview-reason" data-code={reason.code}>
                  {reason.message}
                </li>
              ))}
            </ul>
          }
          style={{ marginBottom: 12 }}
          data-testid="coupon-preview-reasons"
        />
      )}
      {result && reasons.length === 0 && (
        <Alert
          type="success"
          showIcon
          message={t('coupons.preview.applicable')}
          style={{ marginBottom: 12 }}
          data-testid="coupon-preview-applicable"
        />
      )}
      {lines.length > 0 && (
        <Table<PreviewLine>
          size="small"
          pagination={false}
          dataSource={lines}
          data-testid="coupon-preview-lines"
          onRow={() => ({ 'data-testid': 'coupon-preview-line' }) as HTMLAttributes<HTMLElement>}
          columns={[
            { title: 'SKU', dataIndex: 'sku', render: (sku: string | null) => sku ?? t('common.empty') },
            {
              title: t('coupons.preview.category'),
              dataIndex: 'category',
              render: (category: string | null) => category ?? t('common.empty'),
            },
            { title: t('coupons.preview.lineAmount'), dataIndex: 'amount', align: 'right', render: (fen: number) => money(fen) },
            {
              title: t('coupons.preview.lineDiscount'),
              dataIndex: 'discount',
              align: 'right',
              render: (fen: number) => <span data-testid="coupon-preview-line-discount">{money(fen)}</span>,
            },
            {
              title: t('coupons.preview.inScope'),
              dataIndex: 'eligible',
              render: (eligible: boolean) =>
                eligible ? <Tag color="green">{t('common.yes')}</Tag> : <Tag>{t('common.no')}</Tag>,
            },
          ]}
        />
      )}
    </Card>
  );
}
