import { afterEach, beforeEach, expect, it } from 'vitest';
import { expectProblem, type TestApp } from '../helpers/app.ts';
import { buildQuizTestApp, quizWorld } from '../helpers/quiz-fixtures.ts';

/** Every multipart route reads through server/multipart.ts: a broken form is the client's 400, never a 500. */
let t: TestApp;
let w: Awaited<ReturnType<typeof quizWorld>>;
beforeEach(async () => {
  t = await buildQuizTestApp();
  w = await quizWorld(t);
});
afterEach(async () => {
  await t.app.close();
});

it('GIFT import: a cut-off form, a missing boundary and a wrong field are 400s; nothing is imported', async () => {
  const url = `/api/lessons/${w.lessonId}/quiz/import`;
  const cut = Buffer.from('--xyz\r\nContent-Disposition: form-data; name="file"; filename="q.gift"\r\nContent-Type: text/plain\r\n\r\n::Q:: 1+1 {=2}');
  const wrongField = Buffer.from('--xyz\r\nContent-Disposition: form-data; name="other"; filename="q.gift"\r\n\r\n::Q:: 1+1 {=2}\r\n--xyz--\r\n');
  for (const [payload, contentType] of [
    [cut, 'multipart/form-data; boundary=xyz'],
    [Buffer.from('abc'), 'multipart/form-data'],
    [wrongField, 'multipart/form-data; boundary=xyz'],
  ] as const) {
    expectProblem(await t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType, cookie: w.lecturer.cookie } }), 400);
  }
  const edit = await t.app.inject({ method: 'GET', url: `/api/lessons/${w.lessonId}/quiz/edit`, headers: { cookie: w.lecturer.cookie } });
  expect(edit.json().questions).toHaveLength(0);
});
