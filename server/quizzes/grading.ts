import type { QuizQuestion } from './questions.ts';

/**
 * Pure grading: no database, no clock, no randomness. Every question is scored as a fraction in [0, 1] of its
 * points; a question never scores below 0, so negative weights can cancel a question but not others.
 */
export type AnswerValue = string | number | string[] | Record<string, string>;
export type Outcome = 'correct' | 'partial' | 'incorrect' | 'unanswered';

export interface QuestionGrade {
  fraction: number;
  outcome: Outcome;
  /** numeric/text: index of the accepted answer that matched (for its feedback), else null */
  matched: number | null;
}

export interface AttemptGrade {
  score: number;
  maxScore: number;
  percent: number;
  passed: boolean;
  questions: Record<string, { score: number; maxScore: number; fraction: number; outcome: Outcome; matched: number | null }>;
}

const round = (n: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round((n + Number.EPSILON) * f) / f;
};
const clamp01 = (n: number) => Math.min(1, Math.max(0, n));
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/**
 * Case- and whitespace-insensitive comparison form of a short answer. NFC first so that "é" typed as one code
 * point or as "e" + combining accent compare equal; upper-then-lower case folds "ß" and "SS" together.
 */
export function normaliseText(s: string, opts: { caseSensitive?: boolean; exactWhitespace?: boolean } = {}): string {
  let t = s.normalize('NFC');
  t = opts.exactWhitespace ? t.trim() : t.replace(/\s+/gu, ' ').trim();
  if (!opts.caseSensitive) t = t.toUpperCase().toLowerCase().normalize('NFC');
  return t;
}

/**
 * Whether `x` is within `tolerance` of `value`. A hair of slack (relative to the magnitude) keeps the stated
 * edge inclusive despite binary floating point: 3.13 is within 0.01 of 3.14 although 3.14 - 3.13 > 0.01 in IEEE.
 */
export function withinTolerance(x: number, value: number, tolerance: number, relative = false): boolean {
  const tol = relative ? Math.abs(tolerance * value) : tolerance;
  const slack = 1e-9 * Math.max(1, Math.abs(value), Math.abs(x));
  return Math.abs(x - value) <= tol + slack;
}

export function inRange(x: number, min: number, max: number): boolean {
  const slack = 1e-9 * Math.max(1, Math.abs(min), Math.abs(max));
  return x >= min - slack && x <= max + slack;
}

/** The learner-facing option ids of a question (what an answer may refer to). */
export function optionIds(q: QuizQuestion): { choices?: string[]; items?: string[]; left?: string[]; right?: string[] } {
  switch (q.type) {
    case 'single':
    case 'multiple':
      return { choices: q.choices.map((c) => c.id) };
    case 'trueFalse':
      return { choices: ['true', 'false'] };
    case 'ordering':
      return { items: q.items.map((i) => i.id) };
    case 'matching':
      return { left: q.pairs.map((p) => p.id), right: q.rights.map((r) => r.id) };
    default:
      return {};
  }
}

/** Why a value is not a possible answer to this question, or null when it is. null itself clears an answer. */
export function answerShapeError(q: QuizQuestion, value: unknown): string | null {
  if (value === null) return null;
  const ids = optionIds(q);
  switch (q.type) {
    case 'single':
    case 'trueFalse':
      if (typeof value !== 'string') return 'must be a choice id (string)';
      return ids.choices!.includes(value) ? null : 'is not a choice of this question';
    case 'multiple': {
      if (!isStringArray(value)) return 'must be an array of choice ids';
      if (new Set(value).size !== value.length) return 'names a choice twice';
      return value.every((v) => ids.choices!.includes(v)) ? null : 'names a choice that is not in this question';
    }
    case 'numeric':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'text':
      if (typeof value !== 'string') return 'must be a string';
      return value.length <= 1000 ? null : 'is too long (at most 1000 characters)';
    case 'ordering': {
      if (!isStringArray(value)) return 'must be an array of item ids';
      const items = ids.items!;
      const ok = value.length === items.length && new Set(value).size === value.length && value.every((v) => items.includes(v));
      return ok ? null : 'must list every item of this question exactly once';
    }
    case 'matching': {
      if (!isPlainObject(value)) return 'must be an object mapping left ids to right ids';
      for (const [k, v] of Object.entries(value)) {
        if (!ids.left!.includes(k)) return `has a left id "${k}" that is not in this question`;
        if (typeof v !== 'string' || !ids.right!.includes(v)) return `maps "${k}" to something that is not an answer of this question`;
      }
      return null;
    }
  }
}

const isBlank = (q: QuizQuestion, v: unknown) =>
  v === null ||
  v === undefined ||
  (q.type === 'multiple' && Array.isArray(v) && v.length === 0) ||
  (q.type === 'text' && typeof v === 'string' && v.trim() === '') ||
  (q.type === 'matching' && isPlainObject(v) && Object.keys(v).length === 0);

const outcomeOf = (fraction: number): Outcome => (fraction >= 1 - 1e-9 ? 'correct' : fraction > 1e-9 ? 'partial' : 'incorrect');

function fractionOf(q: QuizQuestion, value: unknown): { fraction: number; matched: number | null } {
  const none = { fraction: 0, matched: null };
  switch (q.type) {
    case 'single': {
      const choice = q.choices.find((c) => c.id === value);
      if (!choice) return none;
      return { fraction: choice.correct ? 1 : clamp01(choice.credit / 100), matched: null };
    }
    case 'trueFalse':
      return { fraction: value === (q.answer ? 'true' : 'false') ? 1 : 0, matched: null };
    case 'multiple': {
      if (!isStringArray(value)) return none;
      const picked = new Set(value);
      const chosen = q.choices.filter((c) => picked.has(c.id));
      if (q.scoring === 'weights') return { fraction: clamp01(chosen.reduce((s, c) => s + (c.weight ?? 0), 0) / 100), matched: null };
      const correct = q.choices.filter((c) => c.correct).length;
      const right = chosen.filter((c) => c.correct).length;
      const wrong = chosen.length - right;
      if (q.scoring === 'allOrNothing') return { fraction: right === correct && wrong === 0 ? 1 : 0, matched: null };
      return { fraction: clamp01((right - wrong) / correct), matched: null };
    }
    case 'numeric': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return none;
      let best = none as { fraction: number; matched: number | null };
      q.answers.forEach((a, i) => {
        const hit = a.min !== null && a.max !== null ? inRange(value, a.min, a.max) : a.value !== null && withinTolerance(value, a.value, a.tolerance, a.relative);
        if (hit && (best.matched === null || a.credit > best.fraction * 100)) best = { fraction: clamp01(a.credit / 100), matched: i };
      });
      return best;
    }
    case 'text': {
      if (typeof value !== 'string') return none;
      const opts = { caseSensitive: q.caseSensitive, exactWhitespace: q.exactWhitespace };
      const given = normaliseText(value, opts);
      let best = none as { fraction: number; matched: number | null };
      q.answers.forEach((a, i) => {
        if (normaliseText(a.text, opts) === given && (best.matched === null || a.credit > best.fraction * 100)) {
          best = { fraction: clamp01(a.credit / 100), matched: i };
        }
      });
      return best;
    }
    case 'ordering': {
      if (!isStringArray(value)) return none;
      const key = q.items.map((i) => i.id);
      const n = key.length;
      if (q.scoring === 'allOrNothing') return { fraction: key.every((id, i) => value[i] === id) ? 1 : 0, matched: null };
      if (q.scoring === 'position') return { fraction: key.filter((id, i) => value[i] === id).length / n, matched: null };
      // adjacent: each correct neighbour pair (a directly followed by b) the learner kept counts.
      const at = new Map(value.map((id, i) => [id, i]));
      let pairs = 0;
      for (let i = 0; i < n - 1; i++) {
        const a = at.get(key[i]);
        const b = at.get(key[i + 1]);
        if (a !== undefined && b !== undefined && b === a + 1) pairs++;
      }
      return { fraction: pairs / (n - 1), matched: null };
    }
    case 'matching': {
      if (!isPlainObject(value)) return none;
      const rightId = new Map(q.rights.map((r) => [r.text, r.id]));
      const right = q.pairs.filter((p) => value[p.id] === rightId.get(p.right)).length;
      if (q.scoring === 'allOrNothing') return { fraction: right === q.pairs.length ? 1 : 0, matched: null };
      return { fraction: right / q.pairs.length, matched: null };
    }
  }
}

export function gradeQuestion(q: QuizQuestion, value: unknown): QuestionGrade {
  if (isBlank(q, value)) return { fraction: 0, outcome: 'unanswered', matched: null };
  // A value of the wrong shape (an answer saved before an edit, say) scores 0 rather than failing the attempt.
  if (answerShapeError(q, value) !== null) return { fraction: 0, outcome: 'incorrect', matched: null };
  const { fraction, matched } = fractionOf(q, value);
  const f = clamp01(round(fraction, 6));
  return { fraction: f, outcome: outcomeOf(f), matched };
}

export function gradeAttempt(questions: QuizQuestion[], answers: Record<string, unknown>, passMark: number): AttemptGrade {
  const perQuestion: AttemptGrade['questions'] = {};
  let score = 0;
  let maxScore = 0;
  for (const q of questions) {
    const g = gradeQuestion(q, answers[q.id]);
    const s = round(g.fraction * q.points, 4);
    perQuestion[q.id] = { score: s, maxScore: q.points, fraction: g.fraction, outcome: g.outcome, matched: g.matched };
    score += s;
    maxScore += q.points;
  }
  score = round(score, 4);
  maxScore = round(maxScore, 4);
  const exact = maxScore > 0 ? (score / maxScore) * 100 : 0;
  // Pass on the exact ratio, report a rounded one: 2/3 against a pass mark of 66.67 must not depend on display.
  return { score, maxScore, percent: round(exact, 2), passed: exact >= passMark - 1e-9, questions: perQuestion };
}
