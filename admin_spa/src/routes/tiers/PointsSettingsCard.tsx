import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, InputNumber, Select, Space, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import type { PointsExpiryPolicy } from '../../gql/graphql';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { useViewer } from '../../session/ViewerProvider';
import { ProgrammeSettingsCard } from './ProgrammeSettingsCard';
import { PointsSettingsQuery, UpdatePointsSettingsMutation } from './queries';

const POLICIES: readonly PointsExpiryPolicy[] = ['NEVER', 'DAYS_AFTER_EARNING', 'END_OF_MONTH', 'END_OF_YEAR'];

interface Values {
  expiryPolicy: PointsExpiryPolicy;
  expiryPeriod: number;
}

export function PointsSettingsCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useViewer();
  const editable = can('programme:manage');
  const [form] = Form.useForm<Values>();
  const policy = Form.useWatch('expiryPolicy', form);
  const [formError, setFormError] = useState<string[]>([]);
  const [{ data, error }, refetch] = useQuery({ query: PointsSettingsQuery });
  const [{ fetching: saving }, save] = useMutation(UpdatePointsSettingsMutation);

  const settings = data?.pointsSettings;
  useEffect(() => {
    if (settings) form.setFieldsValue({ expiryPolicy: settings.expiryPolicy, expiryPeriod: settings.expiryPeriod });
  }, [settings, form]);

  const onFinish = async (values: Values) => {
    setFormError([]);
    const result = await save({
      input: {
        expiryPolicy: values.expiryPolicy,
        expiryPeriod: values.expiryPolicy === 'NEVER' ? 0 : (values.expiryPeriod ?? 0),
      },
    });
    const payload = result.data?.updatePointsSettings;
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (payload && payload.errors.length > 0) {
      setFormError(applyUserErrors(form, payload.errors));
    } else {
      message.success(t('common.saved'));
      refetch({ requestPolicy: 'network-only' });
    }
  };

  return (
    <>
      <ProgrammeSettingsCard />
      <Card title={t('pointsSettings.title')}>
        {error && <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>}
        <Space align="start" size={48} wrap>
          <div>
            {formError.length > 0 && (
              <Alert type="error" showIcon message={formError.join('\n')} style={{ marginBottom: 16 }} />
            )}
            <Form<Values> form={form} layout="inline" onFinish={onFinish} disabled={!editable}>
              <Form.Item name="expiryPolicy" label={t('pointsSettings.policy')} rules={[{ required: true }]}>
                <Select
                  style={{ width: 220 }}
                  data-testid="points-settings-policy"
                  options={POLICIES.map((value) => ({ value, label: t(`pointsSettings.policies.${value}`) }))}
                />
              </Form.Item>
              {policy !== 'NEVER' && (
                <Form.Item
                  name="expiryPeriod"
                  label={t('pointsSettings.period')}
                  tooltip={t('pointsSettings.periodHint')}
                  rules={[{ required: true, message: t('common.required', { field: t('pointsSettings.period') }) }]}
                >
                  <InputNumber
                    min={policy === 'DAYS_AFTER_EARNING' ? 1 : 0}
                    max={36500}
                    precision={0}
                    data-testid="points-settings-period"
                  />
                </Form.Item>
              )}
              {editable && (
                <Form.Item>
                  <Button type="primary" htmlType="submit" loading={saving} data-testid="points-settings-save">
                    {t('common.save')}
                  </Button>
                </Form.Item>
              )}
            </Form>
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
              {t('pointsSettings.appliesFromNow')}
            </Typography.Paragraph>
          </div>
          <Statistic
            title={t('pointsSettings.expiring30')}
            value={data?.pointsExpiring ?? '—'}
            valueRender={(node) => <span data-testid="points-expiring-tenant">{node}</span>}
          />
        </Space>
      </Card>
    </>
  );
}
