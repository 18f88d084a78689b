// The member board: the admin imports this module and calls its default export with the host
// (the admin's React and antd, its GraphQL client, the UI's language). No build step.

const QUERY = `query MemberBoard {
  memberBoard {
    heading
    note
    tenantName
    memberCount
    columns { field label }
    rows { name points orders }
  }
}`;

const WORDS = {
  'zh-CN': { members: (n) => `共 ${n} 位会员`, failed: '看板没有加载出来：', empty: '还没有会员' },
  en: { members: (n) => `${n} members`, failed: 'The board did not load: ', empty: 'No members yet' },
};

export default function page(host) {
  const { React, antd, graphql, language } = host;
  const h = React.createElement;
  const words = WORDS[language] || WORDS.en;

  return function MemberBoard() {
    const [state, setState] = React.useState({ loading: true, board: null, error: null });

    React.useEffect(() => {
      let live = true;
      graphql(QUERY).then(
        (data) => live && setState({ loading: false, board: data.memberBoard, error: null }),
        (error) => live && setState({ loading: false, board: null, error: String(error.message || error) }),
      );
      return () => {
        live = false;
      };
    }, []);

    if (state.loading) return h(antd.Spin, null);
    if (state.error) {
      return h(antd.Alert, { type: 'error', message: words.failed + state.error, 'data-testid': 'board-error' });
    }
    const board = state.board;
    return h(
      antd.Space,
      { direction: 'vertical', style: { width: '100%' }, 'data-testid': 'member-board' },
      h(antd.Typography.Title, { level: 4, style: { margin: 0 }, 'data-testid': 'board-heading' }, board.heading),
      h(antd.Typography.Text, { type: 'secondary', 'data-testid': 'board-tenant' }, board.tenantName),
      board.memberCount === null
        ? null
        : h(antd.Tag, { color: 'blue', 'data-testid': 'board-count' }, words.members(board.memberCount)),
      board.note ? h(antd.Typography.Paragraph, { 'data-testid': 'board-note' }, board.note) : null,
      h(antd.Table, {
        rowKey: 'key',
        size: 'small',
        pagination: false,
        scroll: { x: 'max-content' },
        locale: { emptyText: words.empty },
        dataSource: board.rows.map((row, index) => ({ ...row, key: index })),
        columns: board.columns.map((column) => ({
          title: column.label,
          dataIndex: column.field,
          key: column.field,
        })),
        onRow: () => ({ 'data-testid': 'board-row' }),
        'data-testid': 'board-table',
      }),
      // the admin's own chart: each member's points as a bar
      h(host.EChart, {
        height: 240,
        'data-testid': 'board-chart',
        option: {
          grid: { left: 40, right: 16, top: 16, bottom: 32 },
          tooltip: { trigger: 'axis' },
          xAxis: { type: 'category', data: board.rows.map((row) => row.name || '—') },
          yAxis: { type: 'value' },
          series: [{ type: 'bar', data: board.rows.map((row) => Number(row.points) || 0) }],
        },
      }),
    );
  };
}
