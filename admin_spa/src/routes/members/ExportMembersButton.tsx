import { useRef, useState } from 'react';
import { Alert, Button, Modal, Progress, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useClient, type OperationResult } from 'urql';
import type { MemberFilter, MembersExportQuery as ExportPage } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { formatDate } from '../../format/dateTime';
import { MembersExportQuery } from './issueRunQueries';

/** The most the members query gives in one page. */
const PAGE = 100;

type ExportedMember = ExportPage['members']['edges'][number]['node'];

/** A CSV cell: quoted when it must be, and text a spreadsheet would run as a formula defused. */
function cell(value: string | number | null | undefined, guard = true): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (guard && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function header(t: TFunction): string {
  const columns = ['id', 'name', 'phone', 'tier', 'points', 'joinedOn', 'sourceChannel'] as const;
  return columns.map((column) => cell(t(`memberList.export.columns.${column}`))).join(',');
}

function row(member: ExportedMember, timeZone: string): string {
  return [
    cell(member.id),
    cell(member.name),
    cell(member.phone, false), // as the API returns it: masked for staff without PII access
    cell(member.tier?.name),
    cell(member.pointsBalance),
    cell(formatDate(member.createdAt, timeZone)),
    cell(member.sourceChannel),
  ].join(',');
}

function download(lines: string[], fileName: string): void {
  // The byte order mark makes Excel read the file as UTF-8 (Chinese names stay readable).
  const blob = new Blob(['\uFEFF', lines.join('\r\n'), '\r\n'], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

interface Props {
  filter: MemberFilter;
  timeZone: string;
  disabled?: boolean;
}

/**
 * Export the filtered list as CSV: pages through it, with its progress, and downloads the file
 * once every page is in. Closing the dialog stops it.
 */
export function ExportMembersButton({ filter, timeZone, disabled }: Props) {
  const { t } = useTranslation();
  const client = useClient();
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = useRef(0);

  const start = async () => {
    const id = ++run.current;
    setError(null);
    setProgress({ done: 0, total: 0 });
    const lines = [header(t)];
    let after: string | null = null;
    let done = 0;
    for (;;) {
      const result: OperationResult<ExportPage> = await client
        .query(MembersExportQuery, { first: PAGE, after, filter }, { requestPolicy: 'network-only' })
        .toPromise();
      if (run.current !== id) return; // cancelled
      if (result.error || !result.data) {
        setError(result.error ? describeError(result.error, t) : t('memberList.export.failed'));
        return;
      }
      const page: ExportPage['members'] = result.data.members;
      for (const edge of page.edges) lines.push(row(edge.node, timeZone));
      done += page.edges.length;
      setProgress({ done, total: Math.max(page.totalCount, done) });
      if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
      after = page.pageInfo.endCursor;
    }
    const stamp = new Date().toISOString().slice(0, 10);
    download(lines, `members-${stamp}.csv`);
    run.current += 1;
    setProgress(null);
  };

  const cancel = () => {
    run.current += 1;
    setProgress(null);
    setError(null);
  };

  const percent = progress && progress.total > 0 ? Math.floor((progress.done / progress.total) * 100) : 0;

  return (
    <>
      <Button icon={<DownloadOutlined />} onClick={() => void start()} disabled={disabled || progress !== null} data-testid="member-export">
        {t('memberList.export.button')}
      </Button>
      {(progress !== null || error !== null) && (
        <Modal
          open
          title={t('memberList.export.title')}
          footer={
            <Button onClick={cancel} data-testid="member-export-cancel">
              {error ? t('memberList.close') : t('memberList.export.cancel')}
            </Button>
          }
          onCancel={cancel}
          maskClosable={false}
          destroyOnHidden
        >
          {error ? (
            <Alert type="error" showIcon message={error} data-testid="member-export-error" />
          ) : (
            <>
              <Progress percent={percent} status="active" data-testid="member-export-progress" />
              <Typography.Text type="secondary" data-testid="member-export-count">
                {t('memberList.export.progress', { done: progress?.done ?? 0, total: progress?.total ?? 0 })}
              </Typography.Text>
            </>
          )}
        </Modal>
      )}
    </>
  );
}
