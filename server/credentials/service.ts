import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { courseAwards, courses, credentials } from '../../db/schema/index.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { UserRow } from '../auth/session.ts';
import { conflict, forbidden, notFound, unprocessable } from '../errors.ts';
import { editableCourse, isCourseStaff } from '../courses/access.ts';
import { isAdmin } from '../plugins/auth.ts';
import { clientDistDir } from '../paths.ts';
import {
  COURSE_FIELDS,
  DEFAULT_PERCENT,
  PARTICIPATION_FORM,
  awardSettings,
  countGradedQuizzes,
  evaluateCourse,
  evaluateLearner,
  microCredentialReadiness,
  type AwardKind,
  type AwardSettingsRow,
  type Snapshot,
} from './awards.ts';
import {
  achievementType,
  elmCredential,
  institutionName,
  jwtPayload,
  openBadgeCredential,
  statusListCredential,
  statusListUrl,
  urls,
  type CredentialRecord,
  type JsonLd,
} from './documents.ts';
import { didDocument, loadIssuer, signJwt, type Issuer } from './keys.ts';
import { renderCertificatePdf } from './pdf.ts';
import type { AwardSettingsBody, AwardSettingsResponse, AwardedCredential, MyCredential, VerifyResponse } from './schema.ts';

type Row = typeof credentials.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function toRecord(row: Row): CredentialRecord {
  return {
    id: row.id,
    kind: row.kind as AwardKind,
    microCredential: row.microCredential,
    issuedAt: row.issuedAt,
    statusList: row.statusList,
    statusIndex: row.statusIndex,
    revokedAt: row.revokedAt,
    snapshot: row.snapshot as unknown as Snapshot,
  };
}

export interface CredentialServiceDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'baseUrl' | 'siteName' | 'dataDir'>;
}

export function createCredentialService({ db, clock, config }: CredentialServiceDeps) {
  const issuer: Issuer = loadIssuer(db, clock, config.baseUrl);
  const deps = { db, clock };

  const row = (id: string): Row | undefined => (UUID.test(id) ? db.select().from(credentials).where(eq(credentials.id, id)).get() : undefined);

  /** Course staff of the credential's course; platform admins for credentials whose course is gone. */
  function isStaffOf(user: UserRow | null, r: Row): boolean {
    if (!user) return false;
    if (isAdmin(user)) return true;
    if (!r.courseId) return false;
    const course = db.select({ id: courses.id, institutionId: courses.institutionId }).from(courses).where(eq(courses.id, r.courseId)).get();
    return !!course && isCourseStaff(db, user, course);
  }

  /** Owner, course staff, or anyone once the learner made it public. Everyone else: 404, as if it did not exist. */
  function readable(user: UserRow | null, id: string): Row {
    const r = row(id);
    if (!r) throw notFound('credential');
    if (r.public || (user && user.id === r.userId) || isStaffOf(user, r)) return r;
    throw notFound('credential');
  }

  const document = (r: Row) => openBadgeCredential(toRecord(r), issuer, config.siteName);
  const jwtOf = (r: Row) => {
    const rec = toRecord(r);
    return signJwt(issuer, jwtPayload(rec, openBadgeCredential(rec, issuer, config.siteName), issuer), 'vc+jwt');
  };

  function mine(r: Row): MyCredential {
    const s = r.snapshot as unknown as Snapshot;
    const u = urls(config.baseUrl, r.id);
    return {
      id: r.id,
      courseId: r.courseId,
      courseTitle: s.course.title,
      kind: r.kind as AwardKind,
      microCredential: r.microCredential,
      achievementType: achievementType(r.kind as AwardKind, r.microCredential),
      issuedAt: iso(r.issuedAt),
      revoked: r.revokedAt !== null,
      revokedAt: isoOrNull(r.revokedAt),
      public: r.public,
      institutionName: s.institution ? s.institution.nameEn : null,
      pdfUrl: `/api/credentials/${r.id}/pdf`,
      jsonUrl: `/api/credentials/${r.id}`,
      jwtUrl: `/api/credentials/${r.id}/jwt`,
      elmUrl: `/api/credentials/${r.id}/elm`,
      verifyUrl: u.verify,
      jwt: jwtOf(r),
    };
  }

  function awarded(r: Row): AwardedCredential {
    const s = r.snapshot as unknown as Snapshot;
    return {
      id: r.id,
      userId: r.userId,
      learnerName: s.learner.name,
      kind: r.kind as AwardKind,
      microCredential: r.microCredential,
      issuedAt: iso(r.issuedAt),
      revoked: r.revokedAt !== null,
      revokedAt: isoOrNull(r.revokedAt),
      revokedReason: r.revokedReason,
      public: r.public,
      scorePercent: s.award.scorePercent,
    };
  }

  const defaults = (courseId: string): AwardSettingsRow => ({
    courseId,
    participationEnabled: false,
    participationPercent: DEFAULT_PERCENT,
    achievementEnabled: false,
    achievementPercent: DEFAULT_PERCENT,
    microCredential: false,
    vksLevel: null,
    assessmentType: '',
    qualityAssurance: '',
    stackability: '',
    updatedAt: 0,
  });

  function settingsView(course: typeof courses.$inferSelect, settings: AwardSettingsRow): AwardSettingsResponse {
    const graded = countGradedQuizzes(db, course.id);
    const counts = db.$client
      .prepare(
        `SELECT coalesce(sum(kind = 'participation' AND revoked_at IS NULL), 0) AS participation,
                coalesce(sum(kind = 'achievement' AND revoked_at IS NULL), 0) AS achievement,
                coalesce(sum(revoked_at IS NOT NULL), 0) AS revoked
           FROM credentials WHERE course_id = ?`,
      )
      .get(course.id) as { participation: number; achievement: number; revoked: number };
    return {
      courseId: course.id,
      participationEnabled: settings.participationEnabled,
      participationPercent: settings.participationPercent,
      achievementEnabled: settings.achievementEnabled,
      achievementPercent: settings.achievementPercent,
      microCredential: settings.microCredential,
      vksLevel: settings.vksLevel,
      assessmentType: settings.assessmentType,
      qualityAssurance: settings.qualityAssurance,
      stackability: settings.stackability,
      participationForm: { ...PARTICIPATION_FORM },
      course: {
        title: course.title,
        institutionId: course.institutionId,
        learningOutcomes: course.learningOutcomes,
        workloadHours: course.workloadHours,
        ects: course.ects,
        eqfLevel: course.eqfLevel,
        prerequisites: course.prerequisites,
      },
      gradedQuizzes: graded,
      readiness: microCredentialReadiness(course, settings, graded),
      awarded: counts,
    };
  }

  return {
    issuer,

    // ---- the learner ----

    /** My credentials, newest first. Evaluates my courses first, so nothing earned is ever missing here. */
    listMine(user: UserRow): MyCredential[] {
      evaluateLearner(deps, user.id);
      const rows = db.select().from(credentials).where(eq(credentials.userId, user.id)).all();
      rows.sort((a, b) => b.issuedAt - a.issuedAt || a.kind.localeCompare(b.kind));
      return rows.map(mine);
    },

    setPublic(user: UserRow, id: string, visible: boolean): MyCredential {
      const r = row(id);
      if (!r || r.userId !== user.id) throw notFound('credential');
      db.update(credentials).set({ public: visible }).where(eq(credentials.id, id)).run();
      return mine({ ...r, public: visible });
    },

    // ---- reading a credential ----

    openBadge: (user: UserRow | null, id: string) => document(readable(user, id)),
    jwt: (user: UserRow | null, id: string) => jwtOf(readable(user, id)),
    elm: (user: UserRow | null, id: string) => elmCredential(toRecord(readable(user, id)), issuer, config.siteName),

    async pdf(user: UserRow | null, id: string, opts: { compress?: boolean } = {}): Promise<Buffer> {
      const r = readable(user, id);
      return renderCertificatePdf(toRecord(r), { baseUrl: config.baseUrl, siteName: config.siteName, dataDir: config.dataDir, clientDir: clientDistDir, ...opts });
    },

    /** Public: the status of any credential; the learner's name and course only when the learner allows it. */
    verify(id: string): VerifyResponse {
      const r = row(id);
      if (!r) throw notFound('credential');
      const s = r.snapshot as unknown as Snapshot;
      return {
        id: r.id,
        status: r.revokedAt === null ? 'valid' : 'revoked',
        kind: r.kind as AwardKind,
        microCredential: r.microCredential,
        achievementType: achievementType(r.kind as AwardKind, r.microCredential),
        issuedAt: iso(r.issuedAt),
        revokedAt: isoOrNull(r.revokedAt),
        issuer: {
          id: issuer.did,
          name: institutionName(s, 'en', config.siteName),
          nameNl: institutionName(s, 'nl', config.siteName),
          nameEn: institutionName(s, 'en', config.siteName),
        },
        public: r.public,
        learnerName: r.public ? s.learner.name : null,
        course: r.public
          ? { title: s.course.title, workloadHours: s.course.workloadHours, ects: s.course.ects, eqfLevel: s.course.eqfLevel, learningOutcomes: s.course.learningOutcomes }
          : null,
        statusListCredential: statusListUrl(config.baseUrl, r.statusList),
        jwksUrl: `${config.baseUrl}/.well-known/jwks.json`,
      };
    },

    // ---- course staff ----

    revoke(user: UserRow, id: string, reason: string): AwardedCredential {
      const r = row(id);
      if (!r) throw notFound('credential');
      if (!isStaffOf(user, r)) {
        if (r.public || r.userId === user.id) throw forbidden('Only the staff of the course may revoke a credential.');
        throw notFound('credential');
      }
      if (r.revokedAt !== null) throw conflict('This credential has already been revoked.');
      const now = clock();
      db.update(credentials).set({ revokedAt: now, revokedReason: reason.trim(), revokedBy: user.id }).where(eq(credentials.id, id)).run();
      return awarded({ ...r, revokedAt: now, revokedReason: reason.trim(), revokedBy: user.id });
    },

    courseCredentials(user: UserRow, courseId: string): AwardedCredential[] {
      editableCourse(db, user, courseId);
      const rows = db.select().from(credentials).where(eq(credentials.courseId, courseId)).all();
      rows.sort((a, b) => b.issuedAt - a.issuedAt || a.id.localeCompare(b.id));
      return rows.map(awarded);
    },

    getSettings(user: UserRow, courseId: string): AwardSettingsResponse {
      const course = editableCourse(db, user, courseId);
      return settingsView(course, awardSettings(db, courseId) ?? defaults(courseId));
    },

    /** Saves the settings, then awards whatever the course's learners have already earned under them. */
    async putSettings(user: UserRow, courseId: string, body: AwardSettingsBody): Promise<AwardSettingsResponse> {
      const course = editableCourse(db, user, courseId);
      const current = awardSettings(db, courseId) ?? defaults(courseId);
      const next: AwardSettingsRow = {
        ...current,
        ...Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)),
        assessmentType: (body.assessmentType ?? current.assessmentType).trim(),
        qualityAssurance: (body.qualityAssurance ?? current.qualityAssurance).trim(),
        stackability: (body.stackability ?? current.stackability).trim(),
        courseId,
        updatedAt: clock(),
      };
      if (next.microCredential) {
        const readiness = microCredentialReadiness(course, next, countGradedQuizzes(db, courseId));
        if (!readiness.complete) {
          throw unprocessable(
            `A micro-credential needs: ${readiness.missing.join(', ')}.`,
            readiness.missing.map((f) => ({ pointer: COURSE_FIELDS.has(f) ? `/course/${f}` : `/body/${f}`, message: 'is required for a micro-credential' })),
          );
        }
        if (!next.achievementEnabled) {
          throw unprocessable('A micro-credential is a record of achievement: enable the record of achievement too.', [
            { pointer: '/body/achievementEnabled', message: 'must be true for a micro-credential' },
          ]);
        }
      }
      const { courseId: _id, ...values } = next;
      db.insert(courseAwards).values(next).onConflictDoUpdate({ target: courseAwards.courseId, set: values }).run();
      await evaluateCourse(deps, courseId);
      return settingsView(db.select().from(courses).where(eq(courses.id, courseId)).get()!, next);
    },

    // ---- published keys and status ----

    jwks: () => ({ keys: issuer.publicKeys }),
    didDocument: () => didDocument(issuer),

    statusList(listId: number, signed: boolean): JsonLd | string {
      const rows = db
        .select({ index: credentials.statusIndex, revokedAt: credentials.revokedAt, issuedAt: credentials.issuedAt })
        .from(credentials)
        .where(eq(credentials.statusList, listId))
        .all();
      if (!rows.length) throw notFound('status list');
      const revoked = rows.filter((r) => r.revokedAt !== null);
      // validFrom moves only when the list changes, so the document is stable between changes.
      const validFrom = Math.max(...rows.map((r) => Math.max(r.issuedAt, r.revokedAt ?? 0)));
      const credential = statusListCredential(issuer, listId, revoked.map((r) => r.index), validFrom);
      if (!signed) return credential;
      const seconds = Math.floor(validFrom / 1000);
      return signJwt(issuer, { ...credential, iss: issuer.did, jti: credential.id, nbf: seconds, iat: seconds }, 'vc+jwt');
    },
  };
}
export type CredentialService = ReturnType<typeof createCredentialService>;
