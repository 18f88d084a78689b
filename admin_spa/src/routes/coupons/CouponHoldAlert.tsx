import { Alert, App, Button, Popconfirm } from 'antd';
import { UnlockOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { describeError } from '../../api/userErrors';
import { formatDateTime } from '../../format/dateTime';
import { useViewer } from '../../session/ViewerProvider';
import { ReleaseCouponMutation } from './queries';

interface Props {
  code: string;
  /** The checkout holding the coupon. */
  reservedFor: string;
  reservedUntil: string | null | undefined;
  /** After a release, whether it worked or not: the coupon is worth looking up again. */
  onReleased: () => void;
}

/**
 * A coupon a checkout holds while its customer pays. Storefronts release their own holds; a clerk
 * releases one only when its checkout was abandoned (the hold would otherwise last until it runs out).
 */
export function CouponHoldAlert({ code, reservedFor, reservedUntil, onReleased }: Props) {
  const { t } = useTranslation();
  const { viewer, can } = useViewer();
  const { message } = App.useApp();
  const [{ fetching }, release] = useMutation(ReleaseCouponMutation);
  const until = reservedUntil ? formatDateTime(reservedUntil, viewer.tenant.timezone) : t('common.empty');

  const onConfirm = async () => {
    const result = await release({ input: { code, checkoutId: reservedFor } });
    const payload = result.data?.releaseCoupon;
    if (result.error) message.error(describeError(result.error, t));
    else if (payload && payload.errors.length > 0) message.error(payload.errors.map((e) => e.message).join('\n'));
    else if (payload) message.success(t('couponLookup.released'));
    else message.error(t('common.unexpected'));
    onReleased();
  };

  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="coupon-held"
      message={
        <span data-testid="coupon-held-text" data-checkout={reservedFor}>
          {t('couponLookup.held', { checkout: reservedFor, until })}
        </span>
      }
      description={t('couponLookup.heldHint')}
      action={
        can('coupons:write') && (
          <Popconfirm
            title={t('couponLookup.releaseConfirm', { checkout: reservedFor })}
            okText={t('couponLookup.release')}
            cancelText={t('common.cancel')}
            okButtonProps={{ danger: true, loading: fetching }}
            onConfirm={onConfirm}
          >
            <Button size="small" icon={<UnlockOutlined />} loading={fetching} data-testid="coupon-release">
              {t('couponLookup.release')}
            </Button>
          </Popconfirm>
        )
      }
    />
  );
}
