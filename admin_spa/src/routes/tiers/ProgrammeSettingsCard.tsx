import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Col, Form, InputNumber, Row, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { useViewer } from '../../session/ViewerProvider';
import { ProgrammeSettingsQuery, UpdateProgrammeSettingsMutation } from './programmeSettingsQueries';

interface Values {
  earnPointsPerYuan: number | null;
  pointValueFen: number | null;
  returnWindowDays: number | null;
  pointsPaymentCapPercent: number | null;
}

/**
 * How orders earn and pay: points per yuan, what a point is worth, how long points stay pending
 * and how much of an order points may pay (积分抵现上限).
 * The server checks the ranges and its messages land on the fields; nothing is clamped here, so
 * what was typed is what gets judged.
 */
export function ProgrammeSettingsCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useViewer();
  const editable = can('programme:manage');
  const [form] = Form.useForm<Values>();
  const [formError, setFormError] = useState<string[]>([]);
  const [{ data, error }, refetch] = useQuery({ query: ProgrammeSettingsQuery });
  const [{ fetching: saving }, save] = useMutation(UpdateProgrammeSettingsMutation);
  const pointValueFen = Form.useWatch('pointValueFen', form);
  const perYuan = Form.useWatch('earnPointsPerYuan', form);

  const settings = data?.pointsSettings;
  useEffect(() => {
    if (settings) form.setFieldsValue(settings);
  }, [settings, form]);

  const onFinish = async (values: Values) => {
    setFormError([]);
    const result = await save({
      input: {
        earnPointsPerYuan: values.earnPointsPerYuan,
        pointValueFen: values.pointValueFen,
        returnWindowDays: values.returnWindowDays,
        pointsPaymentCapPercent: values.pointsPaymentCapPercent,
      },
    });
    const payload = result.data?.updateEarningSettings;
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (payload && payload.errors.length > 0) {
      setFormError(applyUserErrors(form, payload.errors));
    } else {
      message.success(t('common.saved'));
      refetch({ requestPolicy: 'network-only' });
    }
  };

  const required = (field: string) => ({ required: true, message: t('common.required', { field }) });
  // 100 yuan earn 100 × perYuan points worth pointValueFen fen each: perYuan × pointValueFen yuan back.
  const rebate =
    typeof perYuan === 'number' && typeof pointValueFen === 'number' ? perYuan * pointValueFen : null;

  return (
    <Card title={t('programmeSettings.title')} data-testid="earning-settings">
      {error && <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>}
      {formError.length > 0 && (
        <Alert type="error" showIcon message={formError.join('\n')} style={{ marginBottom: 16 }} />
      )}
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={onFinish}
        disabled={!editable}
      >
        <Row gutter={24}>
          <Col xs={24} sm={12} lg={8}>
            <Form.Item
              name="earnPointsPerYuan"
              label={t('programmeSettings.earnPointsPerYuan')}
              extra={t('programmeSettings.earnPointsPerYuanHint')}
              rules={[required(t('programmeSettings.earnPointsPerYuan'))]}
            >
              <InputNumber style={{ width: '100%' }} step={0.1} data-testid="earning-per-yuan" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12} lg={8}>
            <Form.Item
              name="pointValueFen"
              label={t('programmeSettings.pointValueFen')}
              extra={t('programmeSettings.pointValueFenHint')}
              rules={[required(t('programmeSettings.pointValueFen'))]}
            >
              <InputNumber style={{ width: '100%' }} step={0.1} data-testid="earning-point-value" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12} lg={8}>
            <Form.Item
              name="returnWindowDays"
              label={t('programmeSettings.returnWindowDays')}
              extra={t('programmeSettings.returnWindowDaysHint')}
              rules={[required(t('programmeSettings.returnWindowDays'))]}
            >
              <InputNumber style={{ width: '100%' }} precision={0} data-testid="earning-return-window" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12} lg={8}>
            <Form.Item
              name="pointsPaymentCapPercent"
              label={t('programmeSettings.pointsPaymentCapPercent')}
              extra={t('programmeSettings.pointsPaymentCapPercentHint')}
              rules={[required(t('programmeSettings.pointsPaymentCapPercent'))]}
            >
              <InputNumber
                style={{ width: '100%' }}
                precision={0}
                addonAfter="%"
                data-testid="earning-points-cap"
              />
            </Form.Item>
          </Col>
        </Row>
        {rebate !== null && (
          <Typography.Paragraph type="secondary" data-testid="earning-rebate">
            {t('programmeSettings.rebate', { amount: rebate.toFixed(2) })}
          </Typography.Paragraph>
        )}
        {editable && (
          <Button type="primary" htmlType="submit" loading={saving} data-testid="earning-settings-save">
            {t('common.save')}
          </Button>
        )}
      </Form>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        {t('programmeSettings.appliesFromNow')}
      </Typography.Paragraph>
    </Card>
  );
}
