import { useMemo, useState, type HTMLAttributes } from 'react';
import { Button, Card, Form, Input, Select, Space, Tag, Typography } from 'antd';
import { GiftOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import type { MemberFilter, MemberListFieldsFragment } from '../../gql/graphql';
import { describeError } from '../../api/userErrors';
import { CursorPagination } from '../../components/CursorPagination';
import { ResponsiveTable } from '../../components/ResponsiveTable';
import { formatDateTime } from '../../format/dateTime';
import { useCursorPager } from '../../hooks/useCursorPager';
import { useDebouncedValue } from '../../hooks/useDebouncedValue';
import { useViewer } from '../../session/ViewerProvider';
import { CustomFieldControl, customFieldItemProps } from '../custom-fields/CustomFieldInput';
import { sortDefinitions } from '../custom-fields/customFieldValue';
import { CustomFieldDefinitionsQuery } from '../custom-fields/queries';
import { TiersQuery } from '../tiers/queries';
import { ExportMembersButton } from './ExportMembersButton';
import { IssueCouponToListModal } from './IssueCouponToListModal';
import { MemberCreateModal } from './MemberCreateModal';
import {
  MemberListFiltersAlert,
  drillDownFilter,
  hasDrillDown,
  readDrillDown,
  withoutDrillDown,
} from './MemberListFilters';
import { MembersQuery } from './queries';

const PAGE_SIZE = 20;
const SEARCH_DEBOUNCE_MS = 250;

interface FilterValues {
  search?: string;
  tag?: string;
  fieldKey?: string;
  fieldValue?: unknown;
}

function toMemberFilter(values: FilterValues): MemberFilter {
  const filter: MemberFilter = {};
  const search = values.search?.trim();
  if (search) filter.search = search;
  const tag = values.tag?.trim();
  if (tag) filter.tag = tag;
  const value = typeof values.fieldValue === 'string' ? values.fieldValue.trim() : values.fieldValue;
  if (values.fieldKey && value !== undefined && value !== null && value !== '') {
    filter.customFields = [{ key: values.fieldKey, value }];
  }
  return filter;
}

export default function MembersListPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { viewer, can } = useViewer();
  const timeZone = viewer.tenant.timezone;
  const [form] = Form.useForm<FilterValues>();
  const [filterValues, setFilterValues] = useState<FilterValues>({});
  const [creating, setCreating] = useState(false);
  const [issuing, setIssuing] = useState(false);
  const [searchParams, setSearchParams] = useSearchParams();
  // the dashboard's drill-down, from the URL; it narrows whatever the page's own filters list
  const drillKey = searchParams.toString();
  const drill = useMemo(() => readDrillDown(new URLSearchParams(drillKey)), [drillKey]);
  const drilling = hasDrillDown(drill);
  const [{ data: tierData }] = useQuery({ query: TiersQuery, pause: !drill.tierId });
  const drillTierName = tierData?.tiers.find((tier) => tier.id === drill.tierId)?.name;

  const [{ data: definitionData }] = useQuery({ query: CustomFieldDefinitionsQuery });
  const definitions = useMemo(
    () => sortDefinitions(definitionData?.customFieldDefinitions ?? []),
    [definitionData],
  );
  const fieldDefinition = definitions.find((d) => d.key === filterValues.fieldKey);

  const ownFilter = useDebouncedValue(useMemo(() => toMemberFilter(filterValues), [filterValues]), SEARCH_DEBOUNCE_MS);
  const filter = useMemo(() => ({ ...ownFilter, ...drillDownFilter(drill) }), [ownFilter, drill]);
  const filterKey = JSON.stringify(filter);
  const pager = useCursorPager(filterKey);
  const variables = useMemo(
    () => ({ first: PAGE_SIZE, after: pager.after, filter: JSON.parse(filterKey) as MemberFilter }),
    [pager.after, filterKey],
  );
  const [{ data, fetching, error }] = useQuery({ query: MembersQuery, variables });
  const connection = data?.members;
  const rows = connection?.edges.map((edge) => edge.node) ?? [];

  return (
    <Card
      title={t('members.title')}
      extra={
        <Space wrap>
          <ExportMembersButton filter={filter} timeZone={timeZone} disabled={!connection || connection.totalCount === 0} />
          {can('coupons:write') && (
            <Button
              icon={<GiftOutlined />}
              onClick={() => setIssuing(true)}
              disabled={!connection || connection.totalCount === 0}
              data-testid="member-issue-list"
            >
              {t('memberList.issue.button')}
            </Button>
          )}
          {can('members:write') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="member-new">
              {t('members.new')}
            </Button>
          )}
        </Space>
      }
    >
      {drilling && (
        <MemberListFiltersAlert
          drill={drill}
          tierName={drillTierName}
          totalCount={connection?.totalCount}
          onClear={() => setSearchParams(withoutDrillDown(searchParams))}
        />
      )}
      <Form<FilterValues>
        form={form}
        layout="inline"
        style={{ marginBottom: 16, rowGap: 8 }}
        onValuesChange={(changed, all) => {
          if ('fieldKey' in changed) {
            form.setFieldValue('fieldValue', undefined);
            setFilterValues({ ...all, fieldValue: undefined });
          } else {
            setFilterValues(all);
          }
        }}
      >
        <Form.Item name="search">
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('members.searchPlaceholder')}
            style={{ width: 280 }}
            data-testid="member-search"
          />
        </Form.Item>
        <Form.Item name="tag">
          <Input allowClear placeholder={t('members.tagFilter')} style={{ width: 160 }} data-testid="member-tag-filter" />
        </Form.Item>
        {definitions.length > 0 && (
          <Form.Item name="fieldKey">
            <Select
              allowClear
              placeholder={t('members.fieldFilter')}
              style={{ width: 160 }}
              options={definitions.map((d) => ({ value: d.key, label: d.label }))}
              data-testid="member-field-filter"
            />
          </Form.Item>
        )}
        {fieldDefinition && (
          <Form.Item
            name="fieldValue"
            {...(fieldDefinition.type === 'BOOL' ? {} : customFieldItemProps(fieldDefinition))}
          >
            {fieldDefinition.type === 'BOOL' ? (
              <Select
                allowClear
                placeholder={t('members.fieldValue')}
                style={{ width: 120 }}
                options={[
                  { value: true, label: t('common.yes') },
                  { value: false, label: t('common.no') },
                ]}
              />
            ) : (
              <CustomFieldControl definition={fieldDefinition} placeholder={t('members.fieldValue')} testId="member-field-value" />
            )}
          </Form.Item>
        )}
        <Form.Item>
          <Button
            onClick={() => {
              form.resetFields();
              setFilterValues({});
            }}
          >
            {t('members.clearFilters')}
          </Button>
        </Form.Item>
      </Form>

      {error && (
        <Typography.Paragraph type="danger" data-testid="members-error">
          {describeError(error, t)}
        </Typography.Paragraph>
      )}

      <ResponsiveTable<MemberListFieldsFragment>
        rowKey="id"
        size="middle"
        loading={fetching}
        dataSource={rows}
        pagination={false}
        onRow={(member) =>
          ({
            'data-testid': 'member-row',
            style: { cursor: 'pointer' },
            onClick: () => navigate(`/members/${encodeURIComponent(member.id)}`),
          }) as HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            title: t('members.fields.name'),
            dataIndex: 'name',
            card: 'title',
            render: (name: string | null) => name ?? t('common.empty'),
          },
          { title: t('members.fields.phone'), dataIndex: 'phone' },
          {
            title: t('members.fields.tags'),
            dataIndex: 'tags',
            render: (tags: string[]) => tags.map((tag) => <Tag key={tag}>{tag}</Tag>),
          },
          {
            title: t('members.fields.tier'),
            key: 'tier',
            render: (_, member) => member.tier?.name ?? t('common.empty'),
          },
          {
            title: t('members.fields.createdAt'),
            dataIndex: 'createdAt',
            render: (createdAt: string) => formatDateTime(createdAt, timeZone),
          },
        ]}
        footer={() => (
          <CursorPagination
            pager={pager}
            totalCount={connection?.totalCount}
            hasNextPage={connection?.pageInfo.hasNextPage ?? false}
            endCursor={connection?.pageInfo.endCursor}
            testIdPrefix="members"
          />
        )}
      />

      {issuing && connection && (
        <IssueCouponToListModal filter={filter} count={connection.totalCount} onClose={() => setIssuing(false)} />
      )}

      {creating && (
        <MemberCreateModal
          definitions={definitions}
          onClose={() => setCreating(false)}
          onCreated={(id) => {
            setCreating(false);
            navigate(`/members/${encodeURIComponent(id)}`);
          }}
        />
      )}
    </Card>
  );
}

