import type { HTMLAttributes } from 'react';
import { Alert, Card, Col, Form, Row, Space, Spin, Statistic, Tag, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type {
  CreateCouponTemplateInput,
  PreviewCouponTemplateMutation as PreviewResult,
} from '../../gql/graphql';
import type { UserErrorLike } from '../../api/userErrors';
import { ErrorListAlert } from '../../components/ErrorListAlert';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { SampleOrderAmountColumns, SampleOrderLines, type SampleOrderLabels } from '../../components/SampleOrderFields';
import { sampleOrderInput, type SampleOrderValues } from '../../components/sampleOrder';
import { formatMoney } from '../../format/money';
import { useLivePreview } from '../../hooks/useLivePreview';
import { useViewer } from '../../session/ViewerProvider';
import { PreviewCouponTemplateMutation } from './queries';
import { isTemplateField } from './templateForm';

const INITIAL_SAMPLE: SampleOrderValues = { amount: 100, items: [] };

type Preview = NonNullable<PreviewResult['previewCouponTemplate']['preview']>;
type PreviewLine = Preview['lines'][number] & { key: number };

interface Props {
  /** The template as the editor has it. */
  template: CreateCouponTemplateInput;
  /** What its coupons give, as a shopper reads it ("满 ¥100 减 ¥20"). */
  summary: string;
  /** The preview's verdict on the template's own fields (paths ["input", "template", field]). */
  onTemplateErrors: (errors: readonly UserErrorLike[]) => void;
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
  const [form] = Form.useForm<SampleOrderValues>();
  const watched = Form.useWatch([], form) as SampleOrderValues | undefined;
  const sample = sampleOrderInput(watched ?? INITIAL_SAMPLE);
  const { outcome, running } = useLivePreview(
    PreviewCouponTemplateMutation,
    sample ? { ...sample, template } : null,
    (data) => data.previewCouponTemplate,
    (answer) => onTemplateErrors(answer.errors.filter(isTemplateError)),
  );

  const money = (fen: number) => formatMoney(fen, viewer.tenant.currency, i18n.language);
  const result = outcome?.preview ?? null;
  const messages =
    sample === null
      ? [t('coupons.preview.needAmount')]
      : [
          ...(outcome?.failure ? [outcome.failure] : []),
          ...(outcome?.errors ?? []).map((error) => errorText(error, t)),
        ];
  const sampleLabels: SampleOrderLabels = {
    amount: t('coupons.preview.amount'),
    storeCode: t('coupons.preview.storeCode'),
    items: t('coupons.preview.items'),
    itemsHint: t('coupons.preview.itemsHint'),
    category: t('coupons.preview.category'),
    quantity: t('coupons.preview.quantity'),
    unitPrice: t('coupons.preview.unitPrice'),
    addItem: t('coupons.preview.addItem'),
  };
  const reasons = result?.reasons ?? [];
  const lines: PreviewLine[] = (result?.lines ?? []).map((line, index) => ({ ...line, key: index }));

  return (
    <Card
      size="small"
      title={
        <Space>
          {t('coupons.preview.title')}
          {running && <Spin size="small" data-testid="coupon-preview-running" />}
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
      <Form<SampleOrderValues> form={form} layout="vertical" size="small" initialValues={INITIAL_SAMPLE}>
        <Row gutter={12}>
          <SampleOrderAmountColumns span={12} labels={sampleLabels} testIdPrefix="coupon-preview" />
        </Row>
        <SampleOrderLines labels={sampleLabels} testIdPrefix="coupon-preview" />
      </Form>

      <ErrorListAlert title={t('coupons.preview.invalid')} messages={messages} testId="coupon-preview-error" />
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
        <ResponsiveTable<PreviewLine>
          size="small"
          pagination={false}
          dataSource={lines}
          data-testid="coupon-preview-lines"
          onRow={() => ({ 'data-testid': 'coupon-preview-line' }) as HTMLAttributes<HTMLElement>}
          columns={[
            { title: 'SKU', dataIndex: 'sku', card: 'title', render: (sku: string | null) => sku ?? t('common.empty') },
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
