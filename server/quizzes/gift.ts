import type { QuestionInput } from './schema.ts';
import { QUESTION_RULES, type QuestionRule, type QuizQuestion } from './questions.ts';

/**
 * GIFT (Moodle's plain-text quiz format): a pure parser and exporter. The parser follows Moodle's own
 * (question/format/gift/format.php) where it matters for real files: questions are separated by blank lines,
 * `//` lines are comments, `$CATEGORY:` switches category, `::title::`, one `{...}` answer block per question
 * (text after it turns the block into a "_____" blank), `####` general feedback, `#` answer feedback,
 * `%n%` weights, and the escapes \~ \= \# \{ \} \: \\ \n.
 *
 * Leerpad-only settings that GIFT cannot say (points, scoring rules, case sensitivity) travel in comment lines
 * `// @leerpad points=2 scoring=partial` directly above a question: other GIFT readers ignore comments, so the
 * export stays valid GIFT and still round-trips through this parser.
 */

/**
 * Every problem and warning a GIFT import can report, by stable code, with its English message ({name} is one of
 * its parameters). The API sends code, params and this message; the studio shows the code from its own catalogue
 * in Dutch or English (client/src/i18n/quiz-studio.ts, `quizStudio.gift.code.*`; a test checks none is missing).
 * The studio-rule codes of questions.ts (QUESTION_*) are reported by the import as well: see IMPORT_CODES.
 */
export const GIFT_MESSAGES = {
  // Problems the parser finds in a question: nothing is imported until they are solved.
  GIFT_TITLE_UNCLOSED: 'the title is not closed with "::"',
  GIFT_DESCRIPTION: 'unsupported: a description (text without an answer block {...}) is not a question',
  GIFT_STRAY_CLOSE: '"}" without "{" (escape a literal brace as \\})',
  GIFT_UNCLOSED_ANSWER: '"{" is never closed (a blank line ends a question)',
  GIFT_SEVERAL_ANSWER_BLOCKS: 'unsupported: more than one answer block in a question',
  GIFT_NO_TEXT: 'the question has no text',
  GIFT_ESSAY: 'unsupported: an essay question (empty answer block {}) cannot be graded automatically',
  GIFT_UNEXPECTED_TEXT: 'unexpected text "{text}" before the first answer of {type}',
  GIFT_BAD_WEIGHT: 'malformed weight "{text}" (write %50% or %-25%)',
  GIFT_WEIGHT_RANGE: 'weight {weight}% is outside -100..100',
  GIFT_NOT_A_NUMBER: '"{text}" is not a number',
  GIFT_EMPTY_ANSWER: 'an accepted answer is empty',
  GIFT_EMPTY_CHOICE: 'a choice is empty',
  GIFT_TOO_FEW_CHOICES: 'a multiple-choice question needs at least two choices',
  GIFT_MATCHING_NO_ARROW: 'every answer of a matching question needs "left -> right"',
  GIFT_MATCHING_EMPTY_RIGHT: 'a matching answer (after "->") is empty',
  GIFT_TOO_FEW_PAIRS: 'a matching question needs at least two pairs',
  GIFT_NUMERIC_NO_ANSWER: 'a numeric question needs an answer',
  GIFT_EMPTY_RANGE: 'the range {min}..{max} is empty',
  GIFT_NEGATIVE_TOLERANCE: 'a tolerance cannot be negative',
  // Warnings: the question is taken, something in it is not.
  GIFT_UNKNOWN_SETTING: 'unknown @leerpad setting "{setting}" ignored',
  GIFT_NEGATIVE_SINGLE_WEIGHT: 'a negative weight on a single-choice answer counts as 0',
  GIFT_SCORING_IGNORED: 'scoring "{scoring}" does not apply to multiple answers',
  GIFT_MATCHING_FEEDBACK_IGNORED: 'feedback on a matching pair is ignored',
  // Problems the import finds after parsing (service.ts): the file as a whole, and a parsed question that breaks
  // the studio schema. `field` (with `n`, 1-based, for one entry of a list) says where: see GIFT_FIELDS.
  GIFT_NO_QUESTIONS: 'the file holds no questions',
  GIFT_TOO_MANY_QUESTIONS: 'a quiz holds at most {max} questions',
  GIFT_FIELD_TOO_LONG: '{path}: longer than {max} characters',
  GIFT_FIELD_TOO_MANY: '{path}: more than {max}',
  GIFT_FIELD_TOO_LARGE: '{path}: more than {max}',
  GIFT_FIELD_INVALID: '{path}: {detail}',
} as const;
export type GiftCode = keyof typeof GIFT_MESSAGES;
export const GIFT_CODES = Object.keys(GIFT_MESSAGES) as GiftCode[];
export type ImportCode = GiftCode | QuestionRule;
/** Every code an import report can hold: the parser's and the import's own, and the studio rules'. */
export const IMPORT_CODES: ImportCode[] = [...GIFT_CODES, ...(Object.keys(QUESTION_RULES) as QuestionRule[])];

/** Where in a question a schema or rule problem lies; a single entry of a list also has `n` (1-based). */
export const GIFT_FIELDS = [
  'question', 'title', 'text', 'explanation', 'points', 'feedback',
  'choices', 'choice', 'choiceFeedback', 'answers', 'answer', 'answerFeedback', 'pairs', 'pair', 'distractors', 'distractor',
] as const;
export type GiftField = (typeof GIFT_FIELDS)[number];

const FIELD_CODES: ImportCode[] = ['GIFT_FIELD_TOO_LONG', 'GIFT_FIELD_TOO_MANY', 'GIFT_FIELD_TOO_LARGE', 'GIFT_FIELD_INVALID'];
const placeholdersOf = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
/** The parameters a line with this code carries (`field`, `n` only where the place is known). */
export function importCodeParams(code: ImportCode): string[] {
  if (code in QUESTION_RULES) return ['field', 'n', ...QUESTION_RULES[code as QuestionRule]];
  const own = placeholdersOf(GIFT_MESSAGES[code as GiftCode]);
  return FIELD_CODES.includes(code) ? [...own, 'field', 'n'] : own;
}

export type GiftParams = Record<string, string | number>;
export interface GiftLine {
  line: number;
  code: ImportCode;
  params: GiftParams;
  /** In English, for API clients; the studio shows the code in the lecturer's language. */
  message: string;
}

/** How the English messages name a question type (`type` of GIFT_UNEXPECTED_TEXT). */
const TYPE_PHRASE: Record<string, string> = {
  single: 'a multiple-choice question',
  multiple: 'a multiple-choice question',
  text: 'a short-answer question',
  matching: 'a matching question',
  numeric: 'a numeric question',
};
/** A report line for a code of GIFT_MESSAGES, its English message filled in. */
export function giftLine(line: number, code: GiftCode, params: GiftParams = {}): GiftLine {
  const message = GIFT_MESSAGES[code].replace(/\{(\w+)\}/g, (whole, k: string) =>
    k in params ? (k === 'type' ? (TYPE_PHRASE[params[k]] ?? String(params[k])) : String(params[k])) : whole,
  );
  return { line, code, params, message };
}

/**
 * The first schema error of a parsed question as a report line. Only a few can happen to a parsed question (the
 * parser checks the rest): a text longer than the studio takes, too many entries, too many points, a number too
 * large to be finite. A nullable field's error is the union's, so the limit is read from the matching variant.
 */
export function schemaLine(line: number, e: { path: string; message: string; value: unknown; schema: unknown }): GiftLine {
  type Limits = { type?: unknown; anyOf?: Limits[]; maxLength?: number; maxItems?: number; maximum?: number };
  const declared = e.schema as Limits;
  const kind = Array.isArray(e.value) ? 'array' : typeof e.value;
  const s = declared.anyOf?.find((v) => v.type === kind || (kind === 'number' && v.type === 'integer')) ?? declared;
  const path = e.path.slice(1) || 'question';
  const at = { path, ...fieldOf(e.path) };
  if (typeof e.value === 'string' && s.maxLength !== undefined && e.value.length > s.maxLength) return giftLine(line, 'GIFT_FIELD_TOO_LONG', { ...at, max: s.maxLength });
  if (Array.isArray(e.value) && s.maxItems !== undefined && e.value.length > s.maxItems) return giftLine(line, 'GIFT_FIELD_TOO_MANY', { ...at, max: s.maxItems });
  if (typeof e.value === 'number' && Number.isFinite(e.value) && s.maximum !== undefined && e.value > s.maximum) {
    return giftLine(line, 'GIFT_FIELD_TOO_LARGE', { ...at, max: s.maximum });
  }
  return giftLine(line, 'GIFT_FIELD_INVALID', { ...at, detail: e.message });
}

/** A broken studio rule (questions.ts) of a parsed question as a report line; the message is the rule's own. */
export function ruleLine(line: number, error: { pointer: string; message: string }, rule: { code: QuestionRule; params: Record<string, number> }): GiftLine {
  const message = `${error.pointer ? `${error.pointer.slice(1)}: ` : ''}${error.message}`;
  return { line, code: rule.code, params: { ...fieldOf(error.pointer), ...rule.params }, message };
}

/** "/choices/3/feedback" -> { field: 'choiceFeedback', n: 4 }: the place of a problem, for the studio to name. */
export function fieldOf(path: string): { field: GiftField; n?: number } {
  const [head, index, sub] = path.split('/').filter(Boolean);
  const lists: Record<string, [GiftField, GiftField]> = {
    choices: ['choices', 'choice'],
    answers: ['answers', 'answer'],
    pairs: ['pairs', 'pair'],
    distractors: ['distractors', 'distractor'],
  };
  if (head in lists) {
    const [all, one] = lists[head];
    if (index === undefined || !/^\d+$/.test(index)) return { field: all };
    const n = Number(index) + 1;
    if (sub === 'feedback' && (one === 'choice' || one === 'answer')) return { field: `${one}Feedback`, n };
    return { field: one, n };
  }
  if (head === 'title' || head === 'text' || head === 'explanation' || head === 'points') return { field: head };
  if (head === 'feedbackTrue' || head === 'feedbackFalse' || head === 'wrongFeedback') return { field: 'feedback' };
  return { field: 'question' };
}

export interface GiftQuestion {
  line: number;
  category: string | null;
  question: QuestionInput;
}
export interface GiftParseResult {
  questions: GiftQuestion[];
  problems: GiftLine[];
  warnings: GiftLine[];
}

// Escaped control characters become private-use placeholders before any structure is read, as in Moodle.
const PLACEHOLDER: Record<string, string> = { '\\': '\uE000', '~': '\uE001', '=': '\uE002', '#': '\uE003', '{': '\uE004', '}': '\uE005', ':': '\uE006', n: '\uE007' };
const RESTORE: Record<string, string> = { '\uE000': '\\', '\uE001': '~', '\uE002': '=', '\uE003': '#', '\uE004': '{', '\uE005': '}', '\uE006': ':', '\uE007': '\n' };
const protect = (s: string) => s.replace(/\\([\\~=#{}:n])/g, (_, c: string) => PLACEHOLDER[c]);
const restore = (s: string) => s.replace(/[\uE000-\uE007]/g, (c) => RESTORE[c]);
/** Where a missing-word answer block stood; becomes an escaped "_____" once the text is markdown. */
const BLANK = '\uE008';

type Format = 'markdown' | 'html' | 'plain' | 'moodle';
const FORMAT_RE = /^\s*\[(markdown|html|plain|moodle)\]/i;

/** Makes plain text render literally as markdown: GIFT [plain] text must not turn into emphasis or lists. */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/[\\`*_[\]<>&|~]/g, '\\$&')
    .replace(/^(\s*)(#+|>|[+=-]|\d+[.)])/gm, (_m, sp: string, mk: string) => sp + mk.slice(0, -1) + '\\' + mk.slice(-1));
}

/** Splits a leading [format] tag off a (protected) piece of text, then restores escapes and converts to markdown. */
function textOf(raw: string, inherited: Format): { text: string; format: Format } {
  let format = inherited;
  let body = raw.trim();
  const m = FORMAT_RE.exec(body);
  if (m) {
    format = m[1].toLowerCase() as Format;
    body = body.slice(m[0].length).trim();
  }
  const text = restore(body).trim();
  // HTML and Moodle auto-format pass through the markdown renderer, whose sanitiser keeps only safe HTML.
  const markdown = format === 'plain' ? escapeMarkdown(text) : text;
  return { text: markdown.replaceAll(BLANK, '\\_\\_\\_\\_\\_'), format };
}

const NUMBER_RE = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const WEIGHT_RE = /^%\s*(-?\d+(?:\.\d+)?)\s*%/;

class Problem extends Error {
  constructor(
    public readonly code: GiftCode,
    public readonly params: GiftParams,
    public readonly offset?: number,
  ) {
    super(giftLine(0, code, params).message);
  }
}

interface Token {
  marker: '=' | '~';
  body: string;
  offset: number;
}

/** Splits an answer block at its unescaped = and ~ markers. Text before the first marker is an error. */
function tokens(block: string, offset: number, type: QuestionInput['type']): Token[] {
  const out: Token[] = [];
  let lead = '';
  for (let i = 0; i < block.length; i++) {
    const c = block[i];
    if (c === '=' || c === '~') out.push({ marker: c, body: '', offset: offset + i });
    else if (out.length) out[out.length - 1].body += c;
    else lead += c;
  }
  if (lead.trim() !== '') throw new Problem('GIFT_UNEXPECTED_TEXT', { text: restore(lead.trim()).slice(0, 40), type }, offset);
  return out;
}

function weightOf(body: string, offset: number): { weight: number | null; rest: string } {
  const t = body.trimStart();
  if (!t.startsWith('%')) return { weight: null, rest: t };
  const m = WEIGHT_RE.exec(t);
  if (!m) throw new Problem('GIFT_BAD_WEIGHT', { text: restore(t.slice(0, 12)) }, offset);
  const weight = Number(m[1]);
  if (weight < -100 || weight > 100) throw new Problem('GIFT_WEIGHT_RANGE', { weight }, offset);
  return { weight, rest: t.slice(m[0].length) };
}

/** "answer#feedback" -> both parts, still protected. */
function splitFeedback(body: string): { answer: string; feedback: string | null } {
  const i = body.indexOf('#');
  if (i < 0) return { answer: body, feedback: null };
  return { answer: body.slice(0, i), feedback: body.slice(i + 1) };
}

function parseNumber(s: string, offset: number): number {
  const t = restore(s).trim();
  if (!NUMBER_RE.test(t)) throw new Problem('GIFT_NOT_A_NUMBER', { text: t.slice(0, 30) }, offset);
  return Number(t);
}

interface Pragmas {
  points?: number;
  scoring?: string;
  caseSensitive?: boolean;
  exactWhitespace?: boolean;
}

function readPragmas(lines: { n: number; text: string }[], warnings: GiftLine[]): Pragmas {
  const p: Pragmas = {};
  for (const { n, text } of lines) {
    for (const pair of text.trim().split(/\s+/).filter(Boolean)) {
      const [key, value = ''] = pair.split('=', 2);
      if (key === 'points' && NUMBER_RE.test(value) && Number(value) > 0) p.points = Number(value);
      else if (key === 'scoring' && /^[A-Za-z]+$/.test(value)) p.scoring = value;
      else if ((key === 'caseSensitive' || key === 'exactWhitespace') && /^(true|false)$/.test(value)) p[key] = value === 'true';
      else warnings.push(giftLine(n, 'GIFT_UNKNOWN_SETTING', { setting: pair }));
    }
  }
  return p;
}

interface Block {
  lines: { n: number; text: string }[];
  pragmas: { n: number; text: string }[];
  category: string | null;
}

/** Blank lines separate questions; comment lines are dropped (they do not end a question); $CATEGORY: lines switch. */
function blocks(source: string): Block[] {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/[\uE000-\uE008]/g, '\uFFFD');
  const out: Block[] = [];
  let category: string | null = null;
  let current: Block | null = null;
  const close = () => {
    if (current && current.lines.length) out.push(current);
    current = null;
  };
  text.split('\n').forEach((raw, i) => {
    const n = i + 1;
    const t = raw.trim();
    if (t === '') return close();
    const pragma = /^\/\/\s*@leerpad\b(.*)$/.exec(t);
    if (t.startsWith('//')) {
      if (pragma) (current ??= { lines: [], pragmas: [], category }).pragmas.push({ n, text: pragma[1] });
      return;
    }
    if (/^\$CATEGORY:/i.test(t)) {
      close();
      category = restore(protect(t.slice('$CATEGORY:'.length))).trim() || null;
      return;
    }
    current ??= { lines: [], pragmas: [], category };
    current.lines.push({ n, text: raw });
  });
  close();
  return out;
}

function parseBlock(block: Block, warnings: GiftLine[]): { question: QuestionInput; line: number } {
  const joined = protect(block.lines.map((l) => l.text).join('\n'));
  const firstLine = block.lines[0].n;
  // Maps an offset in `joined` back to a line of the file, so problems point at the right line.
  const lineAt = (offset: number | undefined) => {
    if (offset === undefined) return firstLine;
    let seen = 0;
    for (const l of block.lines) {
      seen += protect(l.text).length + 1;
      if (offset < seen) return l.n;
    }
    return block.lines[block.lines.length - 1].n;
  };
  const warn: Warn = (code, params, offset) => warnings.push(giftLine(lineAt(offset), code, params));

  try {
    let text = joined.trim();
    let offset = joined.indexOf(text);
    let title: string | null = null;
    if (text.startsWith('::')) {
      const end = text.indexOf('::', 2);
      if (end < 0) throw new Problem('GIFT_TITLE_UNCLOSED', {}, offset);
      title = restore(text.slice(2, end)).trim() || null;
      offset += end + 2;
      text = text.slice(end + 2);
    }

    const open = text.indexOf('{');
    const close = text.indexOf('}');
    if (open < 0 && close < 0) throw new Problem('GIFT_DESCRIPTION', {}, offset);
    if (close >= 0 && (open < 0 || close < open)) throw new Problem('GIFT_STRAY_CLOSE', {}, offset + close);
    if (close < 0) throw new Problem('GIFT_UNCLOSED_ANSWER', {}, offset + open);
    if (text.indexOf('{', open + 1) >= 0) throw new Problem('GIFT_SEVERAL_ANSWER_BLOCKS', {}, offset + text.indexOf('{', open + 1));
    const stray = text.indexOf('}', close + 1);
    if (stray >= 0) throw new Problem('GIFT_STRAY_CLOSE', {}, offset + stray);

    const after = text.slice(close + 1);
    // An answer block inside the sentence is a "missing word": the learner sees a blank where it stood.
    const stem = after.trim() === '' ? text.slice(0, open) : `${text.slice(0, open)}${BLANK}${after}`;
    const { text: questionText, format } = textOf(stem, 'markdown');
    if (questionText === '') throw new Problem('GIFT_NO_TEXT', {}, offset);

    let answer = text.slice(open + 1, close);
    const answerStart = offset + open + 1;
    let explanation: string | null = null;
    const gf = answer.lastIndexOf('####');
    if (gf >= 0) {
      explanation = textOf(answer.slice(gf + 4), format).text || null;
      answer = answer.slice(0, gf);
    }
    const trimmed = answer.trim();
    // Offsets into `trimmed` must still map to lines of the file.
    const answerOffset = answerStart + (answer.length - answer.trimStart().length);
    const pragmas = readPragmas(block.pragmas, warnings);
    const base = { title, text: questionText, explanation, ...(pragmas.points ? { points: pragmas.points } : {}) };
    const fb = (s: string | null) => (s === null ? null : textOf(s, format).text || null);

    let question: QuestionInput;
    if (trimmed === '') {
      throw new Problem('GIFT_ESSAY', {}, answerOffset);
    } else if (trimmed.startsWith('#')) {
      question = numeric(trimmed.slice(1), answerOffset + 1, base, fb);
    } else if (trimmed.includes('~')) {
      question = multichoice(trimmed, answerOffset, base, fb, pragmas, warn);
    } else if (trimmed.includes('=') && trimmed.includes('->')) {
      question = matching(trimmed, answerOffset, base, format, pragmas, warn);
    } else {
      const head = splitFeedback(trimmed).answer.trim();
      if (/^(t|true|f|false)$/i.test(head)) {
        const parts = trimmed.split('#');
        const yes = /^t/i.test(head);
        const wrong = fb(parts[1] ?? null);
        const right = fb(parts.length > 2 ? parts.slice(2).join('#') : null);
        question = { ...base, type: 'trueFalse', answer: yes, feedbackTrue: yes ? right : wrong, feedbackFalse: yes ? wrong : right };
      } else {
        const answers = tokens(trimmed, answerOffset, 'text').map((t) => {
          const { weight, rest } = weightOf(t.body, t.offset);
          const { answer: a, feedback } = splitFeedback(rest);
          // Accepted answers are compared as plain strings, never rendered as markdown, so no format applies.
          return { text: restore(a.replace(FORMAT_RE, '')).trim(), credit: Math.max(0, weight ?? 100), feedback: fb(feedback) };
        });
        if (answers.some((a) => a.text === '')) throw new Problem('GIFT_EMPTY_ANSWER', {}, answerOffset);
        question = {
          ...base,
          type: 'text',
          answers,
          ...(pragmas.caseSensitive !== undefined ? { caseSensitive: pragmas.caseSensitive } : {}),
          ...(pragmas.exactWhitespace !== undefined ? { exactWhitespace: pragmas.exactWhitespace } : {}),
        };
      }
    }
    return { question, line: firstLine };
  } catch (e) {
    if (e instanceof Problem) throw Object.assign(e, { line: lineAt(e.offset) });
    throw e;
  }
}

type Base = { title: string | null; text: string; explanation: string | null; points?: number };
type Fb = (s: string | null) => string | null;
type Warn = (code: GiftCode, params?: GiftParams, offset?: number) => void;

function multichoice(block: string, offset: number, base: Base, fb: Fb, pragmas: Pragmas, warn: Warn): QuestionInput {
  const single = block.includes('=');
  const parsed = tokens(block, offset, single ? 'single' : 'multiple').map((t) => {
    const { weight, rest } = weightOf(t.body, t.offset);
    const { answer, feedback } = splitFeedback(rest);
    const text = textOf(answer, 'markdown').text;
    if (text === '') throw new Problem('GIFT_EMPTY_CHOICE', {}, t.offset);
    return { marker: t.marker, weight: t.marker === '=' ? 100 : (weight ?? 0), text, feedback: fb(feedback), offset: t.offset };
  });
  if (parsed.length < 2) throw new Problem('GIFT_TOO_FEW_CHOICES', {}, offset);
  if (single) {
    return {
      ...base,
      type: 'single',
      choices: parsed.map((c) => {
        if (c.weight < 0) warn('GIFT_NEGATIVE_SINGLE_WEIGHT', {}, c.offset);
        const correct = c.weight === 100;
        return { text: c.text, correct, ...(correct || c.weight <= 0 ? {} : { credit: c.weight }), feedback: c.feedback };
      }),
    };
  }
  const scoring = pragmas.scoring === 'partial' || pragmas.scoring === 'allOrNothing' ? pragmas.scoring : 'weights';
  if (pragmas.scoring && pragmas.scoring !== scoring) warn('GIFT_SCORING_IGNORED', { scoring: pragmas.scoring });
  return {
    ...base,
    type: 'multiple',
    scoring,
    choices: parsed.map((c) => ({ text: c.text, correct: c.weight > 0, ...(scoring === 'weights' ? { weight: c.weight } : {}), feedback: c.feedback })),
  };
}

function matching(block: string, offset: number, base: Base, format: Format, pragmas: Pragmas, warn: Warn): QuestionInput {
  const pairs: { left: string; right: string }[] = [];
  const distractors: string[] = [];
  for (const t of tokens(block, offset, 'matching')) {
    const arrow = t.body.indexOf('->');
    if (arrow < 0) throw new Problem('GIFT_MATCHING_NO_ARROW', {}, t.offset);
    let rightRaw = t.body.slice(arrow + 2);
    if (rightRaw.includes('#')) {
      warn('GIFT_MATCHING_FEEDBACK_IGNORED', {}, t.offset);
      rightRaw = splitFeedback(rightRaw).answer;
    }
    const left = textOf(t.body.slice(0, arrow), format).text;
    const right = textOf(rightRaw, format).text;
    if (right === '') throw new Problem('GIFT_MATCHING_EMPTY_RIGHT', {}, t.offset);
    if (left === '') distractors.push(right);
    else pairs.push({ left, right });
  }
  if (pairs.length < 2) throw new Problem('GIFT_TOO_FEW_PAIRS', {}, offset);
  const scoring = pragmas.scoring === 'allOrNothing' || pragmas.scoring === 'partial' ? pragmas.scoring : undefined;
  return { ...base, type: 'matching', pairs, distractors, ...(scoring ? { scoring } : {}) };
}

function numeric(block: string, offset: number, base: Base, fb: Fb): QuestionInput {
  let body = block;
  let wrongFeedback: string | null = null;
  const tilde = body.indexOf('~');
  if (tilde >= 0) {
    // Moodle: "~#feedback" after the answers is the feedback for any other (wrong) number.
    wrongFeedback = fb(splitFeedback(body.slice(tilde + 1)).feedback);
    body = body.slice(0, tilde);
  }
  const list = body.includes('=') ? tokens(body, offset, 'numeric') : [{ marker: '=' as const, body, offset }];
  if (list.length === 0 || list.every((t) => t.body.trim() === '')) throw new Problem('GIFT_NUMERIC_NO_ANSWER', {}, offset);
  const answers = list.map((t) => {
    const { weight, rest } = weightOf(t.body, t.offset);
    const { answer, feedback } = splitFeedback(rest);
    const a = answer.trim();
    const credit = Math.max(0, weight ?? 100);
    const range = a.indexOf('..');
    if (range > 0) {
      const min = parseNumber(a.slice(0, range), t.offset);
      const max = parseNumber(a.slice(range + 2), t.offset);
      if (min > max) throw new Problem('GIFT_EMPTY_RANGE', { min, max }, t.offset);
      return { min, max, credit, feedback: fb(feedback) };
    }
    const colon = a.indexOf(':');
    const value = parseNumber(colon > 0 ? a.slice(0, colon) : a, t.offset);
    const tolerance = colon > 0 ? parseNumber(a.slice(colon + 1), t.offset) : 0;
    if (tolerance < 0) throw new Problem('GIFT_NEGATIVE_TOLERANCE', {}, t.offset);
    return { value, tolerance, credit, feedback: fb(feedback) };
  });
  return { ...base, type: 'numeric', answers, wrongFeedback };
}

export function parseGift(source: string): GiftParseResult {
  const result: GiftParseResult = { questions: [], problems: [], warnings: [] };
  for (const block of blocks(source)) {
    try {
      const { question, line } = parseBlock(block, result.warnings);
      result.questions.push({ line, category: block.category, question });
    } catch (e) {
      if (!(e instanceof Problem)) throw e;
      result.problems.push(giftLine((e as Problem & { line?: number }).line ?? block.lines[0].n, e.code, e.params));
    }
  }
  return result;
}

// -------------------------------------------------------------------------------------------------------------
// Export

const esc = (s: string) => s.replace(/\r/g, '').replace(/[\\~=#{}:]/g, '\\$&').replace(/\n/g, '\\n');
const num = (n: number) => String(Number(n.toFixed(10)));
const pct = (n: number) => String(Number(n.toFixed(5)));

/**
 * GIFT for a whole quiz, in Moodle's layout. Ordering questions have no GIFT form and are listed as comments.
 * A relative numeric tolerance is written as the equivalent range.
 */
export function exportGift(questions: QuizQuestion[], opts: { title?: string } = {}): string {
  const out: string[] = [];
  out.push(`// Leerpad quiz${opts.title ? `: ${opts.title.replace(/\s+/g, ' ')}` : ''}`);
  out.push('// "// @leerpad" lines carry settings GIFT has no words for; other GIFT readers ignore them.');
  out.push('');
  for (const q of questions) {
    if (q.type === 'ordering') {
      out.push(`// Not exported: ordering questions have no GIFT form (${(q.title ?? q.text).replace(/\s+/g, ' ').slice(0, 80)})`, '');
      continue;
    }
    const pragmas: string[] = [];
    if (q.points !== 1) pragmas.push(`points=${num(q.points)}`);
    const head = `${q.title ? `::${esc(q.title)}::` : ''}[markdown]${esc(q.text)}`;
    const lines: string[] = [];
    const fb = (f: string | null) => (f ? `#${esc(f)}` : '');
    switch (q.type) {
      case 'single':
        for (const c of q.choices) lines.push(`\t${c.correct ? '=' : c.credit > 0 ? `~%${pct(c.credit)}%` : '~'}${esc(c.text)}${fb(c.feedback)}`);
        break;
      case 'multiple': {
        const k = q.choices.filter((c) => c.correct).length;
        if (q.scoring !== 'weights') pragmas.push(`scoring=${q.scoring}`);
        for (const c of q.choices) {
          // Weights that grade the same as our rule, so any GIFT reader scores partial credit identically.
          const w = q.scoring === 'weights' ? (c.weight ?? 0) : c.correct ? 100 / k : q.scoring === 'partial' ? -100 / k : -100;
          lines.push(`\t~${w === 0 ? '' : `%${pct(w)}%`}${esc(c.text)}${fb(c.feedback)}`);
        }
        break;
      }
      case 'trueFalse': {
        const right = q.answer ? q.feedbackTrue : q.feedbackFalse;
        const wrong = q.answer ? q.feedbackFalse : q.feedbackTrue;
        const tail = `${wrong ? `#${esc(wrong)}` : right ? '#' : ''}${right ? `#${esc(right)}` : ''}`;
        const gf = q.explanation ? `####${esc(q.explanation)}` : '';
        out.push(...(pragmas.length ? [`// @leerpad ${pragmas.join(' ')}`] : []), `${head}{${q.answer ? 'TRUE' : 'FALSE'}${tail}${gf}}`, '');
        continue;
      }
      case 'numeric':
        for (const a of q.answers) {
          const credit = a.credit === 100 ? '' : `%${pct(a.credit)}%`;
          let body: string;
          if (a.min !== null && a.max !== null) body = `${num(a.min)}..${num(a.max)}`;
          else if (a.relative) body = `${num(a.value! - Math.abs(a.value! * a.tolerance))}..${num(a.value! + Math.abs(a.value! * a.tolerance))}`;
          else body = a.tolerance ? `${num(a.value!)}:${num(a.tolerance)}` : num(a.value!);
          lines.push(`\t=${credit}${body}${fb(a.feedback)}`);
        }
        if (q.wrongFeedback) lines.push(`\t~#${esc(q.wrongFeedback)}`);
        break;
      case 'text':
        if (q.caseSensitive) pragmas.push('caseSensitive=true');
        if (q.exactWhitespace) pragmas.push('exactWhitespace=true');
        for (const a of q.answers) lines.push(`\t=${a.credit === 100 ? '' : `%${pct(a.credit)}%`}${esc(a.text)}${fb(a.feedback)}`);
        break;
      case 'matching':
        if (q.scoring !== 'partial') pragmas.push(`scoring=${q.scoring}`);
        for (const p of q.pairs) lines.push(`\t=${esc(p.left)} -> ${esc(p.right)}`);
        for (const d of q.distractors) lines.push(`\t= -> ${esc(d)}`);
        break;
    }
    if (q.explanation) lines.push(`\t####${esc(q.explanation)}`);
    if (pragmas.length) out.push(`// @leerpad ${pragmas.join(' ')}`);
    out.push(`${head}{${q.type === 'numeric' ? '#' : ''}`, ...lines, '}', '');
  }
  return out.join('\n');
}
