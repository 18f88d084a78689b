import { Typography } from 'antd';

interface Props {
  messages: readonly string[];
  testId: string;
  /** Set as data-code on each message (the coupon it is about). */
  code?: string;
}

/** Why the server would refuse a field, in red under it, one message a line. */
export function FieldMessages({ messages, testId, code }: Props) {
  return (
    <>
      {messages.map((message, index) => (
        <Typography.Text
          key={index}
          type="danger"
          style={{ display: 'block', fontSize: 12, marginTop: 4 }}
          data-testid={testId}
          data-code={code}
        >
          {message}
        </Typography.Text>
      ))}
    </>
  );
}
