import { Button, Typography, theme } from 'antd';
import { CheckOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../../format/money';
import { useViewer } from '../../session/ViewerProvider';

interface Props {
  /** What is left to pay, in fen; null before the preview has it. */
  due: number | null;
  earn: number | null;
  disabled: boolean;
  loading: boolean;
  onConfirm: () => void;
}

/** The phone layout's bottom bar: what to collect, and the button that records the sale. */
export function ConfirmBar({ due, earn, disabled, loading, onConfirm }: Props) {
  const { t, i18n } = useTranslation();
  const { viewer } = useViewer();
  const { token } = theme.useToken();
  return (
    <div
      style={{
        position: 'sticky',
        bottom: 0,
        zIndex: 10,
        display: 'flex',
        alignItems: 'center',
        gap: 12,
        padding: 12,
        background: token.colorBgContainer,
        borderTop: `1px solid ${token.colorBorderSecondary}`,
        boxShadow: token.boxShadowSecondary,
        borderRadius: `${token.borderRadiusLG}px ${token.borderRadiusLG}px 0 0`,
      }}
      data-testid="counter-confirm-bar"
    >
      <div style={{ flex: 1, minWidth: 0 }}>
        <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
          {t('counter.preview.due')}
        </Typography.Text>
        <Typography.Text strong style={{ fontSize: 22, whiteSpace: 'nowrap' }} data-testid="counter-bar-due">
          {due === null ? '—' : formatMoney(due, viewer.tenant.currency, i18n.language)}
        </Typography.Text>
        {earn !== null && earn > 0 && (
          <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 8, whiteSpace: 'nowrap' }}>
            {t('counter.bar.earn', { points: earn.toLocaleString() })}
          </Typography.Text>
        )}
      </div>
      <Button
        type="primary"
        size="large"
        icon={<CheckOutlined />}
        disabled={disabled}
        loading={loading}
        onClick={onConfirm}
        data-testid="counter-confirm"
      >
        {t('counter.confirm')}
      </Button>
    </div>
  );
}
