import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { courses, lessons, videos } from '../../db/schema/index.ts';
import { as, buildTestApp, registerUser, type TestApp } from '../helpers/app.ts';
import { enrol, makeCourse, makeLesson, makeModule } from '../helpers/factories.ts';

/** The lesson GET as features compose it: the course's text, the video feature's player data, progress's lock. */
let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(async () => {
  await t.app.close();
});

describe('lesson view', () => {
  it('embeds the current ready video with a signed playback URL for an enrolled learner', async () => {
    const lecturer = await registerUser(t, { roles: ['lecturer'] });
    const learner = await registerUser(t);
    const course = makeCourse(t, { lecturerId: lecturer.id });
    const lesson = makeLesson(t, { courseId: course.id, kind: 'video' });
    const videoId = randomUUID();
    const now = t.clock();
    t.db.insert(videos).values({
      id: videoId, lessonId: lesson.id, status: 'ready', progress: 100, durationSeconds: 12, width: 640, height: 360,
      renditions: [{ version: 'v1' }], createdAt: now, updatedAt: now, readyAt: now,
    }).run();
    t.db.update(lessons).set({ videoId }).where(eq(lessons.id, lesson.id)).run();
    enrol(t, { courseId: course.id, userId: learner.id });

    const view = (await as(t, learner).get(`/api/lessons/${lesson.id}`)).json().lesson;
    expect(view.video.current).toMatchObject({ id: videoId, status: 'ready', durationSeconds: 12 });
    expect(view.video.current.playbackUrl).toMatch(new RegExp(`^/hls/\\d+\\.[\\w-]+/${videoId}/`));
    expect(view.video.pending).toBeNull();
    expect(view.lock).toEqual({ locked: false, lockedBy: null });
  });

  it('a text lesson carries no video field', async () => {
    const learner = await registerUser(t);
    const course = makeCourse(t);
    const lesson = makeLesson(t, { courseId: course.id, body: '# Hallo' });
    enrol(t, { courseId: course.id, userId: learner.id });
    const view = (await as(t, learner).get(`/api/lessons/${lesson.id}`)).json().lesson;
    expect(view).not.toHaveProperty('video');
    expect(view.html).toContain('<h1');
  });

  it('in a sequential course a later lesson is locked, without its content, until the earlier one is done', async () => {
    const lecturer = await registerUser(t, { roles: ['lecturer'] });
    const learner = await registerUser(t);
    const course = makeCourse(t, { lecturerId: lecturer.id });
    t.db.update(courses).set({ sequential: true }).where(eq(courses.id, course.id)).run();
    const mod = makeModule(t, { courseId: course.id });
    const first = makeLesson(t, { courseId: course.id, moduleId: mod.id, position: 0, body: 'Eerst dit' });
    const second = makeLesson(t, { courseId: course.id, moduleId: mod.id, position: 1, body: 'Geheim vervolg' });
    enrol(t, { courseId: course.id, userId: learner.id });

    const locked = (await as(t, learner).get(`/api/lessons/${second.id}`)).json().lesson;
    expect(locked.lock).toEqual({ locked: true, lockedBy: first.id });
    expect(locked.html).toBe('');
    expect(JSON.stringify(locked)).not.toContain('Geheim');
    // Staff are never locked out.
    expect((await as(t, lecturer).get(`/api/lessons/${second.id}`)).json().lesson.html).toContain('Geheim vervolg');

    expect((await as(t, learner).post(`/api/lessons/${first.id}/complete`)).statusCode).toBeLessThan(300);
    const open = (await as(t, learner).get(`/api/lessons/${second.id}`)).json().lesson;
    expect(open.lock.locked).toBe(false);
    expect(open.html).toContain('Geheim vervolg');
  });
});
