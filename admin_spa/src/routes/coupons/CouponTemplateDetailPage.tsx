import { useCallback, useState } from 'react';
import { EditOutlined } from '@ant-design/icons';
import { Breadcrumb, Button, Card, Col, Descriptions, Progress, Result, Row, Space, Spin, Statistic, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import type { CouponTemplateFieldsFragment } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { formatMoney } from '../../format/money';
import { useViewer } from '../../session/ViewerProvider';
import { CouponBatchesCard } from './CouponBatchesCard';
import { CouponRedemptionsCard } from './CouponRedemptionsCard';
import { CouponTemplateDrawer } from './CouponTemplateDrawer';
import { KIND_COLORS, budgetPercent, faceValue, formatFaceMoney, limitTexts, validityText } from './couponFormat';
import { CouponTemplatesQuery } from './queries';

export default function CouponTemplateDetailPage() {
  const { id = '' } = useParams();
  return <TemplateDetail key={id} id={id} />;
}

function scopeText(values: readonly string[], all: string): string {
  return values.length > 0 ? values.join(', ') : all;
}

function TemplateDetail({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const { viewer, can } = useViewer();
  const { currency, timezone: timeZone } = viewer.tenant;
  const [editing, setEditing] = useState(false);
  const [{ data, fetching, error }, refetch] = useQuery({ query: CouponTemplatesQuery });
  const reload = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  const money = (fen: number) => formatMoney(fen, currency, i18n.language);
  const face = (fen: number) => formatFaceMoney(fen, currency, i18n.language);

  const template: CouponTemplateFieldsFragment | undefined = data?.couponTemplates.find((item) => item.id === id);
  if (!template) {
    if (fetching) return <Spin style={{ display: 'block', marginTop: 80 }} />;
    return (
      <Result
        status={error ? 'warning' : '404'}
        title={error ? describeError(error, t) : t('coupons.notFound')}
        extra={<Link to="/coupons">{t('coupons.back')}</Link>}
      />
    );
  }

  const percent = budgetPercent(template);
  const limits = limitTexts(template, t);
  const all = t('coupons.scopeAll');

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Breadcrumb items={[{ title: <Link to="/coupons">{t('coupons.back')}</Link> }, { title: template.name }]} />
      <Card
        title={
          <Space>
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="template-title">
              {template.name}
            </Typography.Title>
            <Tag color={KIND_COLORS[template.kind]}>{t(`coupons.kinds.${template.kind}`)}</Tag>
          </Space>
        }
        extra={
          can('programme:manage') && (
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="template-edit">
              {t('common.edit')}
            </Button>
          )
        }
      >
        <Row gutter={16} style={{ marginBottom: 16 }}>
          <Col xs={12} md={6}>
            <Statistic
              title={t('coupons.columns.issued')}
              value={template.issuedCount}
              valueRender={(node) => <span data-testid="template-issued">{node}</span>}
            />
          </Col>
          <Col xs={12} md={6}>
            <Statistic
              title={t('coupons.columns.redeemed')}
              value={template.redeemedCount}
              valueRender={(node) => <span data-testid="template-redeemed">{node}</span>}
            />
          </Col>
          <Col xs={12} md={6}>
            <Statistic title={t('coupons.discountGiven')} value={money(template.discountGiven)} />
          </Col>
          <Col xs={12} md={6}>
            <Typography.Text type="secondary">{t('coupons.columns.budget')}</Typography.Text>
            {percent === null || !template.budget ? (
              <div style={{ fontSize: 16, marginTop: 8 }}>{t('coupons.noBudget')}</div>
            ) : (
              <>
                <Progress percent={percent} status={percent >= 100 ? 'exception' : 'normal'} />
                <Typography.Text type="secondary">
                  {t('coupons.budgetUsed', { given: money(template.discountGiven), budget: money(template.budget) })}
                </Typography.Text>
              </>
            )}
          </Col>
        </Row>
        <Descriptions
          bordered
          size="small"
          column={{ xs: 1, sm: 1, md: 2 }}
          items={[
            {
              key: 'face',
              label: t('coupons.faceValue'),
              children: <span data-testid="template-face">{faceValue(template, t, face)}</span>,
            },
            { key: 'validity', label: t('coupons.columns.validity'), children: validityText(template, t, timeZone) },
            {
              key: 'limits',
              label: t('coupons.columns.limits'),
              children: limits.length > 0 ? limits.join(t('coupons.listSeparator')) : t('coupons.limits.none'),
            },
            {
              key: 'stacking',
              label: t('coupons.sections.stacking'),
              children: template.stackable
                ? t('coupons.stackingText', { priority: template.priority, count: template.maxPerOrder })
                : t('coupons.exclusiveText', { count: template.maxPerOrder }),
            },
            { key: 'skus', label: t('coupons.fields.skus'), children: scopeText(template.skus, all) },
            { key: 'categories', label: t('coupons.fields.categories'), children: scopeText(template.categories, all) },
            { key: 'stores', label: t('coupons.fields.stores'), children: scopeText(template.stores, all) },
            {
              key: 'excluded',
              label: t('coupons.excluded'),
              children: scopeText([...template.excludedSkus, ...template.excludedCategories], t('common.empty')),
            },
            {
              key: 'codes',
              label: t('coupons.sections.codes'),
              children: t('coupons.codeFormat', {
                prefix: template.codePrefix || t('coupons.noPrefix'),
                length: template.codeLength,
              }),
            },
            ...(template.publicCode
              ? [
                  {
                    key: 'publicCode',
                    label: t('coupons.fields.publicCode'),
                    children: (
                      <Typography.Text code copyable={{ text: template.publicCode }} data-testid="template-public-code">
                        {template.publicCode}
                      </Typography.Text>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <CouponRedemptionsCard templateId={template.id} currency={currency} />
      <CouponBatchesCard
        templateId={template.id}
        templateName={template.name}
        codePrefix={template.codePrefix}
        onChanged={reload}
      />
      {editing && (
        <CouponTemplateDrawer
          editing={template}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            reload();
          }}
        />
      )}
    </Space>
  );
}
