import type { LightMyRequestResponse } from 'fastify';
import { beforeEach, describe, expect, test } from 'vitest';
import { as, type Actor, type TestApp } from '../helpers/app.ts';
import { buildQuizTestApp, putQuiz, quizWorld } from '../helpers/quiz-fixtures.ts';
import { AttemptViewSchema, LearnerQuestionSchema, QuizSummarySchema, type QuestionInput } from '../../server/quizzes/schema.ts';

/**
 * The answer-key leak test. Every correct answer, choice feedback, explanation and title is seeded with a
 * marker string; a learner takes the quiz through the API and every response body is recorded. Before
 * submission no marker may appear (nor any key that could carry correctness); after submission only as the
 * quiz's reveal setting allows.
 */
const M = {
  title: 'ZQTITLE',
  explanation: 'ZQEXPLAIN',
  singleRightFb: 'ZQFBSINGLERIGHT',
  singleWrongFb: 'ZQFBSINGLEWRONG',
  multiFb: 'ZQFBMULTI',
  tfTrue: 'ZQFBTFTRUE',
  tfFalse: 'ZQFBTFFALSE',
  numValue: '987654.321',
  numMin: '424242',
  numMax: '434343',
  numFb: 'ZQFBNUMRIGHT',
  numWrong: 'ZQFBNUMWRONG',
  textAnswer: 'ZQTEXTANSWER',
  textAlt: 'ZQTEXTALT',
  textFb: 'ZQFBTEXT',
};
const MARKERS = Object.values(M);

const markedQuiz: QuestionInput[] = [
  {
    type: 'single',
    title: `${M.title} single`,
    text: 'Pick one',
    explanation: `${M.explanation} single`,
    choices: [
      { text: 'Alpha', correct: true, feedback: M.singleRightFb },
      { text: 'Beta', correct: false, credit: 50, feedback: M.singleWrongFb },
      { text: 'Gamma', correct: false },
    ],
  },
  {
    type: 'multiple',
    title: `${M.title} multiple`,
    text: 'Pick some',
    scoring: 'weights',
    explanation: `${M.explanation} multiple`,
    choices: [
      { text: 'One', correct: true, weight: 50, feedback: `${M.multiFb} one` },
      { text: 'Two', correct: true, weight: 50 },
      { text: 'Three', correct: false, weight: -100, feedback: `${M.multiFb} three` },
    ],
  },
  { type: 'trueFalse', title: `${M.title} tf`, text: 'True?', answer: true, feedbackTrue: M.tfTrue, feedbackFalse: M.tfFalse, explanation: `${M.explanation} tf` },
  {
    type: 'numeric',
    title: `${M.title} numeric`,
    text: 'A number',
    answers: [{ value: Number(M.numValue), tolerance: 0.5, feedback: M.numFb }, { min: Number(M.numMin), max: Number(M.numMax), credit: 50 }],
    wrongFeedback: M.numWrong,
    explanation: `${M.explanation} numeric`,
  },
  { type: 'text', title: `${M.title} text`, text: 'A word', answers: [{ text: M.textAnswer, feedback: M.textFb }, { text: M.textAlt, credit: 50 }], explanation: `${M.explanation} text` },
  { type: 'ordering', title: `${M.title} ordering`, text: 'Order', items: [{ text: 'first' }, { text: 'second' }, { text: 'third' }], explanation: `${M.explanation} ordering` },
  {
    type: 'matching',
    title: `${M.title} matching`,
    text: 'Match',
    pairs: [{ left: 'L1', right: 'R1' }, { left: 'L2', right: 'R2' }],
    distractors: ['R3'],
    explanation: `${M.explanation} matching`,
  },
];

/** Keys that would carry an answer key or feedback; none may appear in a learner's body before reveal. (A
 * question title is checked by its marker: the summary's `title` is the lesson's.) */
const KEY_FIELDS = ['correct', 'credit', 'weight', 'feedback', 'feedbackTrue', 'feedbackFalse', 'wrongFeedback', 'explanation', 'answer', 'acceptedAnswers', 'correctOrder', 'pairs', 'rights', 'distractors', 'scoring', 'tolerance', 'min', 'max', 'caseSensitive'];

function keysIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => keysIn(v, into));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      // an empty list (history's `feedback: []` before review) carries nothing
      if (!(Array.isArray(v) && v.length === 0)) into.add(k);
      keysIn(v, into);
    }
  }
  return into;
}

class Recorder {
  bodies: { label: string; body: string }[] = [];
  constructor(
    private t: TestApp,
    private actor: Actor,
  ) {}
  private async keep(label: string, res: Promise<LightMyRequestResponse>) {
    const r = await res;
    this.bodies.push({ label, body: r.body });
    return r;
  }
  get = (url: string) => this.keep(`GET ${url}`, as(this.t, this.actor).get(url));
  post = (url: string, body?: unknown) => this.keep(`POST ${url}`, as(this.t, this.actor).post(url, body));
  put = (url: string, body?: unknown) => this.keep(`PUT ${url}`, as(this.t, this.actor).put(url, body));
  markersSeen() {
    return [...new Set(this.bodies.flatMap((b) => MARKERS.filter((m) => b.body.includes(m))))];
  }
  clear() {
    this.bodies = [];
  }
}

let t: TestApp;
let w: Awaited<ReturnType<typeof quizWorld>>;
beforeEach(async () => {
  t = await buildQuizTestApp();
  w = await quizWorld(t);
});

/** Takes the quiz as far as possible without submitting: every learner-facing route, good and bad requests. */
async function takeWithoutSubmitting(rec: Recorder, lessonId: string) {
  await rec.get(`/api/lessons/${lessonId}/quiz`);
  const start = await rec.post(`/api/lessons/${lessonId}/quiz/attempts`);
  expect(start.statusCode).toBeLessThan(300);
  const attempt = start.json();
  await rec.post(`/api/lessons/${lessonId}/quiz/attempts`);
  await rec.get(`/api/attempts/${attempt.id}`);
  await rec.get(`/api/lessons/${lessonId}/quiz/attempts`);
  const byType = Object.fromEntries(attempt.questions.map((q: { type: string }) => [q.type, q])) as Record<string, { id: string; choices?: { id: string }[]; items?: { id: string }[]; left?: { id: string }[]; right?: { id: string }[] }>;
  const answers = [
    { questionId: byType.single.id, value: byType.single.choices![0].id },
    { questionId: byType.multiple.id, value: [byType.multiple.choices![0].id] },
    { questionId: byType.trueFalse.id, value: 'false' },
    { questionId: byType.numeric.id, value: 1 },
    { questionId: byType.text.id, value: 'guess' },
    { questionId: byType.ordering.id, value: byType.ordering.items!.map((i) => i.id) },
    { questionId: byType.matching.id, value: { [byType.matching.left![0].id]: byType.matching.right![0].id } },
  ];
  expect((await rec.put(`/api/attempts/${attempt.id}/answers`, { answers })).statusCode).toBe(200);
  // wrong shapes and strangers: error bodies must not help either
  for (const [type, value] of Object.entries({ single: 'nope', multiple: ['nope'], trueFalse: 'maybe', numeric: 'x', text: 1, ordering: ['nope'], matching: { nope: 'x' } })) {
    expect((await rec.put(`/api/attempts/${attempt.id}/answers`, { answers: [{ questionId: byType[type].id, value }] })).statusCode).toBe(400);
  }
  await rec.put(`/api/attempts/${attempt.id}/answers`, { answers: [{ questionId: 'not-in-attempt', value: 1 }] });
  for (const url of [`/api/lessons/${lessonId}/quiz/edit`, `/api/lessons/${lessonId}/quiz/export.gift`]) expect((await rec.get(url)).statusCode).toBe(403);
  await rec.get(`/api/attempts/${attempt.id}`);
  return { attempt, answers, byType };
}

describe('API leak test', () => {
  test('the markers are real: the studio sees them all', async () => {
    const edit = await putQuiz(t, w.lecturer, w.lessonId, { questions: markedQuiz });
    const text = JSON.stringify(edit);
    for (const m of MARKERS) expect(text).toContain(m);
  });

  for (const reveal of ['afterEachAttempt', 'afterPassing', 'afterLastAttempt', 'never'] as const) {
    test(`nothing before submission (reveal=${reveal}, shuffled)`, async () => {
      await putQuiz(t, w.lecturer, w.lessonId, { settings: { reveal, shuffleQuestions: true, shuffleChoices: true, maxAttempts: 3 }, questions: markedQuiz });
      const rec = new Recorder(t, w.learner);
      await takeWithoutSubmitting(rec, w.lessonId);
      expect(rec.markersSeen()).toEqual([]);
      for (const b of rec.bodies) {
        if (!b.body.startsWith('{')) continue;
        const keys = keysIn(JSON.parse(b.body));
        expect(KEY_FIELDS.filter((k) => keys.has(k)), b.label).toEqual([]);
      }
    });
  }

  test('afterEachAttempt: feedback right after submitting', async () => {
    await putQuiz(t, w.lecturer, w.lessonId, { settings: { reveal: 'afterEachAttempt' }, questions: markedQuiz });
    const rec = new Recorder(t, w.learner);
    const { attempt } = await takeWithoutSubmitting(rec, w.lessonId);
    rec.clear();
    const result = (await rec.post(`/api/attempts/${attempt.id}/submit`)).json();
    expect(result.revealed).toBe(true);
    expect(rec.markersSeen().sort()).toEqual(MARKERS.filter((m) => m !== M.title && m !== M.textFb && m !== M.numFb).sort());
    // titles never reach learners; answer-specific feedback only for the answer given
    expect(rec.markersSeen()).not.toContain(M.title);
  });

  test('never: score only, in the result, the attempt and the history', async () => {
    await putQuiz(t, w.lecturer, w.lessonId, { settings: { reveal: 'never', maxAttempts: 1 }, questions: markedQuiz });
    const rec = new Recorder(t, w.learner);
    const { attempt } = await takeWithoutSubmitting(rec, w.lessonId);
    const result = (await rec.post(`/api/attempts/${attempt.id}/submit`)).json();
    expect(result).toMatchObject({ revealed: false, feedback: [] });
    expect(typeof result.score).toBe('number');
    await rec.post(`/api/attempts/${attempt.id}/submit`);
    const view = (await rec.get(`/api/attempts/${attempt.id}`)).json();
    expect(view.result).toMatchObject({ revealed: false, feedback: [] });
    await rec.get(`/api/lessons/${w.lessonId}/quiz/attempts`);
    await rec.get(`/api/lessons/${w.lessonId}/quiz`);
    await rec.post(`/api/lessons/${w.lessonId}/quiz/attempts`); // 409: no attempts left
    expect(rec.markersSeen()).toEqual([]);
  });

  test('afterPassing: nothing after a failed attempt, everything once passed', async () => {
    await putQuiz(t, w.lecturer, w.lessonId, { settings: { reveal: 'afterPassing', passMark: 50 }, questions: markedQuiz });
    const rec = new Recorder(t, w.learner);
    const { attempt } = await takeWithoutSubmitting(rec, w.lessonId);
    const failed = (await rec.post(`/api/attempts/${attempt.id}/submit`)).json();
    expect(failed).toMatchObject({ passed: false, revealed: false, feedback: [] });
    await rec.get(`/api/lessons/${w.lessonId}/quiz/attempts`);
    await rec.get(`/api/attempts/${attempt.id}`);
    expect(rec.markersSeen()).toEqual([]);

    // pass the second attempt with the key from the studio
    const edit = (await as(t, w.lecturer).get(`/api/lessons/${w.lessonId}/quiz/edit`)).json();
    const second = (await rec.post(`/api/lessons/${w.lessonId}/quiz/attempts`)).json();
    const q = (type: string) => edit.questions.find((x: { type: string }) => x.type === type);
    const answers = [
      { questionId: q('single').id, value: q('single').choices[0].id },
      { questionId: q('multiple').id, value: [q('multiple').choices[0].id, q('multiple').choices[1].id] },
      { questionId: q('trueFalse').id, value: 'true' },
      { questionId: q('numeric').id, value: Number(M.numValue) },
      { questionId: q('text').id, value: M.textAnswer.toLowerCase() },
    ];
    rec.clear();
    const passed = (await rec.post(`/api/attempts/${second.id}/submit`, { answers })).json();
    expect(passed).toMatchObject({ passed: true, revealed: true });
    expect(passed.feedback).toHaveLength(7);
    const history = (await rec.get(`/api/lessons/${w.lessonId}/quiz/attempts`)).json();
    expect(history.items.map((i: { revealed: boolean }) => i.revealed)).toEqual([true, true]);
    expect(rec.markersSeen()).toEqual(expect.arrayContaining([M.explanation, M.singleRightFb, M.textAnswer, M.textFb, M.numFb, M.numValue]));
  });

  test('afterLastAttempt: nothing until the last allowed attempt is in', async () => {
    await putQuiz(t, w.lecturer, w.lessonId, { settings: { reveal: 'afterLastAttempt', maxAttempts: 2 }, questions: markedQuiz });
    const rec = new Recorder(t, w.learner);
    const { attempt } = await takeWithoutSubmitting(rec, w.lessonId);
    expect((await rec.post(`/api/attempts/${attempt.id}/submit`)).json()).toMatchObject({ revealed: false });
    const second = (await rec.post(`/api/lessons/${w.lessonId}/quiz/attempts`)).json();
    await rec.get(`/api/attempts/${second.id}`);
    await rec.get(`/api/lessons/${w.lessonId}/quiz/attempts`);
    expect(rec.markersSeen()).toEqual([]);
    rec.clear();
    expect((await rec.post(`/api/attempts/${second.id}/submit`)).json()).toMatchObject({ revealed: true });
    expect((await rec.get(`/api/attempts/${attempt.id}`)).json().result.revealed).toBe(true);
    expect(rec.markersSeen()).toEqual(expect.arrayContaining([M.explanation, M.textAnswer, M.numValue, M.numMin, M.numMax]));
  });

  test('with unlimited attempts, afterLastAttempt never reveals', async () => {
    await putQuiz(t, w.lecturer, w.lessonId, { settings: { reveal: 'afterLastAttempt', maxAttempts: null }, questions: markedQuiz });
    const rec = new Recorder(t, w.learner);
    for (let i = 0; i < 3; i++) {
      const a = (await rec.post(`/api/lessons/${w.lessonId}/quiz/attempts`)).json();
      expect((await rec.post(`/api/attempts/${a.id}/submit`)).json().revealed).toBe(false);
    }
    expect(rec.markersSeen()).toEqual([]);
  });

  test('an unreadable stored reveal setting reveals nothing', async () => {
    await putQuiz(t, w.lecturer, w.lessonId, { settings: { reveal: 'afterEachAttempt' }, questions: markedQuiz });
    t.db.$client.prepare(`UPDATE quizzes SET settings = json_set(settings, '$.reveal', 'sometimes') WHERE lesson_id = ?`).run(w.lessonId);
    const rec = new Recorder(t, w.learner);
    const a = (await rec.post(`/api/lessons/${w.lessonId}/quiz/attempts`)).json();
    expect((await rec.post(`/api/attempts/${a.id}/submit`)).json()).toMatchObject({ revealed: false, feedback: [] });
    expect((await rec.get(`/api/lessons/${w.lessonId}/quiz`)).json().reveal).toBe('never');
    expect(rec.markersSeen()).toEqual([]);
  });

  test('the learner schemas have no field that could hold a key', () => {
    const learnerKeys = keysIn(JSON.parse(JSON.stringify([LearnerQuestionSchema, QuizSummarySchema, AttemptViewSchema.properties.questions])));
    // schema keywords aside, the property names learners can receive before review:
    const props = [...Object.keys(LearnerQuestionSchema.properties), ...Object.keys(QuizSummarySchema.properties)];
    expect(props.filter((p) => KEY_FIELDS.includes(p))).toEqual([]);
    expect(learnerKeys.has('correct')).toBe(false);
  });
});
