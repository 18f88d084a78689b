import { DatePicker, Select, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { PRESETS, presetOf, presetPeriod, type Period, type Preset } from './period';

interface Props {
  period: Period;
  today: string;
  timeZone: string;
  onChange: (period: Period) => void;
}

const CUSTOM = 'custom';
const DAY_FORMAT = 'YYYY-MM-DD';

/** Presets, a custom range of days, and the time zone the days are in. */
export function PeriodPicker({ period, today, timeZone, onChange }: Props) {
  const { t } = useTranslation();
  const preset = presetOf(period, today) ?? CUSTOM;
  const last = dayjs(today);

  return (
    <div className="dashboard-period" data-testid="dashboard-period" data-from={period.from} data-until={period.until}>
      <Select<Preset | typeof CUSTOM>
        value={preset}
        style={{ minWidth: 128 }}
        aria-label={t('dashboard.presetLabel')}
        data-testid="dashboard-preset"
        onChange={(value) => {
          if (value !== CUSTOM) onChange(presetPeriod(value, today));
        }}
        options={[
          ...PRESETS.map((value) => ({ value, label: t(`dashboard.presets.${value}`) })),
          { value: CUSTOM, label: t('dashboard.presets.custom'), disabled: true },
        ]}
      />
      <DatePicker.RangePicker
        value={[dayjs(period.from), dayjs(period.until)]}
        format={DAY_FORMAT}
        allowClear={false}
        // Days after the tenant's today have no figures yet.
        disabledDate={(day: Dayjs) => day.isAfter(last, 'day')}
        onChange={(range) => {
          const [from, until] = range ?? [];
          if (from && until) onChange({ from: from.format(DAY_FORMAT), until: until.format(DAY_FORMAT) });
        }}
        data-testid="dashboard-range"
      />
      <Typography.Text type="secondary" data-testid="dashboard-timezone">
        {t('dashboard.timezone', { zone: timeZone })}
      </Typography.Text>
    </div>
  );
}
