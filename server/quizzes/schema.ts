import { Type, type Static, type TLiteral, type TOptional, type TSchema } from '@sinclair/typebox';
import { IMPORT_CODES } from './gift.ts';

/**
 * Quiz contracts. Two families of shapes, kept apart on purpose:
 * - the studio shapes (QuizEdit*, staff only) carry the answer key;
 * - the learner shapes (LearnerQuestion, AttemptView, AttemptResult) have NO field that could hold a key or
 *   feedback before it may be revealed, and responses are serialised through them, so a key cannot leak by
 *   accident: fast-json-stringify drops whatever a schema does not list.
 */

// A union of literals rather than an `enum` keyword, so TypeBox's own Value.Check/Errors understand it too.
const StringEnum = <T extends string>(values: readonly T[], options: Record<string, unknown> = {}) =>
  Type.Union(values.map((v) => Type.Literal(v)) as TLiteral<T>[], options);
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/**
 * Nullable scalar for response-only schemas, as a JSON Schema type list rather than anyOf: fast-json-stringify
 * compiles anyOf several times slower, and it compiles every response schema of every route at start-up.
 */
const OrNull = <T extends TSchema & { type: string }>(t: T) => Type.Unsafe<Static<T> | null>({ ...t, type: [t.type, 'null'] });
/** Enum for response-only schemas, likewise without anyOf. */
const OutEnum = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });

export const QUESTION_TYPES = ['single', 'multiple', 'trueFalse', 'numeric', 'text', 'ordering', 'matching'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export const REVEALS = ['afterEachAttempt', 'afterPassing', 'afterLastAttempt', 'never'] as const;
export const MODES = ['practice', 'graded'] as const;
export const MULTIPLE_SCORINGS = ['allOrNothing', 'partial', 'weights'] as const;
export const ORDERING_SCORINGS = ['allOrNothing', 'position', 'adjacent'] as const;
export const MATCHING_SCORINGS = ['allOrNothing', 'partial'] as const;

export const LIMITS = { questions: 300, choices: 50, items: 30, answers: 30, markdown: 20_000, short: 1_000, giftBytes: 1_048_576 } as const;

// ---------------------------------------------------------------------------------------------------------------
// Settings

const settingsFields = {
  passMark: Type.Number({ minimum: 0, maximum: 100, description: 'Percent needed to pass' }),
  maxAttempts: Nullable(Type.Integer({ minimum: 1, maximum: 1000, description: 'null = unlimited' })),
  shuffleQuestions: Type.Boolean(),
  shuffleChoices: Type.Boolean({ description: 'Shuffle choices and matching prompts; ordering items and matching answers are always shuffled' }),
  drawCount: Nullable(Type.Integer({ minimum: 1, maximum: LIMITS.questions, description: 'Draw this many questions from the pool per attempt; null = all' })),
  mode: StringEnum(MODES, { description: 'practice attempts do not count as a grade' }),
  reveal: StringEnum(REVEALS, { description: 'When correct answers and feedback are shown to the learner' }),
};
export const QuizSettingsSchema = Type.Object(settingsFields, { additionalProperties: false });
export type QuizSettings = Static<typeof QuizSettingsSchema>;
export const DEFAULT_SETTINGS: QuizSettings = {
  passMark: 50,
  maxAttempts: null,
  shuffleQuestions: false,
  shuffleChoices: true,
  drawCount: null,
  mode: 'graded',
  reveal: 'afterEachAttempt',
};

// ---------------------------------------------------------------------------------------------------------------
// Studio shapes. `io` = 'in' for request bodies (ids and defaults optional), 'out' for responses (all filled).

const Markdown = (max: number = LIMITS.markdown) => Type.String({ maxLength: max });
const Required = (max: number = LIMITS.markdown) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });
const Id = Type.String({ minLength: 1, maxLength: 100 });
const Credit = Type.Number({ minimum: 0, maximum: 100, description: 'Percent of the points' });

function studioQuestions<IO extends 'in' | 'out'>(io: IO) {
  const opt = <T extends TSchema>(t: T) => (io === 'in' ? Type.Optional(t) : t) as IO extends 'in' ? TOptional<T> : T;
  const obj = <P extends Record<string, TSchema>>(props: P) => Type.Object(props, { additionalProperties: false });
  const base = {
    id: opt(Id),
    title: opt(Nullable(Type.String({ maxLength: 200 }))),
    text: Required(),
    points: opt(Type.Number({ exclusiveMinimum: 0, maximum: 1000 })),
    explanation: opt(Nullable(Markdown())),
  };
  const feedback = opt(Nullable(Markdown(LIMITS.short * 4)));
  return [
    obj({
      ...base,
      type: Type.Literal('single'),
      choices: Type.Array(
        obj({ id: opt(Id), text: Required(LIMITS.short * 4), correct: Type.Boolean(), credit: opt(Credit), feedback }),
        { minItems: 2, maxItems: LIMITS.choices, description: 'Exactly one correct; `credit` gives partial credit to another choice' },
      ),
    }),
    obj({
      ...base,
      type: Type.Literal('multiple'),
      scoring: opt(StringEnum(MULTIPLE_SCORINGS, {
        description: 'allOrNothing; partial = (correct picks - wrong picks) / correct choices, floored at 0; weights = sum of the picked weights (Moodle)',
      })),
      choices: Type.Array(
        obj({
          id: opt(Id),
          text: Required(LIMITS.short * 4),
          correct: Type.Boolean(),
          weight: opt(Nullable(Type.Number({ minimum: -100, maximum: 100, description: 'Percent; only for scoring=weights' }))),
          feedback,
        }),
        { minItems: 2, maxItems: LIMITS.choices },
      ),
    }),
    obj({
      ...base,
      type: Type.Literal('trueFalse'),
      answer: Type.Boolean(),
      feedbackTrue: opt(Nullable(Markdown(LIMITS.short * 4))),
      feedbackFalse: opt(Nullable(Markdown(LIMITS.short * 4))),
    }),
    obj({
      ...base,
      type: Type.Literal('numeric'),
      answers: Type.Array(
        obj({
          value: opt(Nullable(Type.Number())),
          tolerance: opt(Type.Number({ minimum: 0 })),
          relative: opt(Type.Boolean({ description: 'tolerance is a fraction of the value (0.05 = 5 %)' })),
          min: opt(Nullable(Type.Number())),
          max: opt(Nullable(Type.Number())),
          credit: opt(Credit),
          feedback,
        }),
        { minItems: 1, maxItems: LIMITS.answers, description: 'Each answer is either value (± tolerance) or a range min..max' },
      ),
      wrongFeedback: opt(Nullable(Markdown(LIMITS.short * 4))),
    }),
    obj({
      ...base,
      type: Type.Literal('text'),
      answers: Type.Array(obj({ text: Required(LIMITS.short), credit: opt(Credit), feedback }), { minItems: 1, maxItems: LIMITS.answers }),
      caseSensitive: opt(Type.Boolean()),
      exactWhitespace: opt(Type.Boolean()),
    }),
    obj({
      ...base,
      type: Type.Literal('ordering'),
      scoring: opt(StringEnum(ORDERING_SCORINGS, {
        description: 'allOrNothing; position = items in their right place / items; adjacent = right neighbour pairs / (items - 1)',
      })),
      items: Type.Array(obj({ id: opt(Id), text: Required(LIMITS.short * 4) }), { minItems: 2, maxItems: LIMITS.items, description: 'In the correct order' }),
    }),
    obj({
      ...base,
      type: Type.Literal('matching'),
      scoring: opt(StringEnum(MATCHING_SCORINGS, { description: 'partial = right pairs / pairs' })),
      pairs: Type.Array(obj({ id: opt(Id), left: Required(LIMITS.short * 4), right: Required(LIMITS.short * 4) }), { minItems: 2, maxItems: LIMITS.items }),
      distractors: opt(Type.Array(Required(LIMITS.short * 4), { maxItems: LIMITS.items, description: 'Extra answers that match nothing' })),
    }),
  ] as const;
}

const inQuestions = studioQuestions('in');
const outQuestions = studioQuestions('out');
export const QuestionInputSchema = Type.Union([...inQuestions]);
export type QuestionInput = Static<typeof QuestionInputSchema>;
/** The schema of one question type, for precise validation errors (see routes.ts). */
export const questionInputSchemaFor = (type: QuestionType) => inQuestions[QUESTION_TYPES.indexOf(type)];

export const QuestionEditSchema = Type.Union([...outQuestions]);
export type QuestionEdit = Static<typeof QuestionEditSchema>;

export const QuizEditBody = Type.Object(
  {
    settings: Type.Optional(Type.Partial(QuizSettingsSchema, { additionalProperties: false })),
    questions: Type.Array(QuestionInputSchema, { maxItems: LIMITS.questions }),
  },
  { additionalProperties: false },
);
export type QuizEditInput = Static<typeof QuizEditBody>;

/**
 * How studio questions are serialised: one flat object with every field of every type, optional. The precise
 * seven-way union (QuestionEditSchema, the TypeScript type) costs fast-json-stringify ten times more to compile,
 * and only course staff ever receive this shape, so nothing here can leak to a learner.
 */
const QuestionEditWire = Type.Object({
  id: Type.String(),
  type: OutEnum(QUESTION_TYPES),
  title: OrNull(Type.String()),
  text: Type.String(),
  points: Type.Number(),
  explanation: OrNull(Type.String()),
  scoring: Type.Optional(Type.String()),
  choices: Type.Optional(Type.Array(Type.Object({
    id: Type.String(),
    text: Type.String(),
    correct: Type.Boolean(),
    credit: Type.Optional(Type.Number()),
    weight: Type.Optional(OrNull(Type.Number())),
    feedback: OrNull(Type.String()),
  }))),
  answer: Type.Optional(Type.Boolean()),
  feedbackTrue: Type.Optional(OrNull(Type.String())),
  feedbackFalse: Type.Optional(OrNull(Type.String())),
  answers: Type.Optional(Type.Array(Type.Object({
    text: Type.Optional(Type.String()),
    value: Type.Optional(OrNull(Type.Number())),
    tolerance: Type.Optional(Type.Number()),
    relative: Type.Optional(Type.Boolean()),
    min: Type.Optional(OrNull(Type.Number())),
    max: Type.Optional(OrNull(Type.Number())),
    credit: Type.Number(),
    feedback: OrNull(Type.String()),
  }))),
  wrongFeedback: Type.Optional(OrNull(Type.String())),
  caseSensitive: Type.Optional(Type.Boolean()),
  exactWhitespace: Type.Optional(Type.Boolean()),
  items: Type.Optional(Type.Array(Type.Object({ id: Type.String(), text: Type.String() }))),
  pairs: Type.Optional(Type.Array(Type.Object({ id: Type.String(), left: Type.String(), right: Type.String() }))),
  distractors: Type.Optional(Type.Array(Type.String())),
});

const QuizSettingsOut = Type.Unsafe<QuizSettings>(
  Type.Object({
    passMark: Type.Number(),
    maxAttempts: OrNull(Type.Integer()),
    shuffleQuestions: Type.Boolean(),
    shuffleChoices: Type.Boolean(),
    drawCount: OrNull(Type.Integer()),
    mode: OutEnum(MODES),
    reveal: OutEnum(REVEALS),
  }),
);

export const QuizEditSchema = Type.Object({
  lessonId: Type.String(),
  settings: QuizSettingsOut,
  questions: Type.Unsafe<QuestionEdit[]>(Type.Array(QuestionEditWire, { description: 'Each question has the fields of its type (see QuestionEdit)' })),
  updatedAt: OrNull(Type.String({ format: 'date-time' })),
});
export type QuizEdit = Static<typeof QuizEditSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Learner shapes: nothing here can carry correctness, credit, weights, feedback or accepted answers.

const Option = Type.Object({ id: Type.String(), html: Type.String() });
export const LearnerQuestionSchema = Type.Object({
  id: Type.String(),
  type: OutEnum(QUESTION_TYPES),
  text: Type.String({ description: 'HTML' }),
  points: Type.Number(),
  choices: Type.Optional(Type.Array(Option, { description: 'single, multiple, trueFalse (ids "true"/"false")' })),
  items: Type.Optional(Type.Array(Option, { description: 'ordering, shuffled' })),
  left: Type.Optional(Type.Array(Option, { description: 'matching prompts' })),
  right: Type.Optional(Type.Array(Option, { description: 'matching answers, shuffled' })),
});
export type LearnerQuestion = Static<typeof LearnerQuestionSchema>;

const AnswerValueSchema = Type.Unknown({
  description:
    'single/trueFalse: choice id; multiple: choice ids; numeric: number; text: string; ordering: item ids in order; matching: {leftId: rightId}; null clears',
});
const AnswerSchema = Type.Object({ questionId: Type.String({ minLength: 1, maxLength: 100 }), value: AnswerValueSchema }, { additionalProperties: false });
export type AnswerInput = Static<typeof AnswerSchema>;

export const AnswersBody = Type.Object(
  { answers: Type.Array(AnswerSchema, { maxItems: LIMITS.questions }) },
  { additionalProperties: false },
);
export const SubmitBody = Type.Object(
  { answers: Type.Optional(Type.Array(AnswerSchema, { maxItems: LIMITS.questions })) },
  { additionalProperties: false },
);

const FeedbackChoice = Type.Object({
  id: Type.String(),
  html: Type.String(),
  correct: Type.Boolean(),
  selected: Type.Boolean(),
  feedback: OrNull(Type.String({ description: 'HTML' })),
});

/** Per-question review, sent only once the quiz's reveal setting allows it. */
export const QuestionFeedbackSchema = Type.Object({
  questionId: Type.String(),
  type: OutEnum(QUESTION_TYPES),
  score: Type.Number(),
  maxScore: Type.Number(),
  outcome: OutEnum(['correct', 'partial', 'incorrect', 'unanswered'] as const),
  answer: AnswerValueSchema,
  feedback: OrNull(Type.String({ description: 'HTML: feedback for the answer given' })),
  explanation: OrNull(Type.String({ description: 'HTML: general feedback of the question' })),
  choices: Type.Optional(Type.Array(FeedbackChoice)),
  acceptedAnswers: Type.Optional(Type.Array(Type.Object({ text: Type.String({ description: 'plain text' }), credit: Type.Number() }))),
  correctOrder: Type.Optional(Type.Array(Option)),
  pairs: Type.Optional(
    Type.Array(Type.Object({ left: Option, right: Option, givenRightId: OrNull(Type.String()), correct: Type.Boolean() })),
  ),
});
export type QuestionFeedback = Static<typeof QuestionFeedbackSchema>;

export const AttemptResultSchema = Type.Object({
  id: Type.String(),
  submittedAt: Type.String({ format: 'date-time' }),
  score: Type.Number(),
  maxScore: Type.Number(),
  percent: Type.Number(),
  passed: Type.Boolean(),
  revealed: Type.Boolean({ description: 'Whether per-question feedback is shown (quiz reveal setting)' }),
  feedback: Type.Array(QuestionFeedbackSchema),
});
export type AttemptResult = Static<typeof AttemptResultSchema>;

export const AttemptViewSchema = Type.Object({
  id: Type.String(),
  lessonId: Type.String(),
  startedAt: Type.String({ format: 'date-time' }),
  submittedAt: OrNull(Type.String({ format: 'date-time' })),
  questions: Type.Array(LearnerQuestionSchema),
  answers: Type.Array(Type.Object({ questionId: Type.String(), value: AnswerValueSchema })),
  result: OrNull(AttemptResultSchema),
});
export type AttemptView = Static<typeof AttemptViewSchema>;

export const SavedAnswersSchema = Type.Object({
  id: Type.String(),
  answers: Type.Array(Type.Object({ questionId: Type.String(), value: AnswerValueSchema })),
});

export const AttemptSummarySchema = Type.Object({
  id: Type.String(),
  startedAt: Type.String({ format: 'date-time' }),
  submittedAt: OrNull(Type.String({ format: 'date-time' })),
  score: OrNull(Type.Number()),
  maxScore: OrNull(Type.Number()),
  percent: OrNull(Type.Number()),
  passed: OrNull(Type.Boolean()),
  revealed: Type.Boolean(),
  feedback: Type.Array(QuestionFeedbackSchema),
});
export type AttemptSummary = Static<typeof AttemptSummarySchema>;
export const AttemptHistorySchema = Type.Object({ items: Type.Array(AttemptSummarySchema) });

export const QuizSummarySchema = Type.Object({
  lessonId: Type.String(),
  title: Type.String(),
  passMark: Type.Number(),
  maxAttempts: OrNull(Type.Integer()),
  mode: OutEnum(MODES),
  reveal: OutEnum(REVEALS),
  questionCount: Type.Integer({ description: 'Questions per attempt' }),
  attemptsUsed: Type.Integer({ description: 'Attempts started, the open one included' }),
  attemptsLeft: OrNull(Type.Integer({ description: 'New attempts still allowed; null = unlimited' })),
  openAttemptId: OrNull(Type.String()),
  bestPercent: OrNull(Type.Number()),
  passed: Type.Boolean(),
  canStart: Type.Boolean({ description: 'An attempt can be started or resumed' }),
});
export type QuizSummary = Static<typeof QuizSummarySchema>;

// ---------------------------------------------------------------------------------------------------------------
// GIFT import

export const ImportQuery = Type.Object(
  {
    dryRun: Type.Optional(Type.Boolean({ default: false })),
    mode: Type.Optional(StringEnum(['append', 'replace'] as const, { default: 'append' })),
  },
  { additionalProperties: false },
);

const ImportLine = Type.Object({
  line: Type.Integer(),
  code: OutEnum(IMPORT_CODES),
  params: Type.Record(Type.String(), Type.Unsafe<string | number>({ type: ['string', 'number'] }), {
    description: 'The values the message speaks of, e.g. {"text": "1,5"}; `field` (with `n`, 1-based) names the place',
  }),
  message: Type.String({ description: 'In English; the studio shows `code` in the lecturer\'s language' }),
});
export const ImportReportSchema = Type.Object({
  dryRun: Type.Boolean(),
  mode: OutEnum(['append', 'replace'] as const),
  ok: Type.Boolean({ description: 'Every question in the file can be taken' }),
  imported: Type.Integer({ description: 'Questions written (0 on a dry run)' }),
  questions: Type.Array(
    Type.Object({ line: Type.Integer(), type: OutEnum(QUESTION_TYPES), title: OrNull(Type.String()), text: Type.String(), category: OrNull(Type.String()) }),
  ),
  problems: Type.Array(ImportLine, { description: 'What could not be taken, by line' }),
  warnings: Type.Array(ImportLine),
});
export type ImportReport = Static<typeof ImportReportSchema>;
