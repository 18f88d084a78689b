import { Col, DatePicker, Divider, Form, Input, InputNumber, Radio, Row, Select, Switch } from 'antd';
import type { Rule } from 'antd/es/form';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { CouponKind } from '../../gql/graphql';
import { COUPON_KINDS, COUPON_PERIODS, isCampaignCode } from './couponFormat';
import type { TemplateField, ValidityMode } from './templateForm';

const PRIORITY_LIMIT = 1_000_000;
const MAX_AMOUNT_YUAN = (2 ** 53 - 1) / 100;

interface RangeOptions {
  low: number;
  high: number;
  integer?: boolean;
  required?: string;
}

/**
 * Bounds checked by a validator rather than by the input (which would silently clamp what was
 * typed); the server checks again, and the preview shows its verdict as it goes.
 */
function rangeRules(t: TFunction, { low, high, integer = false, required }: RangeOptions): Rule[] {
  const rules: Rule[] = [];
  if (required) rules.push({ required: true, message: t('common.required', { field: required }) });
  rules.push({
    validator: async (_, value: unknown) => {
      if (value === null || value === undefined || value === '') return;
      if (typeof value !== 'number' || value < low || value > high || (integer && !Number.isInteger(value))) {
        throw new Error(
          integer ? t('coupons.errors.integerRange', { low, high }) : t('coupons.errors.range', { low, high }),
        );
      }
    },
  });
  return rules;
}

function moneyRules(t: TFunction, { positive, required }: { positive: boolean; required?: string }): Rule[] {
  const rules: Rule[] = [];
  if (required) rules.push({ required: true, message: t('common.required', { field: required }) });
  rules.push({
    validator: async (_, value: unknown) => {
      if (value === null || value === undefined || value === '') return;
      if (typeof value !== 'number' || value > MAX_AMOUNT_YUAN || (positive ? value <= 0 : value < 0)) {
        throw new Error(positive ? t('coupons.errors.positiveMoney') : t('coupons.errors.nonNegativeMoney'));
      }
    },
  });
  return rules;
}

/** A free list of texts (SKUs, categories, store codes), typed and split on commas. */
function TagsInput(props: { testId: string; placeholder: string; disabled: boolean }) {
  return (
    <Select
      mode="tags"
      disabled={props.disabled}
      tokenSeparators={[',', '，', ' ']}
      open={false}
      suffixIcon={null}
      placeholder={props.placeholder}
      data-testid={props.testId}
    />
  );
}

const SCOPE_FIELDS = ['skus', 'categories', 'stores', 'excludedSkus', 'excludedCategories'] as const;

interface Props {
  kind: CouponKind | undefined;
  validityMode: ValidityMode;
  /** Editing a stored template: its kind stays. */
  editing?: boolean;
  /** Coupons of it have been issued: what they are worth (value and scope) stays. */
  valueLocked?: boolean;
}

/** The template editor's inputs; money in yuan, named after the API's fields so errors land on them. */
export function TemplateFormFields({ kind, validityMode, editing = false, valueLocked = false }: Props) {
  const { t } = useTranslation();
  const label = (field: TemplateField) => t(`coupons.fields.${field}`);
  const yuan = (field: TemplateField) => t('coupons.yuanLabel', { label: label(field) });
  const moneyInput = (testId: string, disabled = false) => (
    <InputNumber precision={2} prefix="¥" style={{ width: '100%' }} disabled={disabled} data-testid={testId} />
  );
  const intInput = (testId: string, suffix?: string, disabled = false) => (
    <InputNumber precision={0} style={{ width: '100%' }} suffix={suffix} disabled={disabled} data-testid={testId} />
  );

  return (
    <>
      <Form.Item
        name="name"
        label={label('name')}
        rules={[
          { required: true, whitespace: true, message: t('common.required', { field: label('name') }) },
          { max: 100 },
        ]}
      >
        <Input maxLength={100} data-testid="template-name" />
      </Form.Item>
      <Form.Item name="kind" label={label('kind')} extra={kind ? t(`coupons.kindHints.${kind}`) : undefined}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          disabled={editing}
          options={COUPON_KINDS.map((k) => ({ value: k, label: t(`coupons.kinds.${k}`) }))}
          data-testid="template-kind"
        />
      </Form.Item>
      <Row gutter={16}>
        {kind === 'AMOUNT_OFF' && (
          <Col span={12}>
            <Form.Item
              name="amountOff"
              label={yuan('amountOff')}
              rules={moneyRules(t, { positive: true, required: label('amountOff') })}
            >
              {moneyInput('template-amount-off', valueLocked)}
            </Form.Item>
          </Col>
        )}
        {kind === 'PERCENT_OFF' && (
          <>
            <Col span={12}>
              <Form.Item
                name="percentOff"
                label={label('percentOff')}
                tooltip={t('coupons.hints.percentOff')}
                rules={rangeRules(t, { low: 1, high: 100, integer: true, required: label('percentOff') })}
              >
                {intInput('template-percent-off', '%', valueLocked)}
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item
                name="maxDiscount"
                label={yuan('maxDiscount')}
                tooltip={t('coupons.hints.maxDiscount')}
                rules={moneyRules(t, { positive: true })}
              >
                {moneyInput('template-max-discount', valueLocked)}
              </Form.Item>
            </Col>
          </>
        )}
        {kind === 'GIFT' && (
          <Col span={12}>
            <Form.Item
              name="giftSku"
              label={label('giftSku')}
              rules={[{ required: true, whitespace: true, message: t('common.required', { field: label('giftSku') }) }]}
            >
              <Input maxLength={100} disabled={valueLocked} data-testid="template-gift-sku" />
            </Form.Item>
          </Col>
        )}
        <Col span={12}>
          <Form.Item
            name="minSpend"
            label={yuan('minSpend')}
            tooltip={t('coupons.hints.minSpend')}
            rules={moneyRules(t, { positive: false })}
          >
            {moneyInput('template-min-spend', valueLocked)}
          </Form.Item>
        </Col>
      </Row>

      <Divider orientation="left" plain>
        {t('coupons.sections.scope')}
      </Divider>
      <Row gutter={16}>
        {SCOPE_FIELDS.map((field) => (
          <Col span={field === 'stores' ? 24 : 12} key={field}>
            <Form.Item name={field} label={label(field)} tooltip={t(`coupons.hints.${field}`)}>
              <TagsInput testId={`template-${field}`} placeholder={t('coupons.tagsPlaceholder')} disabled={valueLocked} />
            </Form.Item>
          </Col>
        ))}
      </Row>

      <Divider orientation="left" plain>
        {t('coupons.sections.validity')}
      </Divider>
      <Form.Item name="validityMode">
        <Radio.Group
          options={[
            { value: 'DAYS', label: t('coupons.validityModes.DAYS') },
            { value: 'WINDOW', label: t('coupons.validityModes.WINDOW') },
          ]}
          data-testid="template-validity-mode"
        />
      </Form.Item>
      {validityMode === 'DAYS' ? (
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              name="validDays"
              label={label('validDays')}
              rules={rangeRules(t, { low: 1, high: 3650, integer: true, required: label('validDays') })}
            >
              {intInput('template-valid-days', t('coupons.daysUnit'))}
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="startDelayDays"
              label={label('startDelayDays')}
              tooltip={t('coupons.hints.startDelayDays')}
              rules={rangeRules(t, { low: 0, high: 365, integer: true })}
            >
              {intInput('template-start-delay', t('coupons.daysUnit'))}
            </Form.Item>
          </Col>
        </Row>
      ) : (
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="validFrom" label={label('validFrom')} tooltip={t('coupons.hints.validFrom')}>
              <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} data-testid="template-valid-from" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="validUntil"
              label={label('validUntil')}
              rules={[{ required: true, message: t('common.required', { field: label('validUntil') }) }]}
            >
              <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} data-testid="template-valid-until" />
            </Form.Item>
          </Col>
        </Row>
      )}

      <Divider orientation="left" plain>
        {t('coupons.sections.limits')}
      </Divider>
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name="perMemberLimit" label={label('perMemberLimit')} tooltip={t('coupons.hints.unlimited')} rules={rangeRules(t, { low: 1, high: 100_000_000, integer: true })}>
            {intInput('template-per-member-limit')}
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="totalLimit" label={label('totalLimit')} tooltip={t('coupons.hints.unlimited')} rules={rangeRules(t, { low: 1, high: 100_000_000, integer: true })}>
            {intInput('template-total-limit')}
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="period" label={label('period')} tooltip={t('coupons.hints.period')}>
            <Select
              allowClear
              placeholder={t('coupons.noPeriod')}
              options={COUPON_PERIODS.map((p) => ({ value: p, label: t(`coupons.periods.${p}`) }))}
              data-testid="template-period"
            />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="periodLimit" label={label('periodLimit')} rules={rangeRules(t, { low: 1, high: 100_000_000, integer: true })}>
            {intInput('template-period-limit')}
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="budget" label={yuan('budget')} tooltip={t('coupons.hints.budget')} rules={moneyRules(t, { positive: true })}>
            {moneyInput('template-budget')}
          </Form.Item>
        </Col>
      </Row>

      <Divider orientation="left" plain>
        {t('coupons.sections.stacking')}
      </Divider>
      <Row gutter={16}>
        <Col span={8}>
          <Form.Item name="stackable" label={label('stackable')} tooltip={t('coupons.hints.stackable')} valuePropName="checked">
            <Switch data-testid="template-stackable" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item
            name="priority"
            label={label('priority')}
            tooltip={t('coupons.hints.priority')}
            rules={rangeRules(t, { low: -PRIORITY_LIMIT, high: PRIORITY_LIMIT, integer: true })}
          >
            {intInput('template-priority')}
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item
            name="maxPerOrder"
            label={label('maxPerOrder')}
            rules={rangeRules(t, { low: 1, high: 10, integer: true })}
          >
            {intInput('template-max-per-order')}
          </Form.Item>
        </Col>
      </Row>

      <Divider orientation="left" plain>
        {t('coupons.sections.codes')}
      </Divider>
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item
            name="codePrefix"
            label={label('codePrefix')}
            tooltip={t('coupons.hints.codePrefix')}
            getValueFromEvent={(event: { target: { value: string } }) => event.target.value.toUpperCase()}
            rules={[{ pattern: /^[A-Za-z0-9]{0,10}$/, message: t('coupons.errors.codePrefix') }]}
          >
            <Input maxLength={10} data-testid="template-code-prefix" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name="codeLength"
            label={label('codeLength')}
            tooltip={t('coupons.hints.codeLength')}
            rules={rangeRules(t, { low: 8, high: 32, integer: true, required: label('codeLength') })}
          >
            {intInput('template-code-length')}
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item
            name="publicCode"
            label={label('publicCode')}
            extra={t('coupons.hints.publicCode')}
            getValueFromEvent={(event: { target: { value: string } }) => event.target.value.toUpperCase()}
            rules={[
              {
                validator: async (_, value: unknown) => {
                  if (typeof value !== 'string' || value.trim() === '') return;
                  if (!isCampaignCode(value)) throw new Error(t('coupons.errors.publicCode'));
                },
              },
            ]}
          >
            <Input
              maxLength={64}
              autoComplete="off"
              spellCheck={false}
              style={{ fontFamily: 'monospace' }}
              data-testid="template-public-code"
            />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}
