import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { describeCode, type CodeKind } from '../i18n/codes';

interface Props {
  kind: CodeKind;
  code: string;
  /** Show the code beside a known label too (developer pages, where people match it to their code). */
  showCode?: boolean;
}

/** The code itself, in small type; `data-raw-code` marks it as deliberately untranslated. */
export function RawCode({ code }: { code: string }) {
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12 }} data-raw-code={code}>
      {code}
    </Typography.Text>
  );
}

/** A server code in the UI's language; one the catalogue lacks reads generically, with the code after it. */
export function CodeLabel({ kind, code, showCode = false }: Props) {
  const { t } = useTranslation();
  const { label, known } = describeCode(t, kind, code);
  if (known && !showCode) return <>{label}</>;
  return (
    <span data-code-known={known ? 'true' : 'false'}>
      {label} <RawCode code={code} />
    </span>
  );
}
