import { useState, type HTMLAttributes } from 'react';
import { Card, Empty, Select, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { describeError } from '../../api/userErrors';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { useViewer } from '../../session/ViewerProvider';
import { useStepTitle } from './journeyFormat';
import { diffDefinitions, showValue, type ChangeKind, type FieldChange } from './diff';
import { JourneyVersionsQuery } from './queries';
import { useRefetchOnChange } from './useRefetchOnChange';

interface Props {
  journeyId: string;
  /** Changes when the journey does (a save, an activation): the list is read again. */
  revision: string;
}

interface VersionRow {
  version: number;
  definition: unknown;
  createdAt: string;
  createdBy: string;
  publishedAt?: string | null;
}

const KIND_COLORS: Record<ChangeKind, string> = { added: 'green', removed: 'red', changed: 'blue' };

/** Every saved version (who made it, published or draft) and what changed between any two. */
export function JourneyVersions({ journeyId, revision }: Props) {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: JourneyVersionsQuery,
    variables: { id: journeyId },
    requestPolicy: 'cache-and-network',
  });
  useRefetchOnChange(revision, refetch);
  const versions: VersionRow[] = data?.journey?.versions ?? [];
  const activeVersion = data?.journey?.activeVersion ?? null;
  const [picked, setPicked] = useState<{ from: number | null; to: number | null }>({ from: null, to: null });
  const to = picked.to ?? versions[0]?.version ?? null;
  const from = picked.from ?? versions.find((version) => to !== null && version.version < to)?.version ?? null;
  const older = versions.find((version) => version.version === from);
  const newer = versions.find((version) => version.version === to);
  const diff = older && newer ? diffDefinitions(older.definition, newer.definition) : null;
  const versionOptions = versions.map((version) => ({ value: version.version, label: t('journeys.versionLine', { version: version.version }) }));

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="journey-versions">
      {error && <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>}
      <ResponsiveTable<VersionRow>
        rowKey="version"
        loading={fetching && !data}
        dataSource={versions}
        pagination={false}
        onRow={(row) => ({ 'data-testid': 'version-row', 'data-version': row.version }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('journeys.versions.version'),
            dataIndex: 'version',
            card: 'title',
            render: (version: number) => (
              <Space>
                <Typography.Text strong>{t('journeys.versionLine', { version })}</Typography.Text>
                {version === activeVersion && (
                  <Tag color="green" data-testid="version-active">
                    {t('journeys.versions.active')}
                  </Tag>
                )}
              </Space>
            ),
          },
          {
            title: t('journeys.versions.state'),
            key: 'state',
            render: (_, row) =>
              row.publishedAt ? (
                <span data-testid="version-state" data-state="published">
                  {t('journeys.versions.publishedAt', { time: formatDateTime(row.publishedAt, viewer.tenant.timezone) })}
                </span>
              ) : (
                <Tag data-testid="version-state" data-state="draft">
                  {t('journeys.versions.draft')}
                </Tag>
              ),
          },
          { title: t('journeys.versions.createdBy'), dataIndex: 'createdBy' },
          {
            title: t('journeys.versions.createdAt'),
            dataIndex: 'createdAt',
            render: (value: string) => formatDateTime(value, viewer.tenant.timezone),
          },
        ]}
      />
      <Card size="small" title={t('journeys.diff.title')} data-testid="version-diff-card">
        {versions.length < 2 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('journeys.diff.onlyOne')} />
        ) : (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Space wrap>
              <Select
                value={from ?? undefined}
                onChange={(value: number) => setPicked({ from: value, to })}
                options={versionOptions}
                style={{ minWidth: 120 }}
                data-testid="diff-from"
              />
              <span>→</span>
              <Select
                value={to ?? undefined}
                onChange={(value: number) => setPicked({ from, to: value })}
                options={versionOptions}
                style={{ minWidth: 120 }}
                data-testid="diff-to"
              />
            </Space>
            {diff && <DiffView settings={diff.settings} steps={diff.steps} />}
          </Space>
        )}
      </Card>
    </Space>
  );
}

function FieldLines({ changes }: { changes: FieldChange[] }) {
  const { t } = useTranslation();
  return (
    <ul className="journey-diff-fields">
      {changes.map((change) => (
        <li key={change.field} data-testid="diff-field" data-field={change.field} data-kind={change.kind}>
          <Typography.Text code data-raw-code={change.field}>
            {change.field}
          </Typography.Text>{' '}
          {change.kind === 'changed' ? (
            <>
              <span className="journey-diff-removed" data-raw-code={showValue(change.before)}>
                {showValue(change.before)}
              </span>{' '}
              → <span className="journey-diff-added" data-raw-code={showValue(change.after)}>{showValue(change.after)}</span>
            </>
          ) : change.kind === 'added' ? (
            <>
              {t('journeys.diff.fieldAdded')}{' '}
              <span className="journey-diff-added" data-raw-code={showValue(change.after)}>
                {showValue(change.after)}
              </span>
            </>
          ) : (
            <>
              {t('journeys.diff.fieldRemoved')}{' '}
              <span className="journey-diff-removed" data-raw-code={showValue(change.before)}>
                {showValue(change.before)}
              </span>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

function DiffView({ settings, steps }: ReturnType<typeof diffDefinitions>) {
  const { t } = useTranslation();
  const stepTitle = useStepTitle();
  if (settings.length === 0 && steps.length === 0) {
    return (
      <Typography.Text type="secondary" data-testid="version-diff" data-empty="true">
        {t('journeys.diff.same')}
      </Typography.Text>
    );
  }
  return (
    <div data-testid="version-diff">
      {settings.length > 0 && (
        <div className="journey-diff-block" data-testid="diff-settings">
          <Typography.Text strong>{t('journeys.diff.settings')}</Typography.Text>
          <FieldLines changes={settings} />
        </div>
      )}
      {steps.map((step) => (
        <div key={step.id} className="journey-diff-block" data-testid="diff-step" data-step={step.id} data-kind={step.kind}>
          <Space wrap>
            <Tag color={KIND_COLORS[step.kind]}>{t(`journeys.diff.kinds.${step.kind}`)}</Tag>
            <Typography.Text strong>{stepTitle(step.type)}</Typography.Text>
            <Typography.Text type="secondary" data-raw-code={step.id}>
              {step.id}
            </Typography.Text>
          </Space>
          <FieldLines changes={step.fields} />
        </div>
      ))}
    </div>
  );
}
