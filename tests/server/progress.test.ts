import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, expectProblem, registerUser } from '../helpers/app.ts';
import { beat, buildCourse, progressWorld } from '../helpers/progress.ts';
import { lessonLock, markLessonComplete } from '../../server/progress/service.ts';
import { progressStats } from '../../server/progress/store.ts';

type World = Awaited<ReturnType<typeof progressWorld>>;
// One app for the file (building one costs more than the tests): every test makes its own courses.
let w: World;
beforeAll(async () => {
  w = await progressWorld();
});
afterAll(async () => {
  await w?.t.app.close();
});

const progressOf = async (actor: World['learner'], courseId: string) => {
  const res = await as(w.t, actor).get(`/api/courses/${courseId}/progress`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().progress as {
    percent: number;
    completedAt: string | null;
    currentLessonId: string | null;
    requiredCount: number;
    requiredCompleted: number;
    lessons: { lessonId: string; completed: boolean; position: number; watchedSeconds: number; locked: boolean; lockedBy: string | null }[];
  };
};
const row = (lessonId: string, userId: string) =>
  w.t.db.$client.prepare('SELECT * FROM lesson_progress WHERE lesson_id = ? AND user_id = ?').get(lessonId, userId) as
    | { position: number; watched_seconds: number; watched_ranges: string; completed_at: number | null }
    | undefined;
const enrolmentOf = (courseId: string, userId: string) =>
  w.t.db.$client.prepare('SELECT * FROM enrolments WHERE course_id = ? AND user_id = ?').get(courseId, userId) as { last_activity_at: number | null; completed_at: number | null };

describe('POST /api/progress/heartbeat', () => {
  it('accepts beats, merges unique seconds and stores the resume position', async () => {
    const { course, lessons: [video] } = buildCourse(w.t, { modules: [[{ kind: 'video', duration: 600 }]] });
    w.enrolIn(w.learner, course.id);
    const api = as(w.t, w.learner);
    expect((await api.post('/api/progress/heartbeat', beat(video.id, [[0, 15]]))).statusCode).toBe(204);
    expect((await api.post('/api/progress/heartbeat', beat(video.id, [[10, 30]]))).statusCode).toBe(204);
    // Seeking to 100 and playing on: the jump is not watched.
    const res = await api.post('/api/progress/heartbeat', beat(video.id, [[30, 32], [100, 110]], 110));
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');

    const p = await progressOf(w.learner, course.id);
    expect(p.lessons[0]).toMatchObject({ lessonId: video.id, completed: false, position: 110, watchedSeconds: 42, locked: false });
    expect(p.currentLessonId).toBe(video.id);
    expect(JSON.parse(row(video.id, w.learner.id)!.watched_ranges)).toEqual([[0, 32], [100, 110]]);
    expect(enrolmentOf(course.id, w.learner.id).last_activity_at).toBe(w.t.clock());
  });

  it('completes a video once the course percentage is watched, and the course with it', async () => {
    const { course, lessons: [video, extra] } = buildCourse(w.t, {
      videoCompletionPercent: 80,
      modules: [[{ kind: 'video', duration: 100 }, { kind: 'text', optional: true }]],
    });
    w.enrolIn(w.learner, course.id);
    const api = as(w.t, w.learner);
    await api.post('/api/progress/heartbeat', beat(video.id, [[0, 50]]));
    w.t.clock.advance(30_000);
    await api.post('/api/progress/heartbeat', beat(video.id, [[0, 79]]));
    let p = await progressOf(w.learner, course.id);
    expect(p.lessons[0].completed).toBe(false);
    expect(p.percent).toBe(0);

    w.t.clock.advance(60_000);
    // Beyond the end is clamped: 79..100 adds 21 s, no more.
    await api.post('/api/progress/heartbeat', beat(video.id, [[79, 250]], 250));
    p = await progressOf(w.learner, course.id);
    expect(p.lessons[0]).toMatchObject({ completed: true, watchedSeconds: 100, position: 100 });
    expect(p.lessons[1]).toMatchObject({ lessonId: extra.id, completed: false });
    // The optional text lesson is not needed for the course.
    expect(p).toMatchObject({ percent: 100, requiredCount: 1, requiredCompleted: 1, completedAt: new Date(w.t.clock()).toISOString() });
    expect(enrolmentOf(course.id, w.learner.id).completed_at).toBe(w.t.clock());

    // A completion stays, and so does its date.
    const first = row(video.id, w.learner.id)!.completed_at;
    w.t.clock.advance(60_000);
    await api.post('/api/progress/heartbeat', beat(video.id, [[0, 1]]));
    await progressOf(w.learner, course.id);
    expect(row(video.id, w.learner.id)!.completed_at).toBe(first);
  });

  it('never completes a video whose duration is unknown', async () => {
    const { course, lessons: [video] } = buildCourse(w.t, { modules: [[{ kind: 'video', duration: null }]] });
    w.enrolIn(w.learner, course.id);
    const api = as(w.t, w.learner);
    for (let from = 0; from < 600; from += 30) {
      expect((await api.post('/api/progress/heartbeat', beat(video.id, [[from, from + 30]]))).statusCode).toBe(204);
      w.t.clock.advance(15_000);
    }
    const p = await progressOf(w.learner, course.id);
    expect(p.lessons[0]).toMatchObject({ completed: false, watchedSeconds: 600 });
  });

  it('counts no more play than wall time allows: a burst, then at most 2 s of play per second', async () => {
    const { course, lessons: [video] } = buildCourse(w.t, { modules: [[{ kind: 'video', duration: 3600 }]] });
    w.enrolIn(w.learner, course.id);
    const api = as(w.t, w.learner);
    const before = progressStats(w.t.db).implausibleSeconds;
    // One request claiming the whole hour: the first 120 s count, the resume position is kept.
    expect((await api.post('/api/progress/heartbeat', beat(video.id, [[0, 3600]], 1800))).statusCode).toBe(204);
    let p = await progressOf(w.learner, course.id);
    expect(p.lessons[0]).toMatchObject({ watchedSeconds: 120, position: 1800, completed: false });
    // Beats fired faster than time passes add nothing...
    for (let i = 0; i < 5; i++) await api.post('/api/progress/heartbeat', beat(video.id, [[1000 + i * 100, 1100 + i * 100]]));
    p = await progressOf(w.learner, course.id);
    expect(p.lessons[0].watchedSeconds).toBe(120);
    // ...and 15 s later, 30 s of play (2x) is believed, a minute is not.
    w.t.clock.advance(15_000);
    await api.post('/api/progress/heartbeat', beat(video.id, [[2000, 2060]]));
    p = await progressOf(w.learner, course.id);
    expect(p.lessons[0].watchedSeconds).toBe(150);
    expect(progressStats(w.t.db).implausibleSeconds - before).toBe(3600 - 120 + 500 + 30);

    // An honest player at 2x, a beat every 15 s, loses nothing.
    const { course: c2, lessons: [v2] } = buildCourse(w.t, { modules: [[{ kind: 'video', duration: 3600 }]] });
    w.enrolIn(w.learner, c2.id);
    for (let i = 0; i < 40; i++) {
      w.t.clock.advance(15_000);
      await api.post('/api/progress/heartbeat', beat(v2.id, [[i * 30, i * 30 + 30]]));
    }
    expect((await progressOf(w.learner, c2.id)).lessons[0].watchedSeconds).toBe(1200);
  });

  it.each([
    ['to before from', { ranges: [[10, 5]] }, 'LEERPAD_BAD_REQUEST', '/body/ranges/0'],
    ['a negative second', { ranges: [[-1, 5]] }, 'LEERPAD_VALIDATION', undefined],
    ['more than 24 h', { ranges: [[0, 86_401]] }, 'LEERPAD_VALIDATION', undefined],
    ['more than 100 ranges', { ranges: Array.from({ length: 101 }, (_, i) => [i, i + 1]) }, 'LEERPAD_VALIDATION', undefined],
    ['a negative position', { position: -3 }, 'LEERPAD_VALIDATION', undefined],
    ['a position that is not a number', { position: 'NaN' }, 'LEERPAD_VALIDATION', undefined],
    ['an unknown field', { userId: 'someone-else' }, 'LEERPAD_VALIDATION', undefined],
    ['a range that is not a pair', { ranges: [[1, 2, 3]] }, 'LEERPAD_VALIDATION', undefined],
  ])('refuses %s with 400', async (_name, patch, code, pointer) => {
    const { course, lessons: [video] } = buildCourse(w.t, { modules: [[{ kind: 'video' }]] });
    w.enrolIn(w.learner, course.id);
    const before = progressStats(w.t.db).accepted;
    const res = await as(w.t, w.learner).post('/api/progress/heartbeat', { ...beat(video.id, [[0, 10]]), ...patch });
    const problem = expectProblem(res, 400, code);
    if (pointer) expect(problem.errors?.[0].pointer).toBe(pointer);
    expect(progressStats(w.t.db).accepted).toBe(before);
  });

  it('takes a sendBeacon body sent as text/plain, with the same CSRF rules', async () => {
    const { course, lessons: [video] } = buildCourse(w.t, { modules: [[{ kind: 'video' }]] });
    w.enrolIn(w.learner, course.id);
    const origin = new URL(w.t.config.baseUrl).origin;
    const send = (body: string, headers: Record<string, string>) =>
      w.t.app.inject({ method: 'POST', url: '/api/progress/heartbeat', payload: body, headers: { cookie: w.learner.cookie, ...headers } });

    const ok = await send(JSON.stringify(beat(video.id, [[0, 20]])), {
      'content-type': 'text/plain;charset=UTF-8',
      origin,
      'sec-fetch-site': 'same-origin',
    });
    expect(ok.statusCode, ok.body).toBe(204);
    expectProblem(await send('{not json', { 'content-type': 'text/plain;charset=UTF-8' }), 400);
    expectProblem(await send(JSON.stringify({ lessonId: video.id, position: 1, ranges: [[3, 1]] }), { 'content-type': 'text/plain' }), 400);
    expectProblem(
      await send(JSON.stringify(beat(video.id, [[20, 40]])), { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }),
      403,
      'LEERPAD_CSRF',
    );
    expect((await progressOf(w.learner, course.id)).lessons[0].watchedSeconds).toBe(20);
    // Only this route reads text/plain as JSON.
    const other = await w.t.app.inject({
      method: 'POST',
      url: `/api/lessons/${video.id}/complete`,
      payload: '{}',
      headers: { cookie: w.learner.cookie, 'content-type': 'text/plain' },
    });
    expect(other.statusCode).not.toBe(200);
  });

  it('refuses learners who may not follow the lesson', async () => {
    const { course, lessons: [video, text] } = buildCourse(w.t, { lecturerId: w.lecturer.id, modules: [[{ kind: 'video' }, { kind: 'text' }]] });
    const draft = buildCourse(w.t, { status: 'draft', lecturerId: w.lecturer.id, modules: [[{ kind: 'video' }]] });
    w.enrolIn(w.learner, course.id);
    w.enrolIn(w.learner, draft.course.id);

    expectProblem(await as(w.t, null).post('/api/progress/heartbeat', beat(video.id, [[0, 10]])), 401);
    expectProblem(await as(w.t, w.other).post('/api/progress/heartbeat', beat(video.id, [[0, 10]])), 403, 'LEERPAD_FORBIDDEN');
    expectProblem(await as(w.t, w.learner).post('/api/progress/heartbeat', beat(draft.lessons[0].id, [[0, 10]])), 404);
    expectProblem(await as(w.t, w.learner).post('/api/progress/heartbeat', beat('no-such-lesson', [[0, 10]])), 404);
    expectProblem(await as(w.t, w.learner).post('/api/progress/heartbeat', beat(text.id, [[0, 10]])), 422);
    // An unenrolled learner is refused too (after the short-lived access cache).
    const leaver = await registerUser(w.t, { name: 'Lea Leaver' });
    w.enrolIn(leaver, course.id);
    expect((await as(w.t, leaver).post('/api/progress/heartbeat', beat(video.id, [[0, 10]]))).statusCode).toBe(204);
    w.t.db.$client.prepare(`UPDATE enrolments SET status = 'unenrolled' WHERE user_id = ? AND course_id = ?`).run(leaver.id, course.id);
    w.t.clock.advance(61_000);
    expectProblem(await as(w.t, leaver).post('/api/progress/heartbeat', beat(video.id, [[0, 10]])), 403);
    expectProblem(await as(w.t, leaver).get(`/api/courses/${course.id}/progress`), 403);
    expectProblem(await as(w.t, w.learner).get(`/api/courses/${draft.course.id}/progress`), 404);
  });

  it('stores staff progress (a lecturer trying their course) without an enrolment', async () => {
    const { course, lessons: [video] } = buildCourse(w.t, { status: 'draft', lecturerId: w.lecturer.id, modules: [[{ kind: 'video' }]] });
    expect((await as(w.t, w.lecturer).post('/api/progress/heartbeat', beat(video.id, [[0, 95]]))).statusCode).toBe(204);
    const p = await progressOf(w.lecturer, course.id);
    expect(p.lessons[0]).toMatchObject({ completed: true, watchedSeconds: 95 });
    expect(w.t.db.$client.prepare('SELECT count(*) AS n FROM enrolments WHERE course_id = ?').get(course.id)).toEqual({ n: 0 });
  });
});

describe('flushing', () => {
  it('writes accepted beats on app.close()', async () => {
    const own = await progressWorld();
    const { course, lessons: [video] } = buildCourse(own.t, { modules: [[{ kind: 'video', duration: 1000 }]] });
    own.enrolIn(own.learner, course.id);
    const api = as(own.t, own.learner);
    for (let i = 0; i < 20; i++) {
      expect((await api.post('/api/progress/heartbeat', beat(video.id, [[i * 10, i * 10 + 10]]))).statusCode).toBe(204);
      own.t.clock.advance(10_000);
    }
    await own.t.app.close();
    const saved = own.t.db.$client.prepare('SELECT * FROM lesson_progress WHERE lesson_id = ?').get(video.id);
    expect(saved).toMatchObject({ watched_seconds: 200, position: 200 });
    expect(progressStats(own.t.db)).toMatchObject({ accepted: 20, persisted: 20, pending: 0 });
  });

  it('every 2xx is persisted: accepted equals persisted', async () => {
    const { course, lessons } = buildCourse(w.t, { modules: [[{ kind: 'video' }, { kind: 'video' }]] });
    w.enrolIn(w.learner, course.id);
    const api = as(w.t, w.learner);
    const before = progressStats(w.t.db);
    let ok = 0;
    for (let i = 0; i < 30; i++) if ((await api.post('/api/progress/heartbeat', beat(lessons[i % 2].id, [[i, i + 1]]))).statusCode === 204) ok++;
    await progressOf(w.learner, course.id);
    const after = progressStats(w.t.db);
    expect(ok).toBe(30);
    expect(after.accepted - before.accepted).toBe(ok);
    expect(after.persisted - before.persisted).toBe(ok);
    expect(after).toMatchObject({ dropped: 0, pending: 0 });
  });
});

describe('POST /api/lessons/:id/complete and course progress', () => {
  it('completes text lessons; the course completes when every required lesson is done', async () => {
    const { course, lessons: [a, b, c] } = buildCourse(w.t, { modules: [[{ kind: 'text' }, { kind: 'text', optional: true }], [{ kind: 'text' }]] });
    w.enrolIn(w.learner, course.id);
    const api = as(w.t, w.learner);
    const r1 = await api.post(`/api/lessons/${a.id}/complete`);
    expect(r1.statusCode, r1.body).toBe(200);
    expect(r1.json()).toMatchObject({ lessonId: a.id, course: { percent: 50, completedAt: null } });
    // Idempotent
    expect((await api.post(`/api/lessons/${a.id}/complete`)).json().course.percent).toBe(50);
    w.t.clock.advance(1000);
    const r3 = await api.post(`/api/lessons/${c.id}/complete`);
    expect(r3.json().course).toEqual({ percent: 100, completedAt: new Date(w.t.clock()).toISOString() });
    const p = await progressOf(w.learner, course.id);
    expect(p.lessons.map((l) => [l.lessonId, l.completed])).toEqual([[a.id, true], [b.id, false], [c.id, true]]);
    expect(p.currentLessonId).toBe(c.id);
  });

  it('refuses video and quiz lessons, outsiders and unknown lessons', async () => {
    const { course, lessons: [video, quiz, text] } = buildCourse(w.t, { modules: [[{ kind: 'video' }, { kind: 'quiz' }, { kind: 'text' }]] });
    w.enrolIn(w.learner, course.id);
    expectProblem(await as(w.t, w.learner).post(`/api/lessons/${video.id}/complete`), 422);
    expectProblem(await as(w.t, w.learner).post(`/api/lessons/${quiz.id}/complete`), 422);
    expectProblem(await as(w.t, w.other).post(`/api/lessons/${text.id}/complete`), 403);
    expectProblem(await as(w.t, null).post(`/api/lessons/${text.id}/complete`), 401);
    expectProblem(await as(w.t, w.learner).post(`/api/lessons/nope/complete`), 404);
  });

  it('markLessonComplete() completes a quiz lesson for the quiz feature', async () => {
    const { course, lessons: [quiz] } = buildCourse(w.t, { modules: [[{ kind: 'quiz' }]] });
    w.enrolIn(w.learner, course.id);
    expect(markLessonComplete({ db: w.t.db, clock: w.t.clock }, w.learner.id, quiz.id)).toEqual({ newlyCompleted: true, courseCompleted: true });
    expect(markLessonComplete({ db: w.t.db, clock: w.t.clock }, w.learner.id, quiz.id)).toEqual({ newlyCompleted: false, courseCompleted: true });
    expect((await progressOf(w.learner, course.id)).percent).toBe(100);
    expect(() => markLessonComplete({ db: w.t.db, clock: w.t.clock }, w.learner.id, 'nope')).toThrow(/lesson/);
  });

  it('a learner sees only their own progress', async () => {
    const { course, lessons: [text] } = buildCourse(w.t, { modules: [[{ kind: 'text' }, { kind: 'text' }]] });
    w.enrolIn(w.learner, course.id);
    w.enrolIn(w.other, course.id);
    await as(w.t, w.learner).post(`/api/lessons/${text.id}/complete`);
    expect((await progressOf(w.other, course.id)).percent).toBe(0);
    expect((await progressOf(w.learner, course.id)).percent).toBe(50);
  });
});

describe('sequential courses', () => {
  it('opens a lesson once every earlier required lesson is complete', async () => {
    const { course, lessons: [intro, video, optional, last] } = buildCourse(w.t, {
      sequential: true,
      lecturerId: w.lecturer.id,
      modules: [[{ kind: 'text' }, { kind: 'video', duration: 100 }], [{ kind: 'text', optional: true }, { kind: 'text' }]],
    });
    w.enrolIn(w.learner, course.id);
    const api = as(w.t, w.learner);
    const deps = { db: w.t.db, clock: w.t.clock };
    const learnerRow = () => w.t.db.$client.prepare('SELECT * FROM users WHERE id = ?').get(w.learner.id) as never;

    let p = await progressOf(w.learner, course.id);
    expect(p.lessons.map((l) => l.lockedBy)).toEqual([null, intro.id, intro.id, intro.id]);
    expect(lessonLock(deps, learnerRow(), video.id)).toEqual({ locked: true, lockedBy: intro.id });
    expectProblem(await api.post('/api/progress/heartbeat', beat(video.id, [[0, 10]])), 409);
    expectProblem(await api.post(`/api/lessons/${last.id}/complete`), 409);

    await api.post(`/api/lessons/${intro.id}/complete`);
    expect(lessonLock(deps, learnerRow(), video.id)).toEqual({ locked: false, lockedBy: null });
    expect((await api.post('/api/progress/heartbeat', beat(video.id, [[0, 95]]))).statusCode).toBe(204);
    // The beat is still in memory: the lock check sees it anyway.
    expect(lessonLock(deps, learnerRow(), last.id)).toEqual({ locked: false, lockedBy: null });
    p = await progressOf(w.learner, course.id);
    // The optional lesson blocks nothing.
    expect(p.lessons.map((l) => l.locked)).toEqual([false, false, false, false]);
    expect(optional.optional).toBe(true);
    expect((await api.post(`/api/lessons/${last.id}/complete`)).json().course.percent).toBe(100);

    // Staff are never locked out.
    const staff = w.t.db.$client.prepare('SELECT * FROM users WHERE id = ?').get(w.lecturer.id) as never;
    expect(lessonLock(deps, staff, last.id).locked).toBe(false);
    expect((await progressOf(w.lecturer, course.id)).lessons.every((l) => !l.locked)).toBe(true);
  });

  it('a course that is not sequential never locks', async () => {
    const { course, lessons } = buildCourse(w.t, { modules: [[{ kind: 'text' }, { kind: 'text' }]] });
    w.enrolIn(w.learner, course.id);
    expect((await progressOf(w.learner, course.id)).lessons.every((l) => !l.locked)).toBe(true);
    expect((await as(w.t, w.learner).post(`/api/lessons/${lessons[1].id}/complete`)).statusCode).toBe(200);
  });
});

describe('GET /api/me/dashboard', () => {
  it('lists my courses with progress and where to continue; completed ones apart', async () => {
    const a = buildCourse(w.t, { title: 'Alpha', modules: [[{ kind: 'text' }, { kind: 'video', duration: 100 }, { kind: 'quiz' }]] });
    const b = buildCourse(w.t, { title: 'Beta', modules: [[{ kind: 'text' }]] });
    const c = buildCourse(w.t, { title: 'Gamma', modules: [[{ kind: 'text' }]] });
    const hidden = buildCourse(w.t, { title: 'Draft', status: 'draft', modules: [[{ kind: 'text' }]] });
    const me = await registerUser(w.t, { name: 'Dora Dashboard' });
    for (const x of [a, b, c, hidden]) w.enrolIn(me, x.course.id);
    const api = as(w.t, me);

    await api.post(`/api/lessons/${a.lessons[0].id}/complete`);
    w.t.clock.advance(1000);
    await api.post('/api/progress/heartbeat', beat(a.lessons[1].id, [[0, 30]], 30));
    w.t.clock.advance(1000);
    await api.post(`/api/lessons/${b.lessons[0].id}/complete`);

    const res = await api.get('/api/me/dashboard');
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json();
    expect(d.completed.map((x: { course: { title: string } }) => x.course.title)).toEqual(['Beta']);
    expect(d.inProgress.map((x: { course: { title: string } }) => x.course.title)).toEqual(['Alpha', 'Gamma']);
    expect(d.inProgress[0]).toMatchObject({ percent: 33, continue: { lessonId: a.lessons[1].id, position: 30 } });
    expect(d.inProgress[1]).toMatchObject({ percent: 0, continue: { lessonId: c.lessons[0].id, position: 0 }, lastActivityAt: null });
    expect(d.completed[0].completedAt).toBe(new Date(w.t.clock()).toISOString());

    // Once the video is done, "continue" moves on to the next unfinished lesson.
    await api.post('/api/progress/heartbeat', beat(a.lessons[1].id, [[30, 100]], 100));
    const again = (await api.get('/api/me/dashboard')).json();
    expect(again.inProgress[0]).toMatchObject({ percent: 66, continue: { lessonId: a.lessons[2].id, position: 0 } });
    expectProblem(await as(w.t, null).get('/api/me/dashboard'), 401);
  });
});

describe('credentials', () => {
  it('completing lessons (by hand or by watching) lets the course award its confirmation of participation', async () => {
    const { course, lessons: [text, video] } = buildCourse(w.t, { lecturerId: w.lecturer.id, modules: [[{ kind: 'text' }, { kind: 'video', duration: 100 }]] });
    w.t.db.$client.prepare(`INSERT INTO course_awards (course_id, participation_enabled, participation_percent, updated_at) VALUES (?, 1, 100, ?)`).run(course.id, w.t.clock());
    const me = await registerUser(w.t, { name: 'Cora Certified' });
    w.enrolIn(me, course.id);
    const credentials = () => (w.t.db.$client.prepare('SELECT kind FROM credentials WHERE user_id = ?').all(me.id) as { kind: string }[]).map((r) => r.kind);

    await as(w.t, me).post(`/api/lessons/${text.id}/complete`);
    expect(credentials()).toEqual([]);
    await as(w.t, me).post('/api/progress/heartbeat', beat(video.id, [[0, 100]]));
    // The award follows the flush of the beat that completed the video.
    await progressOf(me, course.id);
    expect(credentials()).toEqual(['participation']);
  });
});
