import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { exportGift, fieldOf, GIFT_CODES, GIFT_FIELDS, giftLine, IMPORT_CODES, parseGift, ruleLine, schemaLine, type GiftCode } from '../../server/quizzes/gift.ts';
import { gradeQuestion } from '../../server/quizzes/grading.ts';
import { normaliseQuestion, toEdit, type QuizQuestion } from '../../server/quizzes/questions.ts';
import { questionInputSchemaFor, type QuestionInput } from '../../server/quizzes/schema.ts';
import { Value } from '@sinclair/typebox/value';
import { renderMarkdown } from '../../server/markdown.ts';
import { everyType } from '../helpers/quiz-fixtures.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/gift/${name}`, import.meta.url), 'utf8');

/** Parsed questions must also pass the studio schema and rules, exactly as the import route applies them. */
function accepted(input: QuestionInput): QuizQuestion {
  expect([...Value.Errors(questionInputSchemaFor(input.type), input)].map((e) => `${e.path} ${e.message}`)).toEqual([]);
  const r = normaliseQuestion(input, { id: 'x', at: '' });
  expect(r.errors).toEqual([]);
  return r.question!;
}

describe('every-type.gift', () => {
  const result = parseGift(fixture('every-type.gift'));
  const byTitle = (t: string) => result.questions.find((q) => q.question.title === t)!;

  test('takes every question, no problems', () => {
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.questions.map((q) => [q.line, q.question.type, q.question.title])).toEqual([
      [4, 'single', 'Rivers 1'],
      [13, 'multiple', 'Primes'],
      [20, 'trueFalse', 'Flat earth'],
      [22, 'trueFalse', 'Water boils'],
      [24, 'text', 'Capital NL'],
      [26, 'numeric', 'Grant'],
      [28, 'numeric', 'Pi'],
      [30, 'numeric', 'Dice'],
      [32, 'numeric', 'Ulysses year'],
      [38, 'matching', 'Capitals'],
      [45, 'single', 'Missing word'],
      [47, 'text', 'Ans'],
    ]);
    for (const q of result.questions) accepted(q.question);
  });

  test('single choice with weights, per-answer feedback and general feedback', () => {
    expect(byTitle('Rivers 1').question).toEqual({
      title: 'Rivers 1',
      text: 'Which river flows through Ghent?',
      explanation: 'Ghent lies where the Leie meets the Scheldt.',
      type: 'single',
      choices: [
        { text: 'The Scheldt', correct: true, feedback: 'Yes, together with the Leie.' },
        { text: 'The Meuse', correct: false, feedback: 'The Meuse flows through Liège and Namur.' },
        { text: 'The Leie', correct: false, credit: 25, feedback: 'Half right: the Leie joins the Scheldt in Ghent.' },
        { text: 'The Yser', correct: false, feedback: null },
      ],
    });
  });

  test('multiple answers keep their Moodle weights', () => {
    const q = byTitle('Primes').question as Extract<QuestionInput, { type: 'multiple' }>;
    expect(q.scoring).toBe('weights');
    expect(q.choices.map((c) => [c.text, c.correct, c.weight])).toEqual([
      ['2', true, 50],
      ['3', true, 50],
      ['4', false, -100],
      ['9', false, -100],
    ]);
    expect(q.choices[2].feedback).toBe('4 is 2 times 2.');
  });

  test('true/false: the first feedback is for a wrong answer, the second for a right one', () => {
    expect(byTitle('Flat earth').question).toMatchObject({ answer: false, feedbackTrue: 'The earth is (nearly) a sphere.', feedbackFalse: 'Indeed, it is not.' });
    expect(byTitle('Water boils').question).toMatchObject({ answer: true, feedbackTrue: null, feedbackFalse: null });
  });

  test('short answer with partial credit', () => {
    expect(byTitle('Capital NL').question).toMatchObject({
      answers: [
        { text: 'Amsterdam', credit: 100, feedback: null },
        { text: 'The Hague', credit: 50, feedback: 'The seat of government, not the capital.' },
      ],
    });
  });

  test('numeric: exact, tolerance, range, several answers and wrong-answer feedback', () => {
    expect(byTitle('Grant').question).toMatchObject({ answers: [{ value: 1822, tolerance: 0, credit: 100 }] });
    expect(byTitle('Pi').question).toMatchObject({ answers: [{ value: 3.14, tolerance: 0.01 }], explanation: 'π is about 3.14159.' });
    expect(byTitle('Dice').question).toMatchObject({ answers: [{ min: 1, max: 6, credit: 100 }] });
    expect(byTitle('Ulysses year').question).toMatchObject({
      answers: [
        { value: 1922, tolerance: 0, credit: 100, feedback: 'Right: 2 February 1922.' },
        { value: 1922, tolerance: 2, credit: 50, feedback: 'Close.' },
      ],
      wrongFeedback: 'It was the 1920s.',
    });
  });

  test('matching with a distractor', () => {
    expect(byTitle('Capitals').question).toMatchObject({
      pairs: [
        { left: 'Belgium', right: 'Brussels' },
        { left: 'France', right: 'Paris' },
        { left: 'Italy', right: 'Rome' },
      ],
      distractors: ['Lyon'],
    });
  });

  test('missing-word questions show a blank where the answers stood', () => {
    const q = byTitle('Missing word').question;
    expect(q.text).toBe('The Atomium stands in \\_\\_\\_\\_\\_ and was built for Expo 58.');
    expect(renderMarkdown(q.text)).toBe('<p>The Atomium stands in _____ and was built for Expo 58.</p>\n');
    expect(byTitle('Ans').question).toMatchObject({ text: 'Two plus two equals \\_\\_\\_\\_\\_.', answers: [{ text: 'four' }, { text: '4' }] });
  });
});

describe('escaping-and-formats.gift', () => {
  const result = parseGift(fixture('escaping-and-formats.gift'));
  const byTitle = (t: string) => result.questions.find((q) => q.question.title === t)!.question;

  test('no problems', () => {
    expect(result.problems).toEqual([]);
    expect(result.questions).toHaveLength(7);
    for (const q of result.questions) accepted(q.question);
  });

  test('escaped control characters are literal text', () => {
    const q = byTitle('Escapes: all of them') as Extract<QuestionInput, { type: 'single' }>;
    expect(q.text).toBe('Which symbol is written { in GIFT?');
    expect(q.choices.map((c) => c.text)).toEqual(['A left brace {', 'An equals sign =', 'A tilde ~ or a hash #', 'A backslash \\']);
    expect(q.choices[0].feedback).toBe('Right: braces must be escaped.');
    expect(byTitle('Time')).toMatchObject({ answers: [{ text: '14:30' }, { text: '14.30' }] });
    expect(byTitle('Lines').text).toBe('First line\nSecond line');
  });

  test('[html] passes through the sanitiser, [plain] is escaped, answers inherit the question format', () => {
    const html = byTitle('HTML') as Extract<QuestionInput, { type: 'single' }>;
    expect(html.text).toBe('<p>Which tag makes text <b>bold</b>?</p>');
    expect(html.choices.map((c) => c.text)).toEqual(['\\<b\\>', '<i>']);
    expect(renderMarkdown(html.choices[0].text)).toBe('<p>&lt;b&gt;</p>\n');
    const plain = byTitle('Plain');
    expect(plain.text).toBe('Is 2 \\* 3 = 6 and \\_x\\_ a variable?');
    expect(renderMarkdown(plain.text)).toBe('<p>Is 2 * 3 = 6 and _x_ a variable?</p>\n');
    expect(byTitle('Markdown')).toMatchObject({ text: 'Is **this** bold?', explanation: 'Yes, *really*.' });
    expect(byTitle('Moodle format').text).toBe('An old Moodle-format question.');
  });
});

describe('categories-dutch.gift', () => {
  test('BOM, categories, comments, multi-line questions', () => {
    const result = parseGift(fixture('categories-dutch.gift'));
    expect(result.problems).toEqual([]);
    expect(result.questions.map((q) => [q.line, q.category, q.question.type])).toEqual([
      [5, '$course$/Statistiek 1/Hoofdstuk 1', 'numeric'],
      [8, '$course$/Statistiek 1/Hoofdstuk 1', 'single'],
      [17, '$course$/Statistiek 1/Hoofdstuk 2', 'trueFalse'],
      [19, '$course$/Statistiek 1/Hoofdstuk 2', 'text'],
      [22, '$course$/Statistiek 1/Hoofdstuk 2', 'matching'],
    ]);
    const [, mediaan, spreiding, , koppel] = result.questions.map((q) => q.question);
    expect(mediaan).toMatchObject({ choices: [{}, { feedback: 'Nee: één uitschieter trekt het gemiddelde mee.' }, {}] });
    expect(spreiding).toMatchObject({ answer: false, feedbackTrue: 'Fout: ze is een vierkantswortel.', feedbackFalse: 'Klopt.' });
    expect(koppel).toMatchObject({ title: null, text: 'Koppel elk begrip aan zijn omschrijving.' });
    for (const q of result.questions) accepted(q.question);
  });

  test('Windows line endings give the same result', () => {
    const lf = parseGift(fixture('categories-dutch.gift'));
    const crlf = parseGift(fixture('categories-dutch.gift').replace(/\n/g, '\r\n'));
    expect(crlf).toEqual(lf);
  });
});

describe('malformed.gift', () => {
  const result = parseGift(fixture('malformed.gift'));

  test('every problem is reported with its line, a stable code and its parameters', () => {
    expect(result.problems.map((p) => [p.line, p.code, p.params])).toEqual([
      [4, 'GIFT_ESSAY', {}],
      [6, 'GIFT_DESCRIPTION', {}],
      [8, 'GIFT_UNCLOSED_ANSWER', {}],
      [10, 'GIFT_NOT_A_NUMBER', { text: '1,5' }],
      [12, 'GIFT_TITLE_UNCLOSED', {}],
      [14, 'GIFT_SEVERAL_ANSWER_BLOCKS', {}],
      [18, 'GIFT_MATCHING_NO_ARROW', {}],
      [23, 'GIFT_WEIGHT_RANGE', { weight: 150 }],
      [29, 'GIFT_STRAY_CLOSE', {}],
      [31, 'GIFT_UNEXPECTED_TEXT', { text: 'Paris', type: 'text' }],
    ]);
  });

  test('and with an English message for API clients', () => {
    expect(result.problems.map((p) => [p.line, p.message])).toEqual([
      [4, expect.stringMatching(/^unsupported: an essay question/)],
      [6, expect.stringMatching(/^unsupported: a description/)],
      [8, expect.stringMatching(/"\{" is never closed/)],
      [10, '"1,5" is not a number'],
      [12, 'the title is not closed with "::"'],
      [14, 'unsupported: more than one answer block in a question'],
      [18, 'every answer of a matching question needs "left -> right"'],
      [23, 'weight 150% is outside -100..100'],
      [29, expect.stringMatching(/^"\}" without "\{"/)],
      [31, expect.stringMatching(/^unexpected text "Paris" before the first answer/)],
    ]);
  });

  test('the well-formed questions around them are still parsed (the route decides all-or-nothing)', () => {
    expect(result.questions.map((q) => q.question.title)).toEqual(['OK 1', 'Two correct', 'OK 2']);
    // "Two correct" parses but breaks a rule: the normaliser, which the import route runs next, says why.
    const two = result.questions[1].question;
    expect(normaliseQuestion(two, { id: 'x', at: '' }).errors[0].message).toMatch(/exactly one correct choice \(it has 2\)/);
  });
});

describe('small cases', () => {
  test('an empty file or one with only comments holds no questions', () => {
    expect(parseGift('')).toEqual({ questions: [], problems: [], warnings: [] });
    expect(parseGift('// just a comment\n\n// another\n')).toEqual({ questions: [], problems: [], warnings: [] });
  });

  test('comment lines inside a question do not split it', () => {
    const r = parseGift('Which? {\n// first the right one\n=a\n// then a wrong one\n~b\n}');
    expect(r.problems).toEqual([]);
    expect(r.questions[0].question).toMatchObject({ type: 'single', choices: [{ text: 'a', correct: true }, { text: 'b', correct: false }] });
  });

  test('a negative weight on a single-choice answer is a warning and counts as 0', () => {
    const r = parseGift('Q {=a ~%-50%b}');
    expect(r.warnings).toEqual([{ line: 1, code: 'GIFT_NEGATIVE_SINGLE_WEIGHT', params: {}, message: 'a negative weight on a single-choice answer counts as 0' }]);
    expect(r.questions[0].question).toMatchObject({ choices: [{ correct: true }, { text: 'b', correct: false, feedback: null }] });
  });

  test('negative numbers and ranges, and exponents', () => {
    const r = parseGift('A {#-5..-1}\n\nB {#-2.5:0.5}\n\nC {#6.02e23:1e21}');
    expect(r.problems).toEqual([]);
    expect(r.questions.map((q) => q.question)).toMatchObject([{ answers: [{ min: -5, max: -1 }] }, { answers: [{ value: -2.5, tolerance: 0.5 }] }, { answers: [{ value: 6.02e23, tolerance: 1e21 }] }]);
  });

  test('true/false is recognised in any case', () => {
    expect(parseGift('x {true}').questions[0].question).toMatchObject({ type: 'trueFalse', answer: true });
    expect(parseGift('x {f}').questions[0].question).toMatchObject({ type: 'trueFalse', answer: false });
  });

  test('@leerpad comments set what GIFT cannot; unknown ones are warnings', () => {
    const r = parseGift('// @leerpad points=2.5 caseSensitive=true colour=red\nName? {=NaCl}');
    expect(r.questions[0].question).toMatchObject({ points: 2.5, caseSensitive: true });
    expect(r.warnings).toEqual([{ line: 1, code: 'GIFT_UNKNOWN_SETTING', params: { setting: 'colour=red' }, message: 'unknown @leerpad setting "colour=red" ignored' }]);
  });

  test('feedback on a matching pair is dropped with a warning', () => {
    const r = parseGift('M {\n=a -> 1#no\n=b -> 2\n}');
    expect(r.questions[0].question).toMatchObject({ pairs: [{ left: 'a', right: '1' }, { left: 'b', right: '2' }] });
    expect(r.warnings).toEqual([{ line: 2, code: 'GIFT_MATCHING_FEEDBACK_IGNORED', params: {}, message: 'feedback on a matching pair is ignored' }]);
  });
});

describe('problem codes', () => {
  /** One GIFT source for every code the parser reports, with the line, code and parameters it must give. */
  const cases: [GiftCode, string, 'problems' | 'warnings', number, Record<string, string | number>][] = [
    ['GIFT_TITLE_UNCLOSED', '::Title {T}', 'problems', 1, {}],
    ['GIFT_DESCRIPTION', 'Only words.', 'problems', 1, {}],
    ['GIFT_STRAY_CLOSE', 'Q } {T}', 'problems', 1, {}],
    ['GIFT_UNCLOSED_ANSWER', 'Q\n{=a ~b', 'problems', 2, {}],
    ['GIFT_SEVERAL_ANSWER_BLOCKS', 'Q {T} and {F}', 'problems', 1, {}],
    ['GIFT_NO_TEXT', '::Title::{T}', 'problems', 1, {}],
    ['GIFT_ESSAY', 'Q {}', 'problems', 1, {}],
    ['GIFT_UNEXPECTED_TEXT', 'Q {lead =a -> 1 =b -> 2}', 'problems', 1, { text: 'lead', type: 'matching' }],
    ['GIFT_BAD_WEIGHT', 'Q {=a ~%half%b}', 'problems', 1, { text: '%half%b' }],
    ['GIFT_WEIGHT_RANGE', 'Q {=%-150%a}', 'problems', 1, { weight: -150 }],
    ['GIFT_NOT_A_NUMBER', 'Q {#two}', 'problems', 1, { text: 'two' }],
    ['GIFT_EMPTY_ANSWER', 'Q {=a =%50%}', 'problems', 1, {}],
    ['GIFT_EMPTY_CHOICE', 'Q {=a ~}', 'problems', 1, {}],
    ['GIFT_TOO_FEW_CHOICES', 'Q {~a}', 'problems', 1, {}],
    ['GIFT_MATCHING_NO_ARROW', 'Q {=a -> 1 =b}', 'problems', 1, {}],
    ['GIFT_MATCHING_EMPTY_RIGHT', 'Q {=a -> 1 =b ->}', 'problems', 1, {}],
    ['GIFT_TOO_FEW_PAIRS', 'Q {=a -> 1 = -> 2}', 'problems', 1, {}],
    ['GIFT_NUMERIC_NO_ANSWER', 'Q {#}', 'problems', 1, {}],
    ['GIFT_EMPTY_RANGE', 'Q {#5..1}', 'problems', 1, { min: 5, max: 1 }],
    ['GIFT_NEGATIVE_TOLERANCE', 'Q {#5:-1}', 'problems', 1, {}],
    ['GIFT_UNKNOWN_SETTING', '// @leerpad colour=red\nQ {T}', 'warnings', 1, { setting: 'colour=red' }],
    ['GIFT_NEGATIVE_SINGLE_WEIGHT', 'Q {=a ~%-50%b}', 'warnings', 1, {}],
    ['GIFT_SCORING_IGNORED', '// @leerpad scoring=position\nQ {~%100%a ~b}', 'warnings', 2, { scoring: 'position' }],
    ['GIFT_MATCHING_FEEDBACK_IGNORED', 'Q {=a -> 1#no =b -> 2}', 'warnings', 1, {}],
  ];

  test.each(cases)('%s', (code, source, list, line, params) => {
    const r = parseGift(source);
    expect(r[list]).toEqual([{ line, code, params, message: giftLine(line, code, params).message }]);
    expect(r[list === 'problems' ? 'warnings' : 'problems']).toEqual([]);
  });

  test('every parser code has a case above; the import adds its own and the studio rules', () => {
    const importOnly = ['GIFT_NO_QUESTIONS', 'GIFT_TOO_MANY_QUESTIONS', 'GIFT_FIELD_TOO_LONG', 'GIFT_FIELD_TOO_MANY', 'GIFT_FIELD_TOO_LARGE', 'GIFT_FIELD_INVALID'];
    expect(cases.map((c) => c[0]).sort()).toEqual(GIFT_CODES.filter((c) => !importOnly.includes(c)).sort());
    expect(IMPORT_CODES).toEqual(expect.arrayContaining([...GIFT_CODES, 'QUESTION_ONE_CORRECT', 'QUESTION_WEIGHTS_SUM']));
    expect(new Set(IMPORT_CODES).size).toBe(IMPORT_CODES.length);
  });

  test('messages name the question type in English and keep literal braces', () => {
    expect(parseGift('Q {lead =a =b}').problems[0].message).toBe('unexpected text "lead" before the first answer of a short-answer question');
    expect(parseGift('Q } {T}').problems[0].message).toBe('"}" without "{" (escape a literal brace as \\})');
    expect(giftLine(3, 'GIFT_EMPTY_RANGE', { min: 5, max: 1 })).toEqual({ line: 3, code: 'GIFT_EMPTY_RANGE', params: { min: 5, max: 1 }, message: 'the range 5..1 is empty' });
  });

  test('schema errors of a parsed question: too long, too many, too large, invalid', () => {
    const errorOf = (input: QuestionInput) => {
      const first = Value.Errors(questionInputSchemaFor(input.type), input).First();
      return schemaLine(7, first!);
    };
    const q = (over: Partial<Extract<QuestionInput, { type: 'single' }>>): QuestionInput => ({
      type: 'single',
      text: 'Q',
      choices: [{ text: 'a', correct: true }, { text: 'b', correct: false }],
      ...over,
    });
    expect(errorOf(q({ title: 'x'.repeat(201) }))).toEqual({ line: 7, code: 'GIFT_FIELD_TOO_LONG', params: { path: 'title', field: 'title', max: 200 }, message: 'title: longer than 200 characters' });
    expect(errorOf(q({ choices: [{ text: 'a', correct: true }, { text: 'b', correct: false, feedback: 'f'.repeat(4001) }] })).params).toEqual({
      path: 'choices/1/feedback',
      field: 'choiceFeedback',
      n: 2,
      max: 4000,
    });
    const many = Array.from({ length: 51 }, (_, i) => ({ text: `c${i}`, correct: i === 0 }));
    expect(errorOf(q({ choices: many }))).toMatchObject({ code: 'GIFT_FIELD_TOO_MANY', params: { field: 'choices', max: 50 } });
    expect(errorOf(q({ points: 5000 }))).toMatchObject({ code: 'GIFT_FIELD_TOO_LARGE', params: { field: 'points', max: 1000 } });
    // 1e999 is a valid GIFT number but not a finite one
    const inf = parseGift('Q {#1e999}').questions[0].question;
    expect(errorOf(inf)).toMatchObject({ code: 'GIFT_FIELD_INVALID', params: { field: 'answer', n: 1 } });
  });

  test('a broken studio rule keeps its message and gains its code, place and parameters', () => {
    const two = parseGift('Q {=a =b ~c}').questions[0].question;
    const r = normaliseQuestion(two, { id: 'x', at: '' });
    expect(ruleLine(4, r.errors[0], r.rules[0])).toEqual({
      line: 4,
      code: 'QUESTION_ONE_CORRECT',
      params: { field: 'choices', count: 2 },
      message: 'choices: a single-choice question needs exactly one correct choice (it has 2)',
    });
    const distractor = normaliseQuestion({ type: 'matching', text: 'M', pairs: [{ left: 'a', right: '1' }, { left: 'b', right: '2' }], distractors: ['1'] }, { id: 'x', at: '' });
    expect(ruleLine(1, distractor.errors[0], distractor.rules[0])).toMatchObject({ code: 'QUESTION_DISTRACTOR_EQUAL', params: { field: 'distractor', n: 1 } });
  });

  test('places are named from a fixed list', () => {
    const paths = ['', '/title', '/text', '/explanation', '/points', '/feedbackTrue', '/wrongFeedback', '/choices', '/choices/0', '/choices/0/text', '/choices/2/feedback', '/answers', '/answers/1/credit', '/answers/1/feedback', '/pairs', '/pairs/0/left', '/distractors', '/distractors/3', '/scoring'];
    const fields = paths.map((p) => fieldOf(p));
    for (const f of fields) expect(GIFT_FIELDS).toContain(f.field);
    expect(fields.map((f) => `${f.field}${f.n ?? ''}`)).toEqual([
      'question', 'title', 'text', 'explanation', 'points', 'feedback', 'feedback', 'choices', 'choice1', 'choice1', 'choiceFeedback3',
      'answers', 'answer2', 'answerFeedback2', 'pairs', 'pair1', 'distractors', 'distractor4', 'question',
    ]);
  });
});

describe('export', () => {
  const stripIds = (q: QuizQuestion) => {
    const e = JSON.parse(JSON.stringify(toEdit(q)));
    delete e.id;
    for (const list of [e.choices, e.items, e.pairs]) for (const x of list ?? []) delete x.id;
    return e;
  };
  const make = (input: QuestionInput, i: number) => accepted({ ...input }) && normaliseQuestion(input, { id: `q${i}`, at: '' }).question!;

  const tricky: QuestionInput[] = [
    {
      type: 'single',
      title: 'Colons: {braces}, ~tildes~ = and # too \\ ok',
      text: 'A paragraph with `code`, a [link](https://example.org/) and symbols: { } = ~ # \\\n\nA second paragraph.\n\n- a list\n- of two',
      points: 2,
      choices: [
        { text: 'x = 1', correct: true, feedback: 'Because 1 = 1.\n\nReally.' },
        { text: 'x ~ 2', correct: false, credit: 33.33333 },
      ],
      explanation: 'General feedback with #hash and ####four.',
    },
    { type: 'multiple', text: 'All or nothing', scoring: 'allOrNothing', choices: [{ text: 'a', correct: true }, { text: 'b', correct: true }, { text: 'c', correct: false }] },
    {
      type: 'multiple',
      text: 'Weights',
      scoring: 'weights',
      choices: [
        { text: 'a', correct: true, weight: 33.33333, feedback: 'fa' },
        { text: 'b', correct: true, weight: 33.33333 },
        { text: 'c', correct: true, weight: 33.33333 },
        { text: 'd', correct: false, weight: -50 },
        { text: 'e', correct: false, weight: 0 },
      ],
    },
    { type: 'trueFalse', text: 'Only right feedback', answer: true, feedbackTrue: 'yes' },
    { type: 'trueFalse', text: 'No feedback', answer: false, explanation: 'why' },
    { type: 'text', text: 'Case', answers: [{ text: 'NaCl' }, { text: 'Na:Cl', credit: 50, feedback: 'odd' }], caseSensitive: true, exactWhitespace: true },
    { type: 'numeric', text: 'Numbers', answers: [{ value: -0.5 }, { value: 1e-7, tolerance: 1e-9, credit: 50 }, { min: -3, max: 3, credit: 10 }] },
    { type: 'matching', text: 'All or nothing match', scoring: 'allOrNothing', pairs: [{ left: 'a', right: 'b' }, { left: 'c', right: 'b' }], distractors: ['z'] },
  ];

  test('round-trips every GIFT-expressible question through the parser unchanged', () => {
    const original = [...everyType().filter((q) => q.type !== 'ordering'), ...tricky].map(make);
    const gift = exportGift(original, { title: 'Round trip' });
    const back = parseGift(gift);
    expect(back.problems).toEqual([]);
    expect(back.warnings).toEqual([]);
    const again = back.questions.map((p, i) => normaliseQuestion(p.question, { id: `q${i}`, at: '' }).question!);
    expect(again.map(stripIds)).toEqual(original.map(stripIds));
    // and exporting what came back gives the very same file
    expect(exportGift(again, { title: 'Round trip' })).toBe(gift);
  });

  test('the export is plain Moodle-style GIFT', () => {
    const gift = exportGift([make(tricky[1], 0), make(everyType()[3], 1)]);
    expect(gift).toContain('// @leerpad scoring=allOrNothing\n[markdown]All or nothing{\n\t~%50%a\n\t~%50%b\n\t~%-100%c\n}\n');
    expect(gift).toContain('[markdown]What is π to two decimals?{#\n\t=3.14:0.01#Good\n\t=%50%3..3.3\n\t~#Try 22/7.\n}\n');
  });

  test('the weights written for partial and all-or-nothing grade the same under Moodle rules', () => {
    for (const input of [everyType()[1], tricky[1]]) {
      const q = make(input, 0) as Extract<QuizQuestion, { type: 'multiple' }>;
      const asWeights = parseGift(exportGift([q]).replace(/\/\/ @leerpad.*\n/, '')).questions[0].question;
      const w = { ...normaliseQuestion(asWeights, { id: 'w', at: '' }).question!, id: q.id } as Extract<QuizQuestion, { type: 'multiple' }>;
      w.choices = w.choices.map((c, i) => ({ ...c, id: q.choices[i].id }));
      const subsets = q.choices.reduce<string[][]>((acc, c) => [...acc, ...acc.map((s) => [...s, c.id])], [[]]);
      for (const s of subsets) {
        if (q.scoring === 'partial') expect(gradeQuestion(w, s).fraction).toBeCloseTo(gradeQuestion(q, s).fraction, 5);
        // all-or-nothing cannot be said in weights: any wrong pick must still give 0 and the full set 1
        else if (s.some((id) => !q.choices.find((c) => c.id === id)!.correct)) expect(gradeQuestion(w, s).fraction).toBe(0);
      }
    }
  });

  test('relative tolerance becomes the equivalent range; ordering questions are listed as comments', () => {
    const rel = make({ type: 'numeric', text: 'Rel', answers: [{ value: 200, tolerance: 0.05, relative: true }] }, 0);
    const ord = make({ type: 'ordering', text: 'Put in order', items: [{ text: 'a' }, { text: 'b' }] }, 1);
    const gift = exportGift([rel, ord]);
    expect(gift).toContain('=190..210');
    expect(gift).toContain('// Not exported: ordering questions have no GIFT form (Put in order)');
    const back = parseGift(gift);
    expect(back.questions).toHaveLength(1);
    expect(back.questions[0].question).toMatchObject({ answers: [{ min: 190, max: 210 }] });
  });
});
