import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { courseLecturers, courses, enrolments, lessons, modules } from '../../db/schema/index.ts';
import { forbidden, notFound, unauthenticated } from '../errors.ts';
import type { UserRow } from '../auth/session.ts';
import { hasRole, isAdmin } from '../plugins/auth.ts';

/**
 * The one place that decides who may see and change a course and its lessons. Every feature (courses,
 * videos, quizzes, progress) asks here. Rules:
 * - staff of a course = its lecturers, admins of its institution, platform admins;
 * - drafts and archived courses exist only for staff: everyone else gets 404, never 403;
 * - lesson content of a published course is for enrolled learners (active enrolment) and staff;
 * - only staff change a course.
 */
export type CourseRow = typeof courses.$inferSelect;
export type LessonRow = typeof lessons.$inferSelect;
export type CourseRole = 'staff' | 'enrolled' | 'visitor';

export function isCourseStaff(db: Db, user: UserRow | null, course: Pick<CourseRow, 'id' | 'institutionId'>): boolean {
  if (!user) return false;
  if (isAdmin(user)) return true;
  if (hasRole(user, 'institution-admin') && course.institutionId && user.institutionId === course.institutionId) return true;
  return !!db
    .select({ u: courseLecturers.userId })
    .from(courseLecturers)
    .where(and(eq(courseLecturers.courseId, course.id), eq(courseLecturers.userId, user.id)))
    .get();
}

export function isEnrolled(db: Db, userId: string, courseId: string): boolean {
  return !!db
    .select({ id: enrolments.id })
    .from(enrolments)
    .where(and(eq(enrolments.courseId, courseId), eq(enrolments.userId, userId), eq(enrolments.status, 'active')))
    .get();
}

export function courseRole(db: Db, user: UserRow | null, course: CourseRow): CourseRole {
  if (isCourseStaff(db, user, course)) return 'staff';
  if (user && isEnrolled(db, user.id, course.id)) return 'enrolled';
  return 'visitor';
}

/** The course if this user may see it at all (published, or staff); otherwise 404. */
export function visibleCourse(db: Db, user: UserRow | null, courseId: string): { course: CourseRow; role: CourseRole } {
  const course = db.select().from(courses).where(eq(courses.id, courseId)).get();
  if (!course) throw notFound('course');
  const role = courseRole(db, user, course);
  if (course.status !== 'published' && role !== 'staff') throw notFound('course');
  return { course, role };
}

/** For changing a course: 404 when the user cannot even see it, 403 when they can but are not staff. */
export function editableCourse(db: Db, user: UserRow | null, courseId: string): CourseRow {
  if (!user) throw unauthenticated();
  const { course, role } = visibleCourse(db, user, courseId);
  if (role !== 'staff') throw forbidden('Only the lecturers of this course may change it.');
  return course;
}

function lessonRow(db: Db, lessonId: string): LessonRow {
  const lesson = db.select().from(lessons).where(eq(lessons.id, lessonId)).get();
  if (!lesson) throw notFound('lesson');
  return lesson;
}

/** For reading a lesson's content: staff always; enrolled learners of a published course; else 401/403/404. */
export function readableLesson(db: Db, user: UserRow | null, lessonId: string): { lesson: LessonRow; course: CourseRow; role: CourseRole } {
  const lesson = lessonRow(db, lessonId);
  let visible;
  try {
    visible = visibleCourse(db, user, lesson.courseId);
  } catch {
    throw notFound('lesson');
  }
  if (visible.role === 'visitor') {
    if (!user) throw unauthenticated('Log in and enrol to follow this lesson.');
    throw forbidden('Enrol in the course to follow this lesson.');
  }
  return { lesson, course: visible.course, role: visible.role };
}

/** For changing a lesson (its body, video, quiz): course staff only. */
export function editableLesson(db: Db, user: UserRow | null, lessonId: string): { lesson: LessonRow; course: CourseRow } {
  if (!user) throw unauthenticated();
  const lesson = lessonRow(db, lessonId);
  let course;
  try {
    course = editableCourse(db, user, lesson.courseId);
  } catch (err) {
    if ((err as { status?: number }).status === 404) throw notFound('lesson');
    throw err;
  }
  return { lesson, course };
}

export type ModuleRow = typeof modules.$inferSelect;

/** For changing a module (title, lessons, removal): course staff only; 404 when the course is not visible. */
export function editableModule(db: Db, user: UserRow | null, moduleId: string): { module: ModuleRow; course: CourseRow } {
  if (!user) throw unauthenticated();
  const module = db.select().from(modules).where(eq(modules.id, moduleId)).get();
  if (!module) throw notFound('module');
  let course;
  try {
    course = editableCourse(db, user, module.courseId);
  } catch (err) {
    if ((err as { status?: number }).status === 404) throw notFound('module');
    throw err;
  }
  return { module, course };
}
