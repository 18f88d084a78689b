// 商户 (stores): the mall's stores by code, a form for a new one, a name change, and closing a
// store (it takes no more receipts) or reopening it. A store is never deleted: its receipts and
// orders keep its code. The server's verdict on a field shows under that field. Plain ES; the
// admin calls the default export with its host.

import { errorText, fieldOf, userErrorText } from './common.js';

const STORES = `query MallStoresList { mallStores { code name active updatedAt } }`;

const SAVE = `mutation MallSaveStore($input: SaveMallStoreInput!) {
  saveMallStore(input: $input) {
    store { code name active } created errors { code field message }
  }
}`;

const WORDS = {
  'zh-CN': {
    title: '商户',
    empty: '还没有商户',
    open: '营业中',
    closed: '已关闭',
    closedHint: '不再受理小票',
    rename: '改名',
    close: '关闭',
    reopen: '重新开放',
    closeConfirm: (name) => `关闭「${name}」？关闭后不再受理它的小票，已有记录不变。`,
    newStore: '新商户',
    code: '商户编码',
    codeHint: '小票和订单上的编码：字母、数字、_、.、-，最多 32 个字符，创建后不能修改',
    codeTaken: (code) => `已有商户编码 ${code}`,
    name: '商户名称',
    required: '必填',
    create: '添加',
    save: '保存',
    cancel: '取消',
    renameTitle: (code) => `修改商户 ${code} 的名称`,
    created: (name) => `已添加「${name}」`,
    renamed: (name) => `已改名为「${name}」`,
    closedNow: (name) => `「${name}」已关闭`,
    reopened: (name) => `「${name}」已重新开放`,
    failed: '出错了：',
  },
  en: {
    title: 'Stores',
    empty: 'No store yet',
    open: 'Open',
    closed: 'Closed',
    closedHint: 'takes no receipts',
    rename: 'Rename',
    close: 'Close',
    reopen: 'Reopen',
    closeConfirm: (name) => `Close "${name}"? It takes no more receipts; what it has keeps.`,
    newStore: 'New store',
    code: 'Store code',
    codeHint: "The code on receipts and orders: letters, digits, '_', '.', '-', at most 32; it cannot change later",
    codeTaken: (code) => `There is a store with the code ${code} already`,
    name: 'Name',
    required: 'Required',
    create: 'Add',
    save: 'Save',
    cancel: 'Cancel',
    renameTitle: (code) => `Rename store ${code}`,
    created: (name) => `Added "${name}"`,
    renamed: (name) => `Renamed to "${name}"`,
    closedNow: (name) => `"${name}" is closed`,
    reopened: (name) => `"${name}" is open again`,
    failed: 'Something went wrong: ',
  },
};

const FIELDS = ['code', 'name'];

export default function page(host) {
  const { React, antd, graphql, language } = host;
  const h = React.createElement;
  const words = WORDS[language] || WORDS.en;

  // Saves a store; the errors at a form's fields go under them, the rest come back as text.
  async function save(input, form) {
    const result = (await graphql(SAVE, { input })).saveMallStore;
    if (!result.errors.length) return { store: result.store };
    const atField = result.errors.filter((e) => FIELDS.includes(fieldOf(e)));
    form.setFields(atField.map((e) => ({ name: fieldOf(e), errors: [e.message] })));
    const rest = result.errors.filter((e) => !atField.includes(e));
    return { problem: rest.length ? userErrorText(rest) : null };
  }

  function CreateForm({ codes, onSaved }) {
    const [form] = antd.Form.useForm();
    const [busy, setBusy] = React.useState(false);
    const [problem, setProblem] = React.useState(null);

    async function submit(values) {
      const code = (values.code || '').trim();
      // saveMallStore changes a store that has the code; a new store must not overwrite one.
      if (codes.includes(code)) {
        form.setFields([{ name: 'code', errors: [words.codeTaken(code)] }]);
        return;
      }
      setBusy(true);
      setProblem(null);
      try {
        const result = await save({ code, name: (values.name || '').trim(), active: true }, form);
        if (result.store) {
          form.resetFields();
          onSaved(words.created(result.store.name));
        } else if (result.problem) {
          setProblem(result.problem);
        }
      } catch (error) {
        setProblem(words.failed + errorText(error));
      } finally {
        setBusy(false);
      }
    }

    return h(
      antd.Card,
      { size: 'small', title: words.newStore, 'data-testid': 'mall-store-form' },
      h(
        antd.Form,
        { form, layout: 'vertical', onFinish: submit },
        h(
          antd.Form.Item,
          { name: 'code', label: words.code, extra: words.codeHint, rules: [{ required: true, whitespace: true, message: words.required }] },
          h(antd.Input, { maxLength: 32, 'data-testid': 'mall-store-code' }),
        ),
        h(
          antd.Form.Item,
          { name: 'name', label: words.name, rules: [{ required: true, whitespace: true, message: words.required }] },
          h(antd.Input, { maxLength: 50, 'data-testid': 'mall-store-name' }),
        ),
        problem ? h(antd.Alert, { type: 'error', message: problem, showIcon: true, style: { marginBottom: 16 } }) : null,
        h(antd.Button, { type: 'primary', htmlType: 'submit', loading: busy, 'data-testid': 'mall-store-create' }, words.create),
      ),
    );
  }

  function RenameDialog({ store, onClose, onSaved }) {
    const [form] = antd.Form.useForm();
    const [busy, setBusy] = React.useState(false);
    const [problem, setProblem] = React.useState(null);

    async function submit(values) {
      setBusy(true);
      setProblem(null);
      try {
        const name = (values.name || '').trim();
        const result = await save({ code: store.code, name, active: store.active }, form);
        if (result.store) onSaved(words.renamed(result.store.name));
        else if (result.problem) setProblem(result.problem);
      } catch (error) {
        setProblem(words.failed + errorText(error));
      } finally {
        setBusy(false);
      }
    }

    return h(
      antd.Modal,
      {
        open: true,
        title: words.renameTitle(store.code),
        okText: words.save,
        cancelText: words.cancel,
        okButtonProps: { loading: busy, 'data-testid': 'mall-store-rename-save' },
        onOk: () => form.submit(),
        onCancel: onClose,
        destroyOnHidden: true,
      },
      h(
        antd.Form,
        { form, layout: 'vertical', initialValues: { name: store.name }, onFinish: submit },
        h(
          antd.Form.Item,
          { name: 'name', label: words.name, rules: [{ required: true, whitespace: true, message: words.required }] },
          h(antd.Input, { maxLength: 50, 'data-testid': 'mall-store-rename-name' }),
        ),
        problem ? h(antd.Alert, { type: 'error', message: problem, showIcon: true }) : null,
      ),
    );
  }

  return function MallStores() {
    const [stores, setStores] = React.useState(null);
    const [notice, setNotice] = React.useState(null); // { type, text }
    const [renaming, setRenaming] = React.useState(null);
    const [busyCode, setBusyCode] = React.useState(null);

    async function load() {
      try {
        setStores((await graphql(STORES)).mallStores);
      } catch (error) {
        setNotice({ type: 'error', text: words.failed + errorText(error) });
      }
    }

    React.useEffect(() => {
      load();
    }, []);

    function saved(text) {
      setNotice({ type: 'success', text });
      setRenaming(null);
      load();
    }

    async function toggle(store) {
      setBusyCode(store.code);
      try {
        const result = (await graphql(SAVE, { input: { code: store.code, name: store.name, active: !store.active } })).saveMallStore;
        if (result.errors.length) setNotice({ type: 'error', text: userErrorText(result.errors) });
        else saved(store.active ? words.closedNow(store.name) : words.reopened(store.name));
      } catch (error) {
        setNotice({ type: 'error', text: words.failed + errorText(error) });
      } finally {
        setBusyCode(null);
      }
    }

    return h(
      antd.Space,
      { direction: 'vertical', size: 'middle', style: { width: '100%', maxWidth: 720 }, 'data-testid': 'mall-stores' },
      h(antd.Typography.Title, { level: 4, style: { margin: 0 } }, words.title),
      notice
        ? h(antd.Alert, {
            type: notice.type,
            message: notice.text,
            showIcon: true,
            closable: true,
            onClose: () => setNotice(null),
            'data-testid': 'mall-stores-notice',
          })
        : null,
      h(antd.List, {
        bordered: true,
        loading: stores === null,
        dataSource: stores || [],
        locale: { emptyText: words.empty },
        renderItem: (store) =>
          h(
            antd.List.Item,
            {
              'data-testid': 'mall-store',
              'data-code': store.code,
              'data-active': String(store.active),
              actions: [
                h(antd.Button, { key: 'rename', size: 'small', onClick: () => setRenaming(store), 'data-testid': 'mall-store-rename' }, words.rename),
                store.active
                  ? h(
                      antd.Popconfirm,
                      { key: 'close', title: words.closeConfirm(store.name), onConfirm: () => toggle(store), okButtonProps: { 'data-testid': 'mall-store-close-confirm' } },
                      h(antd.Button, { size: 'small', danger: true, loading: busyCode === store.code, 'data-testid': 'mall-store-close' }, words.close),
                    )
                  : h(
                      antd.Button,
                      { key: 'reopen', size: 'small', loading: busyCode === store.code, onClick: () => toggle(store), 'data-testid': 'mall-store-reopen' },
                      words.reopen,
                    ),
              ],
            },
            h(antd.List.Item.Meta, {
              title: h(
                antd.Space,
                { size: 'small', wrap: true },
                h('span', { 'data-testid': 'mall-store-title' }, store.name),
                h(antd.Tag, { color: store.active ? 'green' : 'default', 'data-testid': 'mall-store-state' }, store.active ? words.open : words.closed),
              ),
              description: store.active ? store.code : `${store.code} · ${words.closedHint}`,
            }),
          ),
      }),
      h(CreateForm, { codes: (stores || []).map((s) => s.code), onSaved: saved }),
      renaming ? h(RenameDialog, { store: renaming, onClose: () => setRenaming(null), onSaved: saved }) : null,
    );
  };
}
