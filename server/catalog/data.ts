import type { Db } from '../../db/client.ts';
import { prepare } from '../courses/search.ts';

/**
 * What the public feeds (MOOChub, JSON-LD, sitemap, Atom) say about a course: read in a few batched queries for a
 * page of courses, never per course. Only published courses are ever loaded here; `listed` decides whether a
 * course appears in lists (feeds, sitemap), not whether its own page may describe it.
 */
export interface CatalogInstitution {
  id: string;
  nameNl: string;
  nameEn: string;
  homepage: string | null;
  logoUrl: string | null;
}

export interface CatalogLesson {
  id: string;
  title: string;
  kind: string;
  estimatedMinutes: number;
  videoSeconds: number | null;
}

export interface CatalogCourse {
  id: string;
  slug: string;
  title: string;
  summary: string;
  description: string;
  languages: string[];
  licence: string;
  coverImageKey: string | null;
  workloadHours: number | null;
  estimatedWeeks: number | null;
  ects: number | null;
  eqfLevel: number | null;
  iscedCode: string | null;
  learningOutcomes: string[];
  prerequisites: string;
  keywords: string[];
  listed: boolean;
  enrolmentOpensAt: number | null;
  enrolmentClosesAt: number | null;
  startsAt: number | null;
  endsAt: number | null;
  createdAt: number;
  updatedAt: number;
  publishedAt: number | null;
  institution: CatalogInstitution | null;
  partners: CatalogInstitution[];
  lecturers: { id: string; name: string }[];
  lessons: CatalogLesson[];
  awards: { participation: boolean; achievement: boolean };
}

const COURSE_COLUMNS = `id, slug, title, summary, description, languages, licence, cover_image_key AS coverImageKey,
  workload_hours AS workloadHours, estimated_weeks AS estimatedWeeks, ects, eqf_level AS eqfLevel, isced_code AS iscedCode,
  learning_outcomes AS learningOutcomes, prerequisites, keywords, listed, institution_id AS institutionId,
  enrolment_opens_at AS enrolmentOpensAt, enrolment_closes_at AS enrolmentClosesAt, starts_at AS startsAt, ends_at AS endsAt,
  created_at AS createdAt, updated_at AS updatedAt, published_at AS publishedAt`;

type RawCourse = Omit<CatalogCourse, 'languages' | 'learningOutcomes' | 'keywords' | 'listed' | 'institution' | 'partners' | 'lecturers' | 'lessons' | 'awards'> & {
  languages: string;
  learningOutcomes: string;
  keywords: string;
  listed: number;
  institutionId: string | null;
};

const jsonArray = (s: string): string[] => {
  try {
    const v: unknown = JSON.parse(s);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
};

/** The catalogue in feed order (first published first, so pages stay stable as courses are added). */
export function listedCourseIds(db: Db, offset: number, limit: number): string[] {
  return (
    prepare(
      db,
      `SELECT id FROM courses WHERE status = 'published' AND listed = 1 ORDER BY published_at, id LIMIT ? OFFSET ?`,
    ).all(limit, offset) as { id: string }[]
  ).map((r) => r.id);
}

export function listedCourseCount(db: Db): number {
  return (prepare(db, `SELECT count(*) AS n FROM courses WHERE status = 'published' AND listed = 1`).get() as { n: number }).n;
}

/** Newest first, for the Atom feed and the sitemap. */
export function recentListedCourseIds(db: Db, limit: number): string[] {
  return (
    prepare(db, `SELECT id FROM courses WHERE status = 'published' AND listed = 1 ORDER BY published_at DESC, id LIMIT ?`).all(limit) as { id: string }[]
  ).map((r) => r.id);
}

/** Whether any course (draft, published or archived) has this slug. */
export function courseSlugExists(db: Db, slug: string): boolean {
  return prepare(db, `SELECT 1 FROM courses WHERE slug = ?`).get(slug) !== undefined;
}

export function publishedCourseIdBySlug(db: Db, slug: string): string | null {
  const row = prepare(db, `SELECT id FROM courses WHERE slug = ? AND status = 'published'`).get(slug) as { id: string } | undefined;
  return row?.id ?? null;
}

/** Full descriptions of these (published) courses, in the order of `ids`. */
export function loadCatalogCourses(db: Db, ids: string[]): CatalogCourse[] {
  if (!ids.length) return [];
  const idsJson = JSON.stringify(ids);
  const raw = prepare(db, `SELECT ${COURSE_COLUMNS} FROM courses WHERE status = 'published' AND id IN (SELECT value FROM json_each(?))`).all(idsJson) as RawCourse[];

  const partnerRows = prepare(
    db,
    `SELECT course_id AS courseId, institution_id AS institutionId FROM course_partners WHERE course_id IN (SELECT value FROM json_each(?)) ORDER BY institution_id`,
  ).all(idsJson) as { courseId: string; institutionId: string }[];
  const institutionIds = [...new Set([...raw.map((c) => c.institutionId), ...partnerRows.map((p) => p.institutionId)].filter((x): x is string => !!x))];
  const institutions = new Map(
    (
      prepare(
        db,
        `SELECT id, name_nl AS nameNl, name_en AS nameEn, homepage, logo_url AS logoUrl FROM institutions WHERE id IN (SELECT value FROM json_each(?))`,
      ).all(JSON.stringify(institutionIds)) as CatalogInstitution[]
    ).map((i) => [i.id, i]),
  );

  const lecturers = new Map<string, { id: string; name: string }[]>();
  for (const r of prepare(
    db,
    `SELECT cl.course_id AS courseId, u.id AS id, u.name AS name FROM course_lecturers cl JOIN users u ON u.id = cl.user_id
      WHERE cl.course_id IN (SELECT value FROM json_each(?)) ORDER BY cl.course_id, cl.role = 'owner' DESC, cl.position, u.name`,
  ).all(idsJson) as { courseId: string; id: string; name: string }[]) {
    const list = lecturers.get(r.courseId) ?? [];
    list.push({ id: r.id, name: r.name });
    lecturers.set(r.courseId, list);
  }

  const lessons = new Map<string, CatalogLesson[]>();
  for (const r of prepare(
    db,
    `SELECT l.course_id AS courseId, l.id AS id, l.title AS title, l.kind AS kind, l.estimated_minutes AS estimatedMinutes,
            v.duration_seconds AS videoSeconds
       FROM lessons l JOIN modules m ON m.id = l.module_id LEFT JOIN videos v ON v.id = l.video_id
      WHERE l.course_id IN (SELECT value FROM json_each(?))
      ORDER BY l.course_id, m.position, m.created_at, m.id, l.position, l.created_at, l.id`,
  ).all(idsJson) as (CatalogLesson & { courseId: string })[]) {
    const list = lessons.get(r.courseId) ?? [];
    list.push({ id: r.id, title: r.title, kind: r.kind, estimatedMinutes: r.estimatedMinutes, videoSeconds: r.videoSeconds });
    lessons.set(r.courseId, list);
  }

  const awards = new Map(
    (
      prepare(
        db,
        `SELECT course_id AS courseId, participation_enabled AS participation, achievement_enabled AS achievement
           FROM course_awards WHERE course_id IN (SELECT value FROM json_each(?))`,
      ).all(idsJson) as { courseId: string; participation: number; achievement: number }[]
    ).map((a) => [a.courseId, { participation: !!a.participation, achievement: !!a.achievement }]),
  );

  const byId = new Map(
    raw.map((c): [string, CatalogCourse] => {
      const { institutionId, ...rest } = c;
      return [
        c.id,
        {
          ...rest,
          languages: jsonArray(c.languages),
          learningOutcomes: jsonArray(c.learningOutcomes),
          keywords: jsonArray(c.keywords),
          listed: !!c.listed,
          institution: (institutionId && institutions.get(institutionId)) || null,
          partners: partnerRows.filter((p) => p.courseId === c.id).map((p) => institutions.get(p.institutionId)).filter((i): i is CatalogInstitution => !!i),
          lecturers: lecturers.get(c.id) ?? [],
          lessons: lessons.get(c.id) ?? [],
          awards: awards.get(c.id) ?? { participation: false, achievement: false },
        },
      ];
    }),
  );
  return ids.map((id) => byId.get(id)).filter((c): c is CatalogCourse => !!c);
}
