import { describe, expect, test } from 'vitest';
import { answerShapeError, gradeAttempt, gradeQuestion, inRange, normaliseText, withinTolerance } from '../../server/quizzes/grading.ts';
import { normaliseQuestion, type QuestionOf, type QuizQuestion } from '../../server/quizzes/questions.ts';
import type { QuestionInput } from '../../server/quizzes/schema.ts';

function make<T extends QuestionInput['type']>(input: QuestionInput & { type: T }): QuestionOf<T> {
  const r = normaliseQuestion(input, { id: 'q1', at: '' });
  if (!r.question) throw new Error(JSON.stringify(r.errors));
  return r.question as QuestionOf<T>;
}
const errorsOf = (input: QuestionInput) => normaliseQuestion(input, { id: 'q', at: '/q' }).errors;
const frac = (q: QuizQuestion, v: unknown) => gradeQuestion(q, v).fraction;

describe('single choice', () => {
  const q = make({
    type: 'single',
    text: 'Capital?',
    choices: [
      { text: 'Brussels', correct: true },
      { text: 'Antwerp', correct: false, credit: 25 },
      { text: 'Ghent', correct: false },
    ],
  });
  const [right, partial, wrong] = q.choices.map((c) => c.id);

  test('right, partial credit, wrong, unanswered', () => {
    expect(gradeQuestion(q, right)).toEqual({ fraction: 1, outcome: 'correct', matched: null });
    expect(gradeQuestion(q, partial)).toMatchObject({ fraction: 0.25, outcome: 'partial' });
    expect(gradeQuestion(q, wrong)).toMatchObject({ fraction: 0, outcome: 'incorrect' });
    expect(gradeQuestion(q, undefined).outcome).toBe('unanswered');
    expect(gradeQuestion(q, null).outcome).toBe('unanswered');
  });

  test('a value of the wrong shape scores 0 instead of throwing', () => {
    expect(gradeQuestion(q, ['x'])).toMatchObject({ fraction: 0, outcome: 'incorrect' });
    expect(gradeQuestion(q, 'not-a-choice')).toMatchObject({ fraction: 0, outcome: 'incorrect' });
  });

  test('needs exactly one correct choice', () => {
    const base = { type: 'single' as const, text: 'x' };
    expect(errorsOf({ ...base, choices: [{ text: 'a', correct: true }, { text: 'b', correct: true }] })[0]).toMatchObject({ pointer: '/q/choices' });
    expect(errorsOf({ ...base, choices: [{ text: 'a', correct: false }, { text: 'b', correct: false }] })[0].message).toMatch(/exactly one/);
    expect(errorsOf({ ...base, choices: [{ text: 'a', correct: true }, { text: 'b', correct: false, credit: 100 }] })).toEqual([
      { pointer: '/q/choices/1/credit', message: 'only the correct choice is worth 100 %' },
    ]);
  });
});

describe('multiple choice', () => {
  const choices = [
    { text: 'A', correct: true },
    { text: 'B', correct: true },
    { text: 'C', correct: false },
    { text: 'D', correct: false },
  ];
  const ids = (q: QuestionOf<'multiple'>, ...letters: string[]) => q.choices.filter((c) => letters.includes(c.text)).map((c) => c.id);

  test('all or nothing', () => {
    const q = make({ type: 'multiple', text: 'x', scoring: 'allOrNothing', choices });
    expect(frac(q, ids(q, 'A', 'B'))).toBe(1);
    expect(frac(q, ids(q, 'B', 'A'))).toBe(1);
    expect(frac(q, ids(q, 'A'))).toBe(0);
    expect(frac(q, ids(q, 'A', 'B', 'C'))).toBe(0);
    expect(gradeQuestion(q, []).outcome).toBe('unanswered');
  });

  test('partial: (correct picks - wrong picks) / correct choices, floored at 0', () => {
    const q = make({ type: 'multiple', text: 'x', scoring: 'partial', choices });
    expect(frac(q, ids(q, 'A', 'B'))).toBe(1);
    expect(frac(q, ids(q, 'A'))).toBe(0.5);
    expect(frac(q, ids(q, 'A', 'B', 'C'))).toBe(0.5);
    expect(frac(q, ids(q, 'A', 'C'))).toBe(0);
    expect(frac(q, ids(q, 'A', 'C', 'D'))).toBe(0); // -0.5 floored
    expect(frac(q, ids(q, 'C', 'D'))).toBe(0);
    expect(gradeQuestion(q, ids(q, 'A')).outcome).toBe('partial');
  });

  test('partial is the default scoring', () => {
    expect(make({ type: 'multiple', text: 'x', choices }).scoring).toBe('partial');
  });

  test('Moodle weights: sum of picked weights, clamped to 0..100 %', () => {
    const q = make({
      type: 'multiple',
      text: 'x',
      scoring: 'weights',
      choices: [
        { text: 'A', correct: true, weight: 50 },
        { text: 'B', correct: true, weight: 50 },
        { text: 'C', correct: false, weight: -100 },
        { text: 'D', correct: false, weight: 0 },
      ],
    });
    expect(frac(q, ids(q, 'A', 'B'))).toBe(1);
    expect(frac(q, ids(q, 'A'))).toBe(0.5);
    expect(frac(q, ids(q, 'A', 'D'))).toBe(0.5);
    expect(frac(q, ids(q, 'A', 'B', 'C'))).toBe(0);
    expect(frac(q, ids(q, 'C'))).toBe(0);
  });

  test('weights: "correct" follows the weight, positive weights must add up to 100', () => {
    const q = make({
      type: 'multiple',
      text: 'x',
      scoring: 'weights',
      choices: [
        { text: 'A', correct: false, weight: 33.33333 },
        { text: 'B', correct: false, weight: 33.33333 },
        { text: 'C', correct: false, weight: 33.33333 },
        { text: 'D', correct: true, weight: -50 },
      ],
    });
    expect(q.choices.map((c) => c.correct)).toEqual([true, true, true, false]);
    expect(frac(q, ids(q, 'A', 'B', 'C'))).toBe(1);
    const bad = errorsOf({ type: 'multiple', text: 'x', scoring: 'weights', choices: [{ text: 'a', correct: true, weight: 50 }, { text: 'b', correct: false, weight: 20 }] });
    expect(bad[0].message).toMatch(/add up to 100 \(they add up to 70\)/);
    const missing = errorsOf({ type: 'multiple', text: 'x', scoring: 'weights', choices: [{ text: 'a', correct: true, weight: 100 }, { text: 'b', correct: false }] });
    expect(missing[0].pointer).toBe('/q/choices/1/weight');
  });

  test('needs at least one correct choice', () => {
    expect(errorsOf({ type: 'multiple', text: 'x', choices: [{ text: 'a', correct: false }, { text: 'b', correct: false }] })).toHaveLength(1);
  });

  test('a choice named twice is a shape error', () => {
    const q = make({ type: 'multiple', text: 'x', choices });
    expect(answerShapeError(q, [q.choices[0].id, q.choices[0].id])).toMatch(/twice/);
    expect(answerShapeError(q, q.choices[0].id)).toMatch(/array/);
  });
});

describe('true/false', () => {
  test('both ways', () => {
    const t = make({ type: 'trueFalse', text: 'x', answer: true });
    const f = make({ type: 'trueFalse', text: 'x', answer: false });
    expect(frac(t, 'true')).toBe(1);
    expect(frac(t, 'false')).toBe(0);
    expect(frac(f, 'false')).toBe(1);
    expect(gradeQuestion(f, 'true').outcome).toBe('incorrect');
    expect(answerShapeError(t, true)).toMatch(/choice id/);
    expect(answerShapeError(t, 'yes')).toMatch(/not a choice/);
  });
});

describe('numeric', () => {
  test('exact value', () => {
    const q = make({ type: 'numeric', text: 'x', answers: [{ value: 42 }] });
    expect(frac(q, 42)).toBe(1);
    expect(frac(q, 42.0000001)).toBe(0);
    expect(frac(q, -42)).toBe(0);
  });

  test('absolute tolerance: the edges are inclusive despite floating point', () => {
    const q = make({ type: 'numeric', text: 'x', answers: [{ value: 3.14, tolerance: 0.01 }] });
    expect(3.14 - 3.13 > 0.01).toBe(true); // why the slack exists
    expect(frac(q, 3.15)).toBe(1);
    expect(frac(q, 3.13)).toBe(1);
    expect(frac(q, 3.1500001)).toBe(0);
    expect(frac(q, 3.1299999)).toBe(0);
    expect(withinTolerance(0.3, 0.1 + 0.2, 0)).toBe(true);
  });

  test('relative tolerance is a fraction of the value, also for negative values', () => {
    const q = make({ type: 'numeric', text: 'x', answers: [{ value: -200, tolerance: 0.05, relative: true }] });
    expect(frac(q, -210)).toBe(1);
    expect(frac(q, -190)).toBe(1);
    expect(frac(q, -210.01)).toBe(0);
    expect(frac(q, 200)).toBe(0);
  });

  test('ranges, inclusive', () => {
    const q = make({ type: 'numeric', text: 'x', answers: [{ min: 1, max: 5 }] });
    expect([1, 3, 5].map((v) => frac(q, v))).toEqual([1, 1, 1]);
    expect([0.999, 5.001].map((v) => frac(q, v))).toEqual([0, 0]);
    expect(inRange(0.30000000000000004, 0.1, 0.3)).toBe(true);
  });

  test('several answers: the best credit wins and its feedback is the one matched', () => {
    const q = make({
      type: 'numeric',
      text: 'Year?',
      answers: [
        { value: 1822, tolerance: 2, credit: 50, feedback: 'close' },
        { value: 1822, feedback: 'exact' },
      ],
    });
    expect(gradeQuestion(q, 1822)).toEqual({ fraction: 1, outcome: 'correct', matched: 1 });
    expect(gradeQuestion(q, 1823)).toEqual({ fraction: 0.5, outcome: 'partial', matched: 0 });
    expect(gradeQuestion(q, 1830)).toEqual({ fraction: 0, outcome: 'incorrect', matched: null });
  });

  test('rules: value xor range, min <= max, one answer worth 100 %', () => {
    expect(errorsOf({ type: 'numeric', text: 'x', answers: [{ value: 1, min: 0, max: 2 }] })[0].message).toMatch(/either value/);
    expect(errorsOf({ type: 'numeric', text: 'x', answers: [{ min: 3, max: 2 }] })[0].message).toMatch(/min must not/);
    expect(errorsOf({ type: 'numeric', text: 'x', answers: [{ min: 3 }] })[0].message).toMatch(/both min and max/);
    expect(errorsOf({ type: 'numeric', text: 'x', answers: [{ value: 3, credit: 50 }] })[0].message).toMatch(/100 %/);
  });

  test('only finite numbers are answers', () => {
    const q = make({ type: 'numeric', text: 'x', answers: [{ value: 1 }] });
    expect(answerShapeError(q, '1')).toMatch(/number/);
    expect(answerShapeError(q, Number.NaN)).toMatch(/number/);
    expect(answerShapeError(q, 1)).toBeNull();
  });
});

describe('short text', () => {
  test('case- and whitespace-insensitive by default', () => {
    const q = make({ type: 'text', text: 'x', answers: [{ text: 'New York' }] });
    expect(frac(q, 'new york')).toBe(1);
    expect(frac(q, '  NEW   York \n')).toBe(1);
    expect(frac(q, 'NewYork')).toBe(0);
    expect(gradeQuestion(q, '   ').outcome).toBe('unanswered');
  });

  test('unicode: NFC and NFD spellings are the same answer', () => {
    const q = make({ type: 'text', text: 'x', answers: [{ text: 'Crème brûlée' }] });
    const nfd = 'Crème brûlée'.normalize('NFD');
    expect(nfd).not.toBe('Crème brûlée'.normalize('NFC'));
    expect(frac(q, nfd)).toBe(1);
    expect(frac(q, 'CRÈME BRÛLÉE')).toBe(1);
    expect(frac(q, 'Creme brulee')).toBe(0);
  });

  test('unicode case folding and non-breaking spaces', () => {
    expect(normaliseText('STRASSE')).toBe(normaliseText('Straße'));
    expect(normaliseText('ĲSSEL')).toBe(normaliseText('ĳssel'));
    expect(normaliseText('São\u00a0Paulo')).toBe(normaliseText('são paulo'));
  });

  test('several answers with partial credit; feedback index of the match', () => {
    const q = make({ type: 'text', text: 'x', answers: [{ text: 'Multatuli', feedback: 'yes' }, { text: 'Douwes Dekker', credit: 50 }] });
    expect(gradeQuestion(q, 'multatuli')).toEqual({ fraction: 1, outcome: 'correct', matched: 0 });
    expect(gradeQuestion(q, 'douwes dekker')).toEqual({ fraction: 0.5, outcome: 'partial', matched: 1 });
  });

  test('case-sensitive and exact-whitespace options', () => {
    const q = make({ type: 'text', text: 'x', answers: [{ text: 'NaCl' }], caseSensitive: true });
    expect(frac(q, 'NaCl')).toBe(1);
    expect(frac(q, 'nacl')).toBe(0);
    const w = make({ type: 'text', text: 'x', answers: [{ text: 'a  b' }], exactWhitespace: true });
    expect(frac(w, 'a  b')).toBe(1);
    expect(frac(w, 'a b')).toBe(0);
    expect(frac(w, ' a  b ')).toBe(1);
  });
});

describe('ordering', () => {
  const items = ['one', 'two', 'three', 'four', 'five'].map((text) => ({ text }));
  const order = (q: QuestionOf<'ordering'>, ...idx: number[]) => idx.map((i) => q.items[i].id);

  test('all or nothing', () => {
    const q = make({ type: 'ordering', text: 'x', scoring: 'allOrNothing', items });
    expect(frac(q, order(q, 0, 1, 2, 3, 4))).toBe(1);
    expect(frac(q, order(q, 1, 0, 2, 3, 4))).toBe(0);
  });

  test('position: items in their right place', () => {
    const q = make({ type: 'ordering', text: 'x', scoring: 'position', items });
    expect(frac(q, order(q, 1, 0, 2, 3, 4))).toBe(0.6);
    expect(frac(q, order(q, 4, 0, 1, 2, 3))).toBe(0);
  });

  test('adjacent: a list shifted by one keeps most of its credit', () => {
    const q = make({ type: 'ordering', text: 'x', scoring: 'adjacent', items });
    expect(frac(q, order(q, 4, 0, 1, 2, 3))).toBe(0.75);
    expect(frac(q, order(q, 4, 3, 2, 1, 0))).toBe(0);
    expect(gradeQuestion(q, order(q, 0, 1, 2, 3, 4)).outcome).toBe('correct');
  });

  test('an answer must list every item exactly once', () => {
    const q = make({ type: 'ordering', text: 'x', items });
    expect(answerShapeError(q, order(q, 0, 1, 2, 3))).toMatch(/exactly once/);
    expect(answerShapeError(q, order(q, 0, 0, 1, 2, 3))).toMatch(/exactly once/);
    expect(answerShapeError(q, order(q, 4, 3, 2, 1, 0))).toBeNull();
  });

  test('all or nothing is the default: partial credit is opt-in', () => {
    expect(make({ type: 'ordering', text: 'x', items }).scoring).toBe('allOrNothing');
  });

  test('items must differ', () => {
    expect(errorsOf({ type: 'ordering', text: 'x', items: [{ text: 'a' }, { text: 'a' }] })[0].pointer).toBe('/q/items');
  });
});

describe('matching', () => {
  const pairs = [
    { left: 'Belgium', right: 'Brussels' },
    { left: 'France', right: 'Paris' },
    { left: 'Burgundy', right: 'France' },
    { left: 'Île-de-France', right: 'France' },
  ];
  const answer = (q: QuestionOf<'matching'>, map: Record<string, string>) =>
    Object.fromEntries(Object.entries(map).map(([l, r]) => [q.pairs.find((p) => p.left === l)!.id, q.rights.find((x) => x.text === r)!.id]));

  test('partial credit per pair; a shared answer is offered once', () => {
    const q = make({ type: 'matching', text: 'x', pairs, distractors: ['Lyon'] });
    expect(q.rights.map((r) => r.text)).toEqual(['Brussels', 'Paris', 'France', 'Lyon']);
    expect(frac(q, answer(q, { Belgium: 'Brussels', France: 'Paris', Burgundy: 'France', 'Île-de-France': 'France' }))).toBe(1);
    expect(frac(q, answer(q, { Belgium: 'Brussels', France: 'Lyon' }))).toBe(0.25);
    expect(frac(q, answer(q, { Belgium: 'Paris', France: 'Brussels', Burgundy: 'France' }))).toBe(0.25);
    expect(gradeQuestion(q, {}).outcome).toBe('unanswered');
  });

  test('all or nothing', () => {
    const q = make({ type: 'matching', text: 'x', scoring: 'allOrNothing', pairs });
    expect(frac(q, answer(q, { Belgium: 'Brussels', France: 'Paris', Burgundy: 'France' }))).toBe(0);
  });

  test('right ids are opaque: not derived from the pair they belong to', () => {
    const q = make({ type: 'matching', text: 'x', pairs });
    for (const r of q.rights) expect(q.pairs.map((p) => p.id)).not.toContain(r.id);
  });

  test('shape: keys must be left ids, values right ids', () => {
    const q = make({ type: 'matching', text: 'x', pairs });
    expect(answerShapeError(q, { nope: q.rights[0].id })).toMatch(/left id/);
    expect(answerShapeError(q, { [q.pairs[0].id]: q.pairs[1].id })).toMatch(/not an answer/);
    expect(answerShapeError(q, [q.rights[0].id])).toMatch(/object/);
  });

  test('distractors must not be a real answer; left items must differ', () => {
    expect(errorsOf({ type: 'matching', text: 'x', pairs, distractors: ['Paris'] })[0].pointer).toBe('/q/distractors/0');
    expect(errorsOf({ type: 'matching', text: 'x', pairs: [pairs[0], pairs[0]] })[0].pointer).toBe('/q/pairs');
  });
});

describe('a whole attempt', () => {
  test('scores by points, percent rounded, pass decided on the exact ratio', () => {
    const a = make({ type: 'trueFalse', text: 'a', answer: true, points: 2 });
    const b = { ...make({ type: 'trueFalse', text: 'b', answer: true }), id: 'q2' };
    const c = { ...make({ type: 'text', text: 'c', answers: [{ text: 'x' }] }), id: 'q3' };
    const g = gradeAttempt([a, b, c], { q1: 'true', q2: 'true', q3: 'y' }, 75);
    expect(g).toMatchObject({ score: 3, maxScore: 4, percent: 75, passed: true });
    expect(g.questions.q3).toMatchObject({ score: 0, outcome: 'incorrect' });
    const two = gradeAttempt([a, c], { q1: 'true' }, 66.67);
    expect(two.percent).toBe(66.67);
    expect(two.passed).toBe(false); // 66.666...% is below 66.67
    expect(gradeAttempt([], {}, 50)).toMatchObject({ score: 0, maxScore: 0, percent: 0, passed: false });
  });

  test('partial scores are kept to four decimals', () => {
    const q = make({ type: 'multiple', text: 'x', points: 1, choices: [{ text: 'a', correct: true }, { text: 'b', correct: true }, { text: 'c', correct: true }, { text: 'd', correct: false }] });
    const g = gradeAttempt([q], { q1: [q.choices[0].id] }, 50);
    expect(g.score).toBe(0.3333);
    expect(g.percent).toBe(33.33);
  });
});
