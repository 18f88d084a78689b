import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Descriptions, Form, Modal, Progress, Select, Typography, type ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import type { IssueRunFieldsFragment, MemberFilter } from '../../gql/graphql';
import { newIdempotencyKey } from '../../api/idempotencyKey';
import { applyUserErrors, describeError } from '../../api/userErrors';
import { MemberCouponTemplatesQuery } from './memberCouponQueries';
import { CouponIssueRunQuery, IssueCouponToMembersMutation } from './issueRunQueries';

const POLL_MS = 1000;

interface Values {
  templateId: string;
}

interface Props {
  filter: MemberFilter;
  /** The number of members the list shows now (the run counts them again when queued). */
  count: number;
  onClose: () => void;
}

function finished(run: IssueRunFieldsFragment | null | undefined): boolean {
  return run?.status === 'DONE' || run?.status === 'FAILED';
}

/** A run's progress, polled every second until it is DONE or FAILED. */
function IssueRunProgress({ initial }: { initial: IssueRunFieldsFragment }) {
  const { t } = useTranslation();
  const [{ data }, refetch] = useQuery({
    query: CouponIssueRunQuery,
    variables: { id: initial.id },
    requestPolicy: 'network-only',
  });
  const run = data?.couponIssueRun ?? initial;
  const over = finished(run);

  useEffect(() => {
    if (over) return undefined;
    const timer = setInterval(() => refetch({ requestPolicy: 'network-only' }), POLL_MS);
    return () => clearInterval(timer);
  }, [over, refetch]);

  const handled = run.issued + run.refused;
  const percent = run.total > 0 ? Math.floor((handled / run.total) * 100) : 0;
  return (
    <div data-testid="issue-run-progress" data-status={run.status}>
      <Progress
        percent={percent}
        status={run.status === 'FAILED' ? 'exception' : over ? 'success' : 'active'}
      />
      <Descriptions column={1} size="small" style={{ marginTop: 12 }}>
        <Descriptions.Item label={t('memberList.issue.template')}>{run.template.name}</Descriptions.Item>
        <Descriptions.Item label={t('memberList.issue.status')}>
          <span data-testid="issue-run-status">{t(`memberList.issue.statuses.${run.status}`)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('memberList.issue.total')}>
          <span data-testid="issue-run-total">{run.total}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('memberList.issue.issued')}>
          <span data-testid="issue-run-issued">{run.issued}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('memberList.issue.refused')}>
          <span data-testid="issue-run-refused">{run.refused}</span>
        </Descriptions.Item>
      </Descriptions>
      {run.refusals.length > 0 && (
        <div style={{ marginTop: 8 }} data-testid="issue-run-refusals">
          <Typography.Text strong>{t('memberList.issue.refusals')}</Typography.Text>
          <ul style={{ margin: '4px 0 0', paddingInlineStart: 20 }}>
            {run.refusals.map((refusal) => (
              <li key={refusal.code}>
                {t('memberList.issue.refusal', { reason: refusal.message, count: refusal.count })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {run.status === 'FAILED' && run.error && (
        <Alert type="error" showIcon style={{ marginTop: 12 }} message={t('memberList.issue.failed')} />
      )}
      {!over && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          {t('memberList.issue.background')}
        </Typography.Paragraph>
      )}
    </div>
  );
}

/**
 * Issue one coupon of a template to every member of the list shown. The idempotency key is made
 * once per opened dialog, so however often it is confirmed the list is queued once; the run then
 * goes on in the background, and its progress is shown here.
 */
export function IssueCouponToListModal({ filter, count, onClose }: Props) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [formError, setFormError] = useState<string[]>([]);
  const [run, setRun] = useState<IssueRunFieldsFragment | null>(null);
  const [{ data, fetching: loadingTemplates, error: templatesError }] = useQuery({ query: MemberCouponTemplatesQuery });
  const [{ fetching }, issue] = useMutation(IssueCouponToMembersMutation);
  const inFlight = useRef(false);
  const templateId = Form.useWatch('templateId', form);
  const templates = data?.couponTemplates ?? [];
  const chosen = templates.find((template) => template.id === templateId);

  const onFinish = async (values: Values) => {
    if (inFlight.current || run) return;
    inFlight.current = true;
    setFormError([]);
    try {
      const result = await issue({ input: { templateId: values.templateId, filter, idempotencyKey } });
      const payload = result.data?.issueCouponToMembers;
      if (result.error) {
        setFormError([describeError(result.error, t)]);
      } else if (payload && payload.errors.length > 0) {
        const unplaced = applyUserErrors(form, payload.errors);
        setFormError(unplaced.length > 0 ? unplaced : payload.errors.map((e) => e.message));
      } else if (payload?.run) {
        setRun(payload.run);
      }
    } finally {
      inFlight.current = false;
    }
  };

  if (run) {
    return (
      <Modal
        open
        title={t('memberList.issue.progressTitle')}
        onCancel={onClose}
        footer={
          <Button onClick={onClose} data-testid="issue-run-close">
            {t('memberList.close')}
          </Button>
        }
        destroyOnHidden
      >
        <IssueRunProgress initial={run} />
      </Modal>
    );
  }

  return (
    <Modal
      open
      title={t('memberList.issue.title')}
      okText={t('memberList.issue.submit', { count })}
      cancelText={t('common.cancel')}
      confirmLoading={fetching}
      onOk={() => form.submit()}
      onCancel={onClose}
      maskClosable={!fetching}
      okButtonProps={{ 'data-testid': 'issue-list-submit', disabled: count === 0 } as ButtonProps}
      destroyOnHidden
    >
      {(formError.length > 0 || templatesError) && (
        <Alert
          type="error"
          showIcon
          message={templatesError ? describeError(templatesError, t) : formError.join('\n')}
          style={{ marginBottom: 16 }}
          data-testid="issue-list-error"
        />
      )}
      <Form<Values> form={form} layout="vertical" onFinish={onFinish} onValuesChange={() => setFormError([])}>
        <Form.Item
          name="templateId"
          label={t('memberList.issue.template')}
          rules={[{ required: true, message: t('common.required', { field: t('memberList.issue.template') }) }]}
        >
          <Select
            showSearch
            optionFilterProp="label"
            loading={loadingTemplates}
            placeholder={t('memberList.issue.templatePlaceholder')}
            notFoundContent={loadingTemplates ? undefined : t('memberList.issue.noTemplates')}
            options={templates.map((template) => ({ value: template.id, label: template.name }))}
            data-testid="issue-list-template"
          />
        </Form.Item>
      </Form>
      <Typography.Paragraph data-testid="issue-list-confirm">
        {chosen
          ? t('memberList.issue.confirm', { count, template: chosen.name })
          : t('memberList.issue.confirmCount', { count })}
      </Typography.Paragraph>
    </Modal>
  );
}
