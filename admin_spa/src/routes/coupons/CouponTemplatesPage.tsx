import { useState, type HTMLAttributes } from 'react';
import { Button, Card, Progress, Space, Tag, Tooltip, Typography } from 'antd';
import { EditOutlined, PlusOutlined, ScanOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';
import type { CouponTemplateFieldsFragment } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatMoney } from '../../format/money';
import { useViewer } from '../../session/ViewerProvider';
import { CouponTemplateDrawer } from './CouponTemplateDrawer';
import { KIND_COLORS, budgetPercent, faceValue, formatFaceMoney, limitTexts, templatePath, validityText } from './couponFormat';
import { CouponTemplatesQuery } from './queries';

type Template = CouponTemplateFieldsFragment;
/** The drawer, open on a new template (`editing` null) or on a stored one. */
type DrawerState = { editing: Template | null };

export default function CouponTemplatesPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { viewer, can } = useViewer();
  const { currency, timezone: timeZone } = viewer.tenant;
  const [{ data, fetching, error }, refetch] = useQuery({ query: CouponTemplatesQuery });
  const [drawer, setDrawer] = useState<DrawerState | null>(null);
  const canManage = can('programme:manage');
  const money = (fen: number) => formatMoney(fen, currency, i18n.language);
  const face = (fen: number) => formatFaceMoney(fen, currency, i18n.language);
  // The server lists oldest first; the newest is what a marketer looks for.
  const templates = [...(data?.couponTemplates ?? [])].reverse();

  return (
    <Card
      title={t('coupons.title')}
      extra={
        <Space>
          {can('coupons:write') && (
            <Button icon={<ScanOutlined />} onClick={() => navigate('/coupons/lookup')} data-testid="coupon-lookup-link">
              {t('nav.couponLookup')}
            </Button>
          )}
          {canManage && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setDrawer({ editing: null })}
              data-testid="coupon-template-create"
            >
              {t('coupons.create')}
            </Button>
          )}
        </Space>
      }
    >
      {error && <Typography.Paragraph type="danger">{describeError(error, t)}</Typography.Paragraph>}
      <ResponsiveTable<Template>
        rowKey="id"
        loading={fetching}
        dataSource={templates}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('coupons.empty') }}
        onRow={() => ({ 'data-testid': 'coupon-template-row' }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('coupons.fields.name'),
            dataIndex: 'name',
            card: 'title',
            render: (name: string, template) => (
              <Link to={templatePath(template.id)} data-testid="coupon-template-link">
                <Typography.Text strong>{name}</Typography.Text>
              </Link>
            ),
          },
          {
            title: t('coupons.fields.kind'),
            key: 'kind',
            render: (_, template) => (
              <Space direction="vertical" size={0}>
                <Tag color={KIND_COLORS[template.kind]}>{t(`coupons.kinds.${template.kind}`)}</Tag>
                <span data-testid="coupon-template-face">{faceValue(template, t, face)}</span>
              </Space>
            ),
          },
          {
            title: t('coupons.fields.publicCode'),
            dataIndex: 'publicCode',
            render: (publicCode: string | null) =>
              publicCode ? (
                <Typography.Text code copyable={{ text: publicCode }} data-testid="coupon-template-public-code">
                  {publicCode}
                </Typography.Text>
              ) : (
                <Typography.Text type="secondary">{t('common.empty')}</Typography.Text>
              ),
          },
          {
            title: t('coupons.columns.validity'),
            key: 'validity',
            render: (_, template) => validityText(template, t, timeZone),
          },
          {
            title: t('coupons.columns.limits'),
            key: 'limits',
            render: (_, template) => {
              const texts = limitTexts(template, t);
              return texts.length > 0 ? texts.join(t('coupons.listSeparator')) : t('coupons.limits.none');
            },
          },
          {
            title: t('coupons.columns.issued'),
            dataIndex: 'issuedCount',
            align: 'right',
            render: (count: number) => <span data-testid="coupon-template-issued">{count.toLocaleString()}</span>,
          },
          {
            title: t('coupons.columns.redeemed'),
            dataIndex: 'redeemedCount',
            align: 'right',
            render: (count: number) => <span data-testid="coupon-template-redeemed">{count.toLocaleString()}</span>,
          },
          {
            title: t('coupons.columns.budget'),
            key: 'budget',
            width: 200,
            render: (_, template) => {
              const percent = budgetPercent(template);
              if (percent === null || !template.budget) {
                return (
                  <Typography.Text type="secondary">
                    {t('coupons.budgetUnlimited', { given: money(template.discountGiven) })}
                  </Typography.Text>
                );
              }
              return (
                <Tooltip title={t('coupons.budgetUsed', { given: money(template.discountGiven), budget: money(template.budget) })}>
                  <Progress
                    percent={percent}
                    size="small"
                    status={percent >= 100 ? 'exception' : 'normal'}
                    data-testid="coupon-template-budget"
                  />
                </Tooltip>
              );
            },
          },
          ...(canManage
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, template: Template) => (
                    <Button
                      size="small"
                      icon={<EditOutlined />}
                      onClick={() => setDrawer({ editing: template })}
                      data-testid="coupon-template-edit"
                    >
                      {t('common.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      {drawer && (
        <CouponTemplateDrawer
          editing={drawer.editing ?? undefined}
          onClose={() => setDrawer(null)}
          onSaved={() => {
            setDrawer(null);
            refetch({ requestPolicy: 'network-only' });
          }}
        />
      )}
    </Card>
  );
}
