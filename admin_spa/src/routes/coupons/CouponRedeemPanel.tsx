import { useState } from 'react';
import { Alert, Button, Card, Col, Descriptions, Form, Input, InputNumber, Row, Space, Typography } from 'antd';
import { CheckCircleOutlined, SafetyCertificateOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useClient, useMutation } from 'urql';
import type { CouponFieldsFragment } from '../../gql/graphql';
import { describeError, type UserErrorLike } from '../../api/userErrors';
import { formatDateTime } from '../../format/dateTime';
import { formatMoney } from '../../format/money';
import { useViewer } from '../../session/ViewerProvider';
import { CouponHoldAlert } from './CouponHoldAlert';
import { CouponStatusTag } from './CouponStatusTag';
import { faceValue, formatFaceMoney, yuanToFen } from './couponFormat';
import { MemberByPhoneQuery, RedeemCouponMutation, ValidateCouponQuery } from './queries';

type Member = NonNullable<CouponFieldsFragment['member']>;

type Verdict =
  | { kind: 'valid'; discount: number }
  | { kind: 'invalid'; reasons: readonly UserErrorLike[] }
  | { kind: 'redeemed'; discount: number }
  | { kind: 'refused'; reasons: readonly UserErrorLike[] }
  | { kind: 'failed'; message: string };

interface Props {
  coupon: CouponFieldsFragment;
  idempotencyKey: string;
  onRedeemed: () => void;
  /** A checkout's hold was released (or tried to be): the coupon is worth looking up again. */
  onReleased: () => void;
}

function memberLabel(member: Member): string {
  return member.name ? `${member.name} · ${member.phone}` : member.phone;
}

/** One looked-up coupon: what it is, whose it is, and checking and redeeming it on an amount. */
export function CouponRedeemPanel({ coupon, idempotencyKey, onRedeemed, onReleased }: Props) {
  const { t, i18n } = useTranslation();
  const { viewer } = useViewer();
  const { currency, timezone: timeZone } = viewer.tenant;
  const client = useClient();
  const [, redeem] = useMutation(RedeemCouponMutation);
  const [member, setMember] = useState<Member | null>(coupon.member ?? null);
  const [changingMember, setChangingMember] = useState(!coupon.member);
  const [phone, setPhone] = useState('');
  const [phoneError, setPhoneError] = useState<string | null>(null);
  const [findingMember, setFindingMember] = useState(false);
  const [amount, setAmount] = useState<number | null>(null);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [busy, setBusy] = useState<'check' | 'redeem' | null>(null);
  const money = (fen: number) => formatMoney(fen, currency, i18n.language);
  const face = (fen: number) => formatFaceMoney(fen, currency, i18n.language);

  const ready = member !== null && typeof amount === 'number' && amount > 0;

  const onFindMember = async (value: string) => {
    const wanted = value.trim();
    if (!wanted) return;
    setFindingMember(true);
    setPhoneError(null);
    try {
      const result = await client.query(MemberByPhoneQuery, { phone: wanted }, { requestPolicy: 'network-only' }).toPromise();
      if (result.error) setPhoneError(describeError(result.error, t));
      else if (!result.data?.member) setPhoneError(t('couponLookup.memberNotFound'));
      else {
        setMember(result.data.member);
        setChangingMember(false);
        setVerdict(null);
      }
    } finally {
      setFindingMember(false);
    }
  };

  const onCheck = async () => {
    if (!member || typeof amount !== 'number') return;
    setBusy('check');
    try {
      const result = await client
        .query(
          ValidateCouponQuery,
          { code: coupon.code, memberId: member.id, orderAmount: yuanToFen(amount) },
          // Never an answer from the cache: the coupon, the clock and the language all change it.
          { requestPolicy: 'network-only' },
        )
        .toPromise();
      const validation = result.data?.validateCoupon;
      if (result.error) setVerdict({ kind: 'failed', message: describeError(result.error, t) });
      else if (!validation) setVerdict({ kind: 'failed', message: t('common.unexpected') });
      else if (validation.valid) setVerdict({ kind: 'valid', discount: validation.discountAmount });
      else setVerdict({ kind: 'invalid', reasons: validation.errors });
    } finally {
      setBusy(null);
    }
  };

  const onRedeem = async () => {
    if (!member || typeof amount !== 'number') return;
    setBusy('redeem');
    try {
      const result = await redeem({
        input: { code: coupon.code, memberId: member.id, orderAmount: yuanToFen(amount), idempotencyKey },
      });
      const payload = result.data?.redeemCoupon;
      if (result.error) setVerdict({ kind: 'failed', message: describeError(result.error, t) });
      else if (payload && payload.errors.length > 0) setVerdict({ kind: 'refused', reasons: payload.errors });
      else if (payload) {
        setVerdict({ kind: 'redeemed', discount: payload.discountAmount ?? 0 });
        onRedeemed();
      } else setVerdict({ kind: 'failed', message: t('common.unexpected') });
    } finally {
      setBusy(null);
    }
  };

  const reasonList = (reasons: readonly UserErrorLike[]) => (
    <ul style={{ margin: 0, paddingInlineStart: 18 }}>
      {reasons.map((reason, index) => (
        <li key={index} data-testid="coupon-reason" data-code={reason.code}>
          {reason.message}
        </li>
      ))}
    </ul>
  );

  return (
    <Card
      title={
        <Space>
          <Typography.Text strong copyable style={{ fontFamily: 'monospace', fontSize: 18 }} data-testid="coupon-found-code">
            {coupon.code}
          </Typography.Text>
          <CouponStatusTag status={coupon.status} testId="coupon-status" />
        </Space>
      }
      data-testid="coupon-card"
    >
      {coupon.reservedFor && (
        <CouponHoldAlert
          code={coupon.code}
          reservedFor={coupon.reservedFor}
          reservedUntil={coupon.reservedUntil}
          onReleased={() => {
            // A verdict given while the hold lasted no longer holds.
            setVerdict(null);
            onReleased();
          }}
        />
      )}
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, sm: 1, md: 2 }}
        style={{ marginBottom: 24 }}
        items={[
          {
            key: 'template',
            label: t('couponLookup.template'),
            children: (
              <span data-testid="coupon-template">
                {t('couponLookup.templateWithFace', {
                  name: coupon.template.name,
                  face: faceValue(coupon.template, t, face),
                })}
              </span>
            ),
          },
          {
            key: 'member',
            label: t('couponLookup.owner'),
            children: coupon.member ? (
              <Link to={`/members/${encodeURIComponent(coupon.member.id)}`} data-testid="coupon-member-link">
                {memberLabel(coupon.member)}
              </Link>
            ) : (
              <Typography.Text type="secondary">{t('couponLookup.noOwner')}</Typography.Text>
            ),
          },
          {
            key: 'validity',
            label: t('couponLookup.validity'),
            children: (
              <span data-testid="coupon-validity">
                {t('coupons.validity.window', {
                  from: formatDateTime(coupon.validFrom, timeZone),
                  until: formatDateTime(coupon.validUntil, timeZone),
                })}
              </span>
            ),
          },
          {
            key: 'issuedAt',
            label: t('couponLookup.issuedAt'),
            children: formatDateTime(coupon.issuedAt, timeZone),
          },
          ...(coupon.redeemedAt
            ? [
                {
                  key: 'redeemedAt',
                  label: t('couponLookup.redeemedAt'),
                  children: <span data-testid="coupon-redeemed-at">{formatDateTime(coupon.redeemedAt, timeZone)}</span>,
                },
              ]
            : []),
        ]}
      />

      <Form layout="vertical" style={{ maxWidth: 720 }}>
        <Row gutter={16}>
          <Col xs={24} md={14}>
            <Form.Item label={t('couponLookup.member')} validateStatus={phoneError ? 'error' : undefined} help={phoneError ?? undefined}>
              {member && !changingMember ? (
                <Space>
                  <Link to={`/members/${encodeURIComponent(member.id)}`} data-testid="coupon-selected-member">
                    {memberLabel(member)}
                  </Link>
                  <Button size="small" icon={<UserSwitchOutlined />} onClick={() => setChangingMember(true)} data-testid="coupon-change-member">
                    {t('couponLookup.changeMember')}
                  </Button>
                </Space>
              ) : (
                <Input.Search
                  value={phone}
                  onChange={(event) => setPhone(event.target.value)}
                  onSearch={(value) => void onFindMember(value)}
                  enterButton={t('couponLookup.findMember')}
                  placeholder={t('couponLookup.phonePlaceholder')}
                  loading={findingMember}
                  inputMode="tel"
                  autoComplete="off"
                  data-testid="coupon-member-phone"
                />
              )}
            </Form.Item>
          </Col>
          <Col xs={24} md={10}>
            <Form.Item label={t('couponLookup.orderAmount')}>
              <InputNumber
                value={amount}
                onChange={(value) => {
                  setAmount(typeof value === 'number' ? value : null);
                  setVerdict(null);
                }}
                min={0.01}
                precision={2}
                prefix="¥"
                style={{ width: '100%' }}
                data-testid="coupon-order-amount"
              />
            </Form.Item>
          </Col>
        </Row>
        <Space>
          <Button
            icon={<SafetyCertificateOutlined />}
            disabled={!ready}
            loading={busy === 'check'}
            onClick={() => void onCheck()}
            data-testid="coupon-check"
          >
            {t('couponLookup.check')}
          </Button>
          <Button
            type="primary"
            icon={<CheckCircleOutlined />}
            disabled={!ready || busy !== null}
            loading={busy === 'redeem'}
            onClick={() => void onRedeem()}
            data-testid="coupon-redeem"
          >
            {t('couponLookup.redeem')}
          </Button>
        </Space>
      </Form>

      {verdict && (
        <div style={{ marginTop: 16, maxWidth: 720 }} data-testid="coupon-verdict" data-verdict={verdict.kind}>
          {verdict.kind === 'valid' && (
            <Alert
              type="success"
              showIcon
              message={t('couponLookup.valid', { discount: money(verdict.discount) })}
            />
          )}
          {verdict.kind === 'redeemed' && (
            <Alert
              type="success"
              showIcon
              message={
                <span>
                  {t('couponLookup.redeemed')}
                  <span data-testid="coupon-redeemed-discount">{money(verdict.discount)}</span>
                </span>
              }
              description={
                typeof amount === 'number'
                  ? t('couponLookup.payable', { payable: money(Math.max(0, yuanToFen(amount) - verdict.discount)) })
                  : undefined
              }
            />
          )}
          {verdict.kind === 'invalid' && (
            <Alert type="warning" showIcon message={t('couponLookup.invalid')} description={reasonList(verdict.reasons)} />
          )}
          {verdict.kind === 'refused' && (
            <Alert type="error" showIcon message={t('couponLookup.refused')} description={reasonList(verdict.reasons)} />
          )}
          {verdict.kind === 'failed' && <Alert type="error" showIcon message={verdict.message} />}
        </div>
      )}
    </Card>
  );
}
