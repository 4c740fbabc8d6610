import type { FieldError, LearnerQuestion, QuestionEdit, QuestionInput, QuestionType, QuizEdit, QuizEditInput, QuizSettings } from '../../api.ts';
import { previewBlock, previewInline } from './model.ts';

/**
 * The studio's working copy of a quiz. Numbers are kept as the strings typed (so "3," is not lost mid-typing) and
 * turned into the API's shapes only on save; every question type keeps its fields even while another type is
 * shown, so nothing is lost when a lecturer switches type and back. `key`s are local and stable for rendering;
 * `id`s are the server's, sent back so it keeps them.
 */
let seq = 0;
export const newKey = () => `k${++seq}`;

export interface DraftChoice {
  key: string;
  id?: string;
  text: string;
  correct: boolean;
  credit: string;
  weight: string;
  feedback: string;
}
export interface DraftNumeric {
  key: string;
  kind: 'value' | 'range';
  value: string;
  tolerance: string;
  relative: boolean;
  min: string;
  max: string;
  credit: string;
  feedback: string;
}
export interface DraftText {
  key: string;
  text: string;
  credit: string;
  feedback: string;
}
export interface DraftItem {
  key: string;
  id?: string;
  text: string;
}
export interface DraftPair {
  key: string;
  id?: string;
  left: string;
  right: string;
}
export interface Draft {
  key: string;
  id?: string;
  type: QuestionType;
  title: string;
  text: string;
  points: string;
  explanation: string;
  /** multiple: allOrNothing | partial | weights; ordering: allOrNothing | position | adjacent; matching: allOrNothing | partial */
  scoring: Record<'multiple' | 'ordering' | 'matching', string>;
  choices: DraftChoice[];
  answer: boolean;
  feedbackTrue: string;
  feedbackFalse: string;
  numeric: DraftNumeric[];
  wrongFeedback: string;
  accepted: DraftText[];
  caseSensitive: boolean;
  exactWhitespace: boolean;
  items: DraftItem[];
  pairs: DraftPair[];
  distractors: DraftItem[];
}

export interface DraftSettings {
  passMark: string;
  limited: boolean;
  maxAttempts: string;
  shuffleQuestions: boolean;
  shuffleChoices: boolean;
  draw: boolean;
  drawCount: string;
  mode: QuizSettings['mode'];
  reveal: QuizSettings['reveal'];
}

const str = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

export const choice = (over: Partial<DraftChoice> = {}): DraftChoice => ({ key: newKey(), text: '', correct: false, credit: '', weight: '', feedback: '', ...over });
export const numericAnswer = (over: Partial<DraftNumeric> = {}): DraftNumeric => ({
  key: newKey(),
  kind: 'value',
  value: '',
  tolerance: '',
  relative: false,
  min: '',
  max: '',
  credit: '100',
  feedback: '',
  ...over,
});
export const acceptedAnswer = (over: Partial<DraftText> = {}): DraftText => ({ key: newKey(), text: '', credit: '100', feedback: '', ...over });
export const item = (text = ''): DraftItem => ({ key: newKey(), text });
export const pair = (over: Partial<DraftPair> = {}): DraftPair => ({ key: newKey(), left: '', right: '', ...over });

export function newDraft(type: QuestionType): Draft {
  return {
    key: newKey(),
    type,
    title: '',
    text: '',
    points: '1',
    explanation: '',
    scoring: { multiple: 'partial', ordering: 'position', matching: 'partial' },
    choices: [choice(), choice(), choice()],
    answer: true,
    feedbackTrue: '',
    feedbackFalse: '',
    numeric: [numericAnswer()],
    wrongFeedback: '',
    accepted: [acceptedAnswer()],
    caseSensitive: false,
    exactWhitespace: false,
    items: [item(), item(), item()],
    pairs: [pair(), pair()],
    distractors: [],
  };
}

export function fromEdit(q: QuestionEdit): Draft {
  const d = newDraft(q.type);
  d.id = q.id;
  d.title = q.title ?? '';
  d.text = q.text;
  d.points = str(q.points);
  d.explanation = q.explanation ?? '';
  switch (q.type) {
    case 'single':
      d.choices = q.choices.map((c) => choice({ id: c.id, text: c.text, correct: c.correct, credit: c.correct || !c.credit ? '' : str(c.credit), feedback: c.feedback ?? '' }));
      break;
    case 'multiple':
      d.scoring.multiple = q.scoring;
      d.choices = q.choices.map((c) => choice({ id: c.id, text: c.text, correct: c.correct, weight: str(c.weight), feedback: c.feedback ?? '' }));
      break;
    case 'trueFalse':
      d.answer = q.answer;
      d.feedbackTrue = q.feedbackTrue ?? '';
      d.feedbackFalse = q.feedbackFalse ?? '';
      break;
    case 'numeric':
      d.numeric = q.answers.map((a) =>
        numericAnswer({
          kind: a.min !== null && a.min !== undefined ? 'range' : 'value',
          value: str(a.value),
          // Relative tolerances are fractions in the API and percentages on screen.
          tolerance: a.tolerance ? str(a.relative ? Number((a.tolerance * 100).toPrecision(12)) : a.tolerance) : '',
          relative: !!a.relative,
          min: str(a.min),
          max: str(a.max),
          credit: str(a.credit),
          feedback: a.feedback ?? '',
        }),
      );
      d.wrongFeedback = q.wrongFeedback ?? '';
      break;
    case 'text':
      d.accepted = q.answers.map((a) => acceptedAnswer({ text: a.text, credit: str(a.credit), feedback: a.feedback ?? '' }));
      d.caseSensitive = !!q.caseSensitive;
      d.exactWhitespace = !!q.exactWhitespace;
      break;
    case 'ordering':
      d.scoring.ordering = q.scoring;
      d.items = q.items.map((i) => ({ ...item(i.text), id: i.id }));
      break;
    case 'matching':
      d.scoring.matching = q.scoring;
      d.pairs = q.pairs.map((p) => pair({ id: p.id, left: p.left, right: p.right }));
      d.distractors = (q.distractors ?? []).map((x) => item(x));
      break;
  }
  return d;
}

export function settingsDraft(s: QuizSettings): DraftSettings {
  return {
    passMark: str(s.passMark),
    limited: s.maxAttempts !== null,
    maxAttempts: str(s.maxAttempts ?? 3),
    shuffleQuestions: s.shuffleQuestions,
    shuffleChoices: s.shuffleChoices,
    draw: s.drawCount !== null,
    drawCount: str(s.drawCount),
    mode: s.mode,
    reveal: s.reveal,
  };
}

/**
 * A typed number for the API: "" is "not given"; "2,5" is 2.5; anything else is sent as typed, so the server's
 * validation names the field and the lecturer sees the message next to it.
 */
function num(s: string): number | undefined {
  const v = s.trim().replace(',', '.');
  if (v === '') return undefined;
  const n = Number(v);
  return (Number.isFinite(n) ? n : s) as number;
}
const opt = (s: string) => (s.trim() === '' ? null : s);

export function toInput(d: Draft): QuestionInput {
  const base = { ...(d.id ? { id: d.id } : {}), title: opt(d.title), text: d.text, points: num(d.points), explanation: opt(d.explanation) };
  switch (d.type) {
    case 'single':
      return {
        ...base,
        type: 'single',
        choices: d.choices.map((c) => ({
          ...(c.id ? { id: c.id } : {}),
          text: c.text,
          correct: c.correct,
          ...(!c.correct && num(c.credit) !== undefined ? { credit: num(c.credit) } : {}),
          feedback: opt(c.feedback),
        })),
      };
    case 'multiple': {
      const scoring = d.scoring.multiple as 'allOrNothing' | 'partial' | 'weights';
      return {
        ...base,
        type: 'multiple',
        scoring,
        choices: d.choices.map((c) => ({
          ...(c.id ? { id: c.id } : {}),
          text: c.text,
          correct: c.correct,
          ...(scoring === 'weights' ? { weight: num(c.weight) ?? null } : {}),
          feedback: opt(c.feedback),
        })),
      };
    }
    case 'trueFalse':
      return { ...base, type: 'trueFalse', answer: d.answer, feedbackTrue: opt(d.feedbackTrue), feedbackFalse: opt(d.feedbackFalse) };
    case 'numeric':
      return {
        ...base,
        type: 'numeric',
        answers: d.numeric.map((a) => {
          const common = { credit: num(a.credit), feedback: opt(a.feedback) };
          if (a.kind === 'range') return { ...common, value: null, min: num(a.min) ?? null, max: num(a.max) ?? null };
          const tol = num(a.tolerance);
          const tolerance = typeof tol === 'number' && a.relative ? tol / 100 : tol;
          return { ...common, value: num(a.value) ?? null, ...(tolerance !== undefined ? { tolerance, relative: a.relative } : {}) };
        }),
        wrongFeedback: opt(d.wrongFeedback),
      };
    case 'text':
      return {
        ...base,
        type: 'text',
        answers: d.accepted.map((a) => ({ text: a.text, credit: num(a.credit), feedback: opt(a.feedback) })),
        caseSensitive: d.caseSensitive,
        exactWhitespace: d.exactWhitespace,
      };
    case 'ordering':
      return {
        ...base,
        type: 'ordering',
        scoring: d.scoring.ordering as 'allOrNothing' | 'position' | 'adjacent',
        items: d.items.map((i) => ({ ...(i.id ? { id: i.id } : {}), text: i.text })),
      };
    case 'matching':
      return {
        ...base,
        type: 'matching',
        scoring: d.scoring.matching as 'allOrNothing' | 'partial',
        pairs: d.pairs.map((p) => ({ ...(p.id ? { id: p.id } : {}), left: p.left, right: p.right })),
        distractors: d.distractors.map((x) => x.text),
      };
  }
}

export function toBody(settings: DraftSettings, questions: Draft[]): QuizEditInput {
  return {
    settings: {
      passMark: num(settings.passMark),
      maxAttempts: settings.limited ? (num(settings.maxAttempts) ?? null) : null,
      shuffleQuestions: settings.shuffleQuestions,
      shuffleChoices: settings.shuffleChoices,
      drawCount: settings.draw ? (num(settings.drawCount) ?? null) : null,
      mode: settings.mode,
      reveal: settings.reveal,
    },
    questions: questions.map(toInput),
  };
}

export const editSnapshot = (q: QuizEdit) => ({ settings: settingsDraft(q.settings), questions: q.questions.map(fromEdit) });

// ---------------------------------------------------------------------------------------------------------------
// Errors: a problem's pointers ("/body/questions/2/choices/0/text") are placed on the nearest thing on screen.

/** Every path the editor shows an error at, for the current drafts: fields, rows, groups, questions. */
export function knownPaths(questions: Draft[]): Set<string> {
  const known = new Set<string>(['settings', 'questions']);
  for (const f of ['passMark', 'maxAttempts', 'drawCount', 'mode', 'reveal', 'shuffleQuestions', 'shuffleChoices']) known.add(`settings/${f}`);
  questions.forEach((d, i) => {
    const q = `questions/${i}`;
    const add = (...paths: string[]) => paths.forEach((p) => known.add(`${q}${p}`));
    add('', '/title', '/text', '/points', '/explanation');
    switch (d.type) {
      case 'single':
      case 'multiple':
        add('/choices', '/scoring');
        d.choices.forEach((_, j) => add(`/choices/${j}/text`, `/choices/${j}/credit`, `/choices/${j}/weight`, `/choices/${j}/feedback`));
        break;
      case 'trueFalse':
        add('/answer', '/feedbackTrue', '/feedbackFalse');
        break;
      case 'numeric':
        add('/answers', '/wrongFeedback');
        d.numeric.forEach((_, j) =>
          add(`/answers/${j}`, ...['value', 'tolerance', 'min', 'max', 'credit', 'feedback'].map((f) => `/answers/${j}/${f}`)),
        );
        break;
      case 'text':
        add('/answers', '/caseSensitive');
        d.accepted.forEach((_, j) => add(`/answers/${j}/text`, `/answers/${j}/credit`, `/answers/${j}/feedback`));
        break;
      case 'ordering':
        add('/items', '/scoring');
        d.items.forEach((_, j) => add(`/items/${j}/text`));
        break;
      case 'matching':
        add('/pairs', '/distractors', '/scoring');
        d.pairs.forEach((_, j) => add(`/pairs/${j}/left`, `/pairs/${j}/right`));
        d.distractors.forEach((_, j) => add(`/distractors/${j}`));
        break;
    }
  });
  return known;
}

/** Error messages by path, each at the nearest path the editor shows (walking up from the pointer). */
export function placeErrors(errors: FieldError[], questions: Draft[], describe: (message: string) => string): Record<string, string> {
  const known = knownPaths(questions);
  const out: Record<string, string> = {};
  for (const e of errors) {
    let parts = e.pointer.replace(/^\/body\/?/, '').split('/').filter(Boolean);
    // "relative" is edited together with the tolerance.
    if (parts[parts.length - 1] === 'relative') parts = [...parts.slice(0, -1), 'tolerance'];
    while (parts.length && !known.has(parts.join('/'))) parts = parts.slice(0, -1);
    const path = parts.join('/') || 'questions';
    const text = describe(e.message);
    if (!out[path]) out[path] = text;
    else if (!out[path].includes(text)) out[path] += ` ${text}`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Preview: what a learner would be shown, built from the draft without any key (no correctness, no feedback).

export function toLearner(d: Draft, index: number): LearnerQuestion {
  const id = d.key;
  const base = { id, type: d.type, text: previewBlock(d.text) || '<p>…</p>', points: typeof num(d.points) === 'number' ? num(d.points)! : 1 };
  const opt = (key: string, text: string) => ({ id: key, html: previewInline(text) || '…' });
  switch (d.type) {
    case 'single':
    case 'multiple':
      return { ...base, choices: d.choices.map((c) => opt(c.key, c.text)) };
    case 'trueFalse':
      return { ...base, choices: [{ id: 'true', html: 'True' }, { id: 'false', html: 'False' }] };
    case 'ordering': {
      // Never in the right order, as the server does it: the first item goes last.
      const items = d.items.map((i) => opt(i.key, i.text));
      return { ...base, items: items.length > 1 ? [...items.slice(1), items[0]] : items };
    }
    case 'matching': {
      const rights = [...new Set([...d.pairs.map((p) => p.right.trim()), ...d.distractors.map((x) => x.text.trim())])]
        .filter(Boolean)
        .sort((a, b) => a.localeCompare(b));
      return {
        ...base,
        left: d.pairs.map((p) => opt(p.key, p.left)),
        right: rights.map((r, k) => ({ id: `${index}-r${k}`, html: previewInline(r) })),
      };
    }
    default:
      return base;
  }
}
