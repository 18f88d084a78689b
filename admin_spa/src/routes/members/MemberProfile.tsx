import { Button, Descriptions, Empty, Space, Tag, Typography } from 'antd';
import { EyeOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { MemberDetailFieldsFragment } from '../../gql/graphql';
import { formatDateTime } from '../../format/dateTime';
import { formatMoney } from '../../format/money';
import { useViewer } from '../../session/ViewerProvider';
import { formatCustomFieldValue, type CustomFieldDefinition } from '../custom-fields/customFieldValue';

interface Props {
  member: MemberDetailFieldsFragment;
  /** The phone to show: revealed in full, or as the server gave it. */
  phone: string;
  /** Whether a Reveal button should offer the unmasked phone and personal custom fields. */
  revealable: boolean;
  customFields: Record<string, unknown>;
  definitions: readonly CustomFieldDefinition[];
  revealing: boolean;
  onReveal: () => void;
  /** Masked personal fields this caller may reveal, one at a time, with a reason. */
  revealableKeys: ReadonlySet<string>;
  onRevealField: (key: string) => void;
}

export function MemberProfile({
  member,
  phone,
  revealable,
  customFields,
  definitions,
  revealing,
  onReveal,
  revealableKeys,
  onRevealField,
}: Props) {
  const { t, i18n } = useTranslation();
  const { viewer } = useViewer();
  const { timezone, currency } = viewer.tenant;
  const empty = t('common.empty');

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Descriptions
        title={t('memberDetail.profile')}
        bordered
        size="small"
        column={{ xs: 1, sm: 1, md: 2, lg: 3 }}
        items={[
          {
            key: 'phone',
            label: t('members.fields.phone'),
            children: (
              <Space>
                <Typography.Text data-testid="member-phone">{phone}</Typography.Text>
                {revealable && (
                  <Button
                    size="small"
                    icon={<EyeOutlined />}
                    loading={revealing}
                    onClick={onReveal}
                    data-testid="reveal-phone"
                  >
                    {t('memberDetail.reveal')}
                  </Button>
                )}
              </Space>
            ),
          },
          { key: 'name', label: t('members.fields.name'), children: member.name ?? empty },
          {
            key: 'gender',
            label: t('members.fields.gender'),
            children: member.gender ? t(`members.gender.${member.gender}`) : empty,
          },
          { key: 'birthday', label: t('members.fields.birthday'), children: member.birthday ?? empty },
          { key: 'tier', label: t('members.fields.tier'), children: member.tier?.name ?? t('members.noTier') },
          { key: 'externalId', label: t('members.fields.externalId'), children: member.externalId ?? empty },
          { key: 'sourceChannel', label: t('members.fields.sourceChannel'), children: member.sourceChannel ?? empty },
          { key: 'pointsBalance', label: t('members.fields.pointsBalance'), children: member.pointsBalance.toLocaleString() },
          { key: 'pendingPoints', label: t('members.fields.pendingPoints'), children: member.pendingPoints.toLocaleString() },
          {
            key: 'totalSpent',
            label: t('members.fields.totalSpent'),
            children: formatMoney(member.totalSpent, currency, i18n.language),
          },
          { key: 'orderCount', label: t('members.fields.orderCount'), children: member.orderCount },
          {
            key: 'lastOrderAt',
            label: t('members.fields.lastOrderAt'),
            children: formatDateTime(member.lastOrderAt, timezone) || empty,
          },
          { key: 'createdAt', label: t('members.fields.createdAt'), children: formatDateTime(member.createdAt, timezone) },
          {
            key: 'tags',
            label: t('members.fields.tags'),
            span: 'filled',
            children:
              member.tags.length > 0 ? (
                <span data-testid="member-tags">
                  {member.tags.map((tag) => (
                    <Tag key={tag}>{tag}</Tag>
                  ))}
                </span>
              ) : (
                <Typography.Text type="secondary">{t('memberDetail.noTags')}</Typography.Text>
              ),
          },
        ]}
      />
      {definitions.length > 0 ? (
        <Descriptions
          title={t('memberDetail.customFields')}
          bordered
          size="small"
          column={{ xs: 1, sm: 1, md: 2, lg: 3 }}
          data-testid="member-custom-fields"
          items={definitions.map((definition) => ({
            key: definition.key,
            label: definition.label,
            children: (
              <Space>
                <span data-testid={`member-cf-${definition.key}`}>
                  {formatCustomFieldValue(definition, customFields[definition.key], t)}
                </span>
                {revealableKeys.has(definition.key) && (
                  <Button
                    size="small"
                    icon={<EyeOutlined />}
                    onClick={() => onRevealField(definition.key)}
                    data-testid={`reveal-cf-${definition.key}`}
                  >
                    {t('memberDetail.reveal')}
                  </Button>
                )}
              </Space>
            ),
          }))}
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('memberDetail.noCustomFields')} />
      )}
    </Space>
  );
}
