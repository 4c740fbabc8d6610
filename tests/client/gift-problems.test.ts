import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { GIFT_FIELDS, IMPORT_CODES, importCodeParams, parseGift, ruleLine } from '../../server/quizzes/gift.ts';
import { normaliseQuestion } from '../../server/quizzes/questions.ts';
import { QUESTION_TYPES } from '../../server/quizzes/schema.ts';
import { lang } from '../../client/src/i18n/core.ts';
import { en, nl } from '../../client/src/i18n/quiz-studio.ts';
import { giftLineText, type GiftReportLine } from '../../client/src/features/quiz/gift-problems.ts';

/**
 * Every problem and warning a GIFT import can report reaches a lecturer in Dutch or English: each code the server
 * can emit (server/quizzes/gift.ts IMPORT_CODES) has a string in both languages, using only the parameters that
 * code carries, and every place and question type it may name has a label.
 */
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
const catalogues = { nl: nl as Record<string, string>, en: en as Record<string, string> };

afterEach(() => {
  lang.value = 'nl';
});

describe('the GIFT problem catalogue', () => {
  for (const [language, dict] of Object.entries(catalogues)) {
    it(`${language}: every code the import can emit has a string, with only that code's parameters`, () => {
      const missing = IMPORT_CODES.filter((code) => !dict[`quizStudio.gift.code.${code}`]?.trim());
      expect(missing).toEqual([]);
      for (const code of IMPORT_CODES) {
        const used = placeholders(dict[`quizStudio.gift.code.${code}`]);
        expect(importCodeParams(code), `${language} ${code}`).toEqual(expect.arrayContaining(used));
      }
    });

    it(`${language}: no string for a code the server does not know`, () => {
      const stale = Object.keys(dict)
        .filter((k) => k.startsWith('quizStudio.gift.code.'))
        .map((k) => k.slice('quizStudio.gift.code.'.length))
        .filter((code) => !(IMPORT_CODES as string[]).includes(code));
      expect(stale).toEqual([]);
    });

    it(`${language}: every place and question type a line can name has a label`, () => {
      for (const field of GIFT_FIELDS) {
        const label = dict[`quizStudio.gift.field.${field}`];
        expect(label?.trim(), `${language} field ${field}`).toBeTruthy();
        expect(['n']).toEqual(expect.arrayContaining(placeholders(label)));
      }
      for (const type of QUESTION_TYPES) expect(dict[`quizStudio.type.${type}`], `${language} type ${type}`).toBeTruthy();
    });
  }
});

describe('giftLineText', () => {
  const line = (code: string, params: Record<string, string | number> = {}, message = 'the English message'): GiftReportLine =>
    ({ code, params, message }) as GiftReportLine;

  it('says a problem in the chosen language, with its parameters', () => {
    const p = line('GIFT_NOT_A_NUMBER', { text: '1,5' }, '"1,5" is not a number');
    expect(giftLineText(p)).toBe('"1,5" is geen getal. GIFT schrijft decimalen met een punt, bijvoorbeeld 1.5.');
    lang.value = 'en';
    expect(giftLineText(p)).toBe('"1,5" is not a number. GIFT writes decimals with a point, for example 1.5.');
  });

  it('writes numbers the local way and names question types and places in words', () => {
    expect(giftLineText(line('GIFT_EMPTY_RANGE', { min: 5.5, max: 1 }))).toBe('Het interval 5,5..1 is leeg: het begin is groter dan het einde.');
    expect(giftLineText(line('GIFT_UNEXPECTED_TEXT', { text: 'Paris', type: 'text' }))).toBe(
      'Onverwachte tekst "Paris" vóór het eerste antwoord (soort vraag: Kort antwoord). Begin elk antwoord met = of ~.',
    );
    expect(giftLineText(line('GIFT_FIELD_TOO_LONG', { path: 'choices/1/feedback', field: 'choiceFeedback', n: 2, max: 4000 }))).toBe(
      'De feedback bij keuze 2 is te lang: hoogstens 4.000 tekens.',
    );
    expect(giftLineText(line('QUESTION_DISTRACTOR_EQUAL', { field: 'distractor', n: 1 }))).toBe('Extra fout antwoord 1 mag niet gelijk zijn aan een juist antwoord.');
    lang.value = 'en';
    expect(giftLineText(line('GIFT_FIELD_TOO_MANY', { path: 'choices', field: 'choices', max: 50 }))).toBe('The choices: there are too many, at most 50.');
  });

  it("falls back to the server's message for a code it does not know", () => {
    expect(giftLineText(line('GIFT_SOMETHING_NEW', { x: 1 }, 'something new went wrong'))).toBe('something new went wrong');
  });

  it('leaves no placeholder unfilled and no English behind for what the parser really reports', () => {
    const malformed = parseGift(readFileSync(new URL('../fixtures/gift/malformed.gift', import.meta.url), 'utf8'));
    const warnings = parseGift('// @leerpad colour=red scoring=position\nQ {~%100%a ~b}\n\nM {=a -> 1#x =b -> 2}\n\nS {=a ~%-10%b}').warnings;
    const two = malformed.questions.find((q) => q.question.title === 'Two correct')!;
    const rule = normaliseQuestion(two.question, { id: 'x', at: '' });
    const lines = [...malformed.problems, ...warnings, ruleLine(two.line, rule.errors[0], rule.rules[0])];
    expect(lines.map((l) => l.code)).toEqual(expect.arrayContaining(['GIFT_UNKNOWN_SETTING', 'GIFT_SCORING_IGNORED', 'GIFT_MATCHING_FEEDBACK_IGNORED', 'QUESTION_ONE_CORRECT']));
    for (const language of ['nl', 'en'] as const) {
      lang.value = language;
      for (const l of lines) {
        const text = giftLineText(l);
        expect(text, `${language} ${l.code}`).not.toMatch(/\{\w+\}/);
        expect(text, `${language} ${l.code}`).not.toBe(l.message);
      }
    }
    lang.value = 'nl';
    expect(giftLineText(lines.at(-1)!)).toBe('Een meerkeuzevraag met één antwoord heeft precies één juiste keuze (=) nodig; deze heeft er 2.');
  });
});
