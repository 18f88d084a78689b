import { Card, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { MemberPointsLedger } from './MemberPointsLedger';
import { MemberPointsLots } from './MemberPointsLots';

interface Props {
  memberId: string;
  /** Bumped by the page whenever the member changed (an adjustment, a redemption, a merge). */
  revision: number;
}

/**
 * The member's points in detail: the ledger and the lots. The balances and the adjustment live in
 * the page's header.
 */
export function MemberPointsCard({ memberId, revision }: Props) {
  const { t } = useTranslation();
  return (
    <Card title={t('points.title')} size="small" data-testid="member-points">
      <Space direction="vertical" size="large" style={{ width: '100%' }}>
        <MemberPointsLedger memberId={memberId} revision={revision} />
        <MemberPointsLots memberId={memberId} revision={revision} />
      </Space>
    </Card>
  );
}
