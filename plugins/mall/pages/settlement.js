// 结算 (settlement): per store, the points it issued and the points members spent there over a
// period (this month so far unless another is picked), what they are worth, and who owes whom;
// a chart of the two values per store; and the same report as a spreadsheet for the finance
// office. Plain ES; the admin calls the default export with its host.

import { errorText, thisMonthSoFar, yuan } from './common.js';

const SETTLEMENT = `query MallSettlement($from: Date!, $until: Date!) {
  storeSettlement(from: $from, until: $until) {
    storeCode storeName pointsIssued pointsRedeemed pointsIssuedValue pointsRedeemedValue net
  }
}`;

const TENANT_ZONE = `query MallTenantZone { viewer { tenant { timezone } } }`;

const WORDS = {
  'zh-CN': {
    title: '结算',
    from: '开始',
    until: '结束',
    download: '下载 Excel',
    downloaded: '已下载结算表',
    store: '商户',
    issued: '发放积分',
    redeemed: '兑付积分',
    issuedValue: '发放价值（元）',
    redeemedValue: '兑付价值（元）',
    net: '结算净额（元）',
    total: '合计',
    mallPays: '商场付商户',
    storePays: '商户付商场',
    even: '无需结算',
    explain:
      '发放价值是商户的订单发放的积分折合的金额，由商户付给商场；兑付价值是会员在该商户用积分抵扣的金额，由商场付给商户。' +
      '结算净额 = 兑付价值 − 发放价值：正数为商场应付商户，负数为商户应付商场。',
    chart: '各商户积分价值（元）',
    empty: '没有商户',
    failed: '出错了：',
    downloadFailed: '下载失败：',
  },
  en: {
    title: 'Settlement',
    from: 'From',
    until: 'Until',
    download: 'Download Excel',
    downloaded: 'The settlement report is downloaded',
    store: 'Store',
    issued: 'Points issued',
    redeemed: 'Points redeemed',
    issuedValue: 'Issued value (yuan)',
    redeemedValue: 'Redeemed value (yuan)',
    net: 'Net (yuan)',
    total: 'Total',
    mallPays: 'mall pays store',
    storePays: 'store pays mall',
    even: 'nothing to settle',
    explain:
      "Issued value is what the points the store's orders earned are worth: the store pays it to the mall. Redeemed value is " +
      'what members paid at the store with points: the mall pays it to the store. Net = redeemed value − issued value: ' +
      'positive, the mall pays the store; negative, the store pays the mall.',
    chart: 'Points value per store (yuan)',
    empty: 'No stores',
    failed: 'Something went wrong: ',
    downloadFailed: 'The download failed: ',
  },
};

export default function page(host) {
  const { React, antd, EChart, graphql, language } = host;
  const h = React.createElement;
  const words = WORDS[language] || WORDS.en;
  const number = (n) => Number(n).toLocaleString('en-US');

  function Net({ fen }) {
    const value = Number(fen);
    const who = value > 0 ? words.mallPays : value < 0 ? words.storePays : words.even;
    return h(
      'span',
      { 'data-testid': 'mall-settlement-net', style: { whiteSpace: 'nowrap' } },
      h(antd.Typography.Text, { type: value > 0 ? 'success' : value < 0 ? 'danger' : undefined, strong: value !== 0 }, yuan(fen)),
      h(antd.Typography.Text, { type: 'secondary', style: { marginLeft: 6, fontSize: 12 } }, who),
    );
  }

  const columns = [
    {
      title: words.store,
      key: 'store',
      fixed: 'left',
      render: (_, row) =>
        h('span', null, h('div', null, row.storeName), h(antd.Typography.Text, { type: 'secondary', style: { fontSize: 12 } }, row.storeCode)),
    },
    { title: words.issued, dataIndex: 'pointsIssued', align: 'right', render: number },
    { title: words.redeemed, dataIndex: 'pointsRedeemed', align: 'right', render: number },
    { title: words.issuedValue, dataIndex: 'pointsIssuedValue', align: 'right', render: yuan },
    { title: words.redeemedValue, dataIndex: 'pointsRedeemedValue', align: 'right', render: yuan },
    { title: words.net, dataIndex: 'net', align: 'right', render: (fen) => h(Net, { fen }) },
  ];

  function totals(rows) {
    const sum = (key) => rows.reduce((total, row) => total + Number(row[key]), 0);
    const cell = (index, content) => h(antd.Table.Summary.Cell, { index, align: index ? 'right' : undefined }, content);
    return h(
      antd.Table.Summary.Row,
      { 'data-testid': 'mall-settlement-total' },
      cell(0, h(antd.Typography.Text, { strong: true }, words.total)),
      cell(1, number(sum('pointsIssued'))),
      cell(2, number(sum('pointsRedeemed'))),
      cell(3, yuan(sum('pointsIssuedValue'))),
      cell(4, yuan(sum('pointsRedeemedValue'))),
      cell(5, h(Net, { fen: sum('net') })),
    );
  }

  return function MallSettlement() {
    // the default range is the tenant's month so far, in the tenant's time zone
    const [from, setFrom] = React.useState(null);
    const [until, setUntil] = React.useState(null);
    const [rows, setRows] = React.useState(null);
    const [problem, setProblem] = React.useState(null);
    const [notice, setNotice] = React.useState(null); // { type, text }
    const [downloading, setDownloading] = React.useState(false);

    React.useEffect(() => {
      let live = true;
      graphql(TENANT_ZONE).then(
        (data) => {
          if (!live) return;
          const [first, today] = thisMonthSoFar(data.viewer.tenant.timezone);
          setFrom((picked) => picked || first);
          setUntil((picked) => picked || today);
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
      graphql(SETTLEMENT, { from, until }).then(
        (data) => live && setRows(data.storeSettlement),
        (error) => {
          if (!live) return;
          setRows([]);
          setProblem(words.failed + errorText(error));
        },
      );
      return () => {
        live = false;
      };
    }, [from, until]);

    const option = React.useMemo(() => {
      const shown = rows || [];
      return {
        grid: { left: 64, right: 16, top: 40, bottom: 32 },
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        xAxis: { type: 'category', data: shown.map((r) => r.storeName) },
        yAxis: { type: 'value' },
        series: [
          { type: 'bar', name: words.issuedValue, data: shown.map((r) => Number(r.pointsIssuedValue) / 100) },
          { type: 'bar', name: words.redeemedValue, data: shown.map((r) => Number(r.pointsRedeemedValue) / 100) },
        ],
      };
    }, [rows]);

    async function download() {
      setDownloading(true);
      setNotice(null);
      try {
        const query = new URLSearchParams({ from, until }).toString();
        const name = `settlement-${from.replaceAll('-', '')}-${until.replaceAll('-', '')}.xlsx`;
        await host.download(`/plugin-api/mall/settlement.xlsx?${query}`, name);
        setNotice({ type: 'success', text: words.downloaded });
      } catch (error) {
        setNotice({ type: 'error', text: words.downloadFailed + errorText(error) });
      } finally {
        setDownloading(false);
      }
    }

    return h(
      antd.Space,
      { direction: 'vertical', size: 'middle', style: { width: '100%' }, 'data-testid': 'mall-settlement' },
      h(antd.Typography.Title, { level: 4, style: { margin: 0 } }, words.title),
      h(
        antd.Space,
        { wrap: true },
        h(antd.Input, {
          type: 'date',
          addonBefore: words.from,
          value: from || '',
          max: until,
          onChange: (event) => setFrom(event.target.value),
          'data-testid': 'mall-settlement-from',
        }),
        h(antd.Input, {
          type: 'date',
          addonBefore: words.until,
          value: until || '',
          min: from,
          onChange: (event) => setUntil(event.target.value),
          'data-testid': 'mall-settlement-until',
        }),
        h(
          antd.Button,
          {
            type: 'primary',
            onClick: download,
            loading: downloading,
            disabled: !from || !until || Boolean(problem) || typeof host.download !== 'function',
            'data-testid': 'mall-settlement-download',
          },
          words.download,
        ),
      ),
      problem ? h(antd.Alert, { type: 'error', message: problem, showIcon: true, 'data-testid': 'mall-settlement-error' }) : null,
      notice ? h(antd.Alert, { type: notice.type, message: notice.text, showIcon: true, 'data-testid': 'mall-settlement-notice' }) : null,
      h(antd.Typography.Paragraph, { type: 'secondary', style: { margin: 0 }, 'data-testid': 'mall-settlement-explain' }, words.explain),
      h(antd.Table, {
        'data-testid': 'mall-settlement-table',
        size: 'small',
        rowKey: 'storeCode',
        loading: rows === null,
        columns,
        dataSource: rows || [],
        pagination: false,
        scroll: { x: 'max-content' },
        locale: { emptyText: words.empty },
        onRow: (row) => ({ 'data-testid': 'mall-settlement-row', 'data-code': row.storeCode }),
        summary: (shown) => (shown.length ? h(antd.Table.Summary, { fixed: false }, totals(shown)) : null),
      }),
      h(
        antd.Card,
        { size: 'small', title: words.chart },
        h(EChart, { option, height: 300, 'data-testid': 'mall-settlement-chart' }),
      ),
    );
  };
}
