import { App, Button, Popconfirm, Space, type ButtonProps } from 'antd';
import { DeleteOutlined, EditOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { SegmentFieldsFragment } from '../../gql/graphql';
import { describeError, userErrorMessages } from '../../api/userErrors';
import { DeleteSegmentMutation } from './queries';

interface Props {
  segment: SegmentFieldsFragment;
  onEdit: () => void;
  onDeleted: () => void;
}

/** Edit a segment, or delete it after a confirmation (refused while an active journey starts on it). */
export function SegmentActions({ segment, onEdit, onDeleted }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [{ fetching: deleting }, remove] = useMutation(DeleteSegmentMutation);

  const refused = (text: string) =>
    message.error({ content: <span data-testid="segment-delete-refused">{text}</span>, duration: 8 });

  const onDelete = async () => {
    const result = await remove({ id: segment.id });
    const payload = result.data?.deleteSegment;
    if (result.error) refused(describeError(result.error, t));
    else if (!payload) refused(t('common.unexpected'));
    else if (payload.errors.length > 0) refused(userErrorMessages(payload.errors).join('\n'));
    else {
      message.success(t('segments.deleted', { name: segment.name }));
      onDeleted();
    }
  };

  return (
    <Space size={4} wrap>
      <Button size="small" icon={<EditOutlined />} onClick={onEdit} data-testid="segment-edit">
        {t('common.edit')}
      </Button>
      <Popconfirm
        title={t('segments.deleteConfirm', { name: segment.name })}
        description={segment.tag ? t('segments.deleteConfirmTagHint') : t('segments.deleteConfirmHint')}
        okText={t('common.delete')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: true, 'data-testid': 'segment-delete-confirm' } as ButtonProps}
        onConfirm={() => onDelete()}
      >
        <Button size="small" danger icon={<DeleteOutlined />} loading={deleting} data-testid="segment-delete">
          {t('common.delete')}
        </Button>
      </Popconfirm>
    </Space>
  );
}
