import { beforeEach, describe, expect, it } from 'vitest';
import { as, expectProblem, registerUser, type Actor, type TestApp } from '../helpers/app.ts';
import { buildCourseTestApp, courseWorld, enrol, makeCourse, type World } from '../helpers/courses.ts';

let t: TestApp;
let w: World;
beforeEach(async () => {
  t = await buildCourseTestApp();
  w = await courseWorld(t);
});

const actors = (w: World): Record<string, Actor | null> => ({
  anonymous: null,
  learner: w.learner,
  enrolled: w.enrolled,
  owner: w.owner,
  otherLecturer: w.otherLecturer,
  instAdmin: w.instAdmin,
  otherInstAdmin: w.otherInstAdmin,
  admin: w.admin,
});

describe('POST /api/courses', () => {
  it('creates a draft with the creator as owner, the creator\'s institution and a slug from the title', async () => {
    const res = await as(t, w.owner).post('/api/courses', {
      title: 'Statistiek voor beginners: één, twee, drie!',
      summary: 'Tellen en meten.',
      description: '## Wat\n\nVeel **tellen**.<script>alert(1)</script>',
      languages: ['nl-be', 'en'],
      licence: 'CC-BY-SA-4.0',
      workloadHours: 42.5,
      estimatedWeeks: 6,
      ects: 3,
      eqfLevel: 6,
      iscedCode: '0542',
      learningOutcomes: ['Gemiddelden berekenen', 'Spreiding interpreteren'],
      prerequisites: 'Rekenen tot tien.',
      keywords: ['statistiek', 'data'],
      partnerIds: [w.otherInst.id],
      enrolmentOpensAt: '2026-01-01T00:00:00Z',
      enrolmentClosesAt: '2026-06-30T00:00:00Z',
      startsAt: '2026-02-01T00:00:00Z',
      endsAt: '2026-05-31T00:00:00Z',
    });
    expect(res.statusCode).toBe(201);
    const c = res.json().course;
    expect(c).toMatchObject({
      slug: 'statistiek-voor-beginners-een-twee-drie',
      status: 'draft',
      languages: ['nl-BE', 'en'],
      institution: { id: w.inst.id, shortName: 'HOGENT' },
      partners: [{ id: w.otherInst.id, shortName: 'KUL' }],
      lecturers: [{ id: w.owner.id, name: 'Olga Owner', role: 'owner' }],
      eqfLevel: 6,
      iscedCode: '0542',
      workloadHours: 42.5,
      enrolmentOpensAt: '2026-01-01T00:00:00.000Z',
      viewer: { role: 'staff', enrolled: false },
      publishedAt: null,
      syllabus: [],
    });
    expect(c.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(c.descriptionHtml).toContain('<h2>Wat</h2>');
    expect(c.descriptionHtml).not.toContain('script');
    expect(c.description).toContain('<script>'); // the source, for staff editing
  });

  it('numbers a generated slug that is taken, and answers 409 LEERPAD_SLUG_TAKEN for a taken explicit slug', async () => {
    const a = await as(t, w.owner).post('/api/courses', { title: 'Intro' });
    const b = await as(t, w.owner).post('/api/courses', { title: 'intro!' });
    expect(a.json().course.slug).toBe('intro');
    expect(b.json().course.slug).toBe('intro-2');
    expectProblem(await as(t, w.owner).post('/api/courses', { title: 'Other', slug: 'intro' }), 409, 'LEERPAD_SLUG_TAKEN');
    const own = await as(t, w.owner).post('/api/courses', { title: 'Other', slug: 'my-own-slug' });
    expect(own.json().course.slug).toBe('my-own-slug');
    const greek = await as(t, w.owner).post('/api/courses', { title: 'Ελληνικά' });
    expect(greek.json().course.slug).toBe('course');
  });

  it('is for lecturers and admins only', async () => {
    expectProblem(await as(t, null).post('/api/courses', { title: 'X' }), 401);
    expectProblem(await as(t, w.learner).post('/api/courses', { title: 'X' }), 403);
    expectProblem(await as(t, w.instAdmin).post('/api/courses', { title: 'X' }), 403);
    expect((await as(t, w.admin).post('/api/courses', { title: 'X' })).statusCode).toBe(201);
  });

  it('lets a lecturer offer a course only for their own institution', async () => {
    expectProblem(await as(t, w.owner).post('/api/courses', { title: 'X', institutionId: w.otherInst.id }), 403);
    const none = await as(t, w.owner).post('/api/courses', { title: 'X', institutionId: null });
    expect(none.json().course.institution).toBeNull();
    const byAdmin = await as(t, w.admin).post('/api/courses', { title: 'X', institutionId: w.otherInst.id });
    expect(byAdmin.json().course.institution.id).toBe(w.otherInst.id);
  });

  it.each([
    ['an empty title', { title: '' }],
    ['a blank title', { title: '   ' }],
    ['an oversized title', { title: 'x'.repeat(201) }],
    ['an oversized summary', { title: 'X', summary: 'x'.repeat(501) }],
    ['an oversized description', { title: 'X', description: 'x'.repeat(50_001) }],
    ['an unknown field', { title: 'X', status: 'published' }],
    ['a malformed slug', { title: 'X', slug: 'Not A Slug' }],
    ['a UUID-like slug', { title: 'X', slug: '123e4567-e89b-42d3-a456-426614174000' }],
    ['a malformed language', { title: 'X', languages: ['dutch language'] }],
    ['an invalid language', { title: 'X', languages: ['nl-123456789'] }],
    ['too many languages', { title: 'X', languages: Array.from({ length: 11 }, (_, i) => `x${String.fromCharCode(97 + i)}`) }],
    ['an EQF level of 9', { title: 'X', eqfLevel: 9 }],
    ['an EQF level of 0', { title: 'X', eqfLevel: 0 }],
    ['a 3-digit ISCED code', { title: 'X', iscedCode: '061' }],
    ['a negative workload', { title: 'X', workloadHours: -1 }],
    ['a string for ects', { title: 'X', ects: 'three' }],
    ['a bad licence', { title: 'X', licence: 'CC BY <script>' }],
    ['a non-date start', { title: 'X', startsAt: 'tomorrow' }],
    ['an end before the start', { title: 'X', startsAt: '2026-03-01T00:00:00Z', endsAt: '2026-02-01T00:00:00Z' }],
    ['enrolment closing before it opens', { title: 'X', enrolmentOpensAt: '2026-03-01T00:00:00Z', enrolmentClosesAt: '2026-02-01T00:00:00Z' }],
    ['an unknown partner', { title: 'X', partnerIds: ['nope'] }],
    ['an object as keyword', { title: 'X', keywords: [{}] }],
    ['an empty ISCED code', { title: 'X', iscedCode: '' }],
    ['an empty institution id', { title: 'X', institutionId: '' }],
    ['too many learning outcomes', { title: 'X', learningOutcomes: Array.from({ length: 31 }, (_, i) => `o${i}`) }],
  ])('answers 400 problem+json for %s', async (_name, body) => {
    const p = expectProblem(await as(t, w.owner).post('/api/courses', body), 400);
    expect(p.errors?.length).toBeGreaterThan(0);
  });

  it('answers 400 for a body that is not JSON and 413 for one past the body limit', async () => {
    expectProblem(await as(t, w.owner).post('/api/courses', '{"title":', { 'content-type': 'application/json' }), 400);
    const huge = JSON.stringify({ title: 'X', description: 'x'.repeat(1_100_000) });
    expectProblem(await as(t, w.owner).post('/api/courses', huge, { 'content-type': 'application/json' }), 413);
  });
});

describe('GET /api/courses/:idOrSlug', () => {
  it('hides drafts and archived courses from everyone but staff (404, not 403)', async () => {
    const draft = await makeCourse(t, w.owner);
    const expected: Record<string, number> = { anonymous: 404, learner: 404, enrolled: 404, owner: 200, otherLecturer: 404, instAdmin: 200, otherInstAdmin: 404, admin: 200 };
    for (const [name, actor] of Object.entries(actors(w))) {
      const res = await as(t, actor).get(`/api/courses/${draft.id}`);
      if (expected[name] === 404) expectProblem(res, 404, 'LEERPAD_NOT_FOUND');
      else expect(res.statusCode, name).toBe(200);
      expect((await as(t, actor).get(`/api/courses/${draft.slug}`)).statusCode, `${name} by slug`).toBe(expected[name]);
    }
    await as(t, w.owner).post(`/api/courses/${draft.id}/publish`);
    await as(t, w.owner).post(`/api/courses/${draft.id}/archive`);
    expectProblem(await as(t, w.learner).get(`/api/courses/${draft.id}`), 404);
    expect((await as(t, w.instAdmin).get(`/api/courses/${draft.id}`)).json().course.status).toBe('archived');
  });

  it('shows a published course to anyone, with syllabus and viewer role, and the markdown source to staff only', async () => {
    const c = await makeCourse(t, w.owner, {
      description: 'Lees *dit*',
      modules: [
        { title: 'Eén', lessons: [{ title: 'Eerste', estimatedMinutes: 10 }, { title: 'Film', kind: 'video', estimatedMinutes: 7 }] },
        { title: 'Twee', lessons: [{ title: 'Toets', kind: 'quiz', estimatedMinutes: 3, optional: true }] },
      ],
      publish: true,
    });
    await enrol(t, w.enrolled, c.id);
    const roles: Record<string, [string, boolean]> = {
      anonymous: ['visitor', false],
      learner: ['visitor', false],
      enrolled: ['enrolled', true],
      owner: ['staff', false],
      otherLecturer: ['visitor', false],
      instAdmin: ['staff', false],
      otherInstAdmin: ['visitor', false],
      admin: ['staff', false],
    };
    for (const [name, actor] of Object.entries(actors(w))) {
      const res = await as(t, actor).get(`/api/courses/${c.slug}`);
      expect(res.statusCode, name).toBe(200);
      const body = res.json().course;
      expect(body.viewer, name).toEqual({ role: roles[name][0], enrolled: roles[name][1] });
      expect('description' in body, name).toBe(roles[name][0] === 'staff');
      expect(body.descriptionHtml).toBe('<p>Lees <em>dit</em></p>\n');
      expect(body.syllabus.map((m: { title: string }) => m.title)).toEqual(['Eén', 'Twee']);
      expect(body.syllabus[0].lessons.map((l: { kind: string }) => l.kind)).toEqual(['text', 'video']);
      expect(body.syllabus[1].lessons[0]).toMatchObject({ title: 'Toets', kind: 'quiz', estimatedMinutes: 3, optional: true });
      expect(body.totalMinutes).toBe(20);
      // No body (lesson content) in the syllabus.
      expect(JSON.stringify(body.syllabus)).not.toContain('# Hello');
    }
  });

  it('shows the enrolment count to non-staff only from 10 enrolments on', async () => {
    const c = await makeCourse(t, w.owner, { publish: true });
    for (let i = 0; i < 9; i++) await enrol(t, await registerUser(t), c.id);
    expect((await as(t, null).get(`/api/courses/${c.id}`)).json().course.enrolmentCount).toBeNull();
    expect((await as(t, w.owner).get(`/api/courses/${c.id}`)).json().course.enrolmentCount).toBe(9);
    await enrol(t, w.enrolled, c.id);
    expect((await as(t, null).get(`/api/courses/${c.id}`)).json().course.enrolmentCount).toBe(10);
  });

  it('answers 404 for an unknown id or slug', async () => {
    expectProblem(await as(t, null).get('/api/courses/no-such-course'), 404);
    expectProblem(await as(t, null).get('/api/courses/123e4567-e89b-42d3-a456-426614174000'), 404);
  });
});

describe('PATCH /api/courses/:id', () => {
  it('lets staff edit, keeps the rest, and rejects a taken slug with 409', async () => {
    const c = await makeCourse(t, w.owner, { title: 'Old', keywords: ['a'] });
    await makeCourse(t, w.owner, { title: 'Taken' });
    const res = await as(t, w.instAdmin).patch(`/api/courses/${c.id}`, { title: 'New', eqfLevel: 4, keywords: ['b', 'b', ' c '] });
    expect(res.statusCode).toBe(200);
    expect(res.json().course).toMatchObject({ title: 'New', eqfLevel: 4, keywords: ['b', 'c'], slug: 'old', summary: 'What it is about.' });
    expectProblem(await as(t, w.owner).patch(`/api/courses/${c.id}`, { slug: 'taken' }), 409, 'LEERPAD_SLUG_TAKEN');
    expect((await as(t, w.owner).patch(`/api/courses/${c.id}`, { slug: 'old' })).statusCode).toBe(200); // its own slug
    const cleared = await as(t, w.admin).patch(`/api/courses/${c.id}`, { eqfLevel: null, partnerIds: [w.otherInst.id] });
    expect(cleared.json().course).toMatchObject({ eqfLevel: null, partners: [{ id: w.otherInst.id }] });
  });

  it('checks date order against the stored values', async () => {
    const c = await makeCourse(t, w.owner, { startsAt: '2026-03-01T00:00:00Z' });
    expectProblem(await as(t, w.owner).patch(`/api/courses/${c.id}`, { endsAt: '2026-02-01T00:00:00Z' }), 400);
    expect((await as(t, w.owner).patch(`/api/courses/${c.id}`, { endsAt: '2026-04-01T00:00:00Z' })).statusCode).toBe(200);
  });

  it('answers 401, 404 (draft) or 403 (published) to non-staff, and 400 to an empty or unknown patch', async () => {
    const draft = await makeCourse(t, w.owner);
    const pub = await makeCourse(t, w.owner, { title: 'Pub', publish: true });
    await enrol(t, w.enrolled, pub.id);
    expectProblem(await as(t, null).patch(`/api/courses/${draft.id}`, { title: 'X' }), 401);
    for (const actor of [w.learner, w.otherLecturer, w.otherInstAdmin]) {
      expectProblem(await as(t, actor).patch(`/api/courses/${draft.id}`, { title: 'X' }), 404);
      expectProblem(await as(t, actor).patch(`/api/courses/${pub.id}`, { title: 'X' }), 403);
    }
    expectProblem(await as(t, w.enrolled).patch(`/api/courses/${pub.id}`, { title: 'X' }), 403);
    expectProblem(await as(t, w.owner).patch(`/api/courses/${draft.id}`, {}), 400);
    expectProblem(await as(t, w.owner).patch(`/api/courses/${draft.id}`, { enrolmentCount: 5 }), 400);
    expectProblem(await as(t, w.owner).patch('/api/courses/nope', { title: 'X' }), 404);
  });
});

describe('publish, unpublish, archive', () => {
  it('publishing checks completeness and answers 422 with what is missing', async () => {
    const res = await as(t, w.owner).post('/api/courses', { title: 'Empty' });
    const id = res.json().course.id;
    const p = expectProblem(await as(t, w.owner).post(`/api/courses/${id}/publish`), 422, 'LEERPAD_UNPROCESSABLE');
    expect(p.errors?.map((e) => e.pointer).sort()).toEqual(['/languages', '/summary', '/syllabus']);
    await as(t, w.owner).patch(`/api/courses/${id}`, { summary: 'Now with a summary', languages: ['en'] });
    const p2 = expectProblem(await as(t, w.owner).post(`/api/courses/${id}/publish`), 422);
    expect(p2.errors?.map((e) => e.pointer)).toEqual(['/syllabus']);
    const mod = await as(t, w.owner).post(`/api/courses/${id}/modules`, { title: 'M' });
    await as(t, w.owner).post(`/api/modules/${mod.json().module.id}/lessons`, { title: 'L', kind: 'text' });
    const ok = await as(t, w.owner).post(`/api/courses/${id}/publish`);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().course).toMatchObject({ status: 'published', publishedAt: '2026-01-05T09:00:00.000Z' });
  });

  it('moves between states, keeping the first publication date', async () => {
    const c = await makeCourse(t, w.owner, { publish: true });
    t.clock.advance(86_400_000);
    expect((await as(t, w.owner).post(`/api/courses/${c.id}/unpublish`)).json().course.status).toBe('draft');
    expectProblem(await as(t, w.learner).get(`/api/courses/${c.id}`), 404);
    expect((await as(t, w.owner).post(`/api/courses/${c.id}/publish`)).json().course.publishedAt).toBe('2026-01-05T09:00:00.000Z');
    expect((await as(t, w.admin).post(`/api/courses/${c.id}/archive`)).json().course.status).toBe('archived');
    expect((await as(t, w.owner).post(`/api/courses/${c.id}/publish`)).json().course.status).toBe('published');
  });

  it('is for staff only', async () => {
    const c = await makeCourse(t, w.owner);
    for (const action of ['publish', 'unpublish', 'archive']) {
      expectProblem(await as(t, null).post(`/api/courses/${c.id}/${action}`), 401);
      expectProblem(await as(t, w.learner).post(`/api/courses/${c.id}/${action}`), 404);
      expectProblem(await as(t, w.otherLecturer).post(`/api/courses/${c.id}/${action}`), 404);
    }
    await as(t, w.owner).post(`/api/courses/${c.id}/publish`);
    expectProblem(await as(t, w.otherLecturer).post(`/api/courses/${c.id}/archive`), 403);
    expectProblem(await as(t, w.otherInstAdmin).post(`/api/courses/${c.id}/unpublish`), 403);
  });
});

describe('lecturers', () => {
  it('adds a co-lecturer by e-mail, who becomes staff; removing them works, removing the owner does not', async () => {
    const c = await makeCourse(t, w.owner);
    const add = await as(t, w.owner).post(`/api/courses/${c.id}/lecturers`, { email: w.otherLecturer.email.toUpperCase() });
    expect(add.statusCode).toBe(201);
    expect(add.json().lecturers).toEqual([
      { id: w.owner.id, name: 'Olga Owner', role: 'owner' },
      { id: w.otherLecturer.id, name: 'Otto Other', role: 'co-lecturer' },
    ]);
    expect((await as(t, w.owner).post(`/api/courses/${c.id}/lecturers`, { email: w.otherLecturer.email })).statusCode).toBe(200);
    // The co-lecturer now sees and edits the draft, and finds it in their studio.
    expect((await as(t, w.otherLecturer).patch(`/api/courses/${c.id}`, { summary: 'Co-written' })).statusCode).toBe(200);
    const studio = await as(t, w.otherLecturer).get('/api/studio/courses');
    expect(studio.json().items).toMatchObject([{ course: { id: c.id }, status: 'draft', lecturerRole: 'co-lecturer' }]);

    expectProblem(await as(t, w.otherLecturer).delete(`/api/courses/${c.id}/lecturers/${w.owner.id}`), 409);
    expect((await as(t, w.owner).delete(`/api/courses/${c.id}/lecturers/${w.otherLecturer.id}`)).statusCode).toBe(204);
    expectProblem(await as(t, w.otherLecturer).get(`/api/courses/${c.id}`), 404);
    expectProblem(await as(t, w.owner).delete(`/api/courses/${c.id}/lecturers/${w.otherLecturer.id}`), 404);
  });

  it('answers 404 for an unknown e-mail address, 400 for a malformed one, and refuses non-staff', async () => {
    const c = await makeCourse(t, w.owner, { publish: true });
    expectProblem(await as(t, w.owner).post(`/api/courses/${c.id}/lecturers`, { email: 'nobody@example.test' }), 404);
    expectProblem(await as(t, w.owner).post(`/api/courses/${c.id}/lecturers`, { email: 'not-an-email' }), 400);
    expectProblem(await as(t, null).post(`/api/courses/${c.id}/lecturers`, { email: w.learner.email }), 401);
    expectProblem(await as(t, w.learner).post(`/api/courses/${c.id}/lecturers`, { email: w.learner.email }), 403);
    expectProblem(await as(t, w.learner).delete(`/api/courses/${c.id}/lecturers/${w.owner.id}`), 403);
  });
});

describe('GET /api/studio/courses', () => {
  it('lists the courses I teach in any status, and nothing for a learner', async () => {
    const a = await makeCourse(t, w.owner, { title: 'A' });
    t.clock.advance(1000);
    const b = await makeCourse(t, w.owner, { title: 'B', publish: true });
    await makeCourse(t, w.otherLecturer, { title: 'Not mine' });
    const res = await as(t, w.owner).get('/api/studio/courses');
    expect(res.json().items.map((i: { course: { id: string }; status: string }) => [i.course.id, i.status])).toEqual([
      [b.id, 'published'],
      [a.id, 'draft'],
    ]);
    expect((await as(t, w.learner).get('/api/studio/courses')).json().items).toEqual([]);
    expectProblem(await as(t, null).get('/api/studio/courses'), 401);
  });
});
