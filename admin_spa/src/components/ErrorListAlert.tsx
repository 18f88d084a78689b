import type { ReactNode } from 'react';
import { Alert } from 'antd';

interface Props {
  title: ReactNode;
  messages: readonly string[];
  testId: string;
}

/** An error alert listing each message on its own line; nothing when there are none. */
export function ErrorListAlert({ title, messages, testId }: Props) {
  if (messages.length === 0) return null;
  return (
    <Alert
      type="error"
      showIcon
      message={title}
      description={
        <ul style={{ margin: 0, paddingInlineStart: 18 }}>
          {messages.map((text, index) => (
            <li key={index}>{text}</li>
          ))}
        </ul>
      }
      style={{ marginBottom: 12 }}
      data-testid={testId}
    />
  );
}
