import type { ReactNode } from 'react';
import { Form } from 'antd';
import { fieldMessages, type Problem } from './problems';

interface Props {
  label: ReactNode;
  /** The definition field the item edits: the server's problems about it show under it. */
  field: string;
  problems: readonly Problem[] | undefined;
  extra?: ReactNode;
  required?: boolean;
  children: ReactNode;
}

/** A form item of the node panel, its value held by the definition and its errors by the server's check. */
export function NodeFormItem({ label, field, problems, extra, required, children }: Props) {
  const messages = fieldMessages(problems, field);
  return (
    <Form.Item
      label={label}
      required={required}
      extra={extra}
      validateStatus={messages.length > 0 ? 'error' : undefined}
      help={messages.length > 0 ? <span data-testid={`field-error-${field}`}>{messages.join(' ')}</span> : undefined}
    >
      {children}
    </Form.Item>
  );
}
