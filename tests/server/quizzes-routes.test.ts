import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, test } from 'vitest';
import { attempts, enrolments, questions } from '../../db/schema/index.ts';
import { as, expectProblem, type TestApp } from '../helpers/app.ts';
import { buildQuizTestApp, everyType, putQuiz, quizWorld } from '../helpers/quiz-fixtures.ts';
import { normaliseQuestion, toEdit } from '../../server/quizzes/questions.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/gift/${name}`, import.meta.url), 'utf8');

function multipart(field: string, filename: string, content: string | Buffer) {
  const boundary = '----leerpadtestboundary7MA4YWxkTrZu0gW';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, Buffer.from(content), tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

let t: TestApp;
let w: Awaited<ReturnType<typeof quizWorld>>;
beforeEach(async () => {
  t = await buildQuizTestApp();
  w = await quizWorld(t);
});

type Q = { id: string; type: string; choices?: { id: string; html: string }[]; items?: { id: string; html: string }[]; left?: { id: string; html: string }[]; right?: { id: string; html: string }[] };
const questionCount = () => t.db.select().from(questions).where(eq(questions.lessonId, w.lessonId)).all().length;

describe('who may do what', () => {
  beforeEach(async () => {
    await putQuiz(t, w.lecturer, w.lessonId, { questions: everyType() });
    await putQuiz(t, w.lecturer, w.draftLessonId, { questions: everyType().slice(0, 2) });
  });

  const learnerRoutes = (lessonId: string) => [
    ['get', `/api/lessons/${lessonId}/quiz`],
    ['post', `/api/lessons/${lessonId}/quiz/attempts`],
    ['get', `/api/lessons/${lessonId}/quiz/attempts`],
  ] as const;
  const studioRoutes = (lessonId: string) => [
    ['get', `/api/lessons/${lessonId}/quiz/edit`],
    ['put', `/api/lessons/${lessonId}/quiz/edit`],
    ['post', `/api/lessons/${lessonId}/quiz/import?dryRun=true`],
    ['get', `/api/lessons/${lessonId}/quiz/export.gift`],
  ] as const;
  const call = (actor: Parameters<typeof as>[1], method: 'get' | 'post' | 'put', url: string) => {
    if (url.includes('/import')) return as(t, actor).post(url, 'Q {T}', TEXT);
    if (url.includes('/attempts/') && method !== 'get') return as(t, actor)[method](url, { answers: [] });
    if (method === 'put') return as(t, actor).put(url, { questions: everyType().slice(0, 2) });
    return as(t, actor)[method](url);
  };

  test('anonymous: 401 everywhere', async () => {
    for (const [m, url] of [...learnerRoutes(w.lessonId), ...studioRoutes(w.lessonId), ['get', '/api/attempts/x'], ['put', '/api/attempts/x/answers'], ['post', '/api/attempts/x/submit']] as const) {
      expectProblem(await call(null, m, url), 401, 'LEERPAD_UNAUTHENTICATED');
    }
  });

  test('a learner not enrolled: 403 on a published course, 404 on a draft', async () => {
    for (const [m, url] of [...learnerRoutes(w.lessonId), ...studioRoutes(w.lessonId)]) expectProblem(await call(w.stranger, m, url), 403);
    for (const [m, url] of [...learnerRoutes(w.draftLessonId), ...studioRoutes(w.draftLessonId)]) expectProblem(await call(w.stranger, m, url), 404);
  });

  test('an enrolled learner takes the quiz but has no studio; a draft course stays hidden even when enrolled', async () => {
    for (const [m, url] of learnerRoutes(w.lessonId)) expect((await call(w.learner, m, url)).statusCode).toBeLessThan(300);
    for (const [m, url] of studioRoutes(w.lessonId)) expectProblem(await call(w.learner, m, url), 403);
    for (const [m, url] of [...learnerRoutes(w.draftLessonId), ...studioRoutes(w.draftLessonId)]) expectProblem(await call(w.learner, m, url), 404);
  });

  test('another lecturer: 403 on a published course, 404 on a draft', async () => {
    for (const [m, url] of [...learnerRoutes(w.lessonId), ...studioRoutes(w.lessonId)]) expectProblem(await call(w.otherLecturer, m, url), 403);
    for (const [m, url] of [...learnerRoutes(w.draftLessonId), ...studioRoutes(w.draftLessonId)]) expectProblem(await call(w.otherLecturer, m, url), 404);
  });

  test('course staff and platform admins: everything, also on a draft', async () => {
    for (const actor of [w.lecturer, w.admin]) {
      for (const [m, url] of [...learnerRoutes(w.draftLessonId), ...studioRoutes(w.draftLessonId)]) {
        const res = await call(actor, m, url);
        expect(res.statusCode, `${m} ${url}: ${res.body}`).toBeLessThan(300);
      }
    }
  });

  test('no quiz on a lesson of another kind, nor on a lesson that does not exist', async () => {
    for (const id of [w.textLessonId, 'no-such-lesson']) {
      for (const [m, url] of [...learnerRoutes(id), ...studioRoutes(id)]) expectProblem(await call(w.lecturer, m, url), 404, 'LEERPAD_NOT_FOUND');
    }
  });

  test('cross-site writes are refused before anything else', async () => {
    const res = await as(t, w.learner).post(`/api/lessons/${w.lessonId}/quiz/attempts`, undefined, { origin: 'https://evil.example' });
    expectProblem(res, 403, 'LEERPAD_CSRF');
  });
});

describe('taking a quiz', () => {
  beforeEach(async () => {
    await putQuiz(t, w.lecturer, w.lessonId, { settings: { maxAttempts: 2, passMark: 60 }, questions: everyType() });
  });
  const L = () => as(t, w.learner);

  test('summary before and after attempts', async () => {
    const before = await L().get(`/api/lessons/${w.lessonId}/quiz`);
    expect(before.json()).toEqual({
      lessonId: w.lessonId,
      title: 'A quiz lesson',
      passMark: 60,
      maxAttempts: 2,
      mode: 'graded',
      reveal: 'afterEachAttempt',
      questionCount: 7,
      attemptsUsed: 0,
      attemptsLeft: 2,
      openAttemptId: null,
      bestPercent: null,
      passed: false,
      canStart: true,
    });
    const started = await L().post(`/api/lessons/${w.lessonId}/quiz/attempts`);
    const mid = (await L().get(`/api/lessons/${w.lessonId}/quiz`)).json();
    expect(mid).toMatchObject({ attemptsUsed: 1, attemptsLeft: 1, openAttemptId: started.json().id, canStart: true });
  });

  test('start returns the questions without keys; starting again returns the same open attempt', async () => {
    const first = await L().post(`/api/lessons/${w.lessonId}/quiz/attempts`);
    expect(first.statusCode).toBe(201);
    const body = first.json();
    expect(body.questions.map((q: Q) => q.type)).toEqual(['single', 'multiple', 'trueFalse', 'numeric', 'text', 'ordering', 'matching']);
    expect(Object.keys(body.questions[0]).sort()).toEqual(['choices', 'id', 'points', 'text', 'type']);
    expect(Object.keys(body.questions[0].choices[0]).sort()).toEqual(['html', 'id']);
    expect(body.questions[0].text).toBe('<p>Wat is de hoofdstad van <strong>België</strong>?</p>\n');
    expect(body.questions[2].choices).toEqual([{ id: 'true', html: 'True' }, { id: 'false', html: 'False' }]);
    expect(Object.keys(body.questions[3]).sort()).toEqual(['id', 'points', 'text', 'type']);
    const again = await L().post(`/api/lessons/${w.lessonId}/quiz/attempts`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(body);
    expect(t.db.select().from(attempts).all()).toHaveLength(1);
  });

  test('an ordering question is never shown in its correct order', async () => {
    await putQuiz(t, w.lecturer, w.lessonId, { settings: { maxAttempts: null }, questions: [{ type: 'ordering', text: 'o', items: [{ text: 'a' }, { text: 'b' }] }] });
    const edit = (await as(t, w.lecturer).get(`/api/lessons/${w.lessonId}/quiz/edit`)).json();
    const key = edit.questions[0].items.map((i: { id: string }) => i.id);
    for (let i = 0; i < 8; i++) {
      const a = (await L().post(`/api/lessons/${w.lessonId}/quiz/attempts`)).json();
      expect(a.questions[0].items.map((x: { id: string }) => x.id)).toEqual([...key].reverse());
      await L().post(`/api/attempts/${a.id}/submit`, {});
    }
  });

  test('save answers, resume, submit, see the result; submitting twice counts once', async () => {
    const a = (await L().post(`/api/lessons/${w.lessonId}/quiz/attempts`)).json();
    const edit = (await as(t, w.lecturer).get(`/api/lessons/${w.lessonId}/quiz/edit`)).json();
    const [single, multiple, tf, numeric, text, ordering, matching] = edit.questions;
    const rightId = (text: string) => (a.questions[6] as Q).right!.find((r) => r.html === text)!.id;
    const answers = [
      { questionId: single.id, value: single.choices[0].id },
      { questionId: multiple.id, value: [multiple.choices[0].id] }, // half of the primes
      { questionId: tf.id, value: 'false' },
      { questionId: numeric.id, value: 3.2 }, // in the 50 % range
    ];
    const saved = await L().put(`/api/attempts/${a.id}/answers`, { answers });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().answers).toHaveLength(4);

    // resume shows the saved answers
    const resumed = (await L().get(`/api/attempts/${a.id}`)).json();
    expect(resumed.answers).toEqual(answers);
    expect(resumed.result).toBeNull();

    // clearing one, then final answers with the submit
    await L().put(`/api/attempts/${a.id}/answers`, { answers: [{ questionId: numeric.id, value: null }] });
    const final = [
      { questionId: numeric.id, value: 3.141 },
      { questionId: text.id, value: '  multatuli ' },
      { questionId: ordering.id, value: ordering.items.map((i: { id: string }) => i.id) },
      { questionId: matching.id, value: { [matching.pairs[0].id]: rightId('Brussels'), [matching.pairs[1].id]: rightId('Lyon') } },
    ];
    const submitted = await L().post(`/api/attempts/${a.id}/submit`, { answers: final });
    expect(submitted.statusCode).toBe(200);
    const result = submitted.json();
    expect(result).toMatchObject({ id: a.id, score: 5.8333, maxScore: 7, percent: 83.33, passed: true, revealed: true });
    expect(result.feedback.map((f: { outcome: string }) => f.outcome)).toEqual(['correct', 'partial', 'correct', 'correct', 'correct', 'correct', 'partial']);

    // the same again: 200, same stored result, no new grading, even with other answers
    t.clock.advance(60_000);
    const twice = await L().post(`/api/attempts/${a.id}/submit`, { answers: [{ questionId: tf.id, value: 'true' }] });
    expect(twice.statusCode).toBe(200);
    expect(twice.json()).toEqual(result);
    const summary = (await L().get(`/api/lessons/${w.lessonId}/quiz`)).json();
    expect(summary).toMatchObject({ attemptsUsed: 1, attemptsLeft: 1, bestPercent: 83.33, passed: true, openAttemptId: null });

    // answers of a submitted attempt cannot change
    expectProblem(await L().put(`/api/attempts/${a.id}/answers`, { answers: [] }), 409);

    // history, newest first
    const history = (await L().get(`/api/lessons/${w.lessonId}/quiz/attempts`)).json();
    expect(history.items).toHaveLength(1);
    expect(history.items[0]).toMatchObject({ id: a.id, percent: 83.33, passed: true, revealed: true });
    expect(history.items[0].feedback).toEqual(result.feedback);
  });

  test('attempt limit: the third start is a 409 problem', async () => {
    for (let i = 0; i < 2; i++) {
      const a = (await L().post(`/api/lessons/${w.lessonId}/quiz/attempts`)).json();
      await L().post(`/api/attempts/${a.id}/submit`);
    }
    expectProblem(await L().post(`/api/lessons/${w.lessonId}/quiz/attempts`), 409, 'LEERPAD_NO_ATTEMPTS_LEFT');
    expect((await L().get(`/api/lessons/${w.lessonId}/quiz`)).json()).toMatchObject({ attemptsUsed: 2, attemptsLeft: 0, canStart: false });
    const history = (await L().get(`/api/lessons/${w.lessonId}/quiz/attempts`)).json();
    expect(history.items).toHaveLength(2);
    // another learner's allowance is their own
    const res = await as(t, w.lecturer).post(`/api/lessons/${w.lessonId}/quiz/attempts`);
    expect(res.statusCode).toBe(201);
  });

  test("someone else's attempt does not exist for you", async () => {
    const a = (await L().post(`/api/lessons/${w.lessonId}/quiz/attempts`)).json();
    for (const actor of [w.lecturer, w.stranger, w.admin]) {
      expectProblem(await as(t, actor).get(`/api/attempts/${a.id}`), 404);
      expectProblem(await as(t, actor).put(`/api/attempts/${a.id}/answers`, { answers: [] }), 404);
      expectProblem(await as(t, actor).post(`/api/attempts/${a.id}/submit`, {}), 404);
    }
    expect(t.db.select().from(attempts).where(eq(attempts.id, a.id)).get()!.submittedAt).toBeNull();
    expectProblem(await L().get('/api/attempts/does-not-exist'), 404);
  });

  test('answers to a question not in the attempt, or of the wrong shape, are a 400 and save nothing', async () => {
    await putQuiz(t, w.lecturer, w.lessonId, { settings: { drawCount: 3 }, questions: everyType() });
    const a = (await L().post(`/api/lessons/${w.lessonId}/quiz/attempts`)).json();
    expect(a.questions).toHaveLength(3);
    const edit = (await as(t, w.lecturer).get(`/api/lessons/${w.lessonId}/quiz/edit`)).json();
    const drawn = new Set(a.questions.map((q: Q) => q.id));
    const notDrawn = edit.questions.find((q: { id: string }) => !drawn.has(q.id));
    const first = a.questions[0] as Q;

    const res = await L().put(`/api/attempts/${a.id}/answers`, { answers: [{ questionId: notDrawn.id, value: 'x' }] });
    expect(expectProblem(res, 400).errors).toEqual([{ pointer: '/body/answers/0/questionId', message: 'is not a question of this attempt' }]);
    expectProblem(await L().post(`/api/attempts/${a.id}/submit`, { answers: [{ questionId: 'made-up', value: 1 }] }), 400);
    expect(t.db.select().from(attempts).where(eq(attempts.id, a.id)).get()!.submittedAt).toBeNull();

    const wrong = { single: 42, multiple: 'x', trueFalse: true, numeric: '3', text: 7, ordering: ['a'], matching: ['a'] }[first.type];
    const bad = await L().put(`/api/attempts/${a.id}/answers`, { answers: [{ questionId: first.id, value: 'fine-or-not' }, { questionId: first.id, value: wrong }] });
    const problem = expectProblem(bad, 400);
    expect(problem.errors!.map((e) => e.pointer)).toContain('/body/answers/1/value');
    expect((await L().get(`/api/attempts/${a.id}`)).json().answers).toEqual([]);

    expectProblem(await L().put(`/api/attempts/${a.id}/answers`, { answers: [{ questionId: first.id }] }), 400, 'LEERPAD_VALIDATION');
    expectProblem(await L().put(`/api/attempts/${a.id}/answers`, { answers: [], extra: 1 }), 400, 'LEERPAD_VALIDATION');
  });

  test('an attempt keeps the questions it started with when the lecturer edits the quiz', async () => {
    const a = (await L().post(`/api/lessons/${w.lessonId}/quiz/attempts`)).json();
    const tf = a.questions[2] as Q;
    await putQuiz(t, w.lecturer, w.lessonId, { questions: [{ type: 'trueFalse', text: 'Other', answer: true }] });
    const resumed = (await L().get(`/api/attempts/${a.id}`)).json();
    expect(resumed.questions).toEqual(a.questions);
    const result = (await L().post(`/api/attempts/${a.id}/submit`, { answers: [{ questionId: tf.id, value: 'false' }] })).json();
    expect(result).toMatchObject({ score: 1, maxScore: 7 });
  });

  test('a learner who unenrolled can no longer submit', async () => {
    const a = (await L().post(`/api/lessons/${w.lessonId}/quiz/attempts`)).json();
    t.db.update(enrolments).set({ status: 'unenrolled' }).where(eq(enrolments.userId, w.learner.id)).run();
    expectProblem(await L().post(`/api/attempts/${a.id}/submit`, {}), 403);
  });

  test('a quiz without questions cannot be started', async () => {
    await putQuiz(t, w.lecturer, w.lessonId, { questions: [] });
    expect((await L().get(`/api/lessons/${w.lessonId}/quiz`)).json()).toMatchObject({ questionCount: 0, canStart: false });
    expectProblem(await L().post(`/api/lessons/${w.lessonId}/quiz/attempts`), 409, 'LEERPAD_CONFLICT');
  });

  test('draw N from the pool, shuffled', async () => {
    await putQuiz(t, w.lecturer, w.lessonId, { settings: { drawCount: 4, shuffleQuestions: true, maxAttempts: null }, questions: everyType() });
    expect((await L().get(`/api/lessons/${w.lessonId}/quiz`)).json().questionCount).toBe(4);
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const a = (await L().post(`/api/lessons/${w.lessonId}/quiz/attempts`)).json();
      expect(a.questions).toHaveLength(4);
      expect(new Set(a.questions.map((q: Q) => q.id)).size).toBe(4);
      seen.add(a.questions.map((q: Q) => q.id).join());
      const r = (await L().post(`/api/attempts/${a.id}/submit`)).json();
      expect(r.maxScore).toBe(4);
    }
    expect(seen.size).toBeGreaterThan(1);
  });
});

describe('studio', () => {
  const S = () => as(t, w.lecturer);

  test('GET on a quiz never saved gives the defaults', async () => {
    const res = await S().get(`/api/lessons/${w.lessonId}/quiz/edit`);
    expect(res.json()).toEqual({
      lessonId: w.lessonId,
      settings: { passMark: 50, maxAttempts: null, shuffleQuestions: false, shuffleChoices: true, drawCount: null, mode: 'graded', reveal: 'afterEachAttempt' },
      questions: [],
      updatedAt: null,
    });
  });

  test('PUT replaces everything; ids sent back are kept, omitted settings keep their value', async () => {
    const first = await putQuiz(t, w.lecturer, w.lessonId, { settings: { passMark: 70, reveal: 'never' }, questions: everyType() });
    expect(first.questions).toHaveLength(7);
    expect(first.settings).toMatchObject({ passMark: 70, reveal: 'never' });
    const edited = structuredClone(first.questions);
    edited[0].choices.push({ text: 'Leuven', correct: false });
    edited.splice(1, 1);
    const second = await putQuiz(t, w.lecturer, w.lessonId, { settings: { mode: 'practice' }, questions: edited });
    expect(second.settings).toMatchObject({ passMark: 70, reveal: 'never', mode: 'practice' });
    expect(second.questions.map((q: { id: string }) => q.id)).toEqual(edited.map((q: { id: string }) => q.id));
    expect(second.questions[0].choices.slice(0, 3)).toEqual(first.questions[0].choices);
    expect(second.questions[0].choices[3]).toMatchObject({ text: 'Leuven', correct: false, credit: 0 });
    expect(questionCount()).toBe(6);
  });

  test('the studio sees every field of every type, as stored', async () => {
    const res = await putQuiz(t, w.lecturer, w.lessonId, { questions: everyType() });
    const stored = everyType().map((q, i) => toEdit(normaliseQuestion(q, { id: res.questions[i].id, at: '' }).question!));
    const withoutOptionIds = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v) => (k === 'id' && typeof v === 'string' && v.length === 8 ? undefined : v)));
    expect(withoutOptionIds(res.questions)).toEqual(withoutOptionIds(stored));
    expect((await S().get(`/api/lessons/${w.lessonId}/quiz/edit`)).json()).toEqual(res);
  });

  test('ids a client makes up are replaced by server ids', async () => {
    const res = await putQuiz(t, w.lecturer, w.lessonId, {
      questions: [{ id: 'mine', type: 'ordering', text: 'o', items: [{ id: '1', text: 'a' }, { id: '2', text: 'b' }] }],
    });
    expect(res.questions[0].id).not.toBe('mine');
    expect(res.questions[0].items.map((i: { id: string }) => i.id)).not.toContain('1');
  });

  test('shape errors are 400 with pointers at the mistake', async () => {
    const res = await S().put(`/api/lessons/${w.lessonId}/quiz/edit`, {
      settings: { passMark: 120 },
      questions: [
        { type: 'single', text: 'x', choices: [{ text: 'a', correct: true }, { text: 'b', correct: 'no' }] },
        { type: 'numeric', text: '   ', answers: [{ value: 1 }] },
        { type: 'essay', text: 'x' },
        { type: 'trueFalse', text: 'x', answer: true, colour: 'red' },
      ],
    });
    const p = expectProblem(res, 400);
    const pointers = p.errors!.map((e) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/body/settings/passMark', '/body/questions/0/choices/1/correct', '/body/questions/1/text', '/body/questions/2/type', '/body/questions/3/colour']));
    expect(pointers.every((x) => !x.startsWith('/body/questions/0/') || x === '/body/questions/0/choices/1/correct')).toBe(true);
    expect(questionCount()).toBe(0);
  });

  test('rule errors are 422 and change nothing', async () => {
    await putQuiz(t, w.lecturer, w.lessonId, { questions: everyType() });
    const twoRight = await S().put(`/api/lessons/${w.lessonId}/quiz/edit`, {
      questions: [{ type: 'single', text: 'x', choices: [{ text: 'a', correct: true }, { text: 'b', correct: true }] }],
    });
    expect(expectProblem(twoRight, 422, 'LEERPAD_UNPROCESSABLE').errors).toEqual([{ pointer: '/body/questions/0/choices', message: 'a single-choice question needs exactly one correct choice (it has 2)' }]);
    const draw = await S().put(`/api/lessons/${w.lessonId}/quiz/edit`, { settings: { drawCount: 2 }, questions: [everyType()[0]] });
    expect(expectProblem(draw, 422).errors![0].pointer).toBe('/body/settings/drawCount');
    expect(questionCount()).toBe(7);
  });

  test('export: GIFT as text/plain download', async () => {
    await putQuiz(t, w.lecturer, w.lessonId, { questions: everyType() });
    const res = await S().get(`/api/lessons/${w.lessonId}/quiz/export.gift`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="a-quiz-lesson.gift.txt"');
    expect(res.body).toContain('::Hoofdstad::[markdown]Wat is de hoofdstad van **België**?{');
  });
});

describe('GIFT import', () => {
  const S = () => as(t, w.lecturer);
  const url = (q = '') => `/api/lessons/${w.lessonId}/quiz/import${q}`;

  test('dry run reports and writes nothing', async () => {
    const res = await S().post(url('?dryRun=true'), fixture('every-type.gift'), TEXT);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ dryRun: true, mode: 'append', ok: true, imported: 0, problems: [], warnings: [] });
    expect(report.questions).toHaveLength(12);
    expect(report.questions[0]).toEqual({ line: 4, type: 'single', title: 'Rivers 1', text: 'Which river flows through Ghent?', category: null });
    expect(questionCount()).toBe(0);
  });

  test('import appends, or replaces', async () => {
    await putQuiz(t, w.lecturer, w.lessonId, { questions: everyType().slice(0, 2) });
    const appended = await S().post(url(), fixture('categories-dutch.gift'), TEXT);
    expect(appended.json()).toMatchObject({ ok: true, imported: 5, dryRun: false });
    const edit = (await S().get(`/api/lessons/${w.lessonId}/quiz/edit`)).json();
    expect(edit.questions.map((q: { type: string }) => q.type)).toEqual(['single', 'multiple', 'numeric', 'single', 'trueFalse', 'text', 'matching']);
    const replaced = await S().post(url('?mode=replace'), fixture('every-type.gift'), TEXT);
    expect(replaced.json()).toMatchObject({ ok: true, imported: 12, mode: 'replace' });
    expect(questionCount()).toBe(12);
    // and the imported quiz can be taken
    const a = await as(t, w.learner).post(`/api/lessons/${w.lessonId}/quiz/attempts`);
    expect(a.json().questions).toHaveLength(12);
  });

  test('a file with problems imports nothing: 422 listing lines; the dry run shows the same', async () => {
    const res = await S().post(url(), fixture('malformed.gift'), TEXT);
    const p = expectProblem(res, 422);
    expect(p.errors!.map((e) => e.pointer)).toEqual(
      [4, 6, 8, 10, 12, 14, 18, 21, 23, 29, 31].map((n) => `/body/line/${n}`),
    );
    expect(p.errors![7].message).toMatch(/exactly one correct choice/);
    expect(p.detail).toMatch(/^Nothing was imported: 11 problems \(line 4: unsupported: an essay question/);
    expect(questionCount()).toBe(0);
    const dry = (await S().post(url('?dryRun=true'), fixture('malformed.gift'), TEXT)).json();
    expect(dry).toMatchObject({ ok: false, imported: 0 });
    expect(dry.problems.map((x: { line: number }) => x.line)).toEqual([4, 6, 8, 10, 12, 14, 18, 21, 23, 29, 31]);
    // every line carries a stable code and its parameters, for the studio to say in the lecturer's language
    expect(dry.problems[3]).toEqual({ line: 10, code: 'GIFT_NOT_A_NUMBER', params: { text: '1,5' }, message: '"1,5" is not a number' });
    expect(dry.problems[7]).toMatchObject({ line: 21, code: 'QUESTION_ONE_CORRECT', params: { field: 'choices', count: 2 } });
    expect(dry.questions.map((q: { title: string }) => q.title)).toEqual(['OK 1', 'OK 2']);
  });

  test('an empty file is a problem, not a success', async () => {
    expectProblem(await S().post(url(), '// nothing here\n', TEXT), 422);
    const dry = (await S().post(url('?dryRun=true'), '// nothing here\n', TEXT)).json();
    expect(dry.problems).toEqual([{ line: 1, code: 'GIFT_NO_QUESTIONS', params: {}, message: 'the file holds no questions' }]);
  });

  test('multipart upload of a file', async () => {
    const { payload, headers } = multipart('file', 'quiz.gift', fixture('every-type.gift'));
    const res = await S().post(url('?dryRun=true'), payload, headers);
    expect(res.statusCode).toBe(200);
    expect(res.json().questions).toHaveLength(12);
    const wrongField = multipart('upload', 'quiz.gift', 'Q {T}');
    expectProblem(await S().post(url(), wrongField.payload, wrongField.headers), 400);
    const notUtf8 = multipart('file', 'quiz.gift', Buffer.from([0x51, 0x20, 0xff, 0xfe, 0x7b, 0x54, 0x7d]));
    expect(expectProblem(await S().post(url(), notUtf8.payload, notUtf8.headers), 400).detail).toMatch(/UTF-8/);
  });

  test('too large: 413; another media type: 415; bad query: 400', async () => {
    const big = `Q {T}\n\n${'// padding padding padding padding padding padding padding padding\n'.repeat(17_000)}`;
    expect(Buffer.byteLength(big)).toBeGreaterThan(1_048_576);
    expectProblem(await S().post(url(), big, TEXT), 413);
    const bigFile = multipart('file', 'big.gift', big);
    expectProblem(await S().post(url(), bigFile.payload, bigFile.headers), 413);
    expectProblem(await S().post(url(), { gift: 'Q {T}' }), 415);
    expectProblem(await S().post(url('?mode=merge'), 'Q {T}', TEXT), 400, 'LEERPAD_VALIDATION');
    expect(questionCount()).toBe(0);
  });
});

describe('demo content', () => {
  test('addDemoQuiz adds a quiz lesson with one question of every type, ready to take', async () => {
    const { addDemoQuiz } = await import('../../server/quizzes/demo.ts');
    const { lessonId } = addDemoQuiz({ db: t.db, clock: t.clock, moduleId: w.course.moduleId });
    const summary = (await as(t, w.learner).get(`/api/lessons/${lessonId}/quiz`)).json();
    expect(summary).toMatchObject({ title: 'Toets: test je kennis', mode: 'practice', questionCount: 7, canStart: true });
    const a = (await as(t, w.learner).post(`/api/lessons/${lessonId}/quiz/attempts`)).json();
    expect(a.questions.map((q: Q) => q.type).sort()).toEqual(['matching', 'multiple', 'numeric', 'ordering', 'single', 'text', 'trueFalse']);
    const gift = (await as(t, w.lecturer).get(`/api/lessons/${lessonId}/quiz/export.gift`)).body;
    const dry = (await as(t, w.lecturer).post(`/api/lessons/${lessonId}/quiz/import?dryRun=true`, gift, TEXT)).json();
    expect(dry).toMatchObject({ ok: true, problems: [] });
    expect(dry.questions).toHaveLength(6); // ordering has no GIFT form
  });
});
