import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { courseAwards, courses, institutions, users } from '../../db/schema/index.ts';
import type { Clock } from '../clock.ts';

/**
 * Award rules and issuance. `evaluateAwards` is the one function other features call: after every change that can
 * earn an award (a lesson completed, a course completed, a quiz attempt submitted). It reads the tables, issues
 * what is newly earned and never issues twice (unique index on learner, course and kind). It is synchronous and
 * short, so it may run inside the caller's transaction.
 */
export type AwardKind = 'participation' | 'achievement';
export const AWARD_KINDS: readonly AwardKind[] = ['participation', 'achievement'];

export interface AwardDeps {
  db: Db;
  clock: Clock;
}

export type AwardSettingsRow = typeof courseAwards.$inferSelect;
type CourseRow = typeof courses.$inferSelect;
type InstitutionRow = typeof institutions.$inferSelect;

export const DEFAULT_PERCENT = 50;

/** Every Leerpad course is followed online at one's own pace (EU Annex I: form of participation). */
export const PARTICIPATION_FORM = { nl: 'Online, in eigen tempo', en: 'Online, self-paced' } as const;

/** Bitstring Status List: at least 16 KB (131,072 entries) per list, so one entry cannot be singled out. */
export const STATUS_LIST_SIZE = 131_072;

// ---- micro-credential completeness (EU Council Recommendation of 16 June 2022, Annex I) ---------------------

export const MICRO_FIELDS = [
  'institution',
  'learningOutcomes',
  'workloadHours',
  'ects',
  'eqfLevel',
  'vksLevel',
  'assessmentType',
  'qualityAssurance',
  'prerequisites',
  'stackability',
] as const;
export type MicroField = (typeof MICRO_FIELDS)[number];
/** Which of them the course holds (edited on the course), the rest live in the award settings. */
export const COURSE_FIELDS: ReadonlySet<MicroField> = new Set(['institution', 'learningOutcomes', 'workloadHours', 'ects', 'eqfLevel', 'prerequisites']);
export type MicroWarning = 'ectsOutOfRange' | 'noGradedQuizzes' | 'vksDiffersFromEqf';

export interface Readiness {
  complete: boolean;
  missing: MicroField[];
  warnings: MicroWarning[];
}

const blank = (s: string | null | undefined) => !s || !s.trim();

export function microCredentialReadiness(
  course: Pick<CourseRow, 'institutionId' | 'learningOutcomes' | 'workloadHours' | 'ects' | 'eqfLevel' | 'prerequisites'>,
  settings: Pick<AwardSettingsRow, 'vksLevel' | 'assessmentType' | 'qualityAssurance' | 'stackability' | 'achievementEnabled'>,
  gradedQuizzes: number,
): Readiness {
  const missing: MicroField[] = [];
  if (!course.institutionId) missing.push('institution');
  if (!course.learningOutcomes.some((o) => !blank(o))) missing.push('learningOutcomes');
  if (!(course.workloadHours && course.workloadHours > 0)) missing.push('workloadHours');
  if (!(course.ects && course.ects > 0)) missing.push('ects');
  if (!course.eqfLevel) missing.push('eqfLevel');
  if (!settings.vksLevel) missing.push('vksLevel');
  if (blank(settings.assessmentType)) missing.push('assessmentType');
  if (blank(settings.qualityAssurance)) missing.push('qualityAssurance');
  // "None" is a valid answer, but it has to be given.
  if (blank(course.prerequisites)) missing.push('prerequisites');
  if (blank(settings.stackability)) missing.push('stackability');
  const warnings: MicroWarning[] = [];
  if (course.ects && (course.ects < 3 || course.ects > 20)) warnings.push('ectsOutOfRange');
  if (settings.achievementEnabled && gradedQuizzes === 0) warnings.push('noGradedQuizzes');
  if (course.eqfLevel && settings.vksLevel && course.eqfLevel !== settings.vksLevel) warnings.push('vksDiffersFromEqf');
  return { complete: missing.length === 0, missing, warnings };
}

// ---- what a learner has done --------------------------------------------------------------------------------

export interface Standing {
  enrolled: boolean;
  /** Lessons counted (required ones; all of them when every lesson is optional) and how many are complete. */
  counted: number;
  completed: number;
  courseCompletedAt: number | null;
  /** Graded quizzes counted, and the sum of the learner's best percent on each (0 when never submitted). */
  gradedQuizzes: number;
  bestSum: number;
}

/** Graded quiz lessons that count: required lessons of kind quiz, not in practice mode, with questions. */
function gradedQuizIds(db: Db, courseId: string): string[] {
  const rows = db.$client
    .prepare(
      `SELECT l.id AS id, q.settings AS settings FROM lessons l LEFT JOIN quizzes q ON q.lesson_id = l.id
        WHERE l.course_id = ? AND l.kind = 'quiz' AND l.optional = 0
          AND EXISTS (SELECT 1 FROM questions WHERE questions.lesson_id = l.id)`,
    )
    .all(courseId) as { id: string; settings: string | null }[];
  return rows
    .filter((r) => {
      try {
        return (r.settings ? (JSON.parse(r.settings) as { mode?: string }).mode : 'graded') !== 'practice';
      } catch {
        return true;
      }
    })
    .map((r) => r.id);
}

export function countGradedQuizzes(db: Db, courseId: string): number {
  return gradedQuizIds(db, courseId).length;
}

export function standingOf(db: Db, userId: string, courseId: string): Standing {
  const c = db.$client;
  const enrolment = c.prepare(`SELECT status, completed_at AS completedAt FROM enrolments WHERE course_id = ? AND user_id = ?`).get(courseId, userId) as
    | { status: string; completedAt: number | null }
    | undefined;
  const counts = c
    .prepare(
      `SELECT count(*) AS total,
              coalesce(sum(l.optional = 0), 0) AS required,
              count(p.completed_at) AS totalDone,
              coalesce(sum(l.optional = 0 AND p.completed_at IS NOT NULL), 0) AS requiredDone
         FROM lessons l LEFT JOIN lesson_progress p ON p.lesson_id = l.id AND p.user_id = ?
        WHERE l.course_id = ?`,
    )
    .get(userId, courseId) as { total: number; required: number; totalDone: number; requiredDone: number };
  const quizIds = gradedQuizIds(db, courseId);
  let bestSum = 0;
  if (quizIds.length) {
    const best = c
      .prepare(
        `SELECT lesson_id AS lessonId, max(percent) AS best FROM attempts
          WHERE user_id = ? AND submitted_at IS NOT NULL AND percent IS NOT NULL AND lesson_id IN (${quizIds.map(() => '?').join(',')})
          GROUP BY lesson_id`,
      )
      .all(userId, ...quizIds) as { lessonId: string; best: number }[];
    bestSum = best.reduce((sum, r) => sum + Math.max(0, Math.min(100, r.best)), 0);
  }
  const useRequired = counts.required > 0;
  return {
    enrolled: enrolment?.status === 'active',
    counted: useRequired ? counts.required : counts.total,
    completed: useRequired ? counts.requiredDone : counts.totalDone,
    courseCompletedAt: enrolment?.completedAt ?? null,
    gradedQuizzes: quizIds.length,
    bestSum,
  };
}

/** Average of the best attempt per graded quiz, or null when the course has no graded quiz. */
export const averageScore = (s: Standing) => (s.gradedQuizzes ? s.bestSum / s.gradedQuizzes : null);

const EPSILON = 1e-9;

/** The rules, at the thresholds: "at least X %" includes X itself. */
export function earns(kind: AwardKind, settings: AwardSettingsRow, s: Standing): boolean {
  if (!s.enrolled) return false;
  if (kind === 'participation') {
    return settings.participationEnabled && s.counted > 0 && s.completed * 100 + EPSILON >= settings.participationPercent * s.counted;
  }
  if (!settings.achievementEnabled || s.courseCompletedAt === null) return false;
  // A course without graded quizzes has no score to reach: completing it is the achievement.
  return s.gradedQuizzes === 0 || s.bestSum + EPSILON >= settings.achievementPercent * s.gradedQuizzes;
}

// ---- issuance ----------------------------------------------------------------------------------------------

/** Everything a credential states, frozen when it is issued. */
export interface Snapshot {
  version: 1;
  learner: { name: string; emailHash: string; salt: string };
  course: {
    id: string;
    slug: string;
    title: string;
    summary: string;
    languages: string[];
    learningOutcomes: string[];
    workloadHours: number | null;
    ects: number | null;
    eqfLevel: number | null;
    vksLevel: number | null;
    iscedCode: string | null;
    prerequisites: string;
  };
  institution: {
    id: string;
    shortName: string;
    nameNl: string;
    nameEn: string;
    country: string;
    homepage: string | null;
    kboNumber: string | null;
    logoUrl: string | null;
  } | null;
  award: {
    kind: AwardKind;
    microCredential: boolean;
    /** The threshold that applied: lessons percent (participation) or quiz score percent (achievement). */
    thresholdPercent: number;
    lessonsPercent: number;
    /** Average of the best attempt per graded quiz; null without graded quizzes. */
    scorePercent: number | null;
    gradedQuizzes: number;
    courseCompletedAt: number | null;
    assessmentType: string;
    qualityAssurance: string;
    stackability: string;
    participationForm: { nl: string; en: string };
  };
}

export interface IssuedCredential {
  id: string;
  kind: AwardKind;
  microCredential: boolean;
}

function snapshotFor(
  user: { name: string; email: string },
  course: CourseRow,
  institution: InstitutionRow | null,
  settings: AwardSettingsRow,
  kind: AwardKind,
  microCredential: boolean,
  s: Standing,
): Snapshot {
  const salt = randomBytes(16).toString('hex');
  const score = averageScore(s);
  return {
    version: 1,
    learner: { name: user.name, salt, emailHash: `sha256$${createHash('sha256').update(user.email + salt).digest('hex')}` },
    course: {
      id: course.id,
      slug: course.slug,
      title: course.title,
      summary: course.summary,
      languages: course.languages,
      learningOutcomes: course.learningOutcomes.filter((o) => !blank(o)),
      workloadHours: course.workloadHours,
      ects: course.ects,
      eqfLevel: course.eqfLevel,
      vksLevel: settings.vksLevel,
      iscedCode: course.iscedCode,
      prerequisites: course.prerequisites,
    },
    institution: institution && {
      id: institution.id,
      shortName: institution.shortName,
      nameNl: institution.nameNl,
      nameEn: institution.nameEn,
      country: institution.country,
      homepage: institution.homepage,
      kboNumber: institution.kboNumber,
      logoUrl: institution.logoUrl,
    },
    award: {
      kind,
      microCredential,
      thresholdPercent: kind === 'participation' ? settings.participationPercent : settings.achievementPercent,
      lessonsPercent: s.counted ? Math.floor((100 * s.completed) / s.counted) : 0,
      scorePercent: score === null ? null : Math.round(score * 10) / 10,
      gradedQuizzes: s.gradedQuizzes,
      courseCompletedAt: s.courseCompletedAt,
      assessmentType: settings.assessmentType,
      qualityAssurance: settings.qualityAssurance,
      stackability: settings.stackability,
      participationForm: { ...PARTICIPATION_FORM },
    },
  };
}

/**
 * A free position in the current status list. Positions are drawn at random (Bitstring Status List advises it,
 * so the position tells nothing about when or to whom a credential was issued); a list is only filled to half,
 * which keeps a random draw almost always free at the first try.
 */
function allocateStatus(db: Db): { list: number; index: number } {
  const c = db.$client;
  const last = c.prepare(`SELECT coalesce(max(status_list), 1) AS list FROM credentials`).get() as { list: number };
  let list = last.list;
  const used = c.prepare(`SELECT count(*) AS n FROM credentials WHERE status_list = ?`).get(list) as { n: number };
  if (used.n >= STATUS_LIST_SIZE / 2) list++;
  const taken = c.prepare(`SELECT 1 FROM credentials WHERE status_list = ? AND status_index = ?`);
  for (;;) {
    const index = randomInt(STATUS_LIST_SIZE);
    if (!taken.get(list, index)) return { list, index };
  }
}

export function awardSettings(db: Db, courseId: string): AwardSettingsRow | undefined {
  return db.select().from(courseAwards).where(eq(courseAwards.courseId, courseId)).get();
}

/**
 * Issues every award of the course that this learner has earned and does not hold yet; returns the new ones.
 * Call it after any change to the learner's lessons, course completion or quiz attempts in that course.
 * Cheap when the course awards nothing (one lookup). Never throws for a course or user that no longer exists.
 */
export function evaluateAwards(deps: AwardDeps, userId: string, courseId: string): IssuedCredential[] {
  const { db, clock } = deps;
  const settings = awardSettings(db, courseId);
  if (!settings || (!settings.participationEnabled && !settings.achievementEnabled)) return [];
  const c = db.$client;
  return c.transaction(() => {
    const held = new Set((c.prepare(`SELECT kind FROM credentials WHERE user_id = ? AND course_id = ?`).all(userId, courseId) as { kind: string }[]).map((r) => r.kind));
    const wanted = AWARD_KINDS.filter((k) => !held.has(k) && (k === 'participation' ? settings.participationEnabled : settings.achievementEnabled));
    if (!wanted.length) return [];
    const course = db.select().from(courses).where(eq(courses.id, courseId)).get();
    // Drafts are rehearsals: nothing is certified before a course is published.
    if (!course || course.status === 'draft') return [];
    const standing = standingOf(db, userId, courseId);
    const earned = wanted.filter((k) => earns(k, settings, standing));
    if (!earned.length) return [];
    const user = db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, userId)).get();
    if (!user) return [];
    const institution = course.institutionId ? (db.select().from(institutions).where(eq(institutions.id, course.institutionId)).get() ?? null) : null;
    const ready = microCredentialReadiness(course, settings, standing.gradedQuizzes).complete;
    const insert = c.prepare(
      `INSERT INTO credentials (id, user_id, course_id, kind, micro_credential, issued_at, snapshot, public, status_list, status_index)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
       ON CONFLICT (user_id, course_id, kind) DO NOTHING`,
    );
    const issued: IssuedCredential[] = [];
    const now = clock();
    for (const kind of earned) {
      // EU micro-credentials certify assessed learning outcomes, so only the record of achievement can be one.
      const micro = kind === 'achievement' && settings.microCredential && ready;
      const id = randomUUID();
      const { list, index } = allocateStatus(db);
      const snapshot = snapshotFor(user, course, institution, settings, kind, micro, standing);
      const r = insert.run(id, userId, courseId, kind, micro ? 1 : 0, now, JSON.stringify(snapshot), list, index);
      if (r.changes) issued.push({ id, kind, microCredential: micro });
    }
    return issued;
  })();
}

/** Evaluates every active learner of a course (after its award settings change), in short batches. */
export async function evaluateCourse(deps: AwardDeps, courseId: string, batch = 200): Promise<number> {
  const ids = (deps.db.$client.prepare(`SELECT user_id AS id FROM enrolments WHERE course_id = ? AND status = 'active' ORDER BY enrolled_at`).all(courseId) as { id: string }[]).map(
    (r) => r.id,
  );
  let issued = 0;
  for (let i = 0; i < ids.length; i += batch) {
    for (const id of ids.slice(i, i + batch)) issued += evaluateAwards(deps, id, courseId).length;
    // Let other requests through between batches; no transaction is held across this pause.
    if (i + batch < ids.length) await new Promise((resolve) => setImmediate(resolve));
  }
  return issued;
}

/** Evaluates a learner's active enrolments in courses that award something (a safety net on reading). */
export function evaluateLearner(deps: AwardDeps, userId: string): number {
  const ids = deps.db.$client
    .prepare(
      `SELECT e.course_id AS id FROM enrolments e JOIN course_awards a ON a.course_id = e.course_id
        WHERE e.user_id = ? AND e.status = 'active' AND (a.participation_enabled = 1 OR a.achievement_enabled = 1)`,
    )
    .all(userId) as { id: string }[];
  return ids.reduce((n, r) => n + evaluateAwards(deps, userId, r.id).length, 0);
}
