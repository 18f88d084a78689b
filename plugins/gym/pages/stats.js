// 数据 (stats): check-ins per day on a chart and the renewal rate, for the last 30 days unless
// another range is picked. The admin imports this module and calls its default export with the
// host (its React, Ant Design, chart and GraphQL client). Plain ES.

import { daysFromToday, errorText } from './common.js';

const GYM_ZONE = `query GymZone { viewer { tenant { timezone } } }`;

const STATS = `query GymStats($from: Date!, $until: Date!) {
  gymCheckInsPerDay(from: $from, until: $until) { day count }
  gymRenewalRate(from: $from, until: $until) { ended renewed rate }
}`;

const WORDS = {
  'zh-CN': {
    title: '数据',
    from: '开始',
    until: '结束',
    checkIns: '每日签到',
    count: '签到',
    total: (n) => `共 ${n} 次签到`,
    rate: '续卡率',
    ratio: (renewed, ended) => `${ended} 位会员的卡在此期间结束，其中 ${renewed} 位在结束前后 30 天内续卡`,
    failed: '出错了：',
  },
  en: {
    title: 'Stats',
    from: 'From',
    until: 'Until',
    checkIns: 'Check-ins per day',
    count: 'Check-ins',
    total: (n) => `${n} check-ins in all`,
    rate: 'Renewal rate',
    ratio: (renewed, ended) =>
      `${ended} members' cards ended in the period; ${renewed} bought another within 30 days of the end`,
    failed: 'Something went wrong: ',
  },
};

export default function page(host) {
  const { React, antd, EChart, graphql, language } = host;
  const h = React.createElement;
  const words = WORDS[language] || WORDS.en;

  return function GymStats() {
    // the default range is the gym's last 30 days, counted in the gym's time zone
    const [from, setFrom] = React.useState(null);
    const [until, setUntil] = React.useState(null);
    const [data, setData] = React.useState(null);
    const [problem, setProblem] = React.useState(null);

    React.useEffect(() => {
      let live = true;
      graphql(GYM_ZONE).then(
        (answer) => {
          if (!live) return;
          const zone = answer.viewer.tenant.timezone;
          setFrom((picked) => picked || daysFromToday(-29, zone));
          setUntil((picked) => picked || daysFromToday(0, zone));
        },
        (error) => live && setProblem(words.failed + errorText(error)),
      );
      return () => {
        live = false;
      };
    }, []);

    React.useEffect(() => {
      if (!from || !until) return undefined;
      let live = true;
      setProblem(null);
      graphql(STATS, { from, until }).then(
        (answer) => live && setData(answer),
        (error) => {
          if (!live) return;
          setData(null);
          setProblem(words.failed + errorText(error));
        },
      );
      return () => {
        live = false;
      };
    }, [from, until]);

    const days = data ? data.gymCheckInsPerDay : [];
    const option = React.useMemo(
      () => ({
        grid: { left: 40, right: 16, top: 24, bottom: 32 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: days.map((d) => d.day.slice(5)) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [{ type: 'bar', name: words.count, data: days.map((d) => d.count) }],
      }),
      [data],
    );
    const rate = data ? data.gymRenewalRate : null;
    const total = days.reduce((sum, d) => sum + d.count, 0);

    return h(
      antd.Space,
      { direction: 'vertical', size: 'middle', style: { width: '100%' }, 'data-testid': 'gym-stats' },
      h(antd.Typography.Title, { level: 4, style: { margin: 0 } }, words.title),
      h(
        antd.Space,
        { wrap: true },
        h(antd.Input, {
          type: 'date',
          addonBefore: words.from,
          value: from || '',
          max: until || undefined,
          onChange: (event) => setFrom(event.target.value),
          'data-testid': 'gym-stats-from',
        }),
        h(antd.Input, {
          type: 'date',
          addonBefore: words.until,
          value: until || '',
          min: from || undefined,
          onChange: (event) => setUntil(event.target.value),
          'data-testid': 'gym-stats-until',
        }),
      ),
      problem ? h(antd.Alert, { type: 'error', message: problem, showIcon: true, 'data-testid': 'gym-stats-error' }) : null,
      h(
        antd.Card,
        { size: 'small', title: words.rate, 'data-testid': 'gym-stats-renewal' },
        h(antd.Statistic, {
          value: rate && rate.rate !== null ? (rate.rate * 100).toFixed(1) : '—',
          suffix: rate && rate.rate !== null ? '%' : null,
          'data-testid': 'gym-stats-rate',
        }),
        rate
          ? h(antd.Typography.Text, { type: 'secondary', 'data-testid': 'gym-stats-ratio' }, words.ratio(rate.renewed, rate.ended))
          : null,
      ),
      h(
        antd.Card,
        { size: 'small', title: words.checkIns, extra: data ? words.total(total) : null },
        h(EChart, { option, height: 280, 'data-testid': 'gym-stats-chart' }),
      ),
    );
  };
}
