import { Button, Descriptions, Empty, Space } from 'antd';
import { EyeOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { MemberDetailFieldsFragment } from '../../gql/graphql';
import { CodeLabel } from '../../components/CodeLabel';
import { formatDateTime } from '../../format/dateTime';
import { formatMoney } from '../../format/money';
import { useViewer } from '../../session/ViewerProvider';
import { formatCustomFieldValue, type CustomFieldDefinition } from '../custom-fields/customFieldValue';

interface Props {
  member: MemberDetailFieldsFragment;
  customFields: Record<string, unknown>;
  definitions: readonly CustomFieldDefinition[];
  /** Masked personal fields this caller may reveal, one at a time, with a reason. */
  revealableKeys: ReadonlySet<string>;
  onRevealField: (key: string) => void;
}

/**
 * The rest of the profile (the header shows name, phone, tier, points and tags): personal details,
 * purchase totals and the tenant's custom fields, personal ones revealed one at a time.
 */
export function MemberProfile({ member, customFields, definitions, revealableKeys, onRevealField }: Props) {
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
            key: 'gender',
            label: t('members.fields.gender'),
            children: member.gender ? t(`members.gender.${member.gender}`) : empty,
          },
          { key: 'birthday', label: t('members.fields.birthday'), children: member.birthday ?? empty },
          { key: 'externalId', label: t('members.fields.externalId'), children: member.externalId ?? empty },
          { key: 'sourceChannel', label: t('members.fields.sourceChannel'), children: member.sourceChannel ? <CodeLabel kind="sourceChannel" code={member.sourceChannel} /> : empty },
          {
            key: 'totalSpent',
            label: t('members.fields.totalSpent'),
            children: formatMoney(member.totalSpent, currency, i18n.language),
          },
          { key: 'orderCount', label: t('members.fields.orderCount'), children: member.orderCount },
          { key: 'createdAt', label: t('members.fields.createdAt'), children: formatDateTime(member.createdAt, timezone) },
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
