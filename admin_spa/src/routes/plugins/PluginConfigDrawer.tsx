import { useMemo, useState } from 'react';
import { App, Button, Drawer, Empty, Form, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { PluginFieldsFragment } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { ErrorListAlert } from '../../components/ErrorListAlert';
import { clearChangedErrors } from '../messaging/formErrors';
import { placeConfigErrors } from './configErrors';
import { ConfigFields } from './ConfigFields';
import { configFields, formToConfig, initialFormValues, JsonTextError, type FormValue } from './configSchema';
import { pluginTitle } from './pluginText';
import { EnablePluginMutation } from './queries';

interface Props {
  plugin: PluginFieldsFragment;
  onClose: () => void;
  onSaved: () => void;
}

/**
 * Enabling a plugin, or changing its configuration: a form generated from its configuration
 * schema, starting from the current configuration (or the schema's defaults), and the server's
 * verdict on each field.
 */
export function PluginConfigDrawer({ plugin, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Record<string, FormValue>>();
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [{ fetching }, enable] = useMutation(EnablePluginMutation);
  const fields = useMemo(() => configFields(plugin.configSchema), [plugin.configSchema]);
  const initial = useMemo(
    () => initialFormValues(fields, plugin.enabled ? plugin.config : null),
    [fields, plugin.enabled, plugin.config],
  );
  const title = pluginTitle(plugin, t);

  const onSubmit = async () => {
    setFormErrors([]);
    let config: Record<string, unknown> = {};
    try {
      if (fields.length > 0) {
        await form.validateFields();
        config = formToConfig(fields, form.getFieldsValue(true) as Record<string, FormValue>);
      }
    } catch (error) {
      if (error instanceof JsonTextError) form.setFields([{ name: error.path, errors: [t('plugins.form.badJson')] }]);
      return; // antd shows each field's problem
    }
    const result = await enable({ name: plugin.name, config });
    const payload = result.data?.enablePlugin;
    if (result.error) {
      setFormErrors([describeError(result.error, t)]);
    } else if (payload && payload.errors.length > 0) {
      const { unplaced, first } = placeConfigErrors(form, fields, payload.errors, t);
      setFormErrors(unplaced);
      // A long form: the first field the server refused comes into view (the alert is at the top).
      if (first && unplaced.length === 0) form.scrollToField(first, { block: 'center' });
    } else if (payload?.plugin) {
      message.success(plugin.enabled ? t('plugins.saved', { title }) : t('plugins.enabledMessage', { title }));
      onSaved();
    } else {
      message.error(t('common.unexpected'));
    }
  };

  return (
    <Drawer
      open
      width="min(720px, 100vw)"
      title={plugin.enabled ? t('plugins.configureTitle', { title }) : t('plugins.enableTitle', { title })}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose} data-testid="plugin-config-cancel">
            {t('common.cancel')}
          </Button>
          <Button type="primary" loading={fetching} onClick={() => void onSubmit()} data-testid="plugin-config-submit">
            {plugin.enabled ? t('common.save') : t('plugins.enable')}
          </Button>
        </Space>
      }
      data-testid="plugin-config-drawer"
    >
      <ErrorListAlert title={t('plugins.configFailed')} messages={formErrors} testId="plugin-config-errors" />
      {fields.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('plugins.form.noSettings')} data-testid="plugin-config-empty" />
      ) : (
        <>
          <Typography.Paragraph type="secondary">
            {plugin.enabled ? t('plugins.form.hintConfigure') : t('plugins.form.hintEnable')}
          </Typography.Paragraph>
          <Form
            form={form}
            name="plugin-config"
            layout="vertical"
            initialValues={initial}
            onValuesChange={(changed: object) => clearChangedErrors(form, changed)}
            onFinish={() => void onSubmit()}
            data-testid="plugin-config-form"
          >
            <ConfigFields fields={fields} name={[]} path={[]} />
          </Form>
        </>
      )}
    </Drawer>
  );
}
