import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectLang, format, lang, messages } from '../../client/src/i18n/core.ts';

const dir = fileURLToPath(new URL('../../client/src/i18n/', import.meta.url));
const dictionaryFiles = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'core.ts');

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  it('has dictionary files', () => {
    expect(dictionaryFiles).toContain('common.ts');
  });

  for (const file of dictionaryFiles) {
    it(`${file}: nl and en have the same keys, the same placeholders and no empty strings`, async () => {
      const mod = (await import(path.join(dir, file))) as { nl?: Record<string, string>; en?: Record<string, string> };
      expect(mod.nl, `${file} exports nl`).toBeTypeOf('object');
      expect(mod.en, `${file} exports en`).toBeTypeOf('object');
      const nl = mod.nl!;
      const en = mod.en!;
      expect(Object.keys(en).sort()).toEqual(Object.keys(nl).sort());
      for (const [key, value] of [...Object.entries(nl), ...Object.entries(en)]) {
        expect(typeof value === 'string' && value.trim().length > 0, `${file} ${key} is empty`).toBe(true);
      }
      for (const key of Object.keys(nl)) expect(placeholders(en[key]), `${file} ${key}`).toEqual(placeholders(nl[key]));
    });
  }

  it("no feature shadows a common key (each feature's t falls back to common.ts)", async () => {
    const common = (await import(path.join(dir, 'common.ts'))) as { nl: Record<string, string> };
    const shadowed: string[] = [];
    for (const file of dictionaryFiles.filter((f) => f !== 'common.ts')) {
      const { nl } = (await import(path.join(dir, file))) as { nl: Record<string, string> };
      for (const key of Object.keys(nl)) if (key in common.nl) shadowed.push(`${file}: ${key}`);
    }
    expect(shadowed).toEqual([]);
  });
});

describe('detectLang', () => {
  it('prefers a remembered choice', () => {
    expect(detectLang('en', ['nl-BE'])).toBe('en');
    expect(detectLang('nl', ['en-US'])).toBe('nl');
  });
  it('follows the first Dutch or English browser language', () => {
    expect(detectLang(null, ['nl-BE', 'en'])).toBe('nl');
    expect(detectLang(null, ['en-GB', 'nl'])).toBe('en');
    expect(detectLang(null, ['fr-BE', 'nl-BE'])).toBe('nl');
    expect(detectLang('xx', ['NL'])).toBe('nl');
  });
  it('falls back to English for other languages and to Dutch when the browser says nothing', () => {
    expect(detectLang(null, ['fr-BE', 'de'])).toBe('en');
    expect(detectLang(null, [])).toBe('nl');
  });
});

describe('t', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(format('Hallo {name}, {n} nieuw', { name: 'An', n: 3 })).toBe('Hallo An, 3 nieuw');
    expect(format('Hallo {name}', {})).toBe('Hallo {name}');
  });
  it('follows the current language and falls back to the base translator', () => {
    const base = messages({ nl: { shared: 'gedeeld' }, en: { shared: 'shared' } });
    const t = messages({ nl: { hi: 'Dag {who}' }, en: { hi: 'Hi {who}' } }, base);
    lang.value = 'nl';
    expect(t('hi', { who: 'Jan' })).toBe('Dag Jan');
    expect(t('shared')).toBe('gedeeld');
    lang.value = 'en';
    expect(t('hi', { who: 'Jan' })).toBe('Hi Jan');
    expect(t('shared')).toBe('shared');
    lang.value = 'nl';
  });
});
