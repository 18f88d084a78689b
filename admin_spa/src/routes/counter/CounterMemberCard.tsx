import type { ReactNode } from 'react';
import { Button, Card, Space, Tag, Typography, theme } from 'antd';
import { CloseOutlined, CrownOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CounterMemberQuery } from '../../gql/graphql';
import { counterPhone } from './sale';

export type CounterMember = NonNullable<CounterMemberQuery['member']>;

interface Props {
  member: CounterMember;
  usableCoupons: number;
  onClose: () => void;
}

function Figure({ label, value, testId }: { label: string; value: ReactNode; testId: string }) {
  return (
    <div style={{ minWidth: 0 }}>
      <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
        {label}
      </Typography.Text>
      <Typography.Text strong style={{ fontSize: 20 }} data-testid={testId}>
        {value}
      </Typography.Text>
    </div>
  );
}

/** The member at a glance: who, which tier, what they can spend. */
export function CounterMemberCard({ member, usableCoupons, onClose }: Props) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  return (
    <Card size="small" styles={{ body: { padding: 12 } }} data-testid="counter-member">
      <div style={{ display: 'flex', alignItems: 'flex-start', gap: 8 }}>
        <div style={{ flex: 1, minWidth: 0 }}>
          <Space wrap size={[8, 4]} align="center">
            <Link
              to={`/members/${member.id}`}
              style={{ display: 'inline-flex', alignItems: 'center', minHeight: 44 }}
              data-testid="counter-member-link"
            >
              <Typography.Text strong style={{ fontSize: 18 }} data-testid="counter-member-name">
                {member.name ?? t('counter.member.noName')}
              </Typography.Text>
            </Link>
            <Typography.Text style={{ fontSize: 16 }} data-testid="counter-member-phone">
              {counterPhone(member.phone)}
            </Typography.Text>
            <Tag icon={<CrownOutlined />} color={member.tier ? 'gold' : 'default'} data-testid="counter-member-tier">
              {member.tier?.name ?? t('counter.member.noTier')}
            </Tag>
          </Space>
        </div>
        <Button
          icon={<CloseOutlined />}
          onClick={onClose}
          aria-label={t('counter.member.close')}
          title={t('counter.member.close')}
          data-testid="counter-member-close"
        />
      </div>
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: 'repeat(auto-fit, minmax(90px, 1fr))',
          gap: 8,
          marginTop: 8,
          paddingTop: 8,
          borderTop: `1px solid ${token.colorBorderSecondary}`,
        }}
      >
        <Figure
          label={t('counter.member.points')}
          value={member.pointsBalance.toLocaleString()}
          testId="counter-member-points"
        />
        <Figure
          label={t('counter.member.pending')}
          value={member.pendingPoints.toLocaleString()}
          testId="counter-member-pending"
        />
        <Figure label={t('counter.member.coupons')} value={usableCoupons} testId="counter-member-coupons" />
      </div>
    </Card>
  );
}
