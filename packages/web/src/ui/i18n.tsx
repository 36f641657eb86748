import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';

/** The platform's languages (SPEC F29). */
export const LANGUAGES = ['en', 'az', 'zh-Hant'] as const;
export type Lang = (typeof LANGUAGES)[number];

export const LANGUAGE_NAMES: Record<Lang, string> = {
  en: 'English',
  az: 'Azərbaycanca',
  'zh-Hant': '繁體中文',
};

/** An app's strings: every key in every language (the type makes a missing one a compile error). */
export type Messages<K extends string> = Record<Lang, Record<K, string>>;

const STORAGE_KEY = 'openmid.lang';

function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The stored choice, else the browser's first language we speak, else English. */
export function initialLanguage(): Lang {
  const query = new URLSearchParams(window.location.search).get('lang');
  if (isLang(query)) return query;
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (isLang(stored)) return stored;
  } catch {
    // Storage can be unavailable (private mode); the browser's languages decide then.
  }
  for (const tag of navigator.languages ?? []) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('az')) return 'az';
    if (lower.startsWith('zh-hant') || lower === 'zh-tw' || lower === 'zh-hk') return 'zh-Hant';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

interface I18nValue {
  lang: Lang;
  setLang: (lang: Lang) => void;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLanguage);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not remembered across visits; the choice still holds for this page.
    }
  }, []);
  return <I18nContext.Provider value={{ lang, setLang }}>{children}</I18nContext.Provider>;
}

export function useLanguage(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useLanguage outside I18nProvider');
  return value;
}

/** Fill `{name}` placeholders. */
export function format(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in vars ? String(vars[key]) : whole,
  );
}

/** `t(key, vars)` for one app's messages in the current language. */
export function useT<K extends string>(
  messages: Messages<K>,
): (key: K, vars?: Record<string, string | number>) => string {
  const { lang } = useLanguage();
  return useCallback(
    (key: K, vars?: Record<string, string | number>) => format(messages[lang][key], vars),
    [lang, messages],
  );
}

export function LanguageSwitcher({ label = 'Language' }: { label?: string }) {
  const { lang, setLang } = useLanguage();
  return (
    <label className="lang-switcher">
      <span className="visually-hidden">{label}</span>
      <select
        value={lang}
        onChange={(e) => {
          if (isLang(e.target.value)) setLang(e.target.value);
        }}
        data-testid="language"
      >
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
