import { Input, Select, Tag } from 'antd';
import { ShopOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { FieldMessages } from './FieldMessages';

interface Props {
  /** The clerk's stores; empty: every store (a code is typed); null while loading. */
  stores: readonly string[] | null;
  value: string;
  errors: readonly string[];
  onChange: (storeCode: string) => void;
}

/** Where the sale happens: the clerk's one store, a choice of theirs, or any code typed. */
export function StoreField({ stores, value, errors, onChange }: Props) {
  const { t } = useTranslation();
  const refused = errors.length > 0;
  let control;
  if (stores === null) {
    control = null;
  } else if (stores.length === 1) {
    control = (
      <Tag
        icon={<ShopOutlined />}
        color="blue"
        style={{ fontSize: 14, padding: '4px 10px', margin: 0 }}
        data-testid="counter-store"
      >
        {value}
      </Tag>
    );
  } else if (stores.length > 1) {
    control = (
      <Select
        value={value || undefined}
        onChange={onChange}
        options={stores.map((code) => ({ value: code, label: code }))}
        status={refused ? 'error' : undefined}
        style={{ width: '100%' }}
        aria-label={t('counter.store.label')}
        data-testid="counter-store"
      />
    );
  } else {
    control = (
      <Input
        value={value}
        onChange={(event) => onChange(event.target.value)}
        placeholder={t('counter.store.placeholder')}
        prefix={<ShopOutlined />}
        allowClear
        autoComplete="off"
        maxLength={50}
        status={refused ? 'error' : undefined}
        aria-label={t('counter.store.label')}
        data-testid="counter-store"
      />
    );
  }
  return (
    <div>
      {control}
      <FieldMessages messages={errors} testId="counter-store-error" />
    </div>
  );
}
