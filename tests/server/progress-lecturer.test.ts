import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, expectProblem, registerUser } from '../helpers/app.ts';
import { addAttempt, beat, buildCourse, progressWorld } from '../helpers/progress.ts';
import { csvCell, csvLine } from '../../server/progress/csv.ts';

type World = Awaited<ReturnType<typeof progressWorld>>;
let w: World;
beforeAll(async () => {
  w = await progressWorld();
});
afterAll(async () => {
  await w?.t.app.close();
});

/** A course with two required lessons, an optional one and a quiz; three learners at different points. */
async function classroom() {
  const { course, lessons } = buildCourse(w.t, {
    lecturerId: w.lecturer.id,
    modules: [[{ kind: 'text' }, { kind: 'video', duration: 100 }], [{ kind: 'text', optional: true }, { kind: 'quiz', title: 'Final, "the" quiz' }]],
  });
  const [text, video, , quiz] = lessons;
  const ann = await registerUser(w.t, { name: 'Ann Achterberg', email: `ann.${course.id.slice(0, 6)}@school.test` });
  const bob = await registerUser(w.t, { name: '=HYPERLINK("http://evil.test","click")' });
  const cyd = await registerUser(w.t, { name: 'Cyd 100%_done' });
  for (const u of [ann, bob, cyd]) w.enrolIn(u, course.id);
  // The lecturer's own trial run is not a learner.
  w.enrolIn(w.lecturer, course.id);

  await as(w.t, ann).post(`/api/lessons/${text.id}/complete`);
  await as(w.t, ann).post('/api/progress/heartbeat', beat(video.id, [[0, 40]]));
  addAttempt(w.t, { lessonId: quiz.id, userId: ann.id, percent: 60 });
  addAttempt(w.t, { lessonId: quiz.id, userId: ann.id, percent: 85, passed: true });
  await as(w.t, bob).post(`/api/lessons/${text.id}/complete`);
  await as(w.t, bob).post('/api/progress/heartbeat', beat(video.id, [[0, 100]]));
  await as(w.t, w.lecturer).post(`/api/lessons/${text.id}/complete`);
  return { course, lessons, text, video, quiz, ann, bob, cyd };
}

describe('GET /api/courses/:id/learners', () => {
  it('lists learners with progress, activity, completion and best quiz scores', async () => {
    const c = await classroom();
    const res = await as(w.t, w.lecturer).get(`/api/courses/${c.course.id}/learners`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ total: 3, page: 1, pageSize: 25, quizzes: [{ lessonId: c.quiz.id, title: 'Final, "the" quiz' }] });
    const byName = Object.fromEntries(body.items.map((i: { name: string }) => [i.name, i]));
    expect(byName['Ann Achterberg']).toMatchObject({ userId: c.ann.id, percent: 33, completedAt: null, quizScores: [{ lessonId: c.quiz.id, bestPercent: 85 }] });
    expect(byName['Ann Achterberg'].lastActivityAt).toBe(new Date(w.t.clock()).toISOString());
    expect(byName['=HYPERLINK("http://evil.test","click")']).toMatchObject({ percent: 66, quizScores: [{ bestPercent: null }] });
    expect(byName['Cyd 100%_done']).toMatchObject({ percent: 0, lastActivityAt: null });
    expect(body.items.map((i: { userId: string }) => i.userId)).not.toContain(w.lecturer.id);
  });

  it('searches names and e-mail addresses (wildcards are literal) and paginates', async () => {
    const c = await classroom();
    const get = async (qs: string) => (await as(w.t, w.lecturer).get(`/api/courses/${c.course.id}/learners?${qs}`)).json();
    expect((await get('q=achter')).items.map((i: { name: string }) => i.name)).toEqual(['Ann Achterberg']);
    expect((await get(`q=${encodeURIComponent('ann.' + c.course.id.slice(0, 6))}`)).total).toBe(1);
    expect((await get(`q=${encodeURIComponent('%_')}`)).items.map((i: { name: string }) => i.name)).toEqual(['Cyd 100%_done']);
    expect((await get('q=nobody')).total).toBe(0);
    const page2 = await get('page=2&pageSize=2');
    expect(page2).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page2.items).toHaveLength(1);
    expectProblem(await as(w.t, w.lecturer).get(`/api/courses/${c.course.id}/learners?pageSize=1000`), 400);
  });

  it('is for the staff of the course only', async () => {
    const c = await classroom();
    const draft = buildCourse(w.t, { status: 'draft', lecturerId: w.lecturer.id, modules: [[{ kind: 'text' }]] });
    const admin = await registerUser(w.t, { roles: ['admin'] });
    expectProblem(await as(w.t, null).get(`/api/courses/${c.course.id}/learners`), 401);
    expectProblem(await as(w.t, c.ann).get(`/api/courses/${c.course.id}/learners`), 403);
    expectProblem(await as(w.t, c.ann).get(`/api/courses/${c.course.id}/learners/${c.bob.id}`), 403);
    expectProblem(await as(w.t, c.ann).get(`/api/courses/${c.course.id}/learners.csv`), 403);
    expectProblem(await as(w.t, w.otherLecturer).get(`/api/courses/${c.course.id}/learners`), 403);
    expectProblem(await as(w.t, w.otherLecturer).get(`/api/courses/${c.course.id}/learners.csv`), 403);
    expectProblem(await as(w.t, w.otherLecturer).get(`/api/courses/${draft.course.id}/learners`), 404);
    expectProblem(await as(w.t, w.lecturer).get(`/api/courses/nope/learners`), 404);
    expect((await as(w.t, admin).get(`/api/courses/${c.course.id}/learners`)).statusCode).toBe(200);
  });
});

describe('GET /api/courses/:id/learners/:userId', () => {
  it("shows one learner's lessons", async () => {
    const c = await classroom();
    const res = await as(w.t, w.lecturer).get(`/api/courses/${c.course.id}/learners/${c.ann.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const { learner, lessons } = res.json();
    expect(learner).toMatchObject({ userId: c.ann.id, percent: 33 });
    expect(lessons.map((l: { lessonId: string }) => l.lessonId)).toEqual(c.lessons.map((l) => l.id));
    expect(lessons[0]).toMatchObject({ kind: 'text', completed: true, quiz: null });
    expect(lessons[1]).toMatchObject({ kind: 'video', completed: false, watchedSeconds: 40, position: 40, durationSeconds: 100 });
    expect(lessons[2]).toMatchObject({ optional: true, completed: false, lastActivityAt: null });
    expect(lessons[3]).toMatchObject({ kind: 'quiz', quiz: { attempts: 2, bestPercent: 85, passed: true } });
    expectProblem(await as(w.t, w.lecturer).get(`/api/courses/${c.course.id}/learners/${w.other.id}`), 404);
    expectProblem(await as(w.t, w.lecturer).get(`/api/courses/${c.course.id}/learners/${w.lecturer.id}`), 404);
  });
});

describe('GET /api/courses/:id/learners.csv', () => {
  it('escapes formula cells and quotes per RFC 4180', async () => {
    const c = await classroom();
    const res = await as(w.t, w.lecturer).get(`/api/courses/${c.course.id}/learners.csv`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="learners-[a-z0-9-]+\.csv"$/);
    const text = res.body.replace(/^\uFEFF/, '');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('Name,E-mail,Enrolled at,Last activity,Completed at,Progress (%),"Quiz best (%): Final, ""the"" quiz"');
    expect(lines).toHaveLength(5); // header, three learners, and the empty string after the final CRLF
    expect(lines.find((l) => l.includes('HYPERLINK'))).toMatch(/^"'=HYPERLINK\(""http:\/\/evil\.test"",""click""\)",/);
    expect(lines.find((l) => l.startsWith('Ann'))).toMatch(/,33,85$/);
    const filtered = await as(w.t, w.lecturer).get(`/api/courses/${c.course.id}/learners.csv?q=cyd`);
    expect(filtered.body.split('\r\n')).toHaveLength(3);
  });

  it.each([
    ['=1+1', `"'=1+1"`],
    ['+31 6 1234', `"'+31 6 1234"`],
    ['-2', `"'-2"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\tx', `"'\tx"`],
    ['\rx', `"'\rx"`],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['', ''],
  ])('csvCell(%j)', (input, out) => {
    expect(csvCell(input)).toBe(out);
  });

  it('writes numbers and empty cells', () => {
    expect(csvLine(['a', 12, null, undefined, -3])).toBe(`a,12,,,"'-3"\r\n`);
  });
});
