// 小票审核 (receipt review): the receipts members and clerks submitted, the ones waiting for review
// first, each with its photo (click for a larger view), to approve (it earns points at its store)
// or reject with a reason. The server's refusals show as they come; the list reloads after each
// review, since another reviewer may have taken a receipt. Plain ES; the admin calls the default
// export with its host.

import { errorText, fieldOf, userErrorText, yuan } from './common.js';

const MEMBER = 'member { id name phone }';
const FIELDS = `id storeCode receiptNo amount status pointsEarned rejectReason imageUrl issuedAt submittedAt reviewedAt ${MEMBER}`;

const RECEIPTS = `query MallReceipts($status: ReceiptStatus, $first: Int, $after: String) {
  receipts(status: $status, first: $first, after: $after) {
    edges { node { ${FIELDS} } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
  mallStores { code name }
}`;

const REVIEW = `mutation MallReviewReceipt($id: ID!, $approve: Boolean!, $reason: String) {
  reviewReceipt(id: $id, approve: $approve, reason: $reason) {
    receipt { id status pointsEarned rejectReason } errors { code field message }
  }
}`;

const PAGE = 20;

// Shown in place of a photo the browser cannot load (moved, or on a host it cannot reach).
const BROKEN =
  'data:image/svg+xml;charset=utf-8,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96"><rect width="96" height="96" fill="#f5f5f5"/>' +
      '<path d="M30 62l14-16 10 11 7-8 9 13z" fill="#d9d9d9"/><circle cx="62" cy="36" r="6" fill="#d9d9d9"/></svg>',
  );

const WORDS = {
  'zh-CN': {
    title: '小票审核',
    status: { PENDING_REVIEW: '待审核', APPROVED: '已通过', REJECTED: '已驳回', ALL: '全部' },
    count: (n) => `共 ${n} 张`,
    refresh: '刷新',
    empty: '没有待审核的小票',
    emptyOther: '没有小票',
    more: '加载更多',
    member: '会员',
    store: '商户',
    receiptNo: '小票号',
    amount: '金额',
    submittedAt: '提交时间',
    issuedAt: '开票时间',
    noPhoto: '无照片',
    approve: '通过',
    reject: '驳回',
    rejectTitle: (no) => `驳回小票 ${no}`,
    reason: '驳回原因',
    reasonHint: '会员会看到这个原因，例如：照片模糊，看不清金额',
    reasonRequired: '请填写驳回原因',
    confirmReject: '驳回',
    cancel: '取消',
    points: (n) => `获得 ${n} 积分`,
    rejectedBecause: (reason) => `驳回原因：${reason}`,
    approved: (no, n) => `小票 ${no} 已通过，会员获得 ${n} 积分`,
    rejected: (no) => `小票 ${no} 已驳回`,
    refused: '未能审核：',
    failed: '出错了：',
  },
  en: {
    title: 'Receipt review',
    status: { PENDING_REVIEW: 'Waiting', APPROVED: 'Approved', REJECTED: 'Rejected', ALL: 'All' },
    count: (n) => `${n} in all`,
    refresh: 'Refresh',
    empty: 'No receipt is waiting for review',
    emptyOther: 'No receipts',
    more: 'Load more',
    member: 'Member',
    store: 'Store',
    receiptNo: 'Receipt no.',
    amount: 'Amount',
    submittedAt: 'Submitted',
    issuedAt: 'Issued',
    noPhoto: 'No photo',
    approve: 'Approve',
    reject: 'Reject',
    rejectTitle: (no) => `Reject receipt ${no}`,
    reason: 'Reason',
    reasonHint: 'The member sees it, for example: the photo is blurred, the amount cannot be read',
    reasonRequired: 'Say why the receipt is rejected',
    confirmReject: 'Reject',
    cancel: 'Cancel',
    points: (n) => `${n} points earned`,
    rejectedBecause: (reason) => `Rejected: ${reason}`,
    approved: (no, n) => `Receipt ${no} approved: the member earned ${n} points`,
    rejected: (no) => `Receipt ${no} rejected`,
    refused: 'Not reviewed: ',
    failed: 'Something went wrong: ',
  },
};

const STATUS_COLOR = { PENDING_REVIEW: 'gold', APPROVED: 'green', REJECTED: 'red' };

export default function page(host) {
  const { React, antd, dayjs, graphql, language } = host;
  const h = React.createElement;
  const words = WORDS[language] || WORDS.en;
  const when = (value) => (value ? dayjs(value).format('YYYY-MM-DD HH:mm') : '—');

  function RejectDialog({ receipt, onClose, onDone }) {
    const [form] = antd.Form.useForm();
    const [busy, setBusy] = React.useState(false);

    async function submit(values) {
      setBusy(true);
      try {
        const reason = (values.reason || '').trim();
        const result = (await graphql(REVIEW, { id: receipt.id, approve: false, reason })).reviewReceipt;
        if (result.errors.length) {
          const atReason = result.errors.filter((e) => fieldOf(e) === 'reason');
          if (atReason.length) form.setFields([{ name: 'reason', errors: atReason.map((e) => e.message) }]);
          const rest = result.errors.filter((e) => !atReason.includes(e));
          if (rest.length) onDone({ type: 'error', text: words.refused + userErrorText(rest) });
          return;
        }
        onDone({ type: 'success', text: words.rejected(receipt.receiptNo) });
      } catch (error) {
        onDone({ type: 'error', text: words.failed + errorText(error) });
      } finally {
        setBusy(false);
      }
    }

    return h(
      antd.Modal,
      {
        open: true,
        title: words.rejectTitle(receipt.receiptNo),
        okText: words.confirmReject,
        cancelText: words.cancel,
        okButtonProps: { danger: true, loading: busy, 'data-testid': 'mall-reject-confirm' },
        onOk: () => form.submit(),
        onCancel: onClose,
        destroyOnHidden: true,
      },
      h(
        antd.Form,
        { form, layout: 'vertical', onFinish: submit, 'data-testid': 'mall-reject-form' },
        h(
          antd.Form.Item,
          {
            name: 'reason',
            label: words.reason,
            extra: words.reasonHint,
            rules: [{ required: true, whitespace: true, message: words.reasonRequired }],
          },
          h(antd.Input.TextArea, { rows: 3, maxLength: 200, showCount: true, 'data-testid': 'mall-reject-reason' }),
        ),
      ),
    );
  }

  function Photo({ url }) {
    if (!url) {
      return h(
        'div',
        {
          'data-testid': 'mall-receipt-no-photo',
          style: {
            width: 96,
            height: 96,
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'center',
            background: '#f5f5f5',
            color: '#999',
            borderRadius: 6,
            flex: 'none',
          },
        },
        words.noPhoto,
      );
    }
    return h(
      'div',
      { 'data-testid': 'mall-receipt-photo', style: { flex: 'none' } },
      h(antd.Image, {
        src: url,
        width: 96,
        height: 96,
        fallback: BROKEN,
        style: { objectFit: 'cover', borderRadius: 6 },
        preview: { mask: null },
      }),
    );
  }

  function ReceiptCard({ receipt, storeName, busy, onApprove, onReject }) {
    const member = receipt.member;
    const line = (label, value, testid) =>
      h(
        'div',
        { 'data-testid': testid },
        h(antd.Typography.Text, { type: 'secondary' }, `${label}：`),
        h(antd.Typography.Text, null, value),
      );
    return h(
      antd.Card,
      {
        size: 'small',
        'data-testid': 'mall-receipt',
        'data-receipt-no': receipt.receiptNo,
        'data-status': receipt.status,
      },
      h(
        'div',
        { style: { display: 'flex', gap: 12, alignItems: 'flex-start' } },
        h(Photo, { url: receipt.imageUrl }),
        h(
          'div',
          { style: { minWidth: 0, flex: 1, overflowWrap: 'anywhere' } },
          h(
            'div',
            { style: { display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'baseline' } },
            h(antd.Typography.Text, { strong: true, style: { fontSize: 16 }, 'data-testid': 'mall-receipt-amount' }, yuan(receipt.amount)),
            h(antd.Tag, { color: STATUS_COLOR[receipt.status], 'data-testid': 'mall-receipt-status' }, words.status[receipt.status]),
          ),
          line(words.member, `${member.name || ''} ${member.phone}`.trim(), 'mall-receipt-member'),
          line(words.store, storeName ? `${storeName}（${receipt.storeCode}）` : receipt.storeCode, 'mall-receipt-store'),
          line(words.receiptNo, receipt.receiptNo, 'mall-receipt-no'),
          line(words.submittedAt, when(receipt.submittedAt), 'mall-receipt-submitted'),
          receipt.issuedAt ? line(words.issuedAt, when(receipt.issuedAt), 'mall-receipt-issued') : null,
          receipt.status === 'APPROVED'
            ? h(antd.Typography.Text, { type: 'success', 'data-testid': 'mall-receipt-points' }, words.points(receipt.pointsEarned))
            : null,
          receipt.status === 'REJECTED' && receipt.rejectReason
            ? h(antd.Typography.Text, { type: 'danger', 'data-testid': 'mall-receipt-reason' }, words.rejectedBecause(receipt.rejectReason))
            : null,
        ),
      ),
      receipt.status === 'PENDING_REVIEW'
        ? h(
            'div',
            { style: { display: 'flex', gap: 8, marginTop: 12, flexWrap: 'wrap' } },
            h(
              antd.Button,
              { type: 'primary', size: 'large', loading: busy, onClick: onApprove, style: { flex: 1, minWidth: 120 }, 'data-testid': 'mall-receipt-approve' },
              words.approve,
            ),
            h(
              antd.Button,
              { danger: true, size: 'large', disabled: busy, onClick: onReject, style: { flex: 1, minWidth: 120 }, 'data-testid': 'mall-receipt-reject' },
              words.reject,
            ),
          )
        : null,
    );
  }

  return function ReceiptReview() {
    const [status, setStatus] = React.useState('PENDING_REVIEW');
    const [list, setList] = React.useState(null); // { receipts, total, hasNext, cursor }
    const [stores, setStores] = React.useState({});
    const [loading, setLoading] = React.useState(false);
    const [notice, setNotice] = React.useState(null); // { type, text }
    const [busyId, setBusyId] = React.useState(null);
    const [rejecting, setRejecting] = React.useState(null);
    const asked = React.useRef(0);

    async function load(more) {
      const ask = ++asked.current;
      setLoading(true);
      try {
        const variables = {
          status: status === 'ALL' ? null : status,
          first: PAGE,
          after: more && list ? list.cursor : null,
        };
        const data = await graphql(RECEIPTS, variables);
        if (ask !== asked.current) return;
        const found = data.receipts.edges.map((e) => e.node);
        setStores(Object.fromEntries(data.mallStores.map((s) => [s.code, s.name])));
        setList({
          receipts: more && list ? [...list.receipts, ...found] : found,
          total: data.receipts.totalCount,
          hasNext: data.receipts.pageInfo.hasNextPage,
          cursor: data.receipts.pageInfo.endCursor,
        });
      } catch (error) {
        if (ask === asked.current) setNotice({ type: 'error', text: words.failed + errorText(error) });
      } finally {
        if (ask === asked.current) setLoading(false);
      }
    }

    React.useEffect(() => {
      load(false);
    }, [status]);

    async function approve(receipt) {
      setBusyId(receipt.id);
      try {
        const result = (await graphql(REVIEW, { id: receipt.id, approve: true })).reviewReceipt;
        if (result.errors.length) {
          setNotice({ type: 'error', text: words.refused + userErrorText(result.errors) });
        } else {
          setNotice({ type: 'success', text: words.approved(receipt.receiptNo, result.receipt.pointsEarned) });
        }
      } catch (error) {
        setNotice({ type: 'error', text: words.failed + errorText(error) });
      } finally {
        setBusyId(null);
      }
      load(false);
    }

    const receipts = list ? list.receipts : [];
    return h(
      antd.Space,
      { direction: 'vertical', size: 'middle', style: { width: '100%', maxWidth: 820 }, 'data-testid': 'mall-receipts' },
      h(antd.Typography.Title, { level: 4, style: { margin: 0 } }, words.title),
      h(
        'div',
        { style: { display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'center' } },
        h(antd.Select, {
          value: status,
          onChange: setStatus,
          style: { width: 140 },
          'data-testid': 'mall-receipts-status',
          options: ['PENDING_REVIEW', 'APPROVED', 'REJECTED', 'ALL'].map((value) => ({ value, label: words.status[value] })),
        }),
        h(antd.Button, { onClick: () => load(false), loading, 'data-testid': 'mall-receipts-refresh' }, words.refresh),
        list ? h(antd.Typography.Text, { type: 'secondary', 'data-testid': 'mall-receipts-count' }, words.count(list.total)) : null,
      ),
      notice
        ? h(antd.Alert, {
            type: notice.type,
            message: notice.text,
            showIcon: true,
            closable: true,
            onClose: () => setNotice(null),
            'data-testid': 'mall-receipts-notice',
          })
        : null,
      list === null
        ? h(antd.Skeleton, { active: true })
        : receipts.length
          ? h(
              'div',
              { style: { display: 'flex', flexDirection: 'column', gap: 12 } },
              receipts.map((receipt) =>
                h(ReceiptCard, {
                  key: receipt.id,
                  receipt,
                  storeName: stores[receipt.storeCode],
                  busy: busyId === receipt.id,
                  onApprove: () => approve(receipt),
                  onReject: () => setRejecting(receipt),
                }),
              ),
            )
          : h(antd.Empty, { description: status === 'PENDING_REVIEW' ? words.empty : words.emptyOther, 'data-testid': 'mall-receipts-empty' }),
      list && list.hasNext
        ? h(antd.Button, { block: true, loading, onClick: () => load(true), 'data-testid': 'mall-receipts-more' }, words.more)
        : null,
      rejecting
        ? h(RejectDialog, {
            receipt: rejecting,
            onClose: () => setRejecting(null),
            onDone: (result) => {
              setNotice(result);
              setRejecting(null);
              load(false);
            },
          })
        : null,
    );
  };
}
