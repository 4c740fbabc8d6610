import { randomBytes, randomUUID } from 'node:crypto';
import type { FieldError } from '../errors.ts';
import type { QuestionEdit, QuestionInput, QuestionType } from './schema.ts';

/**
 * A question with its full answer key, as stored and as graded. It is the studio shape plus, for matching, the
 * answer options with their own opaque ids (learners pick a right-hand option by id; the id must not betray
 * which prompt it belongs to, so it is random and separate from the pair id).
 */
type MatchingEdit = Extract<QuestionEdit, { type: 'matching' }>;
export type MatchingQuestion = MatchingEdit & { rights: { id: string; text: string }[] };
export type QuizQuestion = Exclude<QuestionEdit, { type: 'matching' }> | MatchingQuestion;
export type QuestionOf<T extends QuestionType> = Extract<QuizQuestion, { type: T }>;

/** Choice, item and option ids are always made here: random, so neither order nor correctness shows through. */
export const newOptionId = () => randomBytes(6).toString('base64url');

const trimOrNull = (s: string | null | undefined) => {
  const t = (s ?? '').trim();
  return t === '' ? null : t;
};

/** Keeps an id the client sent back when it names something that existed before, so edits keep ids stable. */
function idKeeper(previous: Iterable<string>) {
  const known = new Set(previous);
  const used = new Set<string>();
  return (wanted: string | undefined, make: () => string = newOptionId) => {
    const id = wanted && known.has(wanted) && !used.has(wanted) ? wanted : make();
    used.add(id);
    return id;
  };
}

function previousOptionIds(prev: QuizQuestion | undefined): string[] {
  if (!prev) return [];
  switch (prev.type) {
    case 'single':
    case 'multiple':
      return prev.choices.map((c) => c.id);
    case 'ordering':
      return prev.items.map((i) => i.id);
    case 'matching':
      return prev.pairs.map((p) => p.id);
    default:
      return [];
  }
}

const near = (a: number, b: number, eps = 0.1) => Math.abs(a - b) <= eps;

/**
 * The rules normaliseQuestion checks, by stable code, with the parameters each reports. The GIFT import passes
 * them on next to its own codes (gift.ts), so the studio can tell a lecturer in Dutch or English what is wrong.
 */
export const QUESTION_RULES = {
  QUESTION_ONE_CORRECT: ['count'],
  QUESTION_FULL_CREDIT_NOT_CORRECT: [],
  QUESTION_WEIGHT_REQUIRED: [],
  QUESTION_SOME_CORRECT: [],
  QUESTION_WEIGHTS_SUM: ['sum'],
  QUESTION_VALUE_OR_RANGE: [],
  QUESTION_RANGE_BOTH: [],
  QUESTION_RANGE_ORDER: [],
  QUESTION_RANGE_NO_TOLERANCE: [],
  QUESTION_ONE_FULL: [],
  QUESTION_ITEMS_DIFFER: [],
  QUESTION_LEFT_DIFFER: [],
  QUESTION_DISTRACTOR_EQUAL: [],
} as const satisfies Record<string, readonly string[]>;
export type QuestionRule = keyof typeof QUESTION_RULES;
/** The code of one error of normaliseQuestion (same index), with its parameters. */
export interface RuleBroken {
  code: QuestionRule;
  params: Record<string, number>;
}

/**
 * Turns a studio (or GIFT) question into a stored one: fills defaults, trims, makes ids and checks the rules a
 * schema cannot express (one correct single choice, weights adding up, min <= max ...). Errors carry JSON
 * pointers under `at`, e.g. "/body/questions/3".
 */
export function normaliseQuestion(
  input: QuestionInput,
  opts: { id: string; prev?: QuizQuestion; at: string },
): { question: QuizQuestion | null; errors: FieldError[]; rules: RuleBroken[] } {
  const errors: FieldError[] = [];
  const rules: RuleBroken[] = [];
  const err = (path: string, message: string, code: QuestionRule, params: Record<string, number> = {}) => {
    errors.push({ pointer: `${opts.at}${path}`, message });
    rules.push({ code, params });
  };
  const prev = opts.prev && opts.prev.type === input.type ? opts.prev : undefined;
  const keep = idKeeper(previousOptionIds(prev));
  const base = {
    id: opts.id,
    title: trimOrNull(input.title),
    text: input.text.trim(),
    points: input.points ?? 1,
    explanation: trimOrNull(input.explanation),
  };

  let question: QuizQuestion;
  switch (input.type) {
    case 'single': {
      const choices = input.choices.map((c) => ({
        id: keep(c.id),
        text: c.text.trim(),
        correct: c.correct,
        credit: c.correct ? 100 : (c.credit ?? 0),
        feedback: trimOrNull(c.feedback),
      }));
      const correct = choices.filter((c) => c.correct).length;
      if (correct !== 1) err('/choices', `a single-choice question needs exactly one correct choice (it has ${correct})`, 'QUESTION_ONE_CORRECT', { count: correct });
      choices.forEach((c, i) => {
        if (!c.correct && c.credit >= 100) err(`/choices/${i}/credit`, 'only the correct choice is worth 100 %', 'QUESTION_FULL_CREDIT_NOT_CORRECT');
      });
      question = { ...base, type: 'single', choices };
      break;
    }
    case 'multiple': {
      const scoring = input.scoring ?? 'partial';
      const choices = input.choices.map((c, i) => {
        const weight = scoring === 'weights' ? (c.weight ?? null) : null;
        if (scoring === 'weights' && weight === null) err(`/choices/${i}/weight`, 'every choice needs a weight when scoring is "weights"', 'QUESTION_WEIGHT_REQUIRED');
        return {
          id: keep(c.id),
          text: c.text.trim(),
          // With weights the weight is the truth; "correct" follows it so the two can never disagree.
          correct: scoring === 'weights' ? (weight ?? 0) > 0 : c.correct,
          weight,
          feedback: trimOrNull(c.feedback),
        };
      });
      if (!choices.some((c) => c.correct)) err('/choices', 'a multiple-choice question needs at least one correct choice', 'QUESTION_SOME_CORRECT');
      if (scoring === 'weights' && errors.length === 0) {
        const positive = choices.reduce((s, c) => s + Math.max(0, c.weight ?? 0), 0);
        const sum = Number(positive.toFixed(5));
        if (!near(positive, 100)) err('/choices', `the positive weights must add up to 100 (they add up to ${sum})`, 'QUESTION_WEIGHTS_SUM', { sum });
      }
      question = { ...base, type: 'multiple', scoring, choices };
      break;
    }
    case 'trueFalse':
      question = {
        ...base,
        type: 'trueFalse',
        answer: input.answer,
        feedbackTrue: trimOrNull(input.feedbackTrue),
        feedbackFalse: trimOrNull(input.feedbackFalse),
      };
      break;
    case 'numeric': {
      const answers = input.answers.map((a, i) => {
        const isRange = a.min !== undefined && a.min !== null;
        const hasValue = a.value !== undefined && a.value !== null;
        if (isRange === hasValue) err(`/answers/${i}`, 'give either value (with an optional tolerance) or min and max', 'QUESTION_VALUE_OR_RANGE');
        if (isRange && (a.max === undefined || a.max === null)) err(`/answers/${i}/max`, 'a range needs both min and max', 'QUESTION_RANGE_BOTH');
        if (isRange && a.max != null && a.min! > a.max) err(`/answers/${i}`, 'min must not be greater than max', 'QUESTION_RANGE_ORDER');
        if (isRange && (a.tolerance || a.relative)) err(`/answers/${i}/tolerance`, 'a range has no tolerance', 'QUESTION_RANGE_NO_TOLERANCE');
        return {
          value: hasValue ? a.value! : null,
          tolerance: hasValue ? (a.tolerance ?? 0) : 0,
          relative: hasValue ? (a.relative ?? false) : false,
          min: isRange ? a.min! : null,
          max: isRange ? (a.max ?? null) : null,
          credit: a.credit ?? 100,
          feedback: trimOrNull(a.feedback),
        };
      });
      if (!answers.some((a) => a.credit === 100)) err('/answers', 'at least one answer must be worth 100 %', 'QUESTION_ONE_FULL');
      question = { ...base, type: 'numeric', answers, wrongFeedback: trimOrNull(input.wrongFeedback) };
      break;
    }
    case 'text': {
      const answers = input.answers.map((a) => ({ text: a.text.trim(), credit: a.credit ?? 100, feedback: trimOrNull(a.feedback) }));
      if (!answers.some((a) => a.credit === 100)) err('/answers', 'at least one answer must be worth 100 %', 'QUESTION_ONE_FULL');
      question = { ...base, type: 'text', answers, caseSensitive: input.caseSensitive ?? false, exactWhitespace: input.exactWhitespace ?? false };
      break;
    }
    case 'ordering': {
      const items = input.items.map((it) => ({ id: keep(it.id), text: it.text.trim() }));
      if (new Set(items.map((i) => i.text)).size !== items.length) err('/items', 'items must differ from each other, or learners cannot tell them apart', 'QUESTION_ITEMS_DIFFER');
      question = { ...base, type: 'ordering', scoring: input.scoring ?? 'allOrNothing', items };
      break;
    }
    case 'matching': {
      const pairs = input.pairs.map((p) => ({ id: keep(p.id), left: p.left.trim(), right: p.right.trim() }));
      const distractors = [...new Set((input.distractors ?? []).map((d) => d.trim()))];
      if (new Set(pairs.map((p) => p.left)).size !== pairs.length) err('/pairs', 'every left-hand item must be different', 'QUESTION_LEFT_DIFFER');
      distractors.forEach((d, i) => {
        if (pairs.some((p) => p.right === d)) err(`/distractors/${i}`, 'a distractor must not equal a right-hand answer', 'QUESTION_DISTRACTOR_EQUAL');
      });
      // Two prompts may share an answer ("Lyon -> France", "Paris -> France"): one option, offered once.
      const prevRights = prev?.type === 'matching' ? new Map(prev.rights.map((r) => [r.text, r.id])) : new Map<string, string>();
      const rightKeep = idKeeper(prevRights.values());
      const rights = [...new Set([...pairs.map((p) => p.right), ...distractors])].map((text) => ({ id: rightKeep(prevRights.get(text)), text }));
      question = { ...base, type: 'matching', scoring: input.scoring ?? 'partial', pairs, distractors, rights };
      break;
    }
  }
  return { question: errors.length ? null : question, errors, rules };
}

export const isMatching = (q: QuizQuestion): q is MatchingQuestion => q.type === 'matching';

/** The studio view of a stored question: the stored shape without the internal option table. */
export function toEdit(q: QuizQuestion): QuestionEdit {
  if (q.type === 'matching') {
    const { rights: _rights, ...rest } = q;
    return rest;
  }
  return q;
}

/** Database row <-> question. `data` holds everything but the columns of its own. */
export interface QuestionRowLike {
  id: string;
  type: string;
  text: string;
  points: number;
  data: Record<string, unknown>;
}

export function fromRow(row: QuestionRowLike): QuizQuestion {
  return { ...(row.data as object), id: row.id, type: row.type, text: row.text, points: row.points } as QuizQuestion;
}

export function toRowData(q: QuizQuestion): { type: string; text: string; points: number; data: Record<string, unknown> } {
  const { id: _id, type, text, points, ...data } = q;
  return { type, text, points, data };
}

export { randomUUID as newQuestionId };
