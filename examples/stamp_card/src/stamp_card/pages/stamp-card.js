// 集点卡 admin page: find a member by id or phone, see their card, add a stamp.
// The admin imports this module and calls its default export with the host: its own React and
// Ant Design, a GraphQL client signed in as the staff member, and the UI's language. Plain ES,
// no build step.

const CARD_FIELDS = `memberId memberName memberPhone cardName stamps stampsNeeded completed
  rewardPoints updatedAt`;

const FIND = `query StampCard($memberId: ID, $phone: String) {
  stampCard(memberId: $memberId, phone: $phone) { ${CARD_FIELDS} }
}`;

const ADD = `mutation AddStamp($memberId: ID!, $idempotencyKey: String!) {
  addStamp(memberId: $memberId, idempotencyKey: $idempotencyKey) {
    completed replayed card { ${CARD_FIELDS} } errors { code field message }
  }
}`;

const WORDS = {
  'zh-CN': {
    title: '集点卡',
    search: '会员 ID 或手机号',
    find: '查找',
    notFound: '没有找到这位会员',
    member: '会员',
    stamps: '已集',
    completed: (n) => `已集满 ${n} 张`,
    reward: (n) => `集满奖励 ${n} 积分`,
    add: '盖一个章',
    filled: (points) => `集满啦！已发放 ${points} 积分，新卡开始。`,
    added: '已盖章',
    failed: '出错了：',
    never: '还没有盖过章',
    last: '最近盖章',
  },
  en: {
    title: 'Stamp cards',
    search: 'Member id or phone',
    find: 'Find',
    notFound: 'No such member',
    member: 'Member',
    stamps: 'Stamps',
    completed: (n) => `${n} cards filled`,
    reward: (n) => `${n} points for a full card`,
    add: 'Add a stamp',
    filled: (points) => `Card filled! ${points} points granted; a new card starts.`,
    added: 'Stamp added',
    failed: 'Something went wrong: ',
    never: 'No stamp yet',
    last: 'Last stamp',
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function newKey() {
  if (globalThis.crypto && globalThis.crypto.randomUUID) return globalThis.crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

export default function page(host) {
  const { React, antd, graphql, language } = host;
  const h = React.createElement;
  const words = WORDS[language] || WORDS.en;

  function CardView({ card, onAdd, busy }) {
    const percent = Math.round((card.stamps / card.stampsNeeded) * 100);
    return h(
      antd.Card,
      { title: card.cardName, 'data-testid': 'stamp-card' },
      h(
        antd.Space,
        { direction: 'vertical', style: { width: '100%' } },
        h(
          antd.Typography.Text,
          { 'data-testid': 'stamp-card-member' },
          `${words.member}: ${card.memberName || ''} ${card.memberPhone}`,
        ),
        h(antd.Progress, {
          percent,
          steps: card.stampsNeeded,
          size: 'default',
          format: () => `${card.stamps} / ${card.stampsNeeded}`,
          'data-testid': 'stamp-card-progress',
        }),
        h(
          antd.Space,
          { wrap: true },
          h(antd.Tag, { color: 'gold' }, words.completed(card.completed)),
          h(antd.Tag, { color: 'blue' }, words.reward(card.rewardPoints)),
          h(
            antd.Typography.Text,
            { type: 'secondary' },
            card.updatedAt ? `${words.last}: ${new Date(card.updatedAt).toLocaleString(language)}` : words.never,
          ),
        ),
        h(
          antd.Button,
          { type: 'primary', loading: busy, onClick: onAdd, 'data-testid': 'stamp-card-add' },
          words.add,
        ),
      ),
    );
  }

  return function StampCards() {
    const [query, setQuery] = React.useState('');
    const [card, setCard] = React.useState(null);
    const [notice, setNotice] = React.useState(null); // { type, text }
    const [busy, setBusy] = React.useState(false);

    async function find(text) {
      const value = (text || '').trim();
      if (!value) return;
      setBusy(true);
      setNotice(null);
      try {
        const variables = UUID.test(value) ? { memberId: value } : { phone: value };
        const data = await graphql(FIND, variables);
        setCard(data.stampCard);
        if (!data.stampCard) setNotice({ type: 'warning', text: words.notFound });
      } catch (error) {
        setNotice({ type: 'error', text: words.failed + String(error.message || error) });
      } finally {
        setBusy(false);
      }
    }

    async function addStamp() {
      setBusy(true);
      setNotice(null);
      try {
        const data = await graphql(ADD, { memberId: card.memberId, idempotencyKey: newKey() });
        const result = data.addStamp;
        if (result.errors.length) {
          setNotice({ type: 'error', text: words.failed + result.errors.map((e) => e.message).join('; ') });
          return;
        }
        setCard(result.card);
        setNotice(
          result.completed
            ? { type: 'success', text: words.filled(result.card.rewardPoints) }
            : { type: 'info', text: words.added },
        );
      } catch (error) {
        setNotice({ type: 'error', text: words.failed + String(error.message || error) });
      } finally {
        setBusy(false);
      }
    }

    return h(
      antd.Space,
      { direction: 'vertical', style: { width: '100%', maxWidth: 560 }, 'data-testid': 'stamp-cards' },
      h(antd.Typography.Title, { level: 4, style: { margin: 0 } }, words.title),
      h(antd.Input.Search, {
        placeholder: words.search,
        enterButton: words.find,
        value: query,
        allowClear: true,
        loading: busy && !card,
        onChange: (event) => setQuery(event.target.value),
        onSearch: find,
        'data-testid': 'stamp-card-search',
      }),
      notice ? h(antd.Alert, { type: notice.type, message: notice.text, showIcon: true, 'data-testid': 'stamp-card-notice' }) : null,
      card ? h(CardView, { card, onAdd: addStamp, busy }) : null,
    );
  };
}
