import { Button, Space, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { RawCode } from '../../../components/CodeLabel';
import { messagingLabel } from '../messagingCodes';

export interface TemplateVariable {
  name: string;
  description: string;
}

interface Props {
  variables: readonly TemplateVariable[];
  /** Puts `{{name}}` where the cursor was in the last value edited. */
  onInsert: (token: string) => void;
}

/** The variables a template may use; a tap inserts one into the value being edited. */
export function TemplateVariables({ variables, onInsert }: Props) {
  const { t } = useTranslation();
  return (
    <div data-testid="template-variables">
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('messaging.templates.variablesHint')}
      </Typography.Paragraph>
      <Space wrap size={[8, 8]}>
        {variables.map((variable) => {
          const token = `{{${variable.name}}}`;
          const label = messagingLabel(t, 'variables', variable.name);
          return (
            <Tooltip key={variable.name} title={label ?? variable.description}>
              <Button
                size="small"
                // Keeps the focus (and the cursor) in the value being edited.
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => onInsert(token)}
                data-testid="template-variable"
                data-variable={variable.name}
              >
                {label ?? <RawCode code={variable.description} />} <RawCode code={token} />
              </Button>
            </Tooltip>
          );
        })}
      </Space>
    </div>
  );
}
