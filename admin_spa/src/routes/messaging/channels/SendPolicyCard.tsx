import { useEffect, useState } from 'react';
import { App, Button, Card, Col, Form, InputNumber, Row, Select, Switch, TimePicker, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import type { Channel } from '../../../gql/graphql';
import { applyUserErrors, describeError } from '../../../api/userErrors';
import { ErrorListAlert } from '../../../components/ErrorListAlert';
import { messagingText } from '../messagingCodes';
import { clearChangedErrors } from '../formErrors';
import { FallbackOrder } from './FallbackOrder';
import { MessagingPolicyQuery, UpdateMessagingSettingsMutation } from './queries';

interface Values {
  purposes: string[];
  limitedPurposes: string[];
  maxPerDay: number | null;
  maxPerWeek: number | null;
  noQuietHours: boolean;
  quietStart: Dayjs | null;
  quietEnd: Dayjs | null;
  fallback: Channel[];
}

const TIME = 'HH:mm';

function timeOf(value: string | null | undefined): Dayjs | null {
  return value ? dayjs(value.slice(0, 5), TIME) : null;
}

/**
 * The send policy: consent purposes, which of them the frequency cap and quiet hours hold,
 * the caps, the quiet hours in the tenant's time zone, and the order channels are tried in.
 */
export function SendPolicyCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [{ data, error }, refetch] = useQuery({ query: MessagingPolicyQuery });
  const [{ fetching: saving }, update] = useMutation(UpdateMessagingSettingsMutation);
  const purposes = (Form.useWatch('purposes', form) as string[] | undefined) ?? [];
  const noQuietHours = Form.useWatch('noQuietHours', form) as boolean | undefined;
  const settings = data?.messagingSettings;

  useEffect(() => {
    if (!settings) return;
    form.setFieldsValue({
      purposes: [...settings.purposes],
      limitedPurposes: [...settings.limitedPurposes],
      maxPerDay: settings.maxPerDay,
      maxPerWeek: settings.maxPerWeek,
      noQuietHours: !settings.quietStart || !settings.quietEnd,
      quietStart: timeOf(settings.quietStart),
      quietEnd: timeOf(settings.quietEnd),
      fallback: [...settings.fallback],
    });
  }, [settings, form]);

  const onFinish = async (values: Values) => {
    setFormErrors([]);
    const result = await update({
      input: {
        purposes: values.purposes.map((p) => p.trim()).filter(Boolean),
        limitedPurposes: values.limitedPurposes,
        maxPerDay: values.maxPerDay,
        maxPerWeek: values.maxPerWeek,
        clearQuietHours: values.noQuietHours,
        quietStart: values.noQuietHours ? null : (values.quietStart?.format(TIME) ?? null),
        quietEnd: values.noQuietHours ? null : (values.quietEnd?.format(TIME) ?? null),
        fallback: values.fallback,
      },
    });
    const payload = result.data?.updateMessagingSettings;
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (payload && payload.errors.length > 0) {
      setFormErrors(applyUserErrors(form, payload.errors));
    } else {
      message.success(t('messaging.policy.saved'));
      refetch({ requestPolicy: 'network-only' });
    }
  };

  const purposeOptions = purposes.map((purpose) => ({ value: purpose, label: messagingText(t, 'purposes', purpose) }));

  return (
    <Card title={t('messaging.policy.title')} data-testid="send-policy">
      <Typography.Paragraph type="secondary">{t('messaging.policy.hint')}</Typography.Paragraph>
      {error && <Typography.Paragraph type="danger">{describeError(error, t)}</Typography.Paragraph>}
      <ErrorListAlert title={t('messaging.policy.failed')} messages={formErrors} testId="send-policy-errors" />
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={onFinish}
        onValuesChange={(changed: object) => clearChangedErrors(form, changed)}
      >
        <Row gutter={24}>
          <Col xs={24} md={12}>
            <Form.Item name="purposes" label={t('messaging.policy.purposes')} extra={t('messaging.policy.purposesHint')}>
              <Select
                mode="tags"
                tokenSeparators={[',', '，', ' ']}
                options={purposeOptions}
                open={false}
                suffixIcon={null}
                data-testid="policy-purposes"
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="limitedPurposes"
              label={t('messaging.policy.limitedPurposes')}
              extra={t('messaging.policy.limitedPurposesHint')}
            >
              <Select mode="multiple" options={purposeOptions} data-testid="policy-limited-purposes" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="maxPerDay" label={t('messaging.policy.maxPerDay')}>
              <InputNumber min={0} precision={0} style={{ width: '100%' }} data-testid="policy-max-per-day" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="maxPerWeek" label={t('messaging.policy.maxPerWeek')}>
              <InputNumber min={0} precision={0} style={{ width: '100%' }} data-testid="policy-max-per-week" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="noQuietHours"
              label={t('messaging.policy.noQuietHours')}
              valuePropName="checked"
              extra={t('messaging.policy.quietHoursHint')}
            >
              <Switch data-testid="policy-no-quiet-hours" />
            </Form.Item>
          </Col>
          {!noQuietHours && (
            <>
              <Col xs={12} md={6}>
                <Form.Item name="quietStart" label={t('messaging.policy.quietStart')}>
                  <TimePicker format={TIME} minuteStep={5} style={{ width: '100%' }} data-testid="policy-quiet-start" />
                </Form.Item>
              </Col>
              <Col xs={12} md={6}>
                <Form.Item name="quietEnd" label={t('messaging.policy.quietEnd')}>
                  <TimePicker format={TIME} minuteStep={5} style={{ width: '100%' }} data-testid="policy-quiet-end" />
                </Form.Item>
              </Col>
            </>
          )}
          <Col xs={24} md={12}>
            <Form.Item name="fallback" label={t('messaging.policy.fallback')} extra={t('messaging.policy.fallbackHint')}>
              <FallbackOrder />
            </Form.Item>
          </Col>
        </Row>
        <Button type="primary" htmlType="submit" loading={saving} data-testid="policy-save">
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}
