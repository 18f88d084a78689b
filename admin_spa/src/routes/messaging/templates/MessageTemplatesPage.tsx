import { useState, type HTMLAttributes } from 'react';
import { App, Button, Card, Modal, Popconfirm, Space, Tag, Typography, type ButtonProps } from 'antd';
import { DeleteOutlined, EditOutlined, EyeOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import type { Channel, MessageTemplateFieldsFragment } from '../../../gql/graphql';
import { describeError, userErrorMessages } from '../../../api/userErrors';
import { RawCode } from '../../../components/CodeLabel';
import { ResponsiveTable } from '../../../components/ResponsiveTable';
import { formatDateTime } from '../../../format/dateTime';
import { useViewer } from '../../../session/ViewerProvider';
import { MessagingCode } from '../messagingCodes';
import { MessageTemplateDrawer } from './MessageTemplateDrawer';
import { DeleteMessageTemplateMutation, MessageTemplatesQuery } from './queries';
import { TemplatePreview } from './TemplatePreview';

type Template = MessageTemplateFieldsFragment;

/** 消息模板: what the platform sends, per channel, with variables; preview it for a member. */
export default function MessageTemplatesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { viewer } = useViewer();
  const [{ data, fetching, error }, refetch] = useQuery({ query: MessageTemplatesQuery });
  const [, remove] = useMutation(DeleteMessageTemplateMutation);
  const [drawer, setDrawer] = useState<{ editing: Template | null } | null>(null);
  const [previewing, setPreviewing] = useState<Template | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const onDelete = async (template: Template) => {
    setDeleting(template.id);
    try {
      const result = await remove({ id: template.id });
      const payload = result.data?.deleteMessageTemplate;
      if (result.error) message.error(describeError(result.error, t));
      else if (payload && payload.errors.length > 0)
        message.error({ content: userErrorMessages(payload.errors).join('\n'), className: 'template-delete-refused' });
      else {
        message.success(t('common.deleted'));
        reload();
      }
    } finally {
      setDeleting(null);
    }
  };

  return (
    <Card
      title={t('messaging.templates.title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setDrawer({ editing: null })} data-testid="template-create">
          {t('messaging.templates.create')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('messaging.templates.hint')}</Typography.Paragraph>
      {error && <Typography.Paragraph type="danger">{describeError(error, t)}</Typography.Paragraph>}
      <ResponsiveTable<Template>
        rowKey="id"
        loading={fetching && !data}
        dataSource={data?.messageTemplates ?? []}
        pagination={false}
        locale={{ emptyText: <span data-testid="templates-empty">{t('messaging.templates.empty')}</span> }}
        onRow={(template) =>
          ({ 'data-testid': 'template-row', 'data-name': template.name }) as HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            title: t('messaging.templates.titleField'),
            dataIndex: 'title',
            card: 'title',
            render: (title: string, template) => (
              <Space direction="vertical" size={0}>
                <Typography.Text strong>{title}</Typography.Text>
                <RawCode code={template.name} />
              </Space>
            ),
          },
          {
            title: t('messaging.templates.purpose'),
            dataIndex: 'purpose',
            render: (purpose: string) => <MessagingCode kind="purposes" code={purpose} />,
          },
          {
            title: t('messaging.templates.channels'),
            dataIndex: 'channels',
            card: 'wide',
            render: (channels: Channel[]) => (
              <Space size={[4, 4]} wrap>
                {channels.map((channel) => (
                  <Tag key={channel} data-testid="template-channel-tag" data-channel={channel}>
                    <MessagingCode kind="channels" code={channel} />
                  </Tag>
                ))}
              </Space>
            ),
          },
          {
            title: t('messaging.templates.updatedAt'),
            dataIndex: 'updatedAt',
            render: (value: string) => formatDateTime(value, viewer.tenant.timezone),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, template) => (
              <Space wrap>
                <Button size="small" icon={<EditOutlined />} onClick={() => setDrawer({ editing: template })} data-testid="template-edit">
                  {t('common.edit')}
                </Button>
                <Button size="small" icon={<EyeOutlined />} onClick={() => setPreviewing(template)} data-testid="template-preview-open">
                  {t('messaging.templates.preview')}
                </Button>
                <Popconfirm
                  title={t('messaging.templates.deleteConfirm', { name: template.title })}
                  description={t('messaging.templates.deleteHint')}
                  okText={t('common.delete')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true, 'data-testid': 'template-delete-confirm' } as ButtonProps}
                  onConfirm={() => void onDelete(template)}
                >
                  <Button size="small" danger icon={<DeleteOutlined />} loading={deleting === template.id} data-testid="template-delete">
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {drawer && (
        <MessageTemplateDrawer
          editing={drawer.editing}
          onClose={() => setDrawer(null)}
          onSaved={() => {
            setDrawer(null);
            reload();
          }}
        />
      )}
      {previewing && (
        <Modal
          open
          title={t('messaging.templates.previewTitle', { name: previewing.title })}
          footer={null}
          onCancel={() => setPreviewing(null)}
          destroyOnHidden
          width={640}
        >
          <TemplatePreview template={previewing.name} />
        </Modal>
      )}
    </Card>
  );
}
