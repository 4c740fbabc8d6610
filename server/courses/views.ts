import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { courses, institutions, lessons, modules } from '../../db/schema/index.ts';
import type { CourseRow } from './access.ts';
import type { CourseCard, SyllabusModule } from './schema.ts';
import { prepare } from './search.ts';

/** Turning rows into what the API shows: cards, syllabus, lecturer lists. Read-only helpers shared by the services. */

export const iso = (ms: number) => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** Below this many enrolments the number is withheld from non-staff: it would say more about people than the course. */
export const PUBLIC_COUNT_FROM = 10;
export const publicCount = (n: number) => (n >= PUBLIC_COUNT_FROM ? n : null);

export const coverUrl = (key: string | null) => (key ? `/media/covers/${key}` : null);

export type InstitutionBrief = { id: string; shortName: string; nameNl: string; nameEn: string };
export type LecturerBrief = { id: string; name: string; role: 'owner' | 'co-lecturer' };

export function institutionsById(db: Db, ids: string[]): Map<string, InstitutionBrief> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = db
    .select({ id: institutions.id, shortName: institutions.shortName, nameNl: institutions.nameNl, nameEn: institutions.nameEn })
    .from(institutions)
    .where(inArray(institutions.id, unique))
    .all();
  return new Map(rows.map((r) => [r.id, r]));
}

/** Lecturers per course, owner first, then in the order they were added. */
export function lecturersByCourse(db: Db, courseIds: string[]): Map<string, LecturerBrief[]> {
  const out = new Map<string, LecturerBrief[]>();
  if (!courseIds.length) return out;
  const joined = prepare(
    db,
    `SELECT cl.course_id AS courseId, u.id AS id, u.name AS name, cl.role AS role
         FROM course_lecturers cl JOIN users u ON u.id = cl.user_id
        WHERE cl.course_id IN (SELECT value FROM json_each(?))
        ORDER BY cl.course_id, cl.role = 'owner' DESC, cl.position, u.name`,
  ).all(JSON.stringify(courseIds)) as { courseId: string; id: string; name: string; role: string }[];
  for (const r of joined) {
    const list = out.get(r.courseId) ?? [];
    list.push({ id: r.id, name: r.name, role: r.role === 'owner' ? 'owner' : 'co-lecturer' });
    out.set(r.courseId, list);
  }
  return out;
}

/** The columns a card needs: never the description, which can be large. */
export const cardColumns = {
  id: courses.id,
  slug: courses.slug,
  title: courses.title,
  summary: courses.summary,
  languages: courses.languages,
  institutionId: courses.institutionId,
  workloadHours: courses.workloadHours,
  estimatedWeeks: courses.estimatedWeeks,
  eqfLevel: courses.eqfLevel,
  iscedCode: courses.iscedCode,
  coverImageKey: courses.coverImageKey,
  enrolmentCount: courses.enrolmentCount,
  publishedAt: courses.publishedAt,
};
export type CardRow = Pick<CourseRow, keyof typeof cardColumns>;

export function toCards(db: Db, rows: CardRow[]): CourseCard[] {
  const inst = institutionsById(db, rows.map((r) => r.institutionId).filter((id): id is string => !!id));
  const lect = lecturersByCourse(db, rows.map((r) => r.id));
  return rows.map((c) => ({
    id: c.id,
    slug: c.slug,
    title: c.title,
    summary: c.summary,
    languages: c.languages,
    institution: (c.institutionId && inst.get(c.institutionId)) || null,
    lecturers: (lect.get(c.id) ?? []).map(({ id, name }) => ({ id, name })),
    workloadHours: c.workloadHours,
    estimatedWeeks: c.estimatedWeeks,
    eqfLevel: c.eqfLevel,
    iscedCode: c.iscedCode,
    coverUrl: coverUrl(c.coverImageKey),
    enrolmentCount: publicCount(c.enrolmentCount),
    publishedAt: isoOrNull(c.publishedAt),
  }));
}

/** Cards in the order of `ids` (a ranked search result). */
export function cardsByIds(db: Db, ids: string[]): CourseCard[] {
  if (!ids.length) return [];
  const rows = db.select(cardColumns).from(courses).where(inArray(courses.id, ids)).all();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return toCards(db, ids.map((id) => byId.get(id)).filter((r): r is CardRow => !!r));
}

/** Modules in order, each with its lessons in order: the syllabus, and the reading order of the course. */
export function syllabusOf(db: Db, courseId: string): SyllabusModule[] {
  const mods = db.select({ id: modules.id, title: modules.title }).from(modules).where(eq(modules.courseId, courseId)).orderBy(asc(modules.position), asc(modules.createdAt)).all();
  const less = db
    .select({ id: lessons.id, moduleId: lessons.moduleId, title: lessons.title, kind: lessons.kind, estimatedMinutes: lessons.estimatedMinutes, optional: lessons.optional })
    .from(lessons)
    .where(eq(lessons.courseId, courseId))
    .orderBy(asc(lessons.position), asc(lessons.createdAt))
    .all();
  const byModule = new Map<string, SyllabusModule['lessons']>(mods.map((m) => [m.id, []]));
  for (const l of less) byModule.get(l.moduleId)?.push({ id: l.id, title: l.title, kind: l.kind as 'text' | 'video' | 'quiz', estimatedMinutes: l.estimatedMinutes, optional: l.optional });
  return mods.map((m) => ({ id: m.id, title: m.title, lessons: byModule.get(m.id)! }));
}
