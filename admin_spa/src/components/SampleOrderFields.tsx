import { Button, Col, Form, Input, InputNumber, Row, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';

/** The texts of the sample order fields, in the words of the preview they belong to. */
export interface SampleOrderLabels {
  amount: string;
  storeCode: string;
  items: string;
  itemsHint: string;
  category: string;
  quantity: string;
  unitPrice: string;
  addItem: string;
}

interface Props {
  labels: SampleOrderLabels;
  /** Test ids are `{prefix}-amount`, `{prefix}-store`, `{prefix}-item-add`, `{prefix}-item-sku-{i}`, … */
  testIdPrefix: string;
}

/**
 * The amount (yuan, required) and store code of a `SampleOrderValues` form, as two columns of the
 * caller's `<Row>` so that it can put its own fields beside them.
 */
export function SampleOrderAmountColumns({ labels, testIdPrefix, span }: Props & { span: number }) {
  const { t } = useTranslation();
  return (
    <>
      <Col span={span}>
        <Form.Item
          name="amount"
          label={labels.amount}
          rules={[{ required: true, message: t('common.required', { field: labels.amount }) }]}
        >
          <InputNumber min={0.01} precision={2} prefix="¥" style={{ width: '100%' }} data-testid={`${testIdPrefix}-amount`} />
        </Form.Item>
      </Col>
      <Col span={span}>
        <Form.Item name="storeCode" label={labels.storeCode}>
          <Input allowClear data-testid={`${testIdPrefix}-store`} />
        </Form.Item>
      </Col>
    </>
  );
}

/** The item lines of a `SampleOrderValues` form: SKU, category, quantity and unit price (yuan). */
export function SampleOrderLines({ labels, testIdPrefix }: Props) {
  const { t } = useTranslation();
  return (
    <>
      <Typography.Text strong>{labels.items}</Typography.Text>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>
        {labels.itemsHint}
      </Typography.Paragraph>
      <Form.List name="items">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field, index) => (
              <Row gutter={8} key={field.key} align="top">
                <Col span={6}>
                  <Form.Item name={[field.name, 'sku']}>
                    <Input placeholder="SKU" data-testid={`${testIdPrefix}-item-sku-${index}`} />
                  </Form.Item>
                </Col>
                <Col span={6}>
                  <Form.Item name={[field.name, 'category']}>
                    <Input placeholder={labels.category} data-testid={`${testIdPrefix}-item-category-${index}`} />
                  </Form.Item>
                </Col>
                <Col span={4}>
                  <Form.Item name={[field.name, 'quantity']}>
                    <InputNumber
                      min={1}
                      precision={0}
                      placeholder={labels.quantity}
                      style={{ width: '100%' }}
                      data-testid={`${testIdPrefix}-item-quantity-${index}`}
                    />
                  </Form.Item>
                </Col>
                <Col span={6}>
                  <Form.Item name={[field.name, 'unitPrice']}>
                    <InputNumber
                      min={0}
                      precision={2}
                      prefix="¥"
                      placeholder={labels.unitPrice}
                      style={{ width: '100%' }}
                      data-testid={`${testIdPrefix}-item-price-${index}`}
                    />
                  </Form.Item>
                </Col>
                <Col span={2}>
                  <Button
                    type="text"
                    icon={<DeleteOutlined />}
                    aria-label={t('common.delete')}
                    onClick={() => remove(field.name)}
                    data-testid={`${testIdPrefix}-item-remove-${index}`}
                  />
                </Col>
              </Row>
            ))}
            <Button
              type="dashed"
              size="small"
              icon={<PlusOutlined />}
              onClick={() => add({ quantity: 1 })}
              style={{ marginBottom: 16 }}
              data-testid={`${testIdPrefix}-item-add`}
            >
              {labels.addItem}
            </Button>
          </>
        )}
      </Form.List>
    </>
  );
}
