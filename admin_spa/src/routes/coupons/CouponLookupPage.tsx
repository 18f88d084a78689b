import { useState } from 'react';
import { Card, Empty, Input, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { newIdempotencyKey } from '../../api/idempotencyKey';
import { describeError } from '../../api/userErrors';
import { normalizeCode } from './couponFormat';
import { CouponRedeemPanel } from './CouponRedeemPanel';
import { CouponByCodeQuery } from './queries';

interface Lookup {
  code: string;
  /** One redemption per lookup: a double click, or a retry after a lost answer, redeems once. */
  idempotencyKey: string;
}

/** The clerk's page: find a coupon by the code a customer shows, check it, redeem it. */
export default function CouponLookupPage() {
  const { t } = useTranslation();
  const [searchParams, setSearchParams] = useSearchParams();
  const initial = normalizeCode(searchParams.get('code') ?? '');
  const [typed, setTyped] = useState(searchParams.get('code') ?? '');
  const [lookup, setLookup] = useState<Lookup | null>(
    initial ? { code: initial, idempotencyKey: newIdempotencyKey() } : null,
  );
  const [{ data, fetching, error }, refetch] = useQuery({
    query: CouponByCodeQuery,
    variables: { code: lookup?.code ?? '' },
    pause: !lookup,
    requestPolicy: 'network-only',
  });

  const onSearch = (value: string) => {
    const code = normalizeCode(value);
    if (!code) return;
    // Every lookup starts afresh, with a key of its own, even for the code already shown.
    if (code === lookup?.code) refetch({ requestPolicy: 'network-only' });
    setLookup({ code, idempotencyKey: newIdempotencyKey() });
    setSearchParams({ code }, { replace: true });
  };

  const coupon = lookup && data?.coupon?.code === lookup.code ? data.coupon : null;
  const settled = lookup && !fetching;

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card title={t('couponLookup.title')}>
        <Typography.Paragraph type="secondary">{t('couponLookup.hint')}</Typography.Paragraph>
        <Input.Search
          size="large"
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          onSearch={onSearch}
          enterButton={t('couponLookup.search')}
          placeholder={t('couponLookup.placeholder')}
          allowClear
          autoFocus
          autoComplete="off"
          spellCheck={false}
          style={{ maxWidth: 560 }}
          loading={fetching}
          data-testid="coupon-code"
        />
      </Card>
      {lookup && fetching && !coupon && <Spin style={{ display: 'block', marginTop: 40 }} />}
      {settled && error && <Typography.Paragraph type="danger">{describeError(error, t)}</Typography.Paragraph>}
      {settled && !error && !coupon && (
        <Card>
          <Empty
            image={Empty.PRESENTED_IMAGE_SIMPLE}
            description={
              <span data-testid="coupon-not-found">{t('couponLookup.notFound', { code: lookup.code })}</span>
            }
          />
        </Card>
      )}
      {lookup && coupon && (
        <CouponRedeemPanel
          key={lookup.idempotencyKey}
          coupon={coupon}
          idempotencyKey={lookup.idempotencyKey}
          onRedeemed={() => refetch({ requestPolicy: 'network-only' })}
          onReleased={() => refetch({ requestPolicy: 'network-only' })}
        />
      )}
    </Space>
  );
}
