import { randomUUID } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { courses, enrolments } from '../../db/schema/index.ts';
import type { Clock } from '../clock.ts';
import type { UserRow } from '../auth/session.ts';
import { unprocessable } from '../errors.ts';
import { visibleCourse } from './access.ts';
import type { EnrolmentView } from './schema.ts';
import { enrolmentOpen } from './service.ts';
import { cardColumns, iso, isoOrNull, toCards } from './views.ts';

type EnrolmentRow = typeof enrolments.$inferSelect;

const toView = (e: EnrolmentRow): EnrolmentView => ({
  courseId: e.courseId,
  status: e.status === 'active' ? 'active' : 'unenrolled',
  enrolledAt: iso(e.enrolledAt),
  lastActivityAt: isoOrNull(e.lastActivityAt),
  completedAt: isoOrNull(e.completedAt),
});

/**
 * Enrolment: open to anyone logged in, no limit. One row per (course, user) for life: unenrolling marks it,
 * re-enrolling reactivates it, so progress survives. courses.enrolmentCount (active enrolments) changes in the
 * same transaction as the row, so the catalogue's "popular" sort needs no COUNT.
 */
export function createEnrolmentService({ db, clock }: { db: Db; clock: Clock }) {
  const find = (courseId: string, userId: string) =>
    db.select().from(enrolments).where(and(eq(enrolments.courseId, courseId), eq(enrolments.userId, userId))).get();
  const bump = (courseId: string, delta: 1 | -1) =>
    db
      .update(courses)
      .set({ enrolmentCount: sql`max(0, ${courses.enrolmentCount} + ${delta})` })
      .where(eq(courses.id, courseId))
      .run();

  return {
    /** `created` is true when this call made the enrolment active (first time or after unenrolling). */
    enrol(user: UserRow, courseId: string): { created: boolean; enrolment: EnrolmentView } {
      const { course } = visibleCourse(db, user, courseId);
      const now = clock();
      return db.transaction(() => {
        const existing = find(courseId, user.id);
        if (existing?.status === 'active') return { created: false, enrolment: toView(existing) };
        if (course.status !== 'published') throw unprocessable('Only published courses take enrolments.');
        if (!enrolmentOpen(course, now)) {
          throw unprocessable(
            course.enrolmentOpensAt !== null && now < course.enrolmentOpensAt
              ? `Enrolment opens on ${iso(course.enrolmentOpensAt)}.`
              : 'Enrolment for this course is closed.',
          );
        }
        if (existing) {
          db.update(enrolments).set({ status: 'active', unenrolledAt: null }).where(eq(enrolments.id, existing.id)).run();
        } else {
          db.insert(enrolments).values({ id: randomUUID(), courseId, userId: user.id, status: 'active', enrolledAt: now }).run();
        }
        bump(courseId, 1);
        return { created: true, enrolment: toView(find(courseId, user.id)!) };
      });
    },

    /** Idempotent. Works even when the course has since been unpublished: leaving is always allowed. */
    unenrol(user: UserRow, courseId: string): void {
      const existing = find(courseId, user.id);
      if (existing?.status !== 'active') {
        visibleCourse(db, user, courseId); // 404 for a course this user cannot see
        return;
      }
      db.transaction(() => {
        db.update(enrolments).set({ status: 'unenrolled', unenrolledAt: clock() }).where(eq(enrolments.id, existing.id)).run();
        bump(courseId, -1);
      });
    },

    /** My active enrolments in courses that are still published, most recently active first. */
    mine(user: UserRow) {
      const rows = db
        .select({ course: cardColumns, enrolment: enrolments })
        .from(enrolments)
        .innerJoin(courses, eq(courses.id, enrolments.courseId))
        .where(and(eq(enrolments.userId, user.id), eq(enrolments.status, 'active'), eq(courses.status, 'published')))
        .orderBy(desc(sql`coalesce(${enrolments.lastActivityAt}, ${enrolments.enrolledAt})`))
        .all();
      const cards = toCards(db, rows.map((r) => r.course));
      return rows.map((r, i) => ({ course: cards[i], enrolment: toView(r.enrolment) }));
    },
  };
}
export type EnrolmentService = ReturnType<typeof createEnrolmentService>;
