import { Button, Space, Typography } from 'antd';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CursorPager } from '../hooks/useCursorPager';

interface Props {
  pager: CursorPager;
  totalCount: number | undefined;
  hasNextPage: boolean;
  endCursor: string | null | undefined;
  testIdPrefix?: string;
}

export function CursorPagination({ pager, totalCount, hasNextPage, endCursor, testIdPrefix }: Props) {
  const { t } = useTranslation();
  return (
    <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
      <Typography.Text type="secondary" data-testid={testIdPrefix && `${testIdPrefix}-total`}>
        {totalCount === undefined ? '' : t('common.total', { count: totalCount })}
      </Typography.Text>
      <Space>
        <Typography.Text type="secondary">{t('common.page', { page: pager.page })}</Typography.Text>
        <Button
          size="small"
          icon={<LeftOutlined />}
          disabled={pager.page <= 1}
          onClick={pager.prev}
          data-testid={testIdPrefix && `${testIdPrefix}-prev`}
        >
          {t('common.prev')}
        </Button>
        <Button
          size="small"
          disabled={!hasNextPage || !endCursor}
          onClick={() => pager.next(endCursor)}
          data-testid={testIdPrefix && `${testIdPrefix}-next`}
        >
          {t('common.next')} <RightOutlined />
        </Button>
      </Space>
    </Space>
  );
}
