import { beforeEach, describe, expect, it } from 'vitest';
import { as, expectProblem, type TestApp } from '../helpers/app.ts';
import { buildCourseTestApp, courseWorld, makeCourse, type World } from '../helpers/courses.ts';

let t: TestApp;
let w: World;
beforeEach(async () => {
  t = await buildCourseTestApp();
  w = await courseWorld(t);
});

const count = (t: TestApp, id: string) =>
  (t.db.$client.prepare('SELECT enrolment_count AS n FROM courses WHERE id = ?').get(id) as { n: number }).n;

describe('enrolment', () => {
  it('enrols (201), is idempotent (200), unenrols (204) and re-enrols into the same row, keeping the count exact', async () => {
    const c = await makeCourse(t, w.owner, { publish: true });
    const first = await as(t, w.learner).post(`/api/courses/${c.id}/enrolment`);
    expect(first.statusCode).toBe(201);
    expect(first.json().enrolment).toEqual({ courseId: c.id, status: 'active', enrolledAt: '2026-01-05T09:00:00.000Z', lastActivityAt: null, completedAt: null });
    expect((await as(t, w.learner).post(`/api/courses/${c.id}/enrolment`)).statusCode).toBe(200);
    expect(count(t, c.id)).toBe(1);
    expect((await as(t, w.learner).get(`/api/courses/${c.id}`)).json().course.viewer).toEqual({ role: 'enrolled', enrolled: true });

    const rowId = (t.db.$client.prepare('SELECT id FROM enrolments WHERE user_id = ?').get(w.learner.id) as { id: string }).id;
    // Progress lives beside the enrolment; pretend some was made.
    t.db.$client.prepare('UPDATE enrolments SET last_activity_at = ? WHERE id = ?').run(Date.UTC(2026, 0, 6), rowId);

    expect((await as(t, w.learner).delete(`/api/courses/${c.id}/enrolment`)).statusCode).toBe(204);
    expect((await as(t, w.learner).delete(`/api/courses/${c.id}/enrolment`)).statusCode).toBe(204);
    expect(count(t, c.id)).toBe(0);
    expect((await as(t, w.learner).get(`/api/courses/${c.id}`)).json().course.viewer).toEqual({ role: 'visitor', enrolled: false });
    expect((await as(t, w.learner).get('/api/me/courses')).json().items).toEqual([]);

    t.clock.advance(86_400_000 * 3);
    const again = await as(t, w.learner).post(`/api/courses/${c.id}/enrolment`);
    expect(again.statusCode).toBe(201);
    expect(again.json().enrolment).toMatchObject({ status: 'active', enrolledAt: '2026-01-05T09:00:00.000Z', lastActivityAt: '2026-01-06T00:00:00.000Z' });
    const rows = t.db.$client.prepare('SELECT id FROM enrolments WHERE user_id = ?').all(w.learner.id) as { id: string }[];
    expect(rows).toEqual([{ id: rowId }]);
    expect(count(t, c.id)).toBe(1);
  });

  it('needs a login, a visible course and a published one', async () => {
    const draft = await makeCourse(t, w.owner);
    expectProblem(await as(t, null).post(`/api/courses/${draft.id}/enrolment`), 401);
    expectProblem(await as(t, null).delete(`/api/courses/${draft.id}/enrolment`), 401);
    expectProblem(await as(t, w.learner).post(`/api/courses/${draft.id}/enrolment`), 404);
    expectProblem(await as(t, w.learner).delete(`/api/courses/${draft.id}/enrolment`), 404);
    expectProblem(await as(t, w.owner).post(`/api/courses/${draft.id}/enrolment`), 422);
    expectProblem(await as(t, w.learner).post('/api/courses/nope/enrolment'), 404);
    await as(t, w.owner).post(`/api/courses/${draft.id}/publish`);
    await as(t, w.owner).post(`/api/courses/${draft.id}/archive`);
    expectProblem(await as(t, w.learner).post(`/api/courses/${draft.id}/enrolment`), 404);
  });

  it('respects the enrolment window (422 outside it), and lets people leave whenever', async () => {
    const c = await makeCourse(t, w.owner, { enrolmentOpensAt: '2026-01-07T00:00:00Z', enrolmentClosesAt: '2026-01-09T00:00:00Z', publish: true });
    expect((await as(t, null).get(`/api/courses/${c.id}`)).json().course.enrolmentOpen).toBe(false);
    const early = expectProblem(await as(t, w.learner).post(`/api/courses/${c.id}/enrolment`), 422);
    expect(early.detail).toContain('2026-01-07');
    t.clock.set(Date.UTC(2026, 0, 8)); // sessions idle out after a week: stay within it
    expect((await as(t, null).get(`/api/courses/${c.id}`)).json().course.enrolmentOpen).toBe(true);
    expect((await as(t, w.learner).post(`/api/courses/${c.id}/enrolment`)).statusCode).toBe(201);
    t.clock.set(Date.UTC(2026, 0, 10));
    expectProblem(await as(t, w.enrolled).post(`/api/courses/${c.id}/enrolment`), 422);
    expect((await as(t, w.learner).post(`/api/courses/${c.id}/enrolment`)).statusCode).toBe(200); // already in
    expect((await as(t, w.learner).delete(`/api/courses/${c.id}/enrolment`)).statusCode).toBe(204);
    expectProblem(await as(t, w.learner).post(`/api/courses/${c.id}/enrolment`), 422); // closed for re-enrolment too
  });

  it('lets a learner leave a course that has since been unpublished', async () => {
    const c = await makeCourse(t, w.owner, { publish: true });
    await as(t, w.learner).post(`/api/courses/${c.id}/enrolment`);
    await as(t, w.owner).post(`/api/courses/${c.id}/unpublish`);
    expect((await as(t, w.learner).delete(`/api/courses/${c.id}/enrolment`)).statusCode).toBe(204);
    expect(count(t, c.id)).toBe(0);
  });
});

describe('GET /api/me/courses', () => {
  it('lists my active enrolments in published courses, most recently active first, never other learners', async () => {
    const a = await makeCourse(t, w.owner, { title: 'A', publish: true });
    const b = await makeCourse(t, w.owner, { title: 'B', publish: true });
    const c = await makeCourse(t, w.owner, { title: 'C', publish: true });
    await as(t, w.learner).post(`/api/courses/${a.id}/enrolment`);
    t.clock.advance(1000);
    await as(t, w.learner).post(`/api/courses/${b.id}/enrolment`);
    await as(t, w.learner).post(`/api/courses/${c.id}/enrolment`);
    await as(t, w.learner).delete(`/api/courses/${c.id}/enrolment`);
    await as(t, w.enrolled).post(`/api/courses/${a.id}/enrolment`);
    const res = await as(t, w.learner).get('/api/me/courses');
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items.map((i: { course: { title: string } }) => i.course.title)).toEqual(['B', 'A']);
    expect(items[0].course).toMatchObject({ slug: 'b', institution: { shortName: 'HOGENT' }, lecturers: [{ name: 'Olga Owner' }], enrolmentCount: null });
    expect(JSON.stringify(res.json())).not.toContain(w.enrolled.id);
    await as(t, w.owner).post(`/api/courses/${a.id}/unpublish`);
    expect((await as(t, w.learner).get('/api/me/courses')).json().items.map((i: { course: { title: string } }) => i.course.title)).toEqual(['B']);
    expectProblem(await as(t, null).get('/api/me/courses'), 401);
  });

  it('never shows who is enrolled to anyone, staff included', async () => {
    const c = await makeCourse(t, w.owner, { publish: true });
    await as(t, w.enrolled).post(`/api/courses/${c.id}/enrolment`);
    for (const actor of [null, w.learner, w.owner, w.admin]) {
      const body = (await as(t, actor).get(`/api/courses/${c.id}`)).body + (await as(t, actor).get('/api/courses')).body;
      expect(body).not.toContain(w.enrolled.id);
      expect(body).not.toContain('Eva Enrolled');
    }
  });
});
