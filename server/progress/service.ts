import type { UserRow } from '../auth/session.ts';
import { conflict, forbidden, notFound, unprocessable, badRequest } from '../errors.ts';
import { isCourseStaff, isEnrolled, readableLesson, visibleCourse } from '../courses/access.ts';
import { coverUrl } from '../courses/views.ts';
import { evaluateAwards } from '../credentials/awards.ts';
import { clampPosition, keepFirstSeconds, mergeRanges, playAllowance, positionProblem, rangesProblem, reachesThreshold, totalSeconds, type PlayBudget, type Range } from './ranges.ts';
import {
  completedLessonIds,
  flushPendingProgress,
  lessonInfo,
  orderedLessons,
  percentOf,
  progressRows,
  registerBuffer,
  settleCourse,
  statements,
  type BeatStats,
  type LessonInfo,
  type OrderedLesson,
  type PendingBeat,
  type ProgressDeps,
  type ProgressRow,
} from './store.ts';
import type { CourseProgress, Dashboard, DashboardCourse, HeartbeatInput } from './schema.ts';
import { TtlLru } from '../lru.ts';

export { flushPendingProgress, progressStats, type ProgressDeps } from './store.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : iso(ms));

// ---- functions other features call ------------------------------------------------------------------------

/**
 * Marks a lesson complete for a user (idempotent; the first completion date stays) and stamps the course
 * completion on the enrolment once every counted lesson is done. For the quiz feature: call it when a graded
 * attempt passes or a practice attempt is submitted. It does not check access: the caller already has.
 */
export function markLessonComplete(deps: ProgressDeps, userId: string, lessonId: string): { newlyCompleted: boolean; courseCompleted: boolean } {
  const { db, clock } = deps;
  const info = lessonInfo(db, lessonId);
  if (!info) throw notFound('lesson');
  const s = statements(db);
  const at = clock();
  const result = db.$client.transaction(() => {
    const before = s.rangesOf.get(userId, lessonId) as { completedAt: number | null } | undefined;
    s.upsertComplete.run({ userId, lessonId, courseId: info.courseId, at });
    s.touchEnrolment.run(at, info.courseId, userId);
    const courseCompleted = settleCourse(db, userId, info.courseId, at);
    return { newlyCompleted: !before || before.completedAt === null, courseCompleted };
  })();
  if (result.newlyCompleted) {
    // Credentials look at every lesson of the course: videos watched a moment ago must be written first.
    flushPendingProgress(db);
    evaluateAwards(deps, userId, info.courseId);
  }
  return result;
}

export interface LessonLock {
  locked: boolean;
  /** The first earlier required lesson still to complete. */
  lockedBy: string | null;
}
const UNLOCKED: LessonLock = Object.freeze({ locked: false, lockedBy: null }) as LessonLock;

/** Per lesson in reading order: the lesson that blocks it, or null. A completed lesson is never locked. */
export function locksFor(lessons: readonly OrderedLesson[], done: ReadonlySet<string>): Map<string, string | null> {
  const out = new Map<string, string | null>();
  let blocker: string | null = null;
  for (const l of lessons) {
    out.set(l.id, done.has(l.id) ? null : blocker);
    if (!blocker && !l.optional && !done.has(l.id)) blocker = l.id;
  }
  return out;
}

/**
 * For the lesson view: whether a sequential course keeps this lesson closed for this user, and by which lesson.
 * Staff are never locked out; courses that are not sequential never lock. Sees heartbeats not yet flushed.
 */
export function lessonLock(deps: ProgressDeps, user: UserRow | null, lessonId: string): LessonLock {
  const { db } = deps;
  const info = lessonInfo(db, lessonId);
  if (!info || !info.sequential) return UNLOCKED;
  if (isCourseStaff(db, user, { id: info.courseId, institutionId: info.institutionId })) return UNLOCKED;
  flushPendingProgress(db);
  const done = user ? completedLessonIds(db, user.id, info.courseId) : new Set<string>();
  const by = locksFor(orderedLessons(db, info.courseId), done).get(lessonId) ?? null;
  return by ? { locked: true, lockedBy: by } : UNLOCKED;
}

const lockedError = (by: string) => conflict(`This lesson opens once lesson ${by} and the required lessons before it are complete.`);

/** For actions inside a lesson (starting a quiz attempt): a locked lesson refuses them with 409. */
export function assertUnlocked(deps: ProgressDeps, user: UserRow | null, lessonId: string): void {
  const lock = lessonLock(deps, user, lessonId);
  if (lock.locked) throw lockedError(lock.lockedBy!);
}

// ---- the service ------------------------------------------------------------------------------------------

interface Log {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ProgressServiceOptions extends ProgressDeps {
  log?: Log;
  /** Longest a heartbeat waits in memory before it is written. */
  flushIntervalMs?: number;
  /** Past this many waiting (user, lesson) entries the buffer is written at once. */
  maxPending?: number;
}

const silent: Log = { warn: () => {}, error: () => {} };

function parseRanges(json: string): Range[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) && rangesProblem(v) === null ? (v as Range[]) : [];
  } catch {
    return [];
  }
}

function countsFrom(lessons: readonly OrderedLesson[], done: ReadonlySet<string>) {
  let required = 0;
  let requiredDone = 0;
  let totalDone = 0;
  for (const l of lessons) {
    const d = done.has(l.id);
    if (d) totalDone++;
    if (!l.optional) {
      required++;
      if (d) requiredDone++;
    }
  }
  return { ...percentOf({ total: lessons.length, required, totalDone, requiredDone }), required, requiredDone };
}

/** The lesson last touched, among lessons that still exist. */
function lastTouched(lessons: readonly OrderedLesson[], rows: Map<string, ProgressRow>): ProgressRow | null {
  let best: ProgressRow | null = null;
  for (const l of lessons) {
    const r = rows.get(l.id);
    if (r && (!best || r.updatedAt > best.updatedAt)) best = r;
  }
  return best;
}

/**
 * Where "continue" leads: the last touched lesson while it is unfinished (at its resume position); otherwise the
 * next unfinished lesson after it, then the first unfinished one; a finished course goes back to where it was left.
 */
export function continueTarget(lessons: readonly OrderedLesson[], rows: Map<string, ProgressRow>): { lessonId: string; position: number } | null {
  if (!lessons.length) return null;
  const last = lastTouched(lessons, rows);
  if (last && last.completedAt === null) return { lessonId: last.lessonId, position: last.position };
  const from = last ? lessons.findIndex((l) => l.id === last.lessonId) + 1 : 0;
  const order = [...lessons.slice(from), ...lessons.slice(0, from)];
  const next = order.find((l) => !rows.get(l.id)?.completedAt);
  if (next) return { lessonId: next.id, position: rows.get(next.id)?.position ?? 0 };
  return { lessonId: last?.lessonId ?? lessons[0].id, position: 0 };
}

export function createProgressService(opts: ProgressServiceOptions) {
  const { db, clock } = opts;
  const log = opts.log ?? silent;
  const interval = opts.flushIntervalMs ?? 100;
  const maxPending = opts.maxPending ?? 20_000;
  const s = statements(db);

  // Lesson facts change rarely (a new video, a course unpublished); 30 s of staleness is harmless for progress.
  const lessonCache = new TtlLru<LessonInfo>(5_000, 30_000, clock);
  // Only positive answers are kept, so a learner who has just enrolled is never refused from the cache. Longer
  // than the 15 s between a player's beats, or every beat would miss; a learner who leaves the course may still
  // have a minute of watching recorded, which harms no one.
  const roleCache = new TtlLru<'staff' | 'enrolled'>(50_000, 60_000, clock);
  // Unlocking only moves forward for a learner; re-checked now and then in case the course was restructured.
  const unlockedCache = new TtlLru<true>(50_000, 60_000, clock);

  // A player beats every 15 s; rewriting the enrolment row each time would double the rows a flush dirties for
  // a date that is shown to the minute. Beats touch enrolments.lastActivityAt at most once a minute per course.
  const touchedCache = new TtlLru<true>(50_000, 60_000, clock);

  let pending = new Map<string, PendingBeat>();
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const counters = { accepted: 0, persisted: 0, dropped: 0, flushes: 0, implausibleSeconds: 0 };
  // Each learner's allowance of play per lesson (a beat every 15 s keeps an entry warm; a forgotten one starts
  // full again, which is the burst a first beat gets anyway). Per process.
  const budgets = new TtlLru<PlayBudget>(50_000, 3_600_000, clock);

  const writeBatch = db.$client.transaction((batch: PendingBeat[]) => {
    let persisted = 0;
    let dropped = 0;
    const completed: { userId: string; courseId: string }[] = [];
    for (const e of batch) {
      try {
        const row = s.rangesOf.get(e.userId, e.lessonId) as { ranges: string; completedAt: number | null } | undefined;
        const merged = row ? mergeRanges(parseRanges(row.ranges), e.ranges, e.durationSeconds) : e.ranges;
        const watched = totalSeconds(merged);
        const completes = (!row || row.completedAt === null) && reachesThreshold(watched, e.durationSeconds, e.completionPercent);
        s.upsertBeat.run({
          userId: e.userId,
          lessonId: e.lessonId,
          courseId: e.courseId,
          position: e.position,
          ranges: JSON.stringify(merged),
          watched,
          at: e.at,
          completedAt: completes ? e.at : null,
        });
        const touchKey = `${e.userId}|${e.courseId}`;
        if (completes || !touchedCache.get(touchKey)) {
          s.touchEnrolment.run(e.at, e.courseId, e.userId);
          touchedCache.set(touchKey, true);
        }
        if (completes) {
          settleCourse(db, e.userId, e.courseId, e.at);
          completed.push({ userId: e.userId, courseId: e.courseId });
        }
        persisted += e.beats;
      } catch (err) {
        // The lesson or the user was deleted after the beat was accepted: nothing left to record it against.
        // SQLite undoes just the failed statement, so the rest of the batch still commits.
        if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_FOREIGNKEY') throw err;
        dropped += e.beats;
        log.warn({ userId: e.userId, lessonId: e.lessonId }, 'heartbeat dropped: lesson or user no longer exists');
      }
    }
    return { persisted, dropped, completed };
  });

  /** A watched video may complete a course and earn a credential; the beats are committed by now. */
  function awardsAfterVideo(userId: string, courseId: string) {
    try {
      evaluateAwards({ db, clock }, userId, courseId);
    } catch (err) {
      // The progress is safely written; a failed award is retried by the next completion or a course re-evaluation.
      log.error({ err, userId, courseId }, 'evaluating awards after a video failed');
    }
  }

  function schedule(delay = interval) {
    if (timer || closed) return;
    timer = setTimeout(flush, delay);
    // The close hook flushes; a pending timer must not keep a finished process (or a test) alive.
    timer.unref();
  }

  function flush(): void {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (!pending.size) return;
    // Writing inside someone else's transaction would tie accepted beats to their rollback.
    if (db.$client.inTransaction) {
      schedule();
      return;
    }
    const batch = [...pending.values()];
    pending = new Map();
    try {
      const r = writeBatch(batch);
      counters.persisted += r.persisted;
      counters.dropped += r.dropped;
      counters.flushes++;
      for (const c of r.completed) awardsAfterVideo(c.userId, c.courseId);
    } catch (err) {
      // Busy or failing disk: keep the beats (nothing else ran meanwhile, the loop is synchronous) and retry later.
      for (const e of batch) pending.set(`${e.userId}\u0000${e.lessonId}`, e);
      log.error({ err, entries: batch.length }, 'writing heartbeats failed; will retry');
      if (!closed) schedule(Math.max(interval * 10, 1000));
    }
  }

  // Stays registered after close(): a closed buffer writes each beat at once, and its counters stay readable.
  registerBuffer(db, {
    flush,
    stats: (): BeatStats => ({ ...counters, pending: pending.size }),
  });

  function cachedLesson(lessonId: string): LessonInfo | null {
    let info = lessonCache.get(lessonId);
    if (!info) {
      const found = lessonInfo(db, lessonId);
      if (!found) return null;
      lessonCache.set(lessonId, (info = found));
    }
    return info;
  }

  /** Same rules as readableLesson() in courses/access.ts, with a positive answer kept for a minute. */
  function authorise(user: UserRow, info: LessonInfo): 'staff' | 'enrolled' {
    const key = `${user.id}|${info.courseId}`;
    let role = roleCache.get(key);
    if (!role) {
      if (isCourseStaff(db, user, { id: info.courseId, institutionId: info.institutionId })) role = 'staff';
      else if (info.courseStatus === 'published' && isEnrolled(db, user.id, info.courseId)) role = 'enrolled';
      if (role) roleCache.set(key, role);
    }
    if (role !== 'staff' && info.courseStatus !== 'published') throw notFound('lesson');
    if (!role) throw forbidden('Enrol in the course to follow this lesson.');
    return role;
  }

  function ensureUnlocked(user: UserRow, info: LessonInfo, role: 'staff' | 'enrolled') {
    if (!info.sequential || role === 'staff') return;
    const key = `${user.id}|${info.lessonId}`;
    if (unlockedCache.get(key)) return;
    flush();
    const by = locksFor(orderedLessons(db, info.courseId), completedLessonIds(db, user.id, info.courseId)).get(info.lessonId);
    if (by) throw lockedError(by);
    unlockedCache.set(key, true);
  }

  /** My progress in one course. Visible course and enrolled (or staff), else 404/403 as access.ts says. */
  function courseProgress(user: UserRow, courseId: string): CourseProgress {
    flush();
    const { course, role } = visibleCourse(db, user, courseId);
    if (role === 'visitor') throw forbidden('Enrol in the course to see your progress.');
    const lessons = orderedLessons(db, course.id);
    const rows = new Map(progressRows(db, user.id, course.id).map((r) => [r.lessonId, r]));
    const done = new Set([...rows.values()].filter((r) => r.completedAt !== null).map((r) => r.lessonId));
    const locks = course.sequential && role !== 'staff' ? locksFor(lessons, done) : null;
    const counts = countsFrom(lessons, done);
    const enrolment = s.enrolment.get(course.id, user.id) as { completedAt: number | null } | undefined;
    return {
      percent: counts.percent,
      requiredCount: counts.required,
      requiredCompleted: counts.requiredDone,
      completedAt: isoOrNull(enrolment?.completedAt),
      currentLessonId: lastTouched(lessons, rows)?.lessonId ?? null,
      lessons: lessons.map((l) => {
        const r = rows.get(l.id);
        const by = locks?.get(l.id) ?? null;
        return {
          lessonId: l.id,
          completed: !!r?.completedAt,
          completedAt: isoOrNull(r?.completedAt),
          position: r?.position ?? 0,
          watchedSeconds: r?.watchedSeconds ?? 0,
          locked: by !== null,
          lockedBy: by,
        };
      }),
    };
  }

  return {
    /**
     * Accepts one heartbeat: checks it and its sender synchronously, then merges it in memory. It is written
     * within `flushIntervalMs` (or on close, or before any read of progress). Throws for anything refused.
     */
    heartbeat(user: UserRow, input: HeartbeatInput): void {
      const rp = rangesProblem(input.ranges);
      if (rp) throw badRequest(`ranges${rp.pointer} ${rp.message}`, [{ pointer: `/body/ranges${rp.pointer}`, message: rp.message }]);
      const pp = positionProblem(input.position);
      if (pp) throw badRequest(`position ${pp}`, [{ pointer: '/body/position', message: pp }]);
      const info = cachedLesson(input.lessonId);
      if (!info) throw notFound('lesson');
      const role = authorise(user, info);
      if (info.kind !== 'video') throw unprocessable('Only video lessons report watching progress.');
      ensureUnlocked(user, info, role);

      const now = clock();
      const key = `${user.id}\u0000${info.lessonId}`;
      const entry = pending.get(key);
      const position = clampPosition(input.position, info.durationSeconds);
      // Seconds played are checked against wall time (ranges.ts playAllowance); what is beyond it is not counted.
      let played = mergeRanges([], input.ranges as Range[], info.durationSeconds);
      const allowance = playAllowance(budgets.get(key), now);
      const claimed = totalSeconds(played);
      if (claimed > allowance) {
        played = keepFirstSeconds(played, allowance);
        counters.implausibleSeconds += claimed - totalSeconds(played);
      }
      budgets.set(key, { seconds: allowance - totalSeconds(played), at: now });
      if (entry) {
        entry.ranges = mergeRanges(entry.ranges, played, info.durationSeconds);
        entry.position = position;
        entry.at = now;
        entry.beats++;
      } else {
        pending.set(key, {
          userId: user.id,
          lessonId: info.lessonId,
          courseId: info.courseId,
          position,
          ranges: played,
          durationSeconds: info.durationSeconds,
          completionPercent: info.completionPercent,
          at: now,
          beats: 1,
        });
      }
      counters.accepted++;
      if (closed || pending.size >= maxPending) flush();
      else schedule();
    },

    /** The learner's "done" on a text lesson. Video lessons complete by watching, quizzes by the quiz. */
    completeLesson(user: UserRow, lessonId: string) {
      const { lesson, course, role } = readableLesson(db, user, lessonId);
      if (lesson.kind !== 'text') throw unprocessable('Only text lessons are marked done by hand: videos complete by watching, quizzes by the quiz.');
      if (course.sequential && role !== 'staff') {
        flush();
        const by = locksFor(orderedLessons(db, course.id), completedLessonIds(db, user.id, course.id)).get(lessonId);
        if (by) throw lockedError(by);
      }
      markLessonComplete({ db, clock }, user.id, lessonId);
      const row = s.rangesOf.get(user.id, lessonId) as { completedAt: number };
      const mine = courseProgress(user, course.id);
      return { lessonId, completedAt: iso(row.completedAt), course: { percent: mine.percent, completedAt: mine.completedAt } };
    },

    /** My active enrolments in published courses, most recent activity first; completed courses apart. */
    dashboard(user: UserRow): Dashboard {
      flush();
      const enrolled = db.$client
        .prepare(
          `SELECT c.id AS id, c.slug AS slug, c.title AS title, c.cover_image_key AS coverKey,
                  e.enrolled_at AS enrolledAt, e.last_activity_at AS lastActivityAt, e.completed_at AS completedAt
             FROM enrolments e JOIN courses c ON c.id = e.course_id
            WHERE e.user_id = ? AND e.status = 'active' AND c.status = 'published'
            ORDER BY coalesce(e.last_activity_at, e.enrolled_at) DESC, c.title`,
        )
        .all(user.id) as { id: string; slug: string; title: string; coverKey: string | null; enrolledAt: number; lastActivityAt: number | null; completedAt: number | null }[];
      const inProgress: DashboardCourse[] = [];
      const completed: DashboardCourse[] = [];
      for (const c of enrolled) {
        const lessons = orderedLessons(db, c.id);
        const rows = new Map(progressRows(db, user.id, c.id).map((r) => [r.lessonId, r]));
        const done = new Set([...rows.values()].filter((r) => r.completedAt !== null).map((r) => r.lessonId));
        const item: DashboardCourse = {
          course: { id: c.id, slug: c.slug, title: c.title, coverUrl: coverUrl(c.coverKey) },
          percent: countsFrom(lessons, done).percent,
          continue: continueTarget(lessons, rows),
          enrolledAt: iso(c.enrolledAt),
          lastActivityAt: isoOrNull(c.lastActivityAt),
          completedAt: isoOrNull(c.completedAt),
        };
        (c.completedAt !== null ? completed : inProgress).push(item);
      }
      return { inProgress, completed };
    },

    courseProgress,
    flush,
    stats: (): BeatStats => ({ ...counters, pending: pending.size }),

    /** Writes what is waiting and stops the timer; later beats are written as they come. For app.onClose. */
    close() {
      flush();
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
export type ProgressService = ReturnType<typeof createProgressService>;
