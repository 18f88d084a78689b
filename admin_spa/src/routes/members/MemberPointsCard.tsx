import { useEffect, useState } from 'react';
import { Button, Card, Col, Row, Statistic, Typography } from 'antd';
import { GiftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { describeError } from '../../api/userErrors';
import { useViewer } from '../../session/ViewerProvider';
import { AdjustPointsModal } from './AdjustPointsModal';
import { MemberPointsLedger } from './MemberPointsLedger';
import { MemberPointsLots } from './MemberPointsLots';
import { MemberPointsQuery } from './queries';

interface Props {
  memberId: string;
  memberLabel: string;
  /** Bumped by the page whenever the member changed (an adjustment, a merge). */
  revision: number;
  /** Called after an adjustment, so the page reloads the member. */
  onAdjusted: () => void;
}

export function MemberPointsCard({ memberId, memberLabel, revision, onAdjusted }: Props) {
  const { t } = useTranslation();
  const { can } = useViewer();
  const [{ data, error }, refetch] = useQuery({ query: MemberPointsQuery, variables: { id: memberId } });
  const [adjusting, setAdjusting] = useState(false);

  useEffect(() => {
    if (revision > 0) refetch({ requestPolicy: 'network-only' });
  }, [revision, refetch]);

  const points = data?.member;

  return (
    <Card
      title={t('points.title')}
      size="small"
      extra={
        can('points:write') && (
          <Button icon={<GiftOutlined />} onClick={() => setAdjusting(true)} data-testid="points-adjust">
            {t('points.adjust.button')}
          </Button>
        )
      }
    >
      {error && <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>}
      <Row gutter={24} style={{ marginBottom: 16 }}>
        <Col xs={24} sm={8}>
          <Statistic
            title={t('points.balance')}
            value={points?.pointsBalance ?? '—'}
            valueRender={(node) => <span data-testid="points-balance">{node}</span>}
          />
        </Col>
        <Col xs={24} sm={8}>
          <Statistic
            title={t('points.pending')}
            value={points?.pendingPoints ?? '—'}
            valueRender={(node) => <span data-testid="points-pending">{node}</span>}
          />
        </Col>
        <Col xs={24} sm={8}>
          <Statistic
            title={t('points.expiring30')}
            value={points?.pointsExpiring ?? '—'}
            valueRender={(node) => <span data-testid="points-expiring">{node}</span>}
          />
        </Col>
      </Row>
      <MemberPointsLedger memberId={memberId} revision={revision} />
      <MemberPointsLots memberId={memberId} revision={revision} />
      {adjusting && (
        <AdjustPointsModal
          memberId={memberId}
          memberLabel={memberLabel}
          onClose={() => setAdjusting(false)}
          onAdjusted={() => {
            setAdjusting(false);
            // The page bumps `revision`, which reloads the figures above and the ledger.
            onAdjusted();
          }}
        />
      )}
    </Card>
  );
}
