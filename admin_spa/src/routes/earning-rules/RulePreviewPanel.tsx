import { Alert, Card, Col, DatePicker, Form, Row, Select, Space, Spin, Statistic, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import type { EarningRuleDraftInput, PreviewOrderInput } from '../../gql/graphql';
import type { UserErrorLike } from '../../api/userErrors';
import { ErrorListAlert } from '../../components/ErrorListAlert';
import { SampleOrderAmountColumns, SampleOrderLines, type SampleOrderLabels } from '../../components/SampleOrderFields';
import { sampleOrderInput, type SampleOrderValues } from '../../components/sampleOrder';
import { formatDateTime } from '../../format/dateTime';
import { formatMoney } from '../../format/money';
import { useLivePreview } from '../../hooks/useLivePreview';
import { useViewer } from '../../session/ViewerProvider';
import { TiersQuery } from '../tiers/queries';
import { AppliedRulesList } from './AppliedRulesList';
import { paramLabel, trimDecimal, type RuleKind } from './ruleFormat';
import { PreviewOrderMutation } from './queries';

interface SampleValues extends SampleOrderValues {
  paidAt?: Dayjs | null;
  tierId?: string;
}

const INITIAL_SAMPLE: SampleValues = { amount: 100, items: [{ quantity: 1 }] };

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

/** The sample order as `previewOrder` takes it, without the rules. */
function sampleInput(values: SampleValues): Omit<PreviewOrderInput, 'rules'> | null {
  const order = sampleOrderInput(values);
  if (!order) return null;
  return { ...order, paidAt: values.paidAt ? values.paidAt.format() : null, tierId: values.tierId ?? null };
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
  const sample = sampleInput(watched ?? INITIAL_SAMPLE);
  const { outcome, running } = useLivePreview(
    PreviewOrderMutation,
    sample ? { ...sample, rules: [...drafts] } : null,
    (data) => data.previewOrder,
  );

  const money = (fen: number) => formatMoney(fen, currency, i18n.language);
  const result = outcome?.preview ?? null;
  const messages =
    sample === null
      ? [t('earningRules.preview.needAmount')]
      : [
          ...(outcome?.failure ? [outcome.failure] : []),
          ...(outcome?.errors ?? []).map((error) => errorText(error, props, drafts, t)),
        ];
  const sampleLabels: SampleOrderLabels = {
    amount: t('earningRules.preview.amount'),
    storeCode: t('earningRules.preview.storeCode'),
    items: t('earningRules.preview.items'),
    itemsHint: t('earningRules.preview.itemsHint'),
    category: t('earningRules.preview.category'),
    quantity: t('earningRules.preview.quantity'),
    unitPrice: t('earningRules.preview.unitPrice'),
    addItem: t('earningRules.preview.addItem'),
  };
  const tiers = [...(tierData?.tiers ?? [])].sort((a, b) => a.rank - b.rank);

  return (
    <Card
      size="small"
      title={
        <Space>
          {t('earningRules.preview.title')}
          {running && <Spin size="small" data-testid="preview-running" />}
        </Space>
      }
      data-testid="rule-preview"
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
        {t('earningRules.preview.hint')}
      </Typography.Paragraph>
      <Form<SampleValues> form={form} layout="vertical" size="small" initialValues={INITIAL_SAMPLE}>
        <Row gutter={12}>
          <SampleOrderAmountColumns span={8} labels={sampleLabels} testIdPrefix="preview" />
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
        <SampleOrderLines labels={sampleLabels} testIdPrefix="preview" />
      </Form>

      {notice && <Alert type="info" showIcon message={notice} style={{ marginBottom: 12 }} data-testid="preview-notice" />}
      <ErrorListAlert title={t('earningRules.preview.invalid')} messages={messages} testId="preview-error" />
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
