import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import en from './en.json';
import zhCN from './zh-CN.json';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const LANGUAGE_KEY = 'membership.admin.lang';
const DEFAULT_LANGUAGE: Language = 'zh-CN';

// Both catalogues must carry every key; this fails type checking when en.json misses one.
const english: typeof zhCN = en;

function isLanguage(value: string | null): value is Language {
  return value !== null && (LANGUAGES as readonly string[]).includes(value);
}

function storedLanguage(): Language {
  try {
    const value = window.localStorage.getItem(LANGUAGE_KEY);
    return isLanguage(value) ? value : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE;
  }
}

function applyLanguage(language: Language): void {
  document.documentElement.lang = language;
  dayjs.locale(language === 'zh-CN' ? 'zh-cn' : 'en');
}

declare global {
  interface Window {
    /** Keys looked up but absent from the catalogues, in the order first seen (read by the browser tests). */
    __i18nMissing?: string[];
  }
}

const MISSING_LIMIT = 500;

/**
 * Remembers a key the catalogues lack (an i18next miss, or a server code with no label yet) on
 * `window.__i18nMissing`: cheap enough for every build, and what the translation walk fails on.
 */
export function noteMissingKey(key: string): void {
  const missing = (window.__i18nMissing ??= []);
  if (missing.length < MISSING_LIMIT && !missing.includes(key)) missing.push(key);
}

export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : DEFAULT_LANGUAGE;
}

export async function changeLanguage(language: Language): Promise<void> {
  window.localStorage.setItem(LANGUAGE_KEY, language);
  applyLanguage(language);
  await i18n.changeLanguage(language);
}

const initial = storedLanguage();
applyLanguage(initial);

void i18n.use(initReactI18next).init({
  resources: {
    'zh-CN': { translation: zhCN },
    en: { translation: english },
  },
  lng: initial,
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: [...LANGUAGES],
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
  // Without a backend nothing is saved: the handler only records the miss.
  saveMissing: true,
  missingKeyHandler: (_languages, _namespace, key) => noteMissingKey(key),
});

export default i18n;
