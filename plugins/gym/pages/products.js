// 卡种 (card products): what the gym sells, and a form for a new one. Prices are entered in yuan
// and sent in fen; the server's verdict on each field shows under that field.
// The admin imports this module and calls its default export with the host. Plain ES.

import { errorText, userErrorText, yuan } from './common.js';

const PRODUCTS = `query GymProducts { cardProducts { id name kind days visits price } }`;

const CREATE = `mutation GymCreateProduct($input: CreateCardProductInput!) {
  createCardProduct(input: $input) {
    product { id name kind days visits price } errors { code field message }
  }
}`;

const WORDS = {
  'zh-CN': {
    title: '卡种',
    empty: '还没有卡种',
    kind: { TIME: '按天数（月卡/年卡）', VISITS: '按次数（次卡）' },
    days: (n) => `${n} 天`,
    visits: (n) => `${n} 次`,
    noLimit: '不限期',
    newProduct: '新卡种',
    name: '名称',
    kindLabel: '类型',
    daysLabel: '天数',
    daysHint: '次卡可留空：不限期',
    visitsLabel: '次数',
    priceLabel: '售价（元）',
    create: '创建',
    created: (name) => `已创建「${name}」`,
    failed: '出错了：',
  },
  en: {
    title: 'Card products',
    empty: 'No card product yet',
    kind: { TIME: 'By days (monthly/yearly)', VISITS: 'By visits' },
    days: (n) => `${n} days`,
    visits: (n) => `${n} visits`,
    noLimit: 'no end date',
    newProduct: 'New card product',
    name: 'Name',
    kindLabel: 'Kind',
    daysLabel: 'Days',
    daysHint: 'Optional for visits: no end date',
    visitsLabel: 'Visits',
    priceLabel: 'Price (yuan)',
    create: 'Create',
    created: (name) => `Created "${name}"`,
    failed: 'Something went wrong: ',
  },
};

const FIELDS = ['name', 'kind', 'days', 'visits', 'price'];

export default function page(host) {
  const { React, antd, graphql, language } = host;
  const h = React.createElement;
  const words = WORDS[language] || WORDS.en;

  function describe(product) {
    const parts = [words.kind[product.kind]];
    if (product.kind === 'VISITS') parts.push(words.visits(product.visits));
    parts.push(product.days ? words.days(product.days) : words.noLimit);
    parts.push(yuan(product.price));
    return parts.join(' · ');
  }

  function CreateForm({ onCreated }) {
    const [form] = antd.Form.useForm();
    const kind = antd.Form.useWatch('kind', form);
    const [busy, setBusy] = React.useState(false);
    const [problem, setProblem] = React.useState(null);

    async function submit(values) {
      setBusy(true);
      setProblem(null);
      try {
        const input = {
          name: (values.name || '').trim(),
          kind: values.kind,
          days: values.days ?? null,
          visits: values.kind === 'VISITS' ? (values.visits ?? null) : null,
          price: Math.round(Number(values.price || 0) * 100),
        };
        const result = (await graphql(CREATE, { input })).createCardProduct;
        if (result.errors.length) {
          const atField = result.errors.filter((e) => e.field && FIELDS.includes(e.field[e.field.length - 1]));
          form.setFields(
            atField.map((e) => ({ name: e.field[e.field.length - 1], errors: [e.message] })),
          );
          const rest = result.errors.filter((e) => !atField.includes(e));
          if (rest.length) setProblem(userErrorText(rest));
          return;
        }
        form.resetFields();
        onCreated(result.product);
      } catch (error) {
        setProblem(words.failed + errorText(error));
      } finally {
        setBusy(false);
      }
    }

    return h(
      antd.Card,
      { size: 'small', title: words.newProduct, 'data-testid': 'gym-product-form' },
      h(
        antd.Form,
        { form, layout: 'vertical', initialValues: { kind: 'TIME', days: 30 }, onFinish: submit },
        h(
          antd.Form.Item,
          { name: 'name', label: words.name },
          h(antd.Input, { maxLength: 50, 'data-testid': 'gym-product-name' }),
        ),
        h(
          antd.Form.Item,
          { name: 'kind', label: words.kindLabel },
          h(antd.Radio.Group, {
            'data-testid': 'gym-product-kind',
            options: [
              { value: 'TIME', label: words.kind.TIME },
              { value: 'VISITS', label: words.kind.VISITS },
            ],
          }),
        ),
        kind === 'VISITS'
          ? h(
              antd.Form.Item,
              { name: 'visits', label: words.visitsLabel },
              h(antd.InputNumber, { min: 1, precision: 0, style: { width: '100%' }, 'data-testid': 'gym-product-visits' }),
            )
          : null,
        h(
          antd.Form.Item,
          { name: 'days', label: words.daysLabel, extra: kind === 'VISITS' ? words.daysHint : null },
          h(antd.InputNumber, { min: 1, precision: 0, style: { width: '100%' }, 'data-testid': 'gym-product-days' }),
        ),
        h(
          antd.Form.Item,
          { name: 'price', label: words.priceLabel },
          h(antd.InputNumber, { min: 0, step: 1, precision: 2, style: { width: '100%' }, 'data-testid': 'gym-product-price' }),
        ),
        problem ? h(antd.Alert, { type: 'error', message: problem, showIcon: true, style: { marginBottom: 16 } }) : null,
        h(
          antd.Button,
          { type: 'primary', htmlType: 'submit', loading: busy, 'data-testid': 'gym-product-create' },
          words.create,
        ),
      ),
    );
  }

  return function CardProducts() {
    const [products, setProducts] = React.useState(null);
    const [notice, setNotice] = React.useState(null); // { type, text }

    async function load() {
      try {
        setProducts((await graphql(PRODUCTS)).cardProducts);
      } catch (error) {
        setNotice({ type: 'error', text: words.failed + errorText(error) });
      }
    }

    React.useEffect(() => {
      load();
    }, []);

    return h(
      antd.Space,
      { direction: 'vertical', size: 'middle', style: { width: '100%', maxWidth: 720 }, 'data-testid': 'gym-products' },
      h(antd.Typography.Title, { level: 4, style: { margin: 0 } }, words.title),
      notice
        ? h(antd.Alert, { type: notice.type, message: notice.text, showIcon: true, 'data-testid': 'gym-products-notice' })
        : null,
      h(antd.List, {
        bordered: true,
        loading: products === null,
        dataSource: products || [],
        locale: { emptyText: words.empty },
        renderItem: (product) =>
          h(
            antd.List.Item,
            { 'data-testid': 'gym-product', 'data-name': product.name },
            h(antd.List.Item.Meta, { title: product.name, description: describe(product) }),
          ),
      }),
      h(CreateForm, {
        onCreated: (product) => {
          setNotice({ type: 'success', text: words.created(product.name) });
          load();
        },
      }),
    );
  };
}
