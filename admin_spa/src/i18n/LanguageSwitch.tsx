import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, changeLanguage, currentLanguage, type Language } from './index';

export function LanguageSwitch() {
  const { t } = useTranslation();
  return (
    <Segmented<Language>
      size="small"
      aria-label={t('header.language')}
      data-testid="lang-switch"
      value={currentLanguage()}
      options={LANGUAGES.map((language) => ({ value: language, label: t(`languages.${language}`) }))}
      onChange={(language) => void changeLanguage(language)}
    />
  );
}
