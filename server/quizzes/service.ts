import { randomInt, randomUUID } from 'node:crypto';
import { and, asc, count, eq, isNull, type SQL } from 'drizzle-orm';
import { Value } from '@sinclair/typebox/value';
import type { Db } from '../../db/client.ts';
import { attempts, lessons, questions, quizzes } from '../../db/schema/index.ts';
import type { Clock } from '../clock.ts';
import type { UserRow } from '../auth/session.ts';
import { badRequest, conflict, notFound, unprocessable, type FieldError } from '../errors.ts';
import { editableLesson, readableLesson, type LessonRow } from '../courses/access.ts';
import { renderInlineMarkdown, renderMarkdown } from '../markdown.ts';
import { assertUnlocked, markLessonComplete } from '../progress/service.ts';
import { evaluateAwards } from '../credentials/awards.ts';
import { answerShapeError, gradeAttempt, type AttemptGrade } from './grading.ts';
import { exportGift, giftLine, parseGift, ruleLine, schemaLine } from './gift.ts';
import { fromRow, normaliseQuestion, toEdit, toRowData, type QuizQuestion, type RuleBroken } from './questions.ts';
import {
  DEFAULT_SETTINGS,
  LIMITS,
  QuizSettingsSchema,
  questionInputSchemaFor,
  type AnswerInput,
  type AttemptResult,
  type AttemptSummary,
  type AttemptView,
  type ImportReport,
  type LearnerQuestion,
  type QuestionFeedback,
  type QuestionInput,
  type QuizEdit,
  type QuizEditInput,
  type QuizSettings,
  type QuizSummary,
} from './schema.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type AttemptRow = typeof attempts.$inferSelect;

/**
 * What an attempt froze when it started: the questions as they were (answer key included, never sent as is),
 * the order each learner saw, and the pass mark. Edits to the quiz afterwards change neither what an open
 * attempt shows nor how a finished one was graded.
 */
interface LayoutQuestion {
  q: QuizQuestion;
  /** choice ids (single/multiple) or item ids (ordering) in the order shown */
  order?: string[];
  /** matching: pair ids and answer ids in the order shown */
  left?: string[];
  right?: string[];
}
interface Layout {
  version: 1;
  passMark: number;
  questions: LayoutQuestion[];
}

/** Random integer in [0, n). Injectable so tests can pin shuffles. */
export type RandomInt = (n: number) => number;

export function shuffled<T>(items: readonly T[], rand: RandomInt): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rand(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** An ordering question shown in its correct order would answer itself: never show it that way. */
function shuffledAway(ids: string[], rand: RandomInt): string[] {
  for (let i = 0; i < 20; i++) {
    const s = shuffled(ids, rand);
    if (s.some((id, k) => id !== ids[k])) return s;
  }
  return [...ids.slice(1), ids[0]];
}

const iso = (ms: number) => new Date(ms).toISOString();
const TRUE_FALSE = [
  { id: 'true', label: 'True' },
  { id: 'false', label: 'False' },
];

function learnerQuestion(lq: LayoutQuestion): LearnerQuestion {
  const q = lq.q;
  const base = { id: q.id, type: q.type, text: renderMarkdown(q.text), points: q.points };
  const inline = (id: string, text: string) => ({ id, html: renderInlineMarkdown(text) });
  switch (q.type) {
    case 'single':
    case 'multiple': {
      const byId = new Map(q.choices.map((c) => [c.id, c]));
      return { ...base, choices: (lq.order ?? []).map((id) => inline(id, byId.get(id)!.text)) };
    }
    case 'trueFalse':
      return { ...base, choices: TRUE_FALSE.map((c) => ({ id: c.id, html: c.label })) };
    case 'ordering': {
      const byId = new Map(q.items.map((i) => [i.id, i]));
      return { ...base, items: (lq.order ?? []).map((id) => inline(id, byId.get(id)!.text)) };
    }
    case 'matching': {
      const pairs = new Map(q.pairs.map((p) => [p.id, p]));
      const rights = new Map(q.rights.map((r) => [r.id, r]));
      return {
        ...base,
        left: (lq.left ?? []).map((id) => inline(id, pairs.get(id)!.left)),
        right: (lq.right ?? []).map((id) => inline(id, rights.get(id)!.text)),
      };
    }
    default:
      return base;
  }
}

const html = (md: string | null) => (md ? renderMarkdown(md) : null);

function numericLabel(a: Extract<QuizQuestion, { type: 'numeric' }>['answers'][number]): string {
  if (a.min !== null && a.max !== null) return `${a.min} – ${a.max}`;
  if (!a.tolerance) return String(a.value);
  return a.relative ? `${a.value} ± ${Number((a.tolerance * 100).toFixed(6))} %` : `${a.value} ± ${a.tolerance}`;
}

/** The review of one answered question. Only called once the quiz's reveal rule allows it. */
function questionFeedback(lq: LayoutQuestion, value: unknown, graded: AttemptGrade['questions'][string] | undefined): QuestionFeedback {
  const q = lq.q;
  const g = graded ?? { score: 0, maxScore: q.points, outcome: 'unanswered' as const, matched: null };
  const out: QuestionFeedback = {
    questionId: q.id,
    type: q.type,
    score: g.score,
    maxScore: g.maxScore,
    outcome: g.outcome,
    answer: value ?? null,
    feedback: null,
    explanation: html(q.explanation),
  };
  switch (q.type) {
    case 'single':
    case 'multiple': {
      const picked = new Set(q.type === 'single' ? [value] : Array.isArray(value) ? value : []);
      const byId = new Map(q.choices.map((c) => [c.id, c]));
      out.choices = (lq.order ?? q.choices.map((c) => c.id)).map((id) => {
        const c = byId.get(id)!;
        return { id, html: renderInlineMarkdown(c.text), correct: c.correct, selected: picked.has(id), feedback: html(c.feedback) };
      });
      if (q.type === 'single') out.feedback = html(q.choices.find((c) => c.id === value)?.feedback ?? null);
      break;
    }
    case 'trueFalse':
      out.choices = TRUE_FALSE.map((c) => ({
        id: c.id,
        html: c.label,
        correct: (c.id === 'true') === q.answer,
        selected: value === c.id,
        feedback: html(c.id === 'true' ? q.feedbackTrue : q.feedbackFalse),
      }));
      out.feedback = value === 'true' ? html(q.feedbackTrue) : value === 'false' ? html(q.feedbackFalse) : null;
      break;
    case 'numeric':
      out.acceptedAnswers = q.answers.map((a) => ({ text: numericLabel(a), credit: a.credit }));
      out.feedback = g.matched !== null ? html(q.answers[g.matched].feedback) : g.outcome !== 'unanswered' ? html(q.wrongFeedback) : null;
      break;
    case 'text':
      out.acceptedAnswers = q.answers.map((a) => ({ text: a.text, credit: a.credit }));
      out.feedback = g.matched !== null ? html(q.answers[g.matched].feedback) : null;
      break;
    case 'ordering':
      out.correctOrder = q.items.map((i) => ({ id: i.id, html: renderInlineMarkdown(i.text) }));
      break;
    case 'matching': {
      const rightByText = new Map(q.rights.map((r) => [r.text, r]));
      const given = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, string>) : {};
      out.pairs = q.pairs.map((p) => {
        const right = rightByText.get(p.right)!;
        return {
          left: { id: p.id, html: renderInlineMarkdown(p.left) },
          right: { id: right.id, html: renderInlineMarkdown(right.text) },
          givenRightId: given[p.id] ?? null,
          correct: given[p.id] === right.id,
        };
      });
      break;
    }
  }
  return out;
}

export function createQuizService(deps: { db: Db; clock: Clock; randomInt?: RandomInt }) {
  const { db, clock } = deps;
  const rand: RandomInt = deps.randomInt ?? ((n) => randomInt(n));

  const asQuiz = (lesson: LessonRow) => {
    // Only quiz lessons have a quiz; for any other lesson the resource does not exist.
    if (lesson.kind !== 'quiz') throw notFound('quiz');
    return lesson;
  };

  function settingsOf(lessonId: string, from: Db | Tx = db): QuizSettings {
    const row = from.select({ settings: quizzes.settings }).from(quizzes).where(eq(quizzes.lessonId, lessonId)).get();
    const stored = (row?.settings ?? {}) as Record<string, unknown>;
    const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    // Stored settings were validated on write. Should one be unreadable (an older version wrote it), it falls
    // back to its default, except `reveal`, which falls back to the one that reveals nothing.
    for (const [key, schema] of Object.entries(QuizSettingsSchema.properties)) {
      if (!(key in stored)) continue;
      if (Value.Check(schema, stored[key])) settings[key] = stored[key];
      else if (key === 'reveal') settings.reveal = 'never';
    }
    return settings as QuizSettings;
  }

  const countOf = (table: typeof questions | typeof attempts, where: SQL | undefined, from: Db | Tx = db) =>
    from.select({ n: count() }).from(table).where(where).get()?.n ?? 0;

  const questionsOf = (lessonId: string, from: Db | Tx = db): QuizQuestion[] =>
    from.select().from(questions).where(eq(questions.lessonId, lessonId)).orderBy(asc(questions.position)).all().map(fromRow);

  const attemptsOf = (userId: string, lessonId: string, from: Db | Tx = db) =>
    from.select().from(attempts).where(and(eq(attempts.lessonId, lessonId), eq(attempts.userId, userId))).orderBy(asc(attempts.startedAt), asc(attempts.id)).all();

  /** An attempt of this user, or 404 (someone else's attempt does not exist for them); then the lesson rules. */
  function ownAttempt(user: UserRow, attemptId: string, from: Db | Tx = db): AttemptRow {
    const row = from.select().from(attempts).where(and(eq(attempts.id, attemptId), eq(attempts.userId, user.id))).get();
    if (!row) throw notFound('attempt');
    readableLesson(db, user, row.lessonId);
    return row;
  }

  /** Whether per-question feedback may be shown now, for this user's submitted attempts of this quiz. */
  function revealed(settings: QuizSettings, rows: AttemptRow[]): boolean {
    const submitted = rows.filter((r) => r.submittedAt !== null);
    switch (settings.reveal) {
      case 'afterEachAttempt':
        return true;
      case 'afterPassing':
        return submitted.some((r) => r.passed);
      case 'afterLastAttempt':
        return settings.maxAttempts !== null && submitted.length >= settings.maxAttempts;
      case 'never':
        return false;
    }
  }

  function resultOf(row: AttemptRow, show: boolean): AttemptResult {
    const layout = row.layout as unknown as Layout;
    const answers = row.answers as Record<string, unknown>;
    const graded = ((row.results ?? {}) as { questions?: AttemptGrade['questions'] }).questions ?? {};
    return {
      id: row.id,
      submittedAt: iso(row.submittedAt!),
      score: row.score!,
      maxScore: row.maxScore!,
      percent: row.percent!,
      passed: !!row.passed,
      revealed: show,
      feedback: show ? layout.questions.map((lq) => questionFeedback(lq, answers[lq.q.id], graded[lq.q.id])) : [],
    };
  }

  function viewOf(row: AttemptRow, show: boolean): AttemptView {
    const layout = row.layout as unknown as Layout;
    const answers = row.answers as Record<string, unknown>;
    return {
      id: row.id,
      lessonId: row.lessonId,
      startedAt: iso(row.startedAt),
      submittedAt: row.submittedAt === null ? null : iso(row.submittedAt),
      questions: layout.questions.map(learnerQuestion),
      answers: layout.questions.filter((lq) => lq.q.id in answers).map((lq) => ({ questionId: lq.q.id, value: answers[lq.q.id] })),
      result: row.submittedAt === null ? null : resultOf(row, show),
    };
  }

  /** Checks answers against the attempt's frozen questions and folds them into the saved ones. 400 on any error. */
  function mergeAnswers(row: AttemptRow, given: AnswerInput[], at: string): Record<string, unknown> {
    const layout = row.layout as unknown as Layout;
    const byId = new Map(layout.questions.map((lq) => [lq.q.id, lq.q]));
    const merged = { ...(row.answers as Record<string, unknown>) };
    const errors: FieldError[] = [];
    given.forEach((a, i) => {
      const q = byId.get(a.questionId);
      if (!q) return errors.push({ pointer: `${at}/${i}/questionId`, message: 'is not a question of this attempt' });
      const problem = answerShapeError(q, a.value);
      if (problem) return errors.push({ pointer: `${at}/${i}/value`, message: `${problem} (${q.type} question)` });
      if (a.value === null) delete merged[q.id];
      else merged[q.id] = a.value;
    });
    if (errors.length) throw badRequest(errors.map((e) => `${e.pointer} ${e.message}`).join('; '), errors);
    return merged;
  }

  function buildLayout(settings: QuizSettings, pool: QuizQuestion[]): Layout {
    let picked = pool;
    if (settings.drawCount !== null && settings.drawCount < pool.length) {
      const chosen = new Set(shuffled(pool, rand).slice(0, settings.drawCount).map((q) => q.id));
      picked = pool.filter((q) => chosen.has(q.id));
    }
    if (settings.shuffleQuestions) picked = shuffled(picked, rand);
    return {
      version: 1,
      passMark: settings.passMark,
      questions: picked.map((q): LayoutQuestion => {
        switch (q.type) {
          case 'single':
          case 'multiple': {
            const ids = q.choices.map((c) => c.id);
            return { q, order: settings.shuffleChoices ? shuffled(ids, rand) : ids };
          }
          case 'ordering':
            return { q, order: shuffledAway(q.items.map((i) => i.id), rand) };
          case 'matching': {
            const left = q.pairs.map((p) => p.id);
            return { q, left: settings.shuffleChoices ? shuffled(left, rand) : left, right: shuffled(q.rights.map((r) => r.id), rand) };
          }
          default:
            return { q };
        }
      }),
    };
  }

  /** Normalises a list of studio questions against the lesson's current ones (to keep their ids). */
  function normaliseAll(lessonId: string, input: QuestionInput[], at: (i: number) => string, from: Db | Tx = db) {
    const existing = new Map(questionsOf(lessonId, from).map((q) => [q.id, q]));
    const used = new Set<string>();
    const out: QuizQuestion[] = [];
    const errors: { index: number; errors: FieldError[]; rules: RuleBroken[] }[] = [];
    input.forEach((q, i) => {
      const keepId = q.id && existing.has(q.id) && !used.has(q.id) ? q.id : randomUUID();
      used.add(keepId);
      const r = normaliseQuestion(q, { id: keepId, prev: existing.get(keepId), at: at(i) });
      if (r.question) out.push(r.question);
      else errors.push({ index: i, errors: r.errors, rules: r.rules });
    });
    return { questions: out, errors };
  }

  function writeQuestions(tx: Tx, lessonId: string, list: QuizQuestion[], startAt: number) {
    const now = clock();
    list.forEach((q, i) => {
      tx.insert(questions).values({ id: q.id, lessonId, position: startAt + i, ...toRowData(q), createdAt: now, updatedAt: now }).run();
    });
  }

  function upsertSettings(tx: Tx, lessonId: string, settings: QuizSettings) {
    const now = clock();
    tx.insert(quizzes)
      .values({ lessonId, settings, updatedAt: now })
      .onConflictDoUpdate({ target: quizzes.lessonId, set: { settings, updatedAt: now } })
      .run();
  }

  function editView(lessonId: string): QuizEdit {
    const row = db.select({ updatedAt: quizzes.updatedAt }).from(quizzes).where(eq(quizzes.lessonId, lessonId)).get();
    return {
      lessonId,
      settings: settingsOf(lessonId),
      questions: questionsOf(lessonId).map(toEdit),
      updatedAt: row ? iso(row.updatedAt) : null,
    };
  }

  /** Replaces a quiz's questions (and settings) in one transaction; used by the studio and the demo seed. */
  function replaceQuiz(lessonId: string, input: QuizEditInput): void {
    const current = settingsOf(lessonId);
    const settings: QuizSettings = { ...current, ...(input.settings ?? {}) };
    const { questions: list, errors } = normaliseAll(lessonId, input.questions, (i) => `/body/questions/${i}`);
    const all = errors.flatMap((e) => e.errors);
    if (settings.drawCount !== null && settings.drawCount > list.length && !all.length) {
      all.push({ pointer: '/body/settings/drawCount', message: `cannot draw ${settings.drawCount} from ${list.length} questions` });
    }
    if (all.length) throw unprocessable(all.map((e) => `${e.pointer}: ${e.message}`).join('; '), all);
    db.transaction((tx) => {
      upsertSettings(tx, lessonId, settings);
      tx.delete(questions).where(eq(questions.lessonId, lessonId)).run();
      writeQuestions(tx, lessonId, list, 0);
      tx.update(lessons).set({ updatedAt: clock() }).where(eq(lessons.id, lessonId)).run();
    });
  }

  return {
    replaceQuiz,

    summary(user: UserRow, lessonId: string): QuizSummary {
      const { lesson } = readableLesson(db, user, lessonId);
      asQuiz(lesson);
      const settings = settingsOf(lessonId);
      const pool = countOf(questions, eq(questions.lessonId, lessonId));
      const rows = attemptsOf(user.id, lessonId);
      const open = rows.find((r) => r.submittedAt === null) ?? null;
      const submitted = rows.filter((r) => r.submittedAt !== null);
      const left = settings.maxAttempts === null ? null : Math.max(0, settings.maxAttempts - rows.length);
      const best = submitted.reduce<number | null>((b, r) => (b === null || r.percent! > b ? r.percent! : b), null);
      return {
        lessonId,
        title: lesson.title,
        passMark: settings.passMark,
        maxAttempts: settings.maxAttempts,
        mode: settings.mode,
        reveal: settings.reveal,
        questionCount: settings.drawCount === null ? pool : Math.min(settings.drawCount, pool),
        attemptsUsed: rows.length,
        attemptsLeft: left,
        openAttemptId: open?.id ?? null,
        bestPercent: best,
        passed: submitted.some((r) => r.passed),
        canStart: !!open || (pool > 0 && (left === null || left > 0)),
      };
    },

    /** Starts an attempt, or returns the open one: a learner has at most one unsubmitted attempt per quiz. */
    start(user: UserRow, lessonId: string): { view: AttemptView; created: boolean } {
      const { lesson } = readableLesson(db, user, lessonId);
      asQuiz(lesson);
      assertUnlocked({ db, clock }, user, lessonId);
      const { row, created } = db.transaction((tx) => {
        const open = tx
          .select()
          .from(attempts)
          .where(and(eq(attempts.lessonId, lessonId), eq(attempts.userId, user.id), isNull(attempts.submittedAt)))
          .get();
        if (open) return { row: open, created: false };
        const settings = settingsOf(lessonId, tx);
        const started = countOf(attempts, and(eq(attempts.lessonId, lessonId), eq(attempts.userId, user.id)), tx);
        if (settings.maxAttempts !== null && started >= settings.maxAttempts) {
          throw conflict(`You have used all ${settings.maxAttempts} attempts of this quiz.`, 'LEERPAD_NO_ATTEMPTS_LEFT');
        }
        const pool = questionsOf(lessonId, tx);
        if (!pool.length) throw conflict('This quiz has no questions yet.');
        const row: AttemptRow = {
          id: randomUUID(),
          lessonId,
          userId: user.id,
          layout: buildLayout(settings, pool) as unknown as Record<string, unknown>,
          answers: {},
          startedAt: clock(),
          submittedAt: null,
          score: null,
          maxScore: null,
          percent: null,
          passed: null,
          results: null,
        };
        tx.insert(attempts).values(row).run();
        return { row, created: true };
      });
      return { view: viewOf(row, false), created };
    },

    getAttempt(user: UserRow, attemptId: string): AttemptView {
      const row = ownAttempt(user, attemptId);
      const show = row.submittedAt !== null && revealed(settingsOf(row.lessonId), attemptsOf(user.id, row.lessonId));
      return viewOf(row, show);
    },

    saveAnswers(user: UserRow, attemptId: string, given: AnswerInput[]) {
      return db.transaction((tx) => {
        const row = ownAttempt(user, attemptId, tx);
        if (row.submittedAt !== null) throw conflict('This attempt has been submitted; its answers can no longer change.');
        const merged = mergeAnswers(row, given, '/body/answers');
        tx.update(attempts).set({ answers: merged }).where(eq(attempts.id, row.id)).run();
        const layout = row.layout as unknown as Layout;
        return {
          id: row.id,
          answers: layout.questions.filter((lq) => lq.q.id in merged).map((lq) => ({ questionId: lq.q.id, value: merged[lq.q.id] })),
        };
      });
    },

    /**
     * Grades and closes an attempt. Submitting again returns the stored result unchanged (a retried request
     * or a double click must not count twice), whatever answers come with it.
     */
    submit(user: UserRow, attemptId: string, given: AnswerInput[] | undefined): AttemptResult {
      let fresh = false;
      const row = db.transaction((tx) => {
        const row = ownAttempt(user, attemptId, tx);
        if (row.submittedAt !== null) return row;
        fresh = true;
        const answers = given?.length ? mergeAnswers(row, given, '/body/answers') : (row.answers as Record<string, unknown>);
        const layout = row.layout as unknown as Layout;
        const grade = gradeAttempt(layout.questions.map((lq) => lq.q), answers, layout.passMark);
        const done = {
          answers,
          submittedAt: clock(),
          score: grade.score,
          maxScore: grade.maxScore,
          percent: grade.percent,
          passed: grade.passed,
          results: { questions: grade.questions },
        };
        tx.update(attempts).set(done).where(and(eq(attempts.id, row.id), isNull(attempts.submittedAt))).run();
        return { ...row, ...done };
      });
      const settings = settingsOf(row.lessonId);
      if (fresh) {
        // A quiz lesson is complete once passed (graded) or submitted (practice). A better graded retake of a
        // lesson that was already complete can still earn a record of achievement, so awards are re-evaluated.
        const completes = settings.mode === 'practice' || !!row.passed;
        const { newlyCompleted } = completes ? markLessonComplete({ db, clock }, user.id, row.lessonId) : { newlyCompleted: false };
        if (!newlyCompleted && settings.mode !== 'practice') {
          const courseId = db.select({ courseId: lessons.courseId }).from(lessons).where(eq(lessons.id, row.lessonId)).get()?.courseId;
          if (courseId) evaluateAwards({ db, clock }, user.id, courseId);
        }
      }
      return resultOf(row, revealed(settings, attemptsOf(user.id, row.lessonId)));
    },

    history(user: UserRow, lessonId: string): { items: AttemptSummary[] } {
      const { lesson } = readableLesson(db, user, lessonId);
      asQuiz(lesson);
      const rows = attemptsOf(user.id, lessonId);
      const show = revealed(settingsOf(lessonId), rows);
      return {
        items: rows.reverse().map((row) => {
          const done = row.submittedAt !== null;
          return {
            id: row.id,
            startedAt: iso(row.startedAt),
            submittedAt: done ? iso(row.submittedAt!) : null,
            score: row.score,
            maxScore: row.maxScore,
            percent: row.percent,
            passed: done ? !!row.passed : null,
            revealed: done && show,
            feedback: done && show ? resultOf(row, true).feedback : [],
          };
        }),
      };
    },

    /** Throws unless this user may edit this lesson's quiz (401/403/404). */
    assertStudio(user: UserRow, lessonId: string): void {
      asQuiz(editableLesson(db, user, lessonId).lesson);
    },

    getEdit(user: UserRow, lessonId: string): QuizEdit {
      asQuiz(editableLesson(db, user, lessonId).lesson);
      return editView(lessonId);
    },

    putEdit(user: UserRow, lessonId: string, input: QuizEditInput): QuizEdit {
      asQuiz(editableLesson(db, user, lessonId).lesson);
      replaceQuiz(lessonId, input);
      return editView(lessonId);
    },

    /**
     * GIFT import, all or nothing per file: every question must be taken, or none is. A dry run reports the
     * same without writing. Problems are reported by line.
     */
    importGift(user: UserRow, lessonId: string, source: string, opts: { dryRun: boolean; mode: 'append' | 'replace' }): ImportReport {
      asQuiz(editableLesson(db, user, lessonId).lesson);
      const parsed = parseGift(source);
      const problems = [...parsed.problems];
      const taken: { line: number; category: string | null; input: QuestionInput }[] = [];
      for (const p of parsed.questions) {
        const schema = questionInputSchemaFor(p.question.type);
        const first = Value.Errors(schema, p.question).First();
        if (first) problems.push(schemaLine(p.line, first));
        else taken.push({ line: p.line, category: p.category, input: p.question });
      }
      const { questions: list, errors } = normaliseAll(lessonId, taken.map((t) => t.input), () => '');
      for (const e of errors) {
        e.errors.forEach((fe, j) => problems.push(ruleLine(taken[e.index].line, fe, e.rules[j])));
      }
      const existing = opts.mode === 'append' ? countOf(questions, eq(questions.lessonId, lessonId)) : 0;
      if (parsed.questions.length === 0 && problems.length === 0) problems.push(giftLine(1, 'GIFT_NO_QUESTIONS'));
      if (existing + list.length > LIMITS.questions) problems.push(giftLine(1, 'GIFT_TOO_MANY_QUESTIONS', { max: LIMITS.questions }));
      problems.sort((a, b) => a.line - b.line);

      const ok = problems.length === 0;
      const report: ImportReport = {
        dryRun: opts.dryRun,
        mode: opts.mode,
        ok,
        imported: 0,
        questions: list.map((q, i) => ({
          line: taken[i].line,
          type: q.type,
          title: q.title,
          text: q.text.length > 120 ? `${q.text.slice(0, 119)}…` : q.text,
          category: taken[i].category,
        })),
        problems,
        warnings: parsed.warnings,
      };
      if (opts.dryRun) return report;
      if (!ok) {
        throw unprocessable(
          `Nothing was imported: ${problems.length} problem${problems.length === 1 ? '' : 's'} (${problems.slice(0, 5).map((p) => `line ${p.line}: ${p.message}`).join('; ')}${problems.length > 5 ? '; …' : ''}).`,
          problems.map((p) => ({ pointer: `/body/line/${p.line}`, message: p.message })),
        );
      }
      db.transaction((tx) => {
        upsertSettings(tx, lessonId, settingsOf(lessonId, tx));
        if (opts.mode === 'replace') tx.delete(questions).where(eq(questions.lessonId, lessonId)).run();
        writeQuestions(tx, lessonId, list, existing);
        tx.update(lessons).set({ updatedAt: clock() }).where(eq(lessons.id, lessonId)).run();
      });
      return { ...report, imported: list.length };
    },

    exportGift(user: UserRow, lessonId: string): { filename: string; text: string } {
      const { lesson } = editableLesson(db, user, lessonId);
      asQuiz(lesson);
      const slug = lesson.title.normalize('NFKD').replace(/[^\w\s-]/g, '').trim().replace(/[\s_-]+/g, '-').toLowerCase().slice(0, 60) || 'quiz';
      return { filename: `${slug}.gift.txt`, text: exportGift(questionsOf(lessonId), { title: lesson.title }) };
    },
  };
}
export type QuizService = ReturnType<typeof createQuizService>;
