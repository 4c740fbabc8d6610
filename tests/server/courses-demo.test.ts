import { describe, expect, it } from 'vitest';
import { as } from '../helpers/app.ts';
import { buildCourseTestApp } from '../helpers/courses.ts';
import { seedDemoIfEmpty } from '../../server/demo/seed.ts';
import { DEMO_LESSONS_DONE } from '../../server/progress/demo.ts';

describe('demo courses', () => {
  it('seeds a published bilingual course the demo learner follows, and more for the catalogue', async () => {
    const t = await buildCourseTestApp();
    const seeded = await seedDemoIfEmpty({ db: t.db, config: t.config, clock: t.clock });
    expect(seeded).not.toBeNull();
    const catalogue = (await as(t, null).get('/api/courses')).json();
    expect(catalogue.total).toBeGreaterThanOrEqual(4);
    const open = (await as(t, null).get('/api/courses/inleiding-open-leren')).json().course;
    expect(open).toMatchObject({ title: 'Inleiding tot open leren / Introduction to open learning', status: 'published', languages: ['nl', 'en'], lecturers: [{ name: 'Dr. Lotte Lector' }] });
    expect(open.institution.shortName).toBe('Demo');
    expect(open.syllabus.length).toBeGreaterThanOrEqual(2);
    const lessons = open.syllabus.flatMap((m: { lessons: { id: string }[] }) => m.lessons);
    expect(lessons.length).toBeGreaterThanOrEqual(4);

    const learner = seeded!.accounts.find((a) => a.role === 'learner')!;
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: learner.email, password: learner.password } });
    const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const mine = (await t.app.inject({ method: 'GET', url: '/api/me/courses', headers: { cookie } })).json();
    expect(mine.items.map((i: { course: { slug: string } }) => i.course.slug)).toEqual(['inleiding-open-leren']);
    const html = (await Promise.all(lessons.map((l: { id: string }) => t.app.inject({ method: 'GET', url: `/api/lessons/${l.id}`, headers: { cookie } }))))
      .map((r) => r.json().lesson.html)
      .join('\n');
    for (const tag of ['<h2>', '<ol>', '<ul>', '<table>', '<pre><code', '<a href="https://']) expect(html).toContain(tag);

    expect((await as(t, null).get('/api/courses?q=open%20leren')).json().items[0].slug).toBe('inleiding-open-leren');
    expect((await as(t, null).get('/api/courses?language=en')).json().total).toBeGreaterThanOrEqual(2);
  });

  it("shows the demo learner a course under way: dashboard, outline ticks and where to continue", async () => {
    const t = await buildCourseTestApp();
    const seeded = await seedDemoIfEmpty({ db: t.db, config: t.config, clock: t.clock });
    const learner = seeded!.accounts.find((a) => a.role === 'learner')!;
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: learner.email, password: learner.password } });
    const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie } }).then((r) => r.json());

    const course = (await get('/api/courses/inleiding-open-leren')).course;
    const outline: { id: string; kind: string; optional: boolean }[] = course.syllabus.flatMap((m: { lessons: unknown[] }) => m.lessons);
    const done = outline.filter((l) => l.kind === 'text').slice(0, DEMO_LESSONS_DONE).map((l) => l.id);
    const required = outline.filter((l) => !l.optional).length;
    const percent = Math.floor((done.length / required) * 100);
    expect(percent).toBeGreaterThan(0);
    expect(percent).toBeLessThan(100);

    const dashboard = await get('/api/me/dashboard');
    expect(dashboard.completed).toEqual([]);
    expect(dashboard.inProgress).toHaveLength(1);
    const [mine] = dashboard.inProgress;
    expect(mine).toMatchObject({ course: { slug: 'inleiding-open-leren' }, percent, completedAt: null });
    expect(mine.lastActivityAt).not.toBeNull();
    // "Continue" opens the first lesson not yet done, at its start.
    const next = outline.find((l) => !done.includes(l.id))!;
    expect(mine.continue).toEqual({ lessonId: next.id, position: 0 });

    const progress = (await get(`/api/courses/${course.id}/progress`)).progress;
    expect(progress.percent).toBe(percent);
    expect(progress.lessons.filter((l: { completed: boolean }) => l.completed).map((l: { lessonId: string }) => l.lessonId)).toEqual(done);
  });
});
