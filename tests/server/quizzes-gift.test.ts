import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { exportGift, parseGift } from '../../server/quizzes/gift.ts';
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

  test('every problem is reported with its line and reason', () => {
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
    expect(r.warnings).toEqual([{ line: 1, message: 'a negative weight on a single-choice answer counts as 0' }]);
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
    expect(r.warnings).toEqual([{ line: 1, message: 'unknown @leerpad setting "colour=red" ignored' }]);
  });

  test('feedback on a matching pair is dropped with a warning', () => {
    const r = parseGift('M {\n=a -> 1#no\n=b -> 2\n}');
    expect(r.questions[0].question).toMatchObject({ pairs: [{ left: 'a', right: '1' }, { left: 'b', right: '2' }] });
    expect(r.warnings).toEqual([{ line: 2, message: 'feedback on a matching pair is ignored' }]);
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
