import { useEffect, useRef, useState, type HTMLAttributes } from 'react';
import { App, Button, Card, Progress, Tag, Tooltip, Typography } from 'antd';
import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import type { CouponBatchFieldsFragment } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { currentLanguage } from '../../i18n';
import { useSession } from '../../session/SessionProvider';
import { useViewer } from '../../session/ViewerProvider';
import { batchFileName, downloadWithToken } from './batchDownload';
import { BATCH_STATUS_COLORS, isBatchActive } from './couponFormat';
import { GenerateCodesModal } from './GenerateCodesModal';
import { CouponBatchesQuery } from './queries';

const POLL_MS = 1000;

type Batch = CouponBatchFieldsFragment;

interface Props {
  templateId: string;
  templateName: string;
  codePrefix: string;
  /** Called when a batch starts or finishes: the template's counts change. */
  onChanged: () => void;
}

function batchPercent(batch: Batch): number {
  if (batch.status === 'DONE') return 100;
  return batch.quantity > 0 ? Math.floor((batch.generated / batch.quantity) * 100) : 0;
}

/** A template's code batches, polled every second while one is queued or running. */
export function CouponBatchesCard({ templateId, templateName, codePrefix, onChanged }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can, viewer } = useViewer();
  const { token } = useSession();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: CouponBatchesQuery,
    variables: { templateId },
    requestPolicy: 'network-only',
  });
  const [generating, setGenerating] = useState(false);
  const [downloading, setDownloading] = useState<string | null>(null);

  const batches = data?.couponBatches ?? [];
  const active = batches.some((batch) => isBatchActive(batch.status));

  useEffect(() => {
    if (!active || fetching) return;
    const timer = window.setTimeout(() => refetch({ requestPolicy: 'network-only' }), POLL_MS);
    return () => window.clearTimeout(timer);
  }, [active, fetching, data, refetch]);

  // A batch that has just finished changes the template's numbers.
  const wasActive = useRef(false);
  useEffect(() => {
    if (wasActive.current && !active) onChanged();
    wasActive.current = active;
  }, [active, onChanged]);

  const onDownload = async (batch: Batch) => {
    if (!batch.downloadUrl) return;
    setDownloading(batch.id);
    try {
      await downloadWithToken(batch.downloadUrl, batchFileName(codePrefix, batch.id), token, currentLanguage());
    } catch (e) {
      message.error(e instanceof Error && e.message ? e.message : t('common.unexpected'));
    } finally {
      setDownloading(null);
    }
  };

  return (
    <Card
      title={t('coupons.batches.title')}
      extra={
        can('programme:manage') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setGenerating(true)} data-testid="batch-generate">
            {t('coupons.batches.generate')}
          </Button>
        )
      }
      data-testid="coupon-batches"
    >
      <Typography.Paragraph type="secondary">{t('coupons.batches.hint')}</Typography.Paragraph>
      {error && <Typography.Paragraph type="danger">{describeError(error, t)}</Typography.Paragraph>}
      <ResponsiveTable<Batch>
        rowKey="id"
        size="small"
        loading={fetching && !data}
        dataSource={batches}
        pagination={false}
        locale={{ emptyText: t('coupons.batches.empty') }}
        onRow={(batch) => ({ 'data-testid': 'batch-row', 'data-status': batch.status }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('coupons.batches.createdAt'),
            dataIndex: 'createdAt',
            card: 'title',
            render: (value: string) => formatDateTime(value, viewer.tenant.timezone),
          },
          {
            title: t('coupons.batches.quantity'),
            dataIndex: 'quantity',
            align: 'right',
            render: (quantity: number) => quantity.toLocaleString(),
          },
          {
            title: t('coupons.batches.progress'),
            key: 'progress',
            width: 260,
            render: (_, batch) => (
              <Tooltip title={t('coupons.batches.generated', { generated: batch.generated.toLocaleString(), quantity: batch.quantity.toLocaleString() })}>
                <Progress
                  percent={batchPercent(batch)}
                  format={(percent) => `${percent ?? 0}%`}
                  size="small"
                  status={batch.status === 'FAILED' ? 'exception' : batch.status === 'DONE' ? 'success' : 'active'}
                  data-testid="batch-progress"
                  data-generated={batch.generated}
                />
              </Tooltip>
            ),
          },
          {
            title: t('coupons.batches.status'),
            dataIndex: 'status',
            render: (status: Batch['status'], batch) => (
              <Tooltip title={batch.error ?? undefined}>
                <Tag color={BATCH_STATUS_COLORS[status]} data-testid="batch-status" data-status={status}>
                  {t(`coupons.batchStatuses.${status}`)}
                </Tag>
              </Tooltip>
            ),
          },
          {
            title: t('coupons.batches.finishedAt'),
            dataIndex: 'finishedAt',
            render: (value: string | null) => (value ? formatDateTime(value, viewer.tenant.timezone) : t('common.empty')),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, batch) =>
              batch.status === 'DONE' && batch.downloadUrl ? (
                <Button
                  size="small"
                  icon={<DownloadOutlined />}
                  loading={downloading === batch.id}
                  onClick={() => void onDownload(batch)}
                  data-testid="batch-download"
                >
                  {t('coupons.batches.download')}
                </Button>
              ) : null,
          },
        ]}
      />
      {generating && (
        <GenerateCodesModal
          templateId={templateId}
          templateName={templateName}
          onClose={() => setGenerating(false)}
          onStarted={() => {
            setGenerating(false);
            refetch({ requestPolicy: 'network-only' });
            onChanged();
          }}
        />
      )}
    </Card>
  );
}
