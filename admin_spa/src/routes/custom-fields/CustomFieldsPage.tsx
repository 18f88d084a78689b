import { useState, type HTMLAttributes } from 'react';
import { App, Button, Card, Popconfirm, Space, Tag, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from 'urql';
import { describeError } from '../../api/userErrors';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { CustomFieldFormModal } from './CustomFieldFormModal';
import { sortDefinitions, type CustomFieldDefinition } from './customFieldValue';
import { CustomFieldDefinitionsQuery, DeleteCustomFieldDefinitionMutation } from './queries';

export default function CustomFieldsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [{ data, fetching, error }, refetch] = useQuery({ query: CustomFieldDefinitionsQuery });
  const [, remove] = useMutation(DeleteCustomFieldDefinitionMutation);
  const [modal, setModal] = useState<{ editing: CustomFieldDefinition | null } | null>(null);

  const reload = () => refetch({ requestPolicy: 'network-only' });

  const onDelete = async (definition: CustomFieldDefinition) => {
    const result = await remove({ id: definition.id });
    const errors = result.data?.deleteCustomFieldDefinition.errors ?? [];
    if (result.error) message.error(describeError(result.error, t));
    else if (errors.length > 0) message.error(errors.map((e) => e.message).join('\n'));
    else message.success(t('common.deleted'));
    reload();
  };

  return (
    <Card
      title={t('customFields.title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setModal({ editing: null })} data-testid="cf-create">
          {t('customFields.create')}
        </Button>
      }
    >
      {error && <Typography.Text type="danger">{describeError(error, t)}</Typography.Text>}
      <ResponsiveTable<CustomFieldDefinition>
        rowKey="id"
        loading={fetching}
        dataSource={sortDefinitions(data?.customFieldDefinitions ?? [])}
        pagination={false}
        onRow={() => ({ 'data-testid': 'cf-row' }) as HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('customFields.key'), dataIndex: 'key', render: (key: string) => <Typography.Text code>{key}</Typography.Text> },
          { title: t('customFields.label'), dataIndex: 'label', card: 'title' },
          { title: t('customFields.type'), dataIndex: 'type', render: (_, d) => t(`customFields.types.${d.type}`) },
          { title: t('customFields.required'), dataIndex: 'required', render: (v: boolean) => (v ? t('common.yes') : t('common.no')) },
          { title: t('customFields.pii'), dataIndex: 'pii', render: (v: boolean) => (v ? <Tag color="orange">{t('common.yes')}</Tag> : t('common.no')) },
          {
            title: t('customFields.options'),
            dataIndex: 'options',
            render: (options: string[]) => options.map((o) => <Tag key={o}>{o}</Tag>),
          },
          { title: t('customFields.position'), dataIndex: 'position' },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, definition) => (
              <Space>
                <Button size="small" icon={<EditOutlined />} onClick={() => setModal({ editing: definition })} data-testid="cf-edit">
                  {t('common.edit')}
                </Button>
                <Popconfirm
                  title={t('customFields.deleteConfirm', { label: definition.label })}
                  okText={t('common.delete')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => onDelete(definition)}
                >
                  <Button size="small" danger icon={<DeleteOutlined />} data-testid="cf-delete">
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {modal && (
        <CustomFieldFormModal
          editing={modal.editing}
          onClose={() => setModal(null)}
          onSaved={() => {
            setModal(null);
            reload();
          }}
        />
      )}
    </Card>
  );
}
