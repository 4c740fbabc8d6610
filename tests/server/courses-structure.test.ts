import { beforeEach, describe, expect, it } from 'vitest';
import { as, expectProblem, type Actor, type TestApp } from '../helpers/app.ts';
import { buildCourseTestApp, courseWorld, enrol, makeCourse, type World } from '../helpers/courses.ts';

let t: TestApp;
let w: World;
beforeEach(async () => {
  t = await buildCourseTestApp();
  w = await courseWorld(t);
});

const twoModules = {
  modules: [
    { title: 'M1', lessons: [{ title: 'L1', body: '# One' }, { title: 'L2' }] },
    { title: 'M2', lessons: [{ title: 'L3' }] },
  ],
};
const order = (c: { syllabus: { title: string; lessons: { title: string }[] }[] }) => c.syllabus.map((m) => `${m.title}:${m.lessons.map((l) => l.title).join(',')}`);

describe('modules', () => {
  it('adds modules at the end, renames and deletes them (with their lessons)', async () => {
    const c = await makeCourse(t, w.owner, twoModules);
    const add = await as(t, w.owner).post(`/api/courses/${c.id}/modules`, { title: ' M3 ' });
    expect(add.statusCode).toBe(201);
    expect(add.json().module).toMatchObject({ courseId: c.id, title: 'M3', position: 2 });
    const ren = await as(t, w.instAdmin).patch(`/api/modules/${c.syllabus[0].id}`, { title: 'Eerste module' });
    expect(ren.json().module.title).toBe('Eerste module');
    expect((await as(t, w.owner).delete(`/api/modules/${c.syllabus[0].id}`)).statusCode).toBe(204);
    const after = (await as(t, w.owner).get(`/api/courses/${c.id}`)).json().course;
    expect(order(after)).toEqual(['M2:L3', 'M3:']);
    expectProblem(await as(t, w.owner).get(`/api/lessons/${c.syllabus[0].lessons[0].id}`), 404);
  });

  it('refuses non-staff, unknown modules and bad titles', async () => {
    const draft = await makeCourse(t, w.owner, twoModules);
    const pub = await makeCourse(t, w.owner, { ...twoModules, title: 'Pub', publish: true });
    const m = draft.syllabus[0].id;
    expectProblem(await as(t, null).post(`/api/courses/${draft.id}/modules`, { title: 'X' }), 401);
    expectProblem(await as(t, w.learner).post(`/api/courses/${draft.id}/modules`, { title: 'X' }), 404);
    expectProblem(await as(t, w.otherLecturer).patch(`/api/modules/${m}`, { title: 'X' }), 404);
    expectProblem(await as(t, w.otherInstAdmin).delete(`/api/modules/${m}`), 404);
    expectProblem(await as(t, w.otherLecturer).patch(`/api/modules/${pub.syllabus[0].id}`, { title: 'X' }), 403);
    expectProblem(await as(t, w.learner).delete(`/api/modules/${pub.syllabus[0].id}`), 403);
    expectProblem(await as(t, w.owner).patch('/api/modules/nope', { title: 'X' }), 404);
    expectProblem(await as(t, w.owner).post(`/api/courses/${draft.id}/modules`, { title: '' }), 400);
    expectProblem(await as(t, w.owner).post(`/api/courses/${draft.id}/modules`, { title: 'x'.repeat(201) }), 400);
    expectProblem(await as(t, w.owner).post(`/api/courses/${draft.id}/modules`, { title: 'X', position: 1 }), 400);
  });
});

describe('PUT /api/courses/:id/structure', () => {
  it('reorders modules and lessons and moves lessons between modules', async () => {
    const c = await makeCourse(t, w.owner, twoModules);
    const [m1, m2] = c.syllabus;
    const [l1, l2] = m1.lessons;
    const [l3] = m2.lessons;
    const res = await as(t, w.owner).put(`/api/courses/${c.id}/structure`, {
      modules: [
        { id: m2.id, lessonIds: [l3.id, l1.id] },
        { id: m1.id, lessonIds: [l2.id] },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(order(res.json().course)).toEqual(['M2:L3,L1', 'M1:L2']);
    const lesson = (await as(t, w.owner).get(`/api/lessons/${l1.id}`)).json().lesson;
    expect(lesson).toMatchObject({ moduleId: m2.id, prevLessonId: l3.id, nextLessonId: l2.id });
    // An empty module is fine.
    const emptied = await as(t, w.owner).put(`/api/courses/${c.id}/structure`, {
      modules: [
        { id: m1.id, lessonIds: [] },
        { id: m2.id, lessonIds: [l1.id, l2.id, l3.id] },
      ],
    });
    expect(order(emptied.json().course)).toEqual(['M1:', 'M2:L1,L2,L3']);
  });

  it('answers 400 unless it lists exactly the course\'s modules and lessons, each once', async () => {
    const c = await makeCourse(t, w.owner, twoModules);
    const other = await makeCourse(t, w.owner, { title: 'Other' });
    const [m1, m2] = c.syllabus;
    const [l1, l2] = m1.lessons;
    const [l3] = m2.lessons;
    const cases: [string, unknown][] = [
      ['a missing lesson', { modules: [{ id: m1.id, lessonIds: [l1.id] }, { id: m2.id, lessonIds: [l3.id] }] }],
      ['a missing module', { modules: [{ id: m1.id, lessonIds: [l1.id, l2.id, l3.id] }] }],
      ['a duplicated lesson', { modules: [{ id: m1.id, lessonIds: [l1.id, l2.id, l1.id] }, { id: m2.id, lessonIds: [l3.id] }] }],
      ['a duplicated module', { modules: [{ id: m1.id, lessonIds: [l1.id, l2.id] }, { id: m1.id, lessonIds: [l3.id] }, { id: m2.id, lessonIds: [] }] }],
      ['a foreign lesson', { modules: [{ id: m1.id, lessonIds: [l1.id, l2.id, other.syllabus[0].lessons[0].id] }, { id: m2.id, lessonIds: [l3.id] }] }],
      ['a foreign module', { modules: [{ id: m1.id, lessonIds: [l1.id, l2.id] }, { id: m2.id, lessonIds: [l3.id] }, { id: other.syllabus[0].id, lessonIds: [] }] }],
      ['an unknown id', { modules: [{ id: m1.id, lessonIds: [l1.id, l2.id, 'nope'] }, { id: m2.id, lessonIds: [l3.id] }] }],
      ['an extra field', { modules: [{ id: m1.id, lessonIds: [l1.id, l2.id], title: 'x' }, { id: m2.id, lessonIds: [l3.id] }] }],
      ['no modules field', {}],
      ['lessonIds not an array', { modules: [{ id: m1.id, lessonIds: { a: 1 } }] }],
    ];
    for (const [name, body] of cases) {
      const p = expectProblem(await as(t, w.owner).put(`/api/courses/${c.id}/structure`, body), 400);
      expect(p.errors?.length, name).toBeGreaterThan(0);
    }
    // Nothing moved.
    expect(order((await as(t, w.owner).get(`/api/courses/${c.id}`)).json().course)).toEqual(['M1:L1,L2', 'M2:L3']);
  });

  it('is for staff only', async () => {
    const c = await makeCourse(t, w.owner, { ...twoModules, publish: true });
    const body = { modules: c.syllabus.map((m) => ({ id: m.id, lessonIds: m.lessons.map((l) => l.id) })) };
    expectProblem(await as(t, null).put(`/api/courses/${c.id}/structure`, body), 401);
    expectProblem(await as(t, w.learner).put(`/api/courses/${c.id}/structure`, body), 403);
    expectProblem(await as(t, w.otherLecturer).put(`/api/courses/${c.id}/structure`, body), 403);
    expect((await as(t, w.admin).put(`/api/courses/${c.id}/structure`, body)).statusCode).toBe(200);
  });
});

describe('lessons', () => {
  it('creates, reads, edits and deletes a lesson; html for readers, the markdown source for staff only', async () => {
    const c = await makeCourse(t, w.owner, { ...twoModules, publish: true });
    await enrol(t, w.enrolled, c.id);
    const created = await as(t, w.owner).post(`/api/modules/${c.syllabus[1].id}/lessons`, {
      title: 'Nieuw',
      kind: 'text',
      estimatedMinutes: 12,
      optional: true,
      body: '## Kop\n\n[link](javascript:alert(1)) <img src=x onerror=alert(1)>',
    });
    expect(created.statusCode).toBe(201);
    const lesson = created.json().lesson;
    expect(lesson).toMatchObject({ courseId: c.id, moduleId: c.syllabus[1].id, kind: 'text', estimatedMinutes: 12, optional: true, prevLessonId: c.syllabus[1].lessons[0].id, nextLessonId: null });
    expect(lesson.body).toContain('## Kop');
    expect(lesson.html).toContain('<h2>Kop</h2>');
    expect(lesson.html).not.toMatch(/javascript:|onerror/);

    const asLearner = (await as(t, w.enrolled).get(`/api/lessons/${lesson.id}`)).json().lesson;
    expect(asLearner.html).toBe(lesson.html);
    expect('body' in asLearner).toBe(false);

    const edited = await as(t, w.owner).patch(`/api/lessons/${lesson.id}`, { title: 'Hernoemd', body: 'Nieuwe *tekst*' });
    expect(edited.json().lesson).toMatchObject({ title: 'Hernoemd', html: '<p>Nieuwe <em>tekst</em></p>\n', body: 'Nieuwe *tekst*', kind: 'text' });
    expectProblem(await as(t, w.owner).patch(`/api/lessons/${lesson.id}`, { kind: 'video' }), 400);
    expectProblem(await as(t, w.owner).patch(`/api/lessons/${lesson.id}`, {}), 400);
    expect((await as(t, w.owner).delete(`/api/lessons/${lesson.id}`)).statusCode).toBe(204);
    expectProblem(await as(t, w.owner).get(`/api/lessons/${lesson.id}`), 404);
  });

  it('gives prev/next in reading order across modules', async () => {
    const c = await makeCourse(t, w.owner, twoModules);
    const [l1, l2] = c.syllabus[0].lessons;
    const [l3] = c.syllabus[1].lessons;
    const get = async (id: string) => (await as(t, w.owner).get(`/api/lessons/${id}`)).json().lesson;
    expect(await get(l1.id)).toMatchObject({ prevLessonId: null, nextLessonId: l2.id });
    expect(await get(l2.id)).toMatchObject({ prevLessonId: l1.id, nextLessonId: l3.id });
    expect(await get(l3.id)).toMatchObject({ prevLessonId: l2.id, nextLessonId: null });
  });

  it('lets enrolled learners and staff read a published course\'s lessons, and nobody else', async () => {
    const c = await makeCourse(t, w.owner, { ...twoModules, publish: true });
    await enrol(t, w.enrolled, c.id);
    const id = c.syllabus[0].lessons[0].id;
    const expected: [Actor | null, number, boolean?][] = [
      [null, 401],
      [w.learner, 403],
      [w.otherLecturer, 403],
      [w.otherInstAdmin, 403],
      [w.enrolled, 200, false],
      [w.owner, 200, true],
      [w.instAdmin, 200, true],
      [w.admin, 200, true],
    ];
    for (const [actor, status, seesBody] of expected) {
      const res = await as(t, actor).get(`/api/lessons/${id}`);
      if (status !== 200) expectProblem(res, status);
      else expect('body' in res.json().lesson).toBe(seesBody);
    }
    // Unenrolled again: no more access.
    await as(t, w.enrolled).delete(`/api/courses/${c.id}/enrolment`);
    expectProblem(await as(t, w.enrolled).get(`/api/lessons/${id}`), 403);
  });

  it('hides the lessons of drafts (404), also from a learner who was enrolled before unpublishing', async () => {
    const c = await makeCourse(t, w.owner, { ...twoModules, publish: true });
    await enrol(t, w.enrolled, c.id);
    await as(t, w.owner).post(`/api/courses/${c.id}/unpublish`);
    const id = c.syllabus[0].lessons[0].id;
    for (const actor of [null, w.learner, w.enrolled, w.otherLecturer]) expectProblem(await as(t, actor).get(`/api/lessons/${id}`), 404);
    expect((await as(t, w.owner).get(`/api/lessons/${id}`)).statusCode).toBe(200);
  });

  it('refuses non-staff writes and malformed lessons', async () => {
    const c = await makeCourse(t, w.owner, { ...twoModules, publish: true });
    await enrol(t, w.enrolled, c.id);
    const m = c.syllabus[0].id;
    const l = c.syllabus[0].lessons[0].id;
    expectProblem(await as(t, null).post(`/api/modules/${m}/lessons`, { title: 'X', kind: 'text' }), 401);
    expectProblem(await as(t, w.enrolled).post(`/api/modules/${m}/lessons`, { title: 'X', kind: 'text' }), 403);
    expectProblem(await as(t, w.enrolled).patch(`/api/lessons/${l}`, { title: 'X' }), 403);
    expectProblem(await as(t, w.otherLecturer).delete(`/api/lessons/${l}`), 403);
    expectProblem(await as(t, null).patch(`/api/lessons/${l}`, { title: 'X' }), 401);
    expectProblem(await as(t, w.owner).post('/api/modules/nope/lessons', { title: 'X', kind: 'text' }), 404);
    for (const body of [
      { title: 'X', kind: 'podcast' },
      { title: 'X' },
      { title: '', kind: 'text' },
      { title: 'X', kind: 'text', estimatedMinutes: -5 },
      { title: 'X', kind: 'text', estimatedMinutes: 1.5 },
      { title: 'X', kind: 'text', body: 'x'.repeat(200_001) },
      { title: 'X', kind: 'text', courseId: c.id },
    ]) {
      expectProblem(await as(t, w.owner).post(`/api/modules/${m}/lessons`, body), 400);
    }
  });
});
