import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, expectProblem, GOOD_PASSWORD, registerUser, sessionCookie } from '../helpers/app.ts';
import { addAttempt, beat, buildCourse, progressWorld } from '../helpers/progress.ts';

type World = Awaited<ReturnType<typeof progressWorld>>;
let w: World;
beforeAll(async () => {
  w = await progressWorld();
});
afterAll(async () => {
  await w?.t.app.close();
});

async function activeLearner(name = 'Pia Private') {
  const { course, lessons } = buildCourse(w.t, { lecturerId: w.lecturer.id, title: 'Privacy 101', modules: [[{ kind: 'video', duration: 100 }, { kind: 'quiz' }]] });
  const me = await registerUser(w.t, { name });
  w.enrolIn(me, course.id);
  await as(w.t, me).patch('/api/auth/me', { country: 'BE', homeInstitution: 'UGent' });
  await as(w.t, me).post('/api/progress/heartbeat', beat(lessons[0].id, [[0, 95]]));
  addAttempt(w.t, { lessonId: lessons[1].id, userId: me.id, percent: 70, passed: true, answers: { q1: 'my very personal essay' } });
  return { me, course, lessons };
}

describe('GET /api/me/export', () => {
  it('downloads my account, enrolments, progress, quiz attempts and sessions, without secrets', async () => {
    const { me, course, lessons } = await activeLearner();
    const res = await as(w.t, me).get('/api/me/export');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="leerpad-export-\d{4}-\d{2}-\d{2}\.json"$/);
    const data = res.json();
    expect(data.account).toMatchObject({ id: me.id, email: me.email, name: 'Pia Private', country: 'BE', homeInstitution: 'UGent' });
    expect(data.enrolments).toEqual([expect.objectContaining({ courseId: course.id, courseTitle: 'Privacy 101', status: 'active' })]);
    // The beat was still in memory: the export flushes it first.
    expect(data.progress).toEqual([
      expect.objectContaining({ lessonId: lessons[0].id, watchedRanges: [[0, 95]], watchedSeconds: 95, completedAt: expect.any(String) }),
    ]);
    expect(data.quizAttempts).toEqual([expect.objectContaining({ lessonId: lessons[1].id, percent: 70, passed: true, answers: { q1: 'my very personal essay' } })]);
    expect(data.sessions).toHaveLength(1);
    expect(data.sessions[0]).toMatchObject({ current: true });
    expect(data.lecturing).toEqual([]);
    const raw = res.body;
    expect(raw).not.toMatch(/scrypt\$/);
    expect(raw).not.toContain(me.cookie.split('=')[1].split('.')[0]);
    expect(raw).not.toMatch(/password/i);
    expectProblem(await as(w.t, null).get('/api/me/export'), 401);
  });

  it('lists the courses a lecturer teaches', async () => {
    buildCourse(w.t, { lecturerId: w.lecturer.id, title: 'Taught', modules: [[{ kind: 'text' }]] });
    const data = (await as(w.t, w.lecturer).get('/api/me/export')).json();
    expect(data.lecturing).toEqual(expect.arrayContaining([expect.objectContaining({ courseTitle: 'Taught', role: 'owner' })]));
  });
});

describe('DELETE /api/me', () => {
  it('needs the right password', async () => {
    const me = await registerUser(w.t, { name: 'Wes Wrong' });
    const wrong = expectProblem(await as(w.t, me).delete('/api/me', { password: 'not my password at all' }), 400, 'LEERPAD_INVALID_CREDENTIALS');
    expect(wrong.errors?.[0].pointer).toBe('/body/password');
    expectProblem(await as(w.t, me).delete('/api/me', {}), 400, 'LEERPAD_VALIDATION');
    expectProblem(await as(w.t, me).delete('/api/me', { password: GOOD_PASSWORD, extra: 1 }), 400, 'LEERPAD_VALIDATION');
    expectProblem(await as(w.t, null).delete('/api/me', { password: GOOD_PASSWORD }), 401);
    expect((await as(w.t, me).get('/api/auth/me')).statusCode).toBe(200);
  });

  it('erases the person, keeps the anonymous counts; the e-mail can register again', async () => {
    const { me, course, lessons } = await activeLearner('Dirk Deleted');
    const other = await registerUser(w.t, { name: 'Second Session' });
    // A second session of the same user, from a new login.
    const login = await w.t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: me.email, password: GOOD_PASSWORD } });
    const second = sessionCookie(login);
    const enrolmentCount = () => (w.t.db.$client.prepare('SELECT enrolment_count AS n FROM courses WHERE id = ?').get(course.id) as { n: number }).n;
    const countsBefore = enrolmentCount();

    const res = await as(w.t, me).delete('/api/me', { password: GOOD_PASSWORD });
    expect(res.statusCode, res.body).toBe(204);
    expect(res.cookies.find((c) => c.name.endsWith('leerpad_session'))?.value).toBe('');

    // Signed out everywhere, and no way back in.
    expectProblem(await as(w.t, me).get('/api/auth/me'), 401);
    expectProblem(await w.t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: second } }), 401);
    expectProblem(await w.t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: me.email, password: GOOD_PASSWORD } }), 401);

    const row = w.t.db.$client.prepare('SELECT * FROM users WHERE id = ?').get(me.id) as Record<string, unknown>;
    expect(row).toMatchObject({ name: 'Deleted user', disabled: 1, roles: '[]', country: null, home_institution: null, locale: null, institution_id: null });
    expect(row.email).toMatch(/^deleted-[0-9a-f-]{36}@invalid$/);
    expect(row.password_hash).not.toMatch(/^scrypt\$/);
    expect(w.t.db.$client.prepare('SELECT count(*) AS n FROM sessions WHERE user_id = ?').get(me.id)).toEqual({ n: 0 });

    // Anonymous facts stay: the enrolment, progress and the quiz score, not the answers.
    expect(enrolmentCount()).toBe(countsBefore);
    expect(w.t.db.$client.prepare('SELECT completed_at IS NOT NULL AS done FROM lesson_progress WHERE user_id = ? AND lesson_id = ?').get(me.id, lessons[0].id)).toEqual({ done: 1 });
    expect(w.t.db.$client.prepare('SELECT answers, results, percent FROM attempts WHERE user_id = ?').get(me.id)).toEqual({ answers: '{}', results: null, percent: 70 });

    // The lecturer no longer sees a person.
    const list = (await as(w.t, w.lecturer).get(`/api/courses/${course.id}/learners`)).json();
    expect(list.items.map((i: { userId: string }) => i.userId)).not.toContain(me.id);
    expectProblem(await as(w.t, w.lecturer).get(`/api/courses/${course.id}/learners/${me.id}`), 404);

    // The address is free again: a new, empty account.
    const again = await w.t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: me.email, password: GOOD_PASSWORD, name: 'Dirk Again' } });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().user.id).not.toBe(me.id);
    expect((await as(w.t, { ...me, cookie: sessionCookie(again) }).get('/api/me/dashboard')).json()).toEqual({ inProgress: [], completed: [] });
    expect((await as(w.t, other).get('/api/auth/me')).statusCode).toBe(200);
  });

  it('refuses to delete the only platform administrator', async () => {
    const admins = w.t.db.$client.prepare(`SELECT users.id AS id FROM users, json_each(users.roles) r WHERE r.value = 'admin'`).all() as { id: string }[];
    for (const a of admins) w.t.db.$client.prepare(`UPDATE users SET roles = '[]' WHERE id = ?`).run(a.id);
    const admin = await registerUser(w.t, { roles: ['admin'] });
    expectProblem(await as(w.t, admin).delete('/api/me', { password: GOOD_PASSWORD }), 409);
    const second = await registerUser(w.t, { roles: ['admin'] });
    expect((await as(w.t, admin).delete('/api/me', { password: GOOD_PASSWORD })).statusCode).toBe(204);
    expect((await as(w.t, second).get('/api/auth/me')).statusCode).toBe(200);
  });
});
