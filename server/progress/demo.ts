import { eq } from 'drizzle-orm';
import { courses } from '../../db/schema/index.ts';
import { DEMO_COURSE_SLUG } from '../courses/demo.ts';
import type { DemoContext } from '../demo/seed.ts';
import { markLessonComplete } from './service.ts';
import { orderedLessons } from './store.ts';

/** How many lessons of the demo course the demo learner has already done. */
export const DEMO_LESSONS_DONE = 2;

/**
 * The demo learner is under way: the first lessons of the demo course are done (an hour apart, yesterday), so the
 * dashboard shows a course in progress, the outline shows ticks and "continue" leads to the next lesson.
 */
export function seedDemoProgress(ctx: DemoContext): void {
  const course = ctx.db.select({ id: courses.id }).from(courses).where(eq(courses.slug, DEMO_COURSE_SLUG)).get();
  if (!course) return;
  const done = orderedLessons(ctx.db, course.id)
    .filter((l) => l.kind === 'text')
    .slice(0, DEMO_LESSONS_DONE);
  const now = ctx.clock();
  done.forEach((lesson, i) => {
    const at = now - 24 * 3_600_000 + i * 3_600_000;
    markLessonComplete({ db: ctx.db, clock: () => at }, ctx.learner.id, lesson.id);
  });
}
