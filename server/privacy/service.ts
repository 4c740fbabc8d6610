import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../clock.ts';
import type { UserRow } from '../auth/session.ts';
import { verifyPassword } from '../auth/password.ts';
import { AppError, conflict } from '../errors.ts';
import { flushPendingProgress } from '../progress/store.ts';
import type { AccountExport } from './schema.ts';

/**
 * A deleted account keeps its row, anonymised, so enrolments, progress and quiz scores stay in the course
 * statistics without a person behind them. The tombstone address is unique, cannot receive mail (RFC 2606
 * ".invalid") and frees the real address for a new registration.
 */
export const DELETED_EMAIL_PATTERN = 'deleted-%@invalid';
export const DELETED_NAME = 'Deleted user';
/** Not in the scrypt$... format, so verifyPassword() can never match it. */
const NO_PASSWORD = '!deleted';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

function parseJson<T>(json: string | null, fallback: T): T {
  if (json === null) return fallback;
  try {
    return JSON.parse(json) as T;
  } catch {
    return fallback;
  }
}

export function createPrivacyService({ db, clock }: { db: Db; clock: Clock }) {
  const c = db.$client;

  return {
    exportData(user: UserRow, currentSessionId: string | null): AccountExport {
      flushPendingProgress(db);
      const u = c.prepare(`SELECT * FROM users WHERE id = ?`).get(user.id) as Record<string, unknown> & { roles: string };
      const enrolments = c
        .prepare(
          `SELECT e.course_id AS courseId, c.title AS courseTitle, e.status, e.enrolled_at AS enrolledAt, e.unenrolled_at AS unenrolledAt,
                  e.last_activity_at AS lastActivityAt, e.completed_at AS completedAt
             FROM enrolments e JOIN courses c ON c.id = e.course_id WHERE e.user_id = ? ORDER BY e.enrolled_at`,
        )
        .all(user.id) as { courseId: string; courseTitle: string; status: string; enrolledAt: number; unenrolledAt: number | null; lastActivityAt: number | null; completedAt: number | null }[];
      const progress = c
        .prepare(
          `SELECT p.course_id AS courseId, p.lesson_id AS lessonId, l.title AS lessonTitle, p.position, p.watched_ranges AS ranges,
                  p.watched_seconds AS watchedSeconds, p.first_opened_at AS firstOpenedAt, p.updated_at AS updatedAt, p.completed_at AS completedAt
             FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id WHERE p.user_id = ? ORDER BY p.first_opened_at`,
        )
        .all(user.id) as { courseId: string; lessonId: string; lessonTitle: string; position: number; ranges: string; watchedSeconds: number; firstOpenedAt: number; updatedAt: number; completedAt: number | null }[];
      const attempts = c
        .prepare(
          `SELECT a.id, a.lesson_id AS lessonId, l.title AS lessonTitle, a.started_at AS startedAt, a.submitted_at AS submittedAt,
                  a.score, a.max_score AS maxScore, a.percent, a.passed, a.answers
             FROM attempts a JOIN lessons l ON l.id = a.lesson_id WHERE a.user_id = ? ORDER BY a.started_at`,
        )
        .all(user.id) as { id: string; lessonId: string; lessonTitle: string; startedAt: number; submittedAt: number | null; score: number | null; maxScore: number | null; percent: number | null; passed: number | null; answers: string }[];
      const sessions = c
        .prepare(`SELECT id, created_at AS createdAt, last_active_at AS lastActiveAt, user_agent AS userAgent, ip FROM sessions WHERE user_id = ? ORDER BY created_at`)
        .all(user.id) as { id: string; createdAt: number; lastActiveAt: number; userAgent: string | null; ip: string | null }[];
      const lecturing = c
        .prepare(`SELECT cl.course_id AS courseId, c.title AS courseTitle, cl.role FROM course_lecturers cl JOIN courses c ON c.id = cl.course_id WHERE cl.user_id = ?`)
        .all(user.id) as { courseId: string; courseTitle: string; role: string }[];

      return {
        exportedAt: iso(clock()),
        account: {
          id: u.id as string,
          email: u.email as string,
          name: u.name as string,
          roles: parseJson<string[]>(u.roles, []),
          institutionId: u.institution_id as string | null,
          locale: u.locale as string | null,
          country: u.country as string | null,
          homeInstitution: u.home_institution as string | null,
          createdAt: iso(u.created_at as number),
          updatedAt: iso(u.updated_at as number),
        },
        enrolments: enrolments.map((e) => ({
          ...e,
          enrolledAt: iso(e.enrolledAt),
          unenrolledAt: isoOrNull(e.unenrolledAt),
          lastActivityAt: isoOrNull(e.lastActivityAt),
          completedAt: isoOrNull(e.completedAt),
        })),
        progress: progress.map(({ ranges, ...p }) => ({
          ...p,
          watchedRanges: parseJson<[number, number][]>(ranges, []),
          firstOpenedAt: iso(p.firstOpenedAt),
          updatedAt: iso(p.updatedAt),
          completedAt: isoOrNull(p.completedAt),
        })),
        quizAttempts: attempts.map((a) => ({
          ...a,
          startedAt: iso(a.startedAt),
          submittedAt: isoOrNull(a.submittedAt),
          passed: a.passed === null ? null : !!a.passed,
          answers: parseJson<Record<string, unknown>>(a.answers, {}),
        })),
        // The session id is half of the cookie token: its metadata is the person's, the id is a secret.
        sessions: sessions.map((s) => ({
          current: s.id === currentSessionId,
          createdAt: iso(s.createdAt),
          lastActiveAt: iso(s.lastActiveAt),
          userAgent: s.userAgent,
          ip: s.ip,
        })),
        lecturing,
      };
    },

    /**
     * Erases the person and keeps the anonymous facts: the user row becomes a disabled tombstone with no name,
     * address, hash, roles or profile; sessions go; quiz answers are emptied while scores stay; enrolments and
     * progress stay, now pointing at nobody in particular.
     */
    async deleteAccount(user: UserRow, password: string): Promise<void> {
      if (!(await verifyPassword(password, user.passwordHash))) {
        throw new AppError(400, 'LEERPAD_INVALID_CREDENTIALS', 'Wrong password', 'The password is wrong.', [{ pointer: '/body/password', message: 'is wrong' }]);
      }
      const roles = user.roles;
      if (roles.includes('admin')) {
        const others = c
          .prepare(`SELECT count(*) AS n FROM users, json_each(users.roles) r WHERE r.value = 'admin' AND users.disabled = 0 AND users.id <> ?`)
          .get(user.id) as { n: number };
        if (others.n === 0) throw conflict('You are the only platform administrator: appoint another one before deleting your account.');
      }
      // Beats accepted before this moment belong to the (soon anonymous) progress rows.
      flushPendingProgress(db);
      const now = clock();
      c.transaction(() => {
        c.prepare(
          `UPDATE users SET email = ?, name = ?, password_hash = ?, roles = '[]', institution_id = NULL, disabled = 1,
                            locale = NULL, country = NULL, home_institution = NULL, updated_at = ?
            WHERE id = ?`,
        ).run(`deleted-${randomUUID()}@invalid`, DELETED_NAME, NO_PASSWORD, now, user.id);
        c.prepare(`DELETE FROM sessions WHERE user_id = ?`).run(user.id);
        c.prepare(`UPDATE attempts SET answers = '{}', results = NULL WHERE user_id = ?`).run(user.id);
        c.prepare(`DELETE FROM course_lecturers WHERE user_id = ?`).run(user.id);
        c.prepare(`UPDATE videos SET uploaded_by = NULL WHERE uploaded_by = ?`).run(user.id);
      })();
    },
  };
}
export type PrivacyService = ReturnType<typeof createPrivacyService>;
