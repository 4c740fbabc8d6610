import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { as, type TestApp } from '../helpers/app.ts';
import { buildQuizTestApp, putQuiz, quizWorld } from '../helpers/quiz-fixtures.ts';

/** Quizzes and progress together: a passed graded quiz (or a submitted practice quiz) completes its lesson. */
let t: TestApp;
let w: Awaited<ReturnType<typeof quizWorld>>;
beforeEach(async () => {
  t = await buildQuizTestApp();
  w = await quizWorld(t);
});
afterEach(async () => {
  await t.app.close();
});

const oneQuestion = (mode: 'graded' | 'practice') => ({
  settings: { passMark: 100, maxAttempts: null, mode },
  questions: [{ type: 'trueFalse', text: 'Is de aarde rond?', answer: true }],
});

async function take(answer: boolean) {
  const start = (await as(t, w.learner).post(`/api/lessons/${w.lessonId}/quiz/attempts`)).json();
  const q = start.questions[0];
  const choice = q.choices.find((c: { html: string }) => (answer ? /true|waar/i : /false|onwaar/i).test(c.html));
  return (await as(t, w.learner).post(`/api/attempts/${start.id}/submit`, { answers: [{ questionId: q.id, value: choice.id }] })).json();
}

async function lessonCompleted() {
  const progress = (await as(t, w.learner).get(`/api/courses/${w.course.courseId}/progress`)).json();
  return progress.progress.lessons.find((l: { lessonId: string }) => l.lessonId === w.lessonId)?.completed ?? false;
}

describe('quiz completion', () => {
  it('a failed graded attempt does not complete the lesson; a passed one does', async () => {
    await putQuiz(t, w.lecturer, w.lessonId, oneQuestion('graded'));
    expect((await take(false)).passed).toBe(false);
    expect(await lessonCompleted()).toBe(false);
    expect((await take(true)).passed).toBe(true);
    expect(await lessonCompleted()).toBe(true);
  });

  it('a practice quiz completes on submission, pass or fail', async () => {
    await putQuiz(t, w.lecturer, w.lessonId, oneQuestion('practice'));
    await take(false);
    expect(await lessonCompleted()).toBe(true);
  });
});
