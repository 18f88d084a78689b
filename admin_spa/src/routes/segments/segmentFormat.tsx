import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import './segments.css';

/** A segment's CEL condition as written: code, shown in monospace and left untranslated. */
export function SegmentCondition({ condition }: { condition: string }) {
  return (
    <code className="segment-condition" data-raw-code={condition} data-testid="segment-condition-text">
      {condition}
    </code>
  );
}

/** Whether the segment's members carry its name as a tag. */
export function SegmentTagFlag({ tag }: { tag: boolean }) {
  const { t } = useTranslation();
  return tag ? (
    <Tag color="blue" data-testid="segment-tag-flag" data-tag="true">
      {t('common.yes')}
    </Tag>
  ) : (
    <span data-testid="segment-tag-flag" data-tag="false">
      {t('common.no')}
    </span>
  );
}
