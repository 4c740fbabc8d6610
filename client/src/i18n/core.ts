import { signal } from '@preact/signals';

/**
 * Translations. Each feature keeps its strings in its own file under client/src/i18n/ (`nl` and `en` objects with
 * the same keys, `en` typed as `typeof nl`) and exports a `t` made by `messages()`; a feature's `t` falls back to the
 * common strings. Pages import the `t` of their own feature, so a feature's strings travel in its lazy chunk.
 * tests/client/i18n.test.ts checks every file in this folder: same keys, same {placeholders}, nothing empty.
 */
export const LANGS = ['nl', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const isLang = (v: unknown): v is Lang => v === 'nl' || v === 'en';

export const STORAGE_KEY = 'leerpad.lang';

/** The chosen language. Components that call a `t` while rendering re-render when it changes. */
export const lang = signal<Lang>('nl');

/**
 * A remembered choice wins; else the browser's first Dutch or English preference; else English for a browser that
 * prefers some other language; Dutch when the browser says nothing (the audience is Flemish).
 */
export function detectLang(stored: string | null | undefined, browser: readonly string[]): Lang {
  if (isLang(stored)) return stored;
  for (const tag of browser) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLang(primary)) return primary;
  }
  return browser.length ? 'en' : 'nl';
}

export type Vars = Record<string, string | number>;
export type Dict = Record<string, string>;
export type Translator<K extends string> = (key: K, vars?: Vars) => string;

/** Replaces {name} placeholders; an unknown placeholder stays visible rather than vanishing silently. */
export function format(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** Makes a feature's `t`; keys it does not know are looked up in `base` (the common strings). */
export function messages<D extends Dict, B extends string = never>(
  dict: { nl: D; en: { [K in keyof D]: string } },
  base?: Translator<B>,
): Translator<(keyof D & string) | B> {
  return (key, vars) => {
    const own = (dict[lang.value] as Dict)[key];
    if (own !== undefined) return format(own, vars);
    if (base) return base(key as B, vars);
    return key;
  };
}

const intlLocale = () => (lang.value === 'nl' ? 'nl-BE' : 'en-GB');

export function formatDateTime(iso: string | number | Date): string {
  return new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(intlLocale()).format(n);
}

function remembered(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage can be blocked; the choice then lasts for this page only
  }
}

/** Whether this browser remembers an explicit choice (which then wins over the profile's language). */
export function hasStoredLang(): boolean {
  return isLang(remembered());
}

/** Called once at start-up: picks the language and keeps <html lang> in step with it. */
export function initLang() {
  lang.value = detectLang(remembered(), navigator.languages ?? [navigator.language]);
  document.documentElement.lang = lang.value;
  lang.subscribe((l) => {
    document.documentElement.lang = l;
  });
}

export function setLang(l: Lang) {
  lang.value = l;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    // see remembered()
  }
}
