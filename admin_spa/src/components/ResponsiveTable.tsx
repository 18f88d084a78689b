import { isValidElement, useState, type HTMLAttributes, type Key, type ReactNode } from 'react';
import { Button, Card, Empty, Pagination, Spin, Table, theme, type TablePaginationConfig, type TableProps } from 'antd';
import { DownOutlined, UpOutlined } from '@ant-design/icons';
import type { ColumnTitleProps, ColumnType } from 'antd/es/table/interface';
import type { AnyObject } from 'antd/es/_util/type';
import { useTranslation } from 'react-i18next';
import { useIsNarrow } from '../hooks/useIsNarrow';
import './ResponsiveTable.css';

/**
 * Where a column goes on a card (below 768 px):
 * - `field` (the default): a line with the column title as its label and the rendered cell as its value;
 * - `wide`: the same, the value on its own full-width line under the label (long text, tag lists);
 * - `title`: the card's heading, without a label;
 * - `actions`: the row of buttons at the bottom of the card; on a table the column is pinned right;
 * - `hidden`: left off the card (shown in the table only).
 * A column keyed `actions` is the actions column unless it says otherwise.
 */
export type CardPlacement = 'field' | 'wide' | 'title' | 'actions' | 'hidden';

export interface ResponsiveColumn<T> extends ColumnType<T> {
  card?: CardPlacement;
}

export interface ResponsiveTableProps<T extends AnyObject> extends Omit<TableProps<T>, 'columns'> {
  columns: ResponsiveColumn<T>[];
  /** `auto` (the default) follows the screen width; `table` or `cards` force one rendering. */
  layout?: 'auto' | 'table' | 'cards';
}

function placement<T>(column: ResponsiveColumn<T>): CardPlacement {
  return column.card ?? (column.key === 'actions' ? 'actions' : 'field');
}

function tableColumn<T>(column: ResponsiveColumn<T>): ColumnType<T> {
  const { card: _card, ...rest } = column;
  if (placement(column) === 'actions' && rest.fixed === undefined) return { ...rest, fixed: 'right' };
  return rest;
}

/**
 * A list as an antd Table on wide screens (horizontal scroll inside its card, the actions column
 * pinned right, so a tablet never loses the actions) and as a stack of cards on a phone, both
 * built from the same column definitions. Takes antd Table's props; on cards it honours
 * `columns`, `dataSource`, `rowKey`, `loading`, `pagination`, `onRow`, `rowClassName`, `title`,
 * `footer`, `locale.emptyText` and `expandable.expandedRowRender`, and ignores the rest
 * (selection, sorting and filtering belong to the table).
 */
export function ResponsiveTable<T extends AnyObject>({ layout = 'auto', ...props }: ResponsiveTableProps<T>) {
  const narrow = useIsNarrow();
  const cards = layout === 'cards' || (layout === 'auto' && narrow);
  if (cards) return <CardList<T> {...props} />;
  const { columns, scroll, className, ...rest } = props;
  return (
    <Table<T>
      {...rest}
      className={['responsive-table', className].filter(Boolean).join(' ')}
      scroll={{ x: 'max-content', ...scroll }}
      columns={columns.map(tableColumn)}
    />
  );
}

type CardListProps<T extends AnyObject> = Omit<ResponsiveTableProps<T>, 'layout'>;

function rowKeyOf<T extends AnyObject>(rowKey: TableProps<T>['rowKey'], record: T, index: number): Key {
  if (typeof rowKey === 'function') return rowKey(record, index);
  const key: unknown = record[rowKey ?? 'key'];
  return typeof key === 'string' || typeof key === 'number' ? key : index;
}

function cellValue<T extends AnyObject>(column: ColumnType<T>, record: T): unknown {
  const path = column.dataIndex;
  if (path === undefined || path === null) return undefined;
  const steps = Array.isArray(path) ? (path as readonly (string | number)[]) : [path as string | number];
  let value: unknown = record;
  for (const step of steps) {
    if (value === null || value === undefined || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value;
}

function renderCell<T extends AnyObject>(column: ColumnType<T>, record: T, index: number): ReactNode {
  const value = cellValue(column, record);
  if (!column.render) return value as ReactNode;
  const rendered = column.render(value, record, index);
  // A render may return `{ children, props }` (cell spans): the card only wants the content.
  if (rendered && typeof rendered === 'object' && !isValidElement(rendered) && 'children' in rendered) {
    return rendered.children;
  }
  return rendered as ReactNode;
}

function columnTitle<T>(column: ColumnType<T>): ReactNode {
  const { title } = column;
  return typeof title === 'function' ? title({} as ColumnTitleProps<T>) : title;
}

/** The rows on the current page, as antd Table slices them. */
function pageOf<T>(rows: readonly T[], pagination: TablePaginationConfig | false, current: number): readonly T[] {
  if (pagination === false) return rows;
  const pageSize = pagination.pageSize ?? pagination.defaultPageSize ?? 10;
  const total = pagination.total ?? rows.length;
  // A server-paged list hands over one page with the grand total: show it as it is.
  if (rows.length < total && rows.length <= pageSize) return rows;
  return rows.slice((current - 1) * pageSize, current * pageSize);
}

function dataAttributes(props: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(props).filter(([name]) => name.startsWith('data-') || name.startsWith('aria-')),
  );
}

function CardList<T extends AnyObject>(props: CardListProps<T>) {
  const {
    columns,
    dataSource = [],
    rowKey,
    loading,
    pagination,
    onRow,
    rowClassName,
    title,
    footer,
    locale,
    expandable,
    className,
    style,
  } = props;
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const [internalPage, setInternalPage] = useState(1);
  const [expanded, setExpanded] = useState<readonly Key[]>([]);

  const visible = columns.filter((column) => !column.hidden && placement(column) !== 'hidden');
  const titleColumn = visible.find((column) => placement(column) === 'title');
  const actionColumns = visible.filter((column) => placement(column) === 'actions');
  const fieldColumns = visible.filter((column) => {
    const where = placement(column);
    return where === 'field' || where === 'wide';
  });

  const paging: TablePaginationConfig | false = pagination === false ? false : (pagination ?? {});
  const current = paging === false ? 1 : (paging.current ?? internalPage);
  const rows = pageOf(dataSource, paging, current);
  const spinning = typeof loading === 'object' ? (loading.spinning ?? true) : Boolean(loading);

  const card = (record: T, index: number) => {
    const key = rowKeyOf(rowKey, record, index);
    const { title: _title, className: rowAttrClass, style: rowStyle, ...rowAttrs } =
      (onRow?.(record, index) ?? {}) as HTMLAttributes<HTMLElement>;
    const extraClass = typeof rowClassName === 'function' ? rowClassName(record, index, 0) : rowClassName;
    const canExpand = Boolean(expandable?.expandedRowRender) && (expandable?.rowExpandable?.(record) ?? true);
    const isExpanded = expanded.includes(key);
    const toggle = () => {
      setExpanded(isExpanded ? expanded.filter((k) => k !== key) : [...expanded, key]);
      expandable?.onExpand?.(!isExpanded, record);
    };
    const actions = actionColumns
      .map((column, i) => ({ key: String(column.key ?? i), content: renderCell(column, record, index) }))
      // A row may have nothing left to do (a revoked key): no empty button row then.
      .filter(({ content }) => content !== null && content !== undefined && content !== false && content !== '')
      .map(({ key: actionKey, content }) => (
        <div key={actionKey} className="responsive-card-action">
          {content}
        </div>
      ));
    return (
      <Card
        key={key}
        size="small"
        {...(rowAttrs as HTMLAttributes<HTMLDivElement>)}
        className={['responsive-card', rowAttrClass, extraClass].filter(Boolean).join(' ')}
        style={rowStyle}
        title={titleColumn ? renderCell(titleColumn, record, index) : undefined}
      >
        <dl className="responsive-card-fields" style={{ color: token.colorText }}>
          {fieldColumns.map((column, i) => (
            <div
              key={String(column.key ?? column.dataIndex ?? i)}
              className={placement(column) === 'wide' ? 'responsive-card-field wide' : 'responsive-card-field'}
            >
              <dt style={{ color: token.colorTextSecondary }}>{columnTitle(column)}</dt>
              <dd>{renderCell(column, record, index)}</dd>
            </div>
          ))}
        </dl>
        {canExpand && isExpanded && (
          <div className="responsive-card-expanded" style={{ borderTop: `1px solid ${token.colorBorderSecondary}` }}>
            {expandable?.expandedRowRender?.(record, index, 0, true)}
          </div>
        )}
        {(actions.length > 0 || canExpand) && (
          <div
            className="responsive-card-actions"
            style={{ borderTop: `1px solid ${token.colorBorderSecondary}` }}
            // The card may open the row on click: its buttons act on their own.
            onClick={(event) => event.stopPropagation()}
          >
            {actions}
            {canExpand && (
              <Button
                type="link"
                icon={isExpanded ? <UpOutlined /> : <DownOutlined />}
                onClick={toggle}
                data-testid="responsive-card-expand"
              >
                {isExpanded ? t('responsive.hideDetails') : t('responsive.showDetails')}
              </Button>
            )}
          </div>
        )}
      </Card>
    );
  };

  const emptyText = locale?.emptyText;
  const empty =
    typeof emptyText === 'function' ? emptyText() : (emptyText ?? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />);
  const { position: _position, ...paginationProps } = paging === false ? { position: undefined } : paging;

  return (
    <div
      {...dataAttributes(props)}
      className={['responsive-table', 'responsive-table-cards', className].filter(Boolean).join(' ')}
      style={style}
    >
      {title && <div className="responsive-table-title">{title(rows)}</div>}
      <Spin spinning={spinning}>
        <div className="responsive-card-list">
          {rows.length === 0 ? <div className="responsive-card-empty">{empty}</div> : rows.map(card)}
        </div>
      </Spin>
      {paging !== false && (
        <Pagination
          {...paginationProps}
          className="responsive-table-pagination"
          current={current}
          total={paging.total ?? dataSource.length}
          pageSize={paging.pageSize ?? paging.defaultPageSize ?? 10}
          showSizeChanger={false}
          onChange={(page, pageSize) => {
            setInternalPage(page);
            paging.onChange?.(page, pageSize);
          }}
        />
      )}
      {footer && <div className="responsive-table-footer">{footer(rows)}</div>}
    </div>
  );
}
