import { useEffect, useState } from 'react';
import { Alert, Card, Empty, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { describeError } from '../../../api/userErrors';
import { MemberSearchSelect, type PickedMember } from '../MemberSearchSelect';
import { MessagingCode, ServerText } from '../messagingCodes';
import { PreviewMessageQuery } from './queries';

interface Props {
  /** A saved template's name: the preview renders what is saved. */
  template?: string;
  /** Or a draft's content, as the editor holds it: rendered before it is saved. */
  content?: Record<string, Record<string, unknown>>;
}

/** How long typing must pause before the draft is rendered again. */
const DRAFT_PAUSE_MS = 400;

/** A template, saved or being written, as one chosen member would read it on each of its channels,
 * with its problems. */
export function TemplatePreview({ template, content }: Props) {
  const { t } = useTranslation();
  const [member, setMember] = useState<PickedMember | null>(null);
  const draft = useSettled(content, DRAFT_PAUSE_MS);
  const [{ data, fetching, error }] = useQuery({
    query: PreviewMessageQuery,
    variables: draft ? { content: draft, memberId: member?.id ?? '' } : { template, memberId: member?.id ?? '' },
    pause: !member,
    requestPolicy: 'network-only',
  });
  const previews = member ? (data?.previewMessage ?? []) : [];

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="template-preview">
      <Typography.Text type="secondary">{t('messaging.templates.previewHint')}</Typography.Text>
      <MemberSearchSelect value={member} onChange={setMember} testId="template-preview-member" />
      {error && <Alert type="error" showIcon message={describeError(error, t)} data-testid="template-preview-error" />}
      {member && fetching && <Spin size="small" />}
      {member && !fetching && !error && previews.length === 0 && <Empty description={t('messaging.templates.previewEmpty')} />}
      {previews.map((preview) => (
        <Card
          key={preview.channel}
          size="small"
          title={<MessagingCode kind="channels" code={preview.channel} />}
          data-testid="template-preview-channel"
          data-channel={preview.channel}
          data-problems={preview.problems.length}
        >
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 8 }} data-testid="template-preview-body">
            {preview.body || t('common.empty')}
          </Typography.Paragraph>
          {preview.problems.length > 0 && (
            <Alert
              type="warning"
              showIcon
              message={t('messaging.templates.previewProblems')}
              description={
                <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                  {preview.problems.map((problem, index) => (
                    <li key={index}>
                      <ServerText text={problem} testId="template-preview-problem" />
                    </li>
                  ))}
                </ul>
              }
            />
          )}
        </Card>
      ))}
    </Space>
  );
}

/** ``value`` once it has not changed for ``pauseMs`` (a draft as typing pauses). */
function useSettled<T>(value: T, pauseMs: number): T {
  const [settled, setSettled] = useState(value);
  const key = JSON.stringify(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), pauseMs);
    return () => window.clearTimeout(timer);
    // the serialised value decides: the editor hands over a new object on every render
  }, [key, pauseMs]);
  return settled;
}
