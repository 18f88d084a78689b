import { useEffect, useRef, useState } from 'react';
import { Alert, Button, DatePicker, Descriptions, Popover, Space, Tag, Typography } from 'antd';
import { FieldTimeOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import { describeError, userErrorMessages } from '../../api/userErrors';
import { formatDateTime } from '../../format/dateTime';
import { useIsNarrow } from '../../hooks/useIsNarrow';
import { useViewer } from '../../session/ViewerProvider';
import { AdvanceTestClockMutation, TestClockQuery } from './queries';

const POLL_MS = 2000;

/** The tenant's wall-clock time as a dayjs in the browser's zone (what the picker shows). */
function wallClock(value: string, timeZone: string): Dayjs {
  return dayjs(formatDateTime(value, timeZone));
}

/**
 * A sandbox tenant's test clock in the header: its frozen time and status, and a picker to
 * advance it. Nothing shows for a live tenant. Times are picked and sent as the tenant's wall
 * clock (no offset), which the server reads in the tenant's time zone. Once an advance is done
 * the page reloads, so that everything on it is as of the new time.
 */
export function TestClockPanel() {
  const { t } = useTranslation();
  const { viewer, can } = useViewer();
  const phone = useIsNarrow();
  const timeZone = viewer.tenant.timezone;
  const [{ data }, refetch] = useQuery({ query: TestClockQuery, requestPolicy: 'network-only' });
  const [{ fetching }, advance] = useMutation(AdvanceTestClockMutation);
  const [open, setOpen] = useState(false);
  const [to, setTo] = useState<Dayjs | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const clock = data?.viewer.tenant.testClock ?? null;
  const advancing = clock?.status === 'ADVANCING';

  // An advance the worker finishes: look again every two seconds, and reload once it is READY.
  const sawAdvancing = useRef(false);
  useEffect(() => {
    if (!advancing) {
      if (sawAdvancing.current) window.location.reload();
      return undefined;
    }
    sawAdvancing.current = true;
    const timer = window.setInterval(() => refetch({ requestPolicy: 'network-only' }), POLL_MS);
    return () => window.clearInterval(timer);
  }, [advancing, refetch]);

  if (!clock) return null;
  const shown = formatDateTime(clock.frozenTime, timeZone);
  const now = wallClock(clock.frozenTime, timeZone);

  const onOpenChange = (next: boolean) => {
    setOpen(next);
    if (next) {
      setErrors([]);
      setTo(now.add(1, 'day'));
    }
  };

  const onAdvance = async () => {
    if (!to) return;
    setErrors([]);
    const result = await advance({ to: to.format('YYYY-MM-DDTHH:mm:00') });
    const payload = result.data?.advanceTestClock;
    if (result.error) {
      setErrors([describeError(result.error, t)]);
    } else if (payload && payload.errors.length > 0) {
      setErrors(userErrorMessages(payload.errors));
    } else if (payload?.testClock?.status === 'READY') {
      window.location.reload();
    } else {
      refetch({ requestPolicy: 'network-only' });
    }
  };

  const panel = (
    <div style={{ width: phone ? 280 : 340 }} data-testid="test-clock-panel">
      <Typography.Paragraph type="secondary">{t('testClock.hint')}</Typography.Paragraph>
      <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('testClock.frozenTime')}>
          <span data-testid="test-clock-time">{shown}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('testClock.statusLabel')}>
          <Tag color={advancing ? 'processing' : 'success'} data-testid="test-clock-status" data-status={clock.status}>
            {t(`testClock.status.${clock.status}`)}
          </Tag>
        </Descriptions.Item>
      </Descriptions>
      {advancing ? (
        <Alert type="info" showIcon message={t('testClock.advancing', { time: shown })} />
      ) : !can('programme:manage') ? (
        <Typography.Text type="secondary">{t('testClock.readOnly')}</Typography.Text>
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text strong>{t('testClock.advanceTo')}</Typography.Text>
          <div data-testid="test-clock-to">
            <DatePicker
              showTime={{ format: 'HH:mm' }}
              format="YYYY-MM-DD HH:mm"
              value={to}
              onChange={setTo}
              allowClear={false}
              disabledDate={(date) => date.isBefore(now, 'day')}
              style={{ width: '100%' }}
            />
          </div>
          <Space wrap size="small">
            {(
              [
                ['plusDay', 1],
                ['plusWeek', 7],
                ['plusMonth', 30],
              ] as const
            ).map(([label, days]) => (
              <Button key={label} size="small" onClick={() => setTo(now.add(days, 'day'))} data-testid={`test-clock-${label}`}>
                {t(`testClock.${label}`)}
              </Button>
            ))}
          </Space>
          {errors.length > 0 && <Alert type="error" showIcon message={errors.join('\n')} data-testid="test-clock-error" />}
          {to && !to.isAfter(now) && <Typography.Text type="warning">{t('testClock.pickLater')}</Typography.Text>}
          <Button
            type="primary"
            block
            loading={fetching}
            disabled={!to}
            onClick={() => void onAdvance()}
            data-testid="test-clock-advance"
          >
            {t('testClock.submit')}
          </Button>
        </Space>
      )}
    </div>
  );

  return (
    <Popover trigger="click" placement="bottomRight" title={t('testClock.title')} content={panel} open={open} onOpenChange={onOpenChange}>
      <Button
        size="small"
        icon={<FieldTimeOutlined />}
        aria-label={t('testClock.title')}
        title={shown}
        data-testid="test-clock"
        data-status={clock.status}
        style={{ borderColor: '#faad14', color: '#d48806' }}
      >
        {phone ? null : t('testClock.tag', { time: shown })}
      </Button>
    </Popover>
  );
}
