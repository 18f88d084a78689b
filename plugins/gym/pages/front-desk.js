// 前台签到 (front desk): find a member by phone, check them in with one big button, see and
// freeze their cards, and sell a card. Laid out in one column so it works on the desk's phone.
// The admin imports this module and calls its default export with the host (its React, Ant
// Design and a GraphQL client signed in as the staff member). Plain ES, no build step.

import { daysFromToday, errorText, newKey, userErrorText, yuan } from './common.js';

const CARD = `id status startsAt endsAt visitsLeft product { id name kind }`;

// The gym's time zone comes with the member: the desk's days are the gym's, whatever the
// browser's own zone is.
const FIND = `query GymMember($phone: String!) {
  member(phone: $phone) { id name phone pointsBalance cards { ${CARD} } }
  viewer { tenant { timezone } }
}`;

const PRODUCTS = `query GymProducts { cardProducts { id name kind days visits price } }`;

const CHECK_IN = `mutation GymCheckIn($input: CheckInInput!) {
  checkIn(input: $input) { pointsEarned replayed card { ${CARD} } errors { code field message } }
}`;

const SELL = `mutation GymSellCard($input: SellCardInput!) {
  sellCard(input: $input) { card { ${CARD} } errors { code field message } }
}`;

const FREEZE = `mutation GymFreezeCard($input: FreezeCardInput!) {
  freezeCard(input: $input) { card { ${CARD} } errors { code field message } }
}`;

const WORDS = {
  'zh-CN': {
    title: '前台签到',
    search: '会员手机号',
    find: '查找',
    notFound: '没有找到这位会员',
    points: '积分',
    checkIn: '签到',
    checkedIn: (points, card) => `签到成功：获得 ${points} 积分，使用「${card}」`,
    replayed: '这次签到已记录过',
    failed: '出错了：',
    cards: '会员卡',
    noCards: '还没有会员卡',
    ends: '到期',
    never: '长期有效',
    visitsLeft: '剩余次数',
    status: { ACTIVE: '可用', FROZEN: '冻结中', EXPIRED: '已到期', USED_UP: '已用完' },
    freeze: '冻结',
    freezeFrom: '开始日期',
    freezeUntil: '结束日期（含）',
    freezeSave: '确认冻结',
    cancel: '取消',
    frozen: '已冻结，到期日顺延',
    sell: '售卡',
    sellPick: '选择卡种',
    sold: (name) => `已售出「${name}」`,
  },
  en: {
    title: 'Front desk',
    search: "Member's phone",
    find: 'Find',
    notFound: 'No such member',
    points: 'Points',
    checkIn: 'Check in',
    checkedIn: (points, card) => `Checked in: ${points} points earned, on "${card}"`,
    replayed: 'This check-in was recorded already',
    failed: 'Something went wrong: ',
    cards: 'Cards',
    noCards: 'No card yet',
    ends: 'Ends',
    never: 'No end date',
    visitsLeft: 'Visits left',
    status: { ACTIVE: 'Active', FROZEN: 'Frozen', EXPIRED: 'Expired', USED_UP: 'Used up' },
    freeze: 'Freeze',
    freezeFrom: 'From',
    freezeUntil: 'Until (included)',
    freezeSave: 'Freeze the card',
    cancel: 'Cancel',
    frozen: 'Frozen; the end date moves on',
    sell: 'Sell a card',
    sellPick: 'Pick a card product',
    sold: (name) => `Sold "${name}"`,
  },
};

const STATUS_COLOURS = { ACTIVE: 'green', FROZEN: 'blue', EXPIRED: 'default', USED_UP: 'default' };

export default function page(host) {
  const { React, antd, graphql, language } = host;
  const h = React.createElement;
  const words = WORDS[language] || WORDS.en;
  const full = { width: '100%' };

  function day(at, zone) {
    return at ? new Date(at).toLocaleDateString(language, { timeZone: zone }) : words.never;
  }

  function FreezeForm({ card, zone, onDone, onCancel }) {
    const [from, setFrom] = React.useState(daysFromToday(0, zone));
    const [until, setUntil] = React.useState(daysFromToday(6, zone));
    const [busy, setBusy] = React.useState(false);
    const [problem, setProblem] = React.useState(null);

    async function save() {
      setBusy(true);
      setProblem(null);
      try {
        const input = { cardId: card.id, from, until, idempotencyKey: newKey() };
        const result = (await graphql(FREEZE, { input })).freezeCard;
        if (result.errors.length) setProblem(userErrorText(result.errors));
        else onDone(result.card);
      } catch (error) {
        setProblem(words.failed + errorText(error));
      } finally {
        setBusy(false);
      }
    }

    return h(
      antd.Space,
      { direction: 'vertical', style: full, 'data-testid': 'gym-freeze-form' },
      h(
        antd.Space,
        { wrap: true },
        h(antd.Input, {
          type: 'date',
          addonBefore: words.freezeFrom,
          value: from,
          onChange: (event) => setFrom(event.target.value),
          'data-testid': 'gym-freeze-from',
        }),
        h(antd.Input, {
          type: 'date',
          addonBefore: words.freezeUntil,
          value: until,
          onChange: (event) => setUntil(event.target.value),
          'data-testid': 'gym-freeze-until',
        }),
      ),
      problem ? h(antd.Alert, { type: 'error', message: problem, showIcon: true }) : null,
      h(
        antd.Space,
        { wrap: true },
        h(
          antd.Button,
          { type: 'primary', loading: busy, onClick: save, 'data-testid': 'gym-freeze-save' },
          words.freezeSave,
        ),
        h(antd.Button, { onClick: onCancel }, words.cancel),
      ),
    );
  }

  function CardView({ card, zone, onChanged }) {
    const [freezing, setFreezing] = React.useState(false);
    const ended = card.status === 'EXPIRED' || card.status === 'USED_UP';
    return h(
      antd.Card,
      {
        size: 'small',
        title: card.product.name,
        extra: h(antd.Tag, { color: STATUS_COLOURS[card.status] }, words.status[card.status]),
        'data-testid': 'gym-card',
        'data-card-id': card.id,
        'data-status': card.status,
      },
      h(
        antd.Space,
        { direction: 'vertical', style: full },
        h(antd.Typography.Text, { 'data-testid': 'gym-card-ends' }, `${words.ends}: ${day(card.endsAt, zone)}`),
        card.visitsLeft === null || card.visitsLeft === undefined
          ? null
          : h(
              antd.Typography.Text,
              { 'data-testid': 'gym-card-visits' },
              `${words.visitsLeft}: ${card.visitsLeft}`,
            ),
        freezing
          ? h(FreezeForm, {
              card,
              zone,
              onCancel: () => setFreezing(false),
              onDone: (changed) => {
                setFreezing(false);
                onChanged(changed, words.frozen);
              },
            })
          : ended
            ? null
            : h(
                antd.Button,
                { size: 'small', onClick: () => setFreezing(true), 'data-testid': 'gym-card-freeze' },
                words.freeze,
              ),
      ),
    );
  }

  function SellCard({ member, onSold }) {
    const [products, setProducts] = React.useState([]);
    const [chosen, setChosen] = React.useState(undefined);
    const [busy, setBusy] = React.useState(false);
    const [problem, setProblem] = React.useState(null);

    React.useEffect(() => {
      let live = true;
      graphql(PRODUCTS).then(
        (data) => live && setProducts(data.cardProducts),
        (error) => live && setProblem(words.failed + errorText(error)),
      );
      return () => {
        live = false;
      };
    }, []);

    async function sell() {
      if (!chosen) return;
      setBusy(true);
      setProblem(null);
      try {
        const input = { memberId: member.id, productId: chosen, idempotencyKey: newKey() };
        const result = (await graphql(SELL, { input })).sellCard;
        if (result.errors.length) setProblem(userErrorText(result.errors));
        else {
          setChosen(undefined);
          onSold(words.sold(result.card.product.name));
        }
      } catch (error) {
        setProblem(words.failed + errorText(error));
      } finally {
        setBusy(false);
      }
    }

    return h(
      antd.Card,
      { size: 'small', title: words.sell, 'data-testid': 'gym-sell' },
      h(
        antd.Space,
        { direction: 'vertical', style: full },
        h(antd.Select, {
          style: full,
          placeholder: words.sellPick,
          value: chosen,
          onChange: setChosen,
          options: products.map((p) => ({ value: p.id, label: `${p.name} · ${yuan(p.price)}` })),
          'data-testid': 'gym-sell-product',
        }),
        problem ? h(antd.Alert, { type: 'error', message: problem, showIcon: true }) : null,
        h(
          antd.Button,
          { block: true, disabled: !chosen, loading: busy, onClick: sell, 'data-testid': 'gym-sell-submit' },
          words.sell,
        ),
      ),
    );
  }

  return function FrontDesk() {
    const [query, setQuery] = React.useState('');
    const [member, setMember] = React.useState(null);
    const [zone, setZone] = React.useState(undefined); // the gym's; undefined: the browser's
    const [notice, setNotice] = React.useState(null); // { type, text }
    const [busy, setBusy] = React.useState(false);

    async function load(phone) {
      const data = await graphql(FIND, { phone });
      setZone(data.viewer && data.viewer.tenant ? data.viewer.tenant.timezone : undefined);
      setMember(data.member);
      return data.member;
    }

    async function find(text) {
      const phone = (text || '').trim();
      if (!phone) return;
      setBusy(true);
      setNotice(null);
      try {
        if (!(await load(phone))) setNotice({ type: 'warning', text: words.notFound });
      } catch (error) {
        setNotice({ type: 'error', text: words.failed + errorText(error) });
      } finally {
        setBusy(false);
      }
    }

    async function checkIn() {
      setBusy(true);
      setNotice(null);
      try {
        // A new key for each press: a press is one attempt; the server counts a key once.
        const input = { memberId: member.id, idempotencyKey: newKey() };
        const result = (await graphql(CHECK_IN, { input })).checkIn;
        if (result.errors.length) {
          setNotice({ type: 'error', text: userErrorText(result.errors) });
          return;
        }
        await load(member.phone);
        setNotice({
          type: 'success',
          text: result.replayed ? words.replayed : words.checkedIn(result.pointsEarned, result.card.product.name),
        });
      } catch (error) {
        setNotice({ type: 'error', text: words.failed + errorText(error) });
      } finally {
        setBusy(false);
      }
    }

    async function refreshed(text) {
      try {
        await load(member.phone);
        setNotice({ type: 'success', text });
      } catch (error) {
        setNotice({ type: 'error', text: words.failed + errorText(error) });
      }
    }

    return h(
      antd.Space,
      { direction: 'vertical', size: 'middle', style: { ...full, maxWidth: 640 }, 'data-testid': 'gym-front-desk' },
      h(antd.Typography.Title, { level: 4, style: { margin: 0 } }, words.title),
      h(antd.Input.Search, {
        placeholder: words.search,
        enterButton: words.find,
        size: 'large',
        inputMode: 'tel',
        value: query,
        allowClear: true,
        loading: busy && !member,
        onChange: (event) => setQuery(event.target.value),
        onSearch: find,
        'data-testid': 'gym-desk-search',
      }),
      notice
        ? h(antd.Alert, { type: notice.type, message: notice.text, showIcon: true, 'data-testid': 'gym-desk-notice' })
        : null,
      member
        ? h(
            antd.Space,
            { direction: 'vertical', size: 'middle', style: full, 'data-testid': 'gym-desk-member' },
            h(
              antd.Card,
              { size: 'small' },
              h(
                antd.Space,
                { direction: 'vertical', style: full },
                h(antd.Typography.Text, { strong: true }, `${member.name || ''} ${member.phone}`),
                h(antd.Statistic, {
                  title: words.points,
                  value: member.pointsBalance,
                  'data-testid': 'gym-desk-points',
                }),
                h(
                  antd.Button,
                  {
                    type: 'primary',
                    size: 'large',
                    block: true,
                    loading: busy,
                    onClick: checkIn,
                    style: { height: 64, fontSize: 24 },
                    'data-testid': 'gym-check-in',
                  },
                  words.checkIn,
                ),
              ),
            ),
            h(antd.Typography.Title, { level: 5, style: { margin: 0 } }, words.cards),
            member.cards.length
              ? member.cards.map((card) =>
                  h(CardView, { key: card.id, card, zone, onChanged: (_, text) => refreshed(text) }),
                )
              : h(antd.Typography.Text, { type: 'secondary' }, words.noCards),
            h(SellCard, { key: member.id, member, onSold: refreshed }),
          )
        : null,
    );
  };
}
