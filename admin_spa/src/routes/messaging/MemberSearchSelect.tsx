import { useMemo, useState } from 'react';
import { Select, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { useDebouncedValue } from '../../hooks/useDebouncedValue';
import { displayPhone } from '../members/phoneFormat';
import { MembersQuery } from '../members/queries';

export interface PickedMember {
  id: string;
  label: string;
}

interface Props {
  value: PickedMember | null;
  onChange: (member: PickedMember | null) => void;
  testId: string;
}

/** A member found by phone, name or member number as one types (the merge dialog's search). */
export function MemberSearchSelect({ value, onChange, testId }: Props) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const debounced = useDebouncedValue(search.trim(), 250);
  const variables = useMemo(() => ({ first: 10, filter: { search: debounced } }), [debounced]);
  const [{ data, fetching }] = useQuery({ query: MembersQuery, variables, pause: !debounced });

  const found = (debounced ? (data?.members.edges ?? []) : []).map((edge) => ({
    value: edge.node.id,
    label: [edge.node.name, displayPhone(edge.node.phone)].filter(Boolean).join(' · '),
  }));
  const options = value && !found.some((o) => o.value === value.id) ? [{ value: value.id, label: value.label }, ...found] : found;

  return (
    <Select
      showSearch
      allowClear
      filterOption={false}
      value={value?.id}
      placeholder={t('messaging.memberSearch')}
      onSearch={setSearch}
      onChange={(id?: string) => {
        const option = options.find((o) => o.value === id);
        onChange(option ? { id: option.value, label: option.label } : null);
      }}
      options={options}
      notFoundContent={fetching ? <Spin size="small" /> : undefined}
      style={{ width: '100%' }}
      data-testid={testId}
    />
  );
}
