import type Database from 'better-sqlite3';
import type { Db } from '../../db/client.ts';
import { normaliseText } from '../quizzes/grading.ts';
import { flushPendingProgress, orderedLessons } from '../progress/store.ts';
import { monthLabel, monthOf, monthStart } from './months.ts';

/**
 * Course analytics for its staff: enrolments and activity over time, the completion funnel per lesson, audience
 * retention per video and results per quiz question. Learners only (as in the open statistics: the course's
 * staff are left out). Read from the tables of one course in a handful of statements, each over a covering index
 * (migration 0006) and each answering with one aggregated string rather than a row per progress row: making tens
 * of thousands of row objects cost far more than reading the rows. scripts/bench/open-stats.ts measures it; the
 * service caches the result as long as a statistics snapshot.
 */
export const RETENTION_BUCKETS = 20;
const DAY = 86_400_000;


export type Granularity = 'day' | 'week' | 'month';

export interface TimelinePoint {
  /** First day of the bucket (YYYY-MM-DD), or the month (YYYY-MM). */
  period: string;
  enrolments: number;
  activeLearners: number;
  completions: number;
}

export interface FunnelStep {
  lessonId: string;
  title: string;
  kind: string;
  optional: boolean;
  /** Learners who opened the lesson, and who completed it. */
  started: number;
  completed: number;
}

export interface VideoRetention {
  lessonId: string;
  title: string;
  durationSeconds: number;
  /** Learners who watched any of it. */
  viewers: number;
  /** Share of the viewers who watched (at least half of) each successive twentieth of the video. */
  buckets: { fromSecond: number; toSecond: number; viewers: number; share: number }[];
}

export interface QuestionResult {
  questionId: string;
  position: number;
  type: string;
  /** The question text as plain text (markdown stripped), shortened. */
  text: string;
  answered: number;
  correct: number;
  partial: number;
  /** Share of the answers that were fully correct; null before anyone answered. */
  difficulty: number | null;
  /** The wrong answer chosen most often (choice text, number or normalised text), or null. */
  mostChosenWrong: { answer: string; count: number } | null;
}

export interface QuizResults {
  lessonId: string;
  title: string;
  /** Learners with a submitted attempt (their first submitted attempt is the one analysed). */
  learners: number;
  averagePercent: number | null;
  passed: number;
  questions: QuestionResult[];
}

export interface CourseAnalytics {
  generatedAt: string;
  summary: { enrolments: number; currentlyEnrolled: number; shows: number; completions: number; completionRateOfShows: number | null };
  granularity: Granularity;
  timeline: TimelinePoint[];
  funnel: FunnelStep[];
  videos: VideoRetention[];
  quizzes: QuizResults[];
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Buckets from `start` to `end`: days for two months, weeks (Monday, UTC) for two years, months beyond. */
export function bucketsFor(start: number, end: number): { granularity: Granularity; starts: number[]; label: (ms: number) => string; index: (ms: number) => number } {
  const span = Math.max(0, end - start);
  if (span <= 62 * DAY) {
    const first = Math.floor(start / DAY) * DAY;
    const n = Math.floor((end - first) / DAY) + 1;
    return { granularity: 'day', starts: Array.from({ length: n }, (_, i) => first + i * DAY), label: isoDay, index: (ms) => Math.floor((ms - first) / DAY) };
  }
  if (span <= 730 * DAY) {
    const d = Math.floor(start / DAY) * DAY;
    const first = d - ((new Date(d).getUTCDay() + 6) % 7) * DAY; // back to Monday
    const n = Math.floor((end - first) / (7 * DAY)) + 1;
    return { granularity: 'week', starts: Array.from({ length: n }, (_, i) => first + i * 7 * DAY), label: isoDay, index: (ms) => Math.floor((ms - first) / (7 * DAY)) };
  }
  const m0 = monthOf(start);
  const n = monthOf(end) - m0 + 1;
  return { granularity: 'month', starts: Array.from({ length: n }, (_, i) => monthStart(m0 + i)), label: (ms) => monthLabel(monthOf(ms)), index: (ms) => monthOf(ms) - m0 };
}

/** Plain text of a question's markdown, for a table cell. */
export function plainText(markdown: string, max = 140): string {
  const t = markdown
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]*>/g, '')
    .replace(/[`*_#>~]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return t.length > max ? `${t.slice(0, max - 1).trimEnd()}…` : t;
}

/** Seconds of [from, to) covered by sorted, non-overlapping ranges. */
function covered(ranges: [number, number][], from: number, to: number): number {
  let sum = 0;
  for (const [a, b] of ranges) {
    if (b <= from) continue;
    if (a >= to) break;
    sum += Math.min(b, to) - Math.max(a, from);
  }
  return sum;
}

export function retentionBuckets(viewerRanges: [number, number][][], duration: number, buckets = RETENTION_BUCKETS): VideoRetention['buckets'] {
  return retentionOf(viewerRanges.map((ranges) => ({ ranges, count: 1 })), duration, buckets);
}

/** retentionBuckets over distinct watched ranges, each standing for `count` viewers. */
function retentionOf(distinct: { ranges: [number, number][]; count: number }[], duration: number, buckets = RETENTION_BUCKETS): VideoRetention['buckets'] {
  const width = duration / buckets;
  const total = distinct.reduce((sum, d) => sum + d.count, 0);
  const viewers = new Array<number>(buckets).fill(0);
  // One pass per viewer over the parts their ranges touch, adding to each part what covered() would add, in the
  // same order (so the very same sums). Anything but well-formed ranges goes through covered() itself.
  const sums = new Float64Array(buckets);
  const tally = (ranges: [number, number][], count: number): boolean => {
    if (!Array.isArray(ranges) || !(width > 0) || !Number.isFinite(width)) return false;
    for (const r of ranges) {
      if (!Array.isArray(r) || typeof r[0] !== 'number' || typeof r[1] !== 'number' || !Number.isFinite(r[0]) || !Number.isFinite(r[1]) || r[0] > r[1]) return false;
    }
    sums.fill(0);
    let closed = 0; // parts 0 .. closed - 1 end before a range already seen: covered() stops there for them
    for (const [a, b] of ranges) {
      const last = Math.min(buckets - 1, Math.ceil(b / width) + 1);
      for (let k = Math.max(closed, Math.floor(a / width) - 1); k <= last; k++) {
        const from = k * width;
        const to = (k + 1) * width;
        if (b <= from || a >= to) continue;
        sums[k] += Math.min(b, to) - Math.max(a, from);
      }
      let m = Math.min(buckets, Math.max(closed, Math.floor(a / width)));
      while (m > closed && !(a >= m * width)) m--;
      while (m < buckets && a >= (m + 1) * width) m++;
      closed = m;
    }
    for (let k = 0; k < buckets; k++) if (sums[k] >= width / 2) viewers[k] += count;
    return true;
  };
  for (const { ranges, count } of distinct) {
    if (!tally(ranges, count)) for (let k = 0; k < buckets; k++) if (covered(ranges, k * width, (k + 1) * width) >= width / 2) viewers[k] += count;
  }
  return viewers.map((v, k) => {
    const from = k * width;
    const to = (k + 1) * width;
    return { fromSecond: Math.round(from * 10) / 10, toSecond: Math.round(to * 10) / 10, viewers: v, share: total ? Math.round((v / total) * 1000) / 1000 : 0 };
  });
}

const parseJson = <T>(s: string | null, fallback: T): T => {
  if (s === null) return fallback;
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
};

interface QuestionRow {
  id: string;
  lessonId: string;
  position: number;
  type: string;
  text: string;
  data: string;
}

/**
 * The labels of the wrong parts of an answer: the choices a learner picked that are not (fully) right. Made once
 * per question, so each choice is looked up and its label worked out once.
 */
function wrongAnswersOf(q: QuestionRow, data: Record<string, unknown>): (value: unknown) => string[] {
  const choices = (data.choices as { id: string; text: string; correct?: boolean }[] | undefined) ?? [];
  const found = new Map<string, { id: string; text: string; correct?: boolean } | undefined>();
  const choice = (id: string) => {
    if (!found.has(id)) found.set(id, choices.find((x) => x.id === id));
    return found.get(id);
  };
  const labels = new Map<string, string | null>();
  const label = (id: string) => {
    let l = labels.get(id);
    if (l === undefined) {
      const c = choice(id);
      labels.set(id, (l = c ? plainText(c.text, 80) : null));
    }
    return l;
  };
  return (value) => {
    switch (q.type) {
      case 'single':
        return typeof value === 'string' ? [label(value)].filter((x): x is string => !!x) : [];
      case 'multiple':
        return Array.isArray(value) ? value.filter((id) => typeof id === 'string' && !choice(id)?.correct).map((id) => label(id as string)).filter((x): x is string => !!x) : [];
      case 'trueFalse':
        return value === 'true' || value === 'false' ? [value] : [];
      case 'numeric':
        return typeof value === 'number' && Number.isFinite(value) ? [String(value)] : [];
      case 'text':
        return typeof value === 'string' && value.trim() ? [normaliseText(value).slice(0, 80)] : [];
      default:
        return []; // ordering, matching: no single answer to name
    }
  };
}

/**
 * The staff of a course as server/courses/access.ts defines it: its lecturers, platform admins and administrators
 * of its institution. Users with a role are few and come from a partial index (users_with_roles_idx).
 */
function staffOf(c: Database.Database, courseId: string, institutionId: string | null): string[] {
  const staff = new Set(c.prepare('SELECT user_id FROM course_lecturers WHERE course_id = ?').pluck().all(courseId) as string[]);
  for (const u of c.prepare(`SELECT id, roles, institution_id AS institutionId FROM users WHERE roles <> '[]'`).all() as { id: string; roles: string; institutionId: string | null }[]) {
    if (u.roles.includes('"admin"') || (institutionId !== null && u.institutionId === institutionId && u.roles.includes('"institution-admin"'))) staff.add(u.id);
  }
  return [...staff];
}

/** SQL for the bucket of a timestamp column, clamped like `at` below: arithmetic for days and weeks, a binary search over month starts. */
function bucketSql(col: string, b: ReturnType<typeof bucketsFor>): string {
  const n = b.starts.length;
  if (b.granularity !== 'month') {
    // Truncation towards zero differs from Math.floor only below the first bucket, which both clamp to 0.
    return `max(0, min(${n - 1}, CAST((${col} - ${b.starts[0]}) / ${b.granularity === 'day' ? DAY : 7 * DAY} AS INTEGER)))`;
  }
  const pick = (lo: number, hi: number): string => {
    if (lo === hi) return String(lo);
    const mid = (lo + hi + 1) >> 1;
    return `CASE WHEN ${col} < ${b.starts[mid]} THEN ${pick(lo, mid - 1)} ELSE ${pick(mid, hi)} END`;
  };
  return pick(0, n - 1);
}

/** SQL for the position of a lesson id in `ids` (-1 for any other), by a binary search in SQLite's byte order. */
function lessonIndexSql(col: string, ids: string[]): string {
  if (!ids.length) return '-1';
  const sorted = ids.map((id, i) => ({ id, i, bytes: Buffer.from(id) })).sort((x, y) => Buffer.compare(x.bytes, y.bytes));
  const literal = (id: string) => `'${id.replaceAll("'", "''")}'`;
  const pick = (lo: number, hi: number): string => {
    if (lo === hi) return `CASE WHEN ${col} = ${literal(sorted[lo].id)} THEN ${sorted[lo].i} ELSE -1 END`;
    const mid = (lo + hi + 1) >> 1;
    return `CASE WHEN ${col} < ${literal(sorted[mid].id)} THEN ${pick(lo, mid - 1)} ELSE ${pick(mid, hi)} END`;
  };
  return pick(0, sorted.length - 1);
}

/** The numbers of a group_concat (integers, or null). */
const numbers = (s: string | null): (number | null)[] => (s === null ? [] : (JSON.parse(`[${s}]`) as (number | null)[]));

export async function courseAnalytics(db: Db, courseId: string, now: number): Promise<CourseAnalytics> {
  flushPendingProgress(db);
  const c = db.$client;
  const course = c.prepare('SELECT published_at AS publishedAt, created_at AS createdAt, institution_id AS institutionId FROM courses WHERE id = ?').get(courseId) as {
    publishedAt: number | null;
    createdAt: number;
    institutionId: string | null;
  };
  const lessons = orderedLessons(db, courseId);
  const quizIds = lessons.filter((l) => l.kind === 'quiz').map((l) => l.id);

  // Learners: every enrolment but the course's own staff. Each statement below restates them (a CTE over the
  // covering enrolments index) and joins the progress and attempt rows to them, so the key of a learner is their
  // enrolment's rowid (less the smallest, e0). Activity codes are key * buckets + bucket: distinct codes are
  // distinct (learner, bucket) pairs. Statements answer with group_concat of numbers, several aligned ones rather
  // than concatenated text (|| costs more than the rest of the row). One read transaction, so every statement
  // sees the same rows.
  const params = { course: courseId, staff: JSON.stringify(staffOf(c, courseId, course.institutionId)) };
  const LEARNERS = `WITH learner AS (SELECT rowid AS e, user_id, enrolled_at, status, completed_at FROM enrolments WHERE course_id = @course AND user_id NOT IN (SELECT value FROM json_each(@staff)))`;
  // Learner by learner into the progress index (CROSS JOIN keeps that order): a seek per learner, where the other
  // way round costs a seek per progress row.
  const PROGRESS = `learner l CROSS JOIN lesson_progress p ON p.course_id = @course AND p.user_id = l.user_id`;
  const read = c.transaction(() => {
    const [keys, enrolledAt, active, completedAt] = (
      c.prepare(`${LEARNERS} SELECT group_concat(e), group_concat(enrolled_at), group_concat(status = 'active'), group_concat(ifnull(completed_at, 'null')) FROM learner`).raw(true).get(params) as (
        | string
        | null
      )[]
    ).map(numbers) as [number[], number[], number[], (number | null)[]];
    let start = course.publishedAt ?? course.createdAt;
    for (const t of enrolledAt) start = Math.min(start, t);
    const b = bucketsFor(start, Math.max(now, start));
    let e0 = keys.length ? keys[0] : 0;
    for (const e of keys) e0 = Math.min(e0, e);
    const learners = { keys: keys.map((e) => e - e0), enrolledAt, active, completedAt };
    const n = b.starts.length;
    const code = (col: string) => `((l.e - ${e0}) * ${n} + ${bucketSql(col, b)})`;
    const lessonIndex = lessonIndexSql('p.lesson_id', lessons.map((l) => l.id));
    // Per progress row: the code of its opening, and ((lesson position * 2 + completed + 2) * n + bucket of its
    // update) * (n + 1) + bucket of its completion + 1 (0: none). Per row with watched seconds: lesson position,
    // and the watched ranges (separated by \x01).
    const [opened, packed, watchedRows, watchedLessons, watched] = c
      .prepare(
        `${LEARNERS} SELECT group_concat(${code('p.first_opened_at')}),
                group_concat((((${lessonIndex} * 2 + (p.completed_at IS NOT NULL) + 2) * ${n} + ${bucketSql('p.updated_at', b)}) * ${n + 1}
                             + CASE WHEN p.completed_at IS NULL THEN 0 ELSE ${bucketSql('p.completed_at', b)} + 1 END)),
                count(CASE WHEN p.watched_seconds > 0 THEN 1 END),
                group_concat(CASE WHEN p.watched_seconds > 0 THEN ${lessonIndex} END),
                group_concat(CASE WHEN p.watched_seconds > 0 THEN p.watched_ranges END, char(1))
           FROM ${PROGRESS}`,
      )
      .raw(true)
      .get(params) as [string | null, string | null, number, string | null, string | null];
    const progress = { opened: numbers(opened) as number[], packed: numbers(packed) as number[] };
    const attemptCodes = (
      c
        .prepare(
          `${LEARNERS} SELECT group_concat(${code('a.started_at')}), group_concat(CASE WHEN a.submitted_at IS NOT NULL THEN ${code('a.submitted_at')} END)
             FROM attempts a CROSS JOIN learner l ON l.user_id = a.user_id WHERE a.lesson_id IN (SELECT value FROM json_each(@ids))`,
        )
        .raw(true)
        .get({ ...params, ids: JSON.stringify(lessons.map((l) => l.id)) }) as (string | null)[]
    ).flatMap((s) => numbers(s) as number[]);
    // Each learner's first submitted attempt per quiz, in the order they were submitted.
    const firstAttempts = quizIds.length
      ? (c
          .prepare(
            `${LEARNERS} SELECT a.lesson_id AS lessonId, a.answers, a.results, a.percent, a.passed
               FROM attempts a CROSS JOIN learner l ON l.user_id = a.user_id
              WHERE a.lesson_id IN (SELECT value FROM json_each(@ids)) AND a.submitted_at IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM attempts x WHERE x.lesson_id = a.lesson_id AND x.user_id = a.user_id AND x.submitted_at IS NOT NULL
                                 AND (x.submitted_at < a.submitted_at OR (x.submitted_at = a.submitted_at AND x.id < a.id)))
              ORDER BY a.submitted_at, a.id`,
          )
          .all({ ...params, ids: JSON.stringify(quizIds) }) as { lessonId: string; answers: string; results: string | null; percent: number | null; passed: number | null }[])
      : [];
    const questions = quizIds.length
      ? (c
          .prepare(`SELECT id, lesson_id AS lessonId, position, type, text, data FROM questions WHERE lesson_id IN (SELECT value FROM json_each(?)) ORDER BY lesson_id, position, id`)
          .all(JSON.stringify(quizIds)) as QuestionRow[])
      : [];
    const videoLessons = c
      .prepare(`SELECT l.id AS id, v.duration_seconds AS duration FROM lessons l LEFT JOIN videos v ON v.id = l.video_id WHERE l.course_id = ? AND l.kind = 'video'`)
      .all(courseId) as { id: string; duration: number | null }[];
    // Watched ranges that hold a \x01 themselves spoil the split: then they are read one by one.
    let viewed = { lessons: numbers(watchedLessons) as number[], ranges: watched === null ? [] : watched.split('\x01') };
    if (viewed.ranges.length !== watchedRows) {
      const rows = c.prepare(`${LEARNERS} SELECT ${lessonIndex}, p.watched_ranges FROM ${PROGRESS} WHERE p.watched_seconds > 0`).raw(true).all(params) as [number, string][];
      viewed = { lessons: rows.map((r) => r[0]), ranges: rows.map((r) => r[1]) };
    }
    return { learners, b, progress, viewed, attemptCodes, firstAttempts, questions, videoLessons };
  });
  const { learners, b, progress, viewed, attemptCodes, firstAttempts, questions, videoLessons } = read();
  // The rest is arithmetic on what was read: let other requests run first.
  await new Promise<void>((resolve) => setImmediate(resolve));

  const n = b.starts.length;
  const at = (ms: number) => Math.min(n - 1, Math.max(0, b.index(ms)));
  const count = learners.keys.length;
  // Learner keys to positions: an array while the keys are dense enough (they are rowids less the smallest).
  const maxKey = learners.keys.reduce((m, k) => Math.max(m, k), -1);
  const dense = maxKey <= 64 * count + 65_536 ? new Int32Array(maxKey + 1).fill(-1) : null;
  const sparse = dense ? null : new Map<number, number>();
  learners.keys.forEach((k, i) => (dense ? (dense[k] = i) : sparse!.set(k, i)));
  const position = (key: number) => (dense ? (key <= maxKey ? dense[key] : -1) : (sparse!.get(key) ?? -1));
  // Distinct (learner, bucket) pairs, one bit each.
  const seen = new Uint32Array(Math.ceil((count * n) / 32));
  const activeLearners = new Array<number>(n).fill(0);
  const activity = (code: number): number => {
    const o = position(Math.floor(code / n));
    if (o < 0) return -1;
    const k = code % n;
    const bit = o * n + k;
    if (!(seen[bit >>> 5] & (1 << (bit & 31)))) {
      seen[bit >>> 5] |= 1 << (bit & 31);
      activeLearners[k]++;
    }
    return o;
  };

  // ---- summary and timeline ------------------------------------------------------------------------------------
  const enrolled = new Array<number>(n).fill(0);
  const done = new Array<number>(n).fill(0);
  let currentlyEnrolled = 0;
  let completions = 0;
  for (let i = 0; i < count; i++) {
    const e = learners.keys[i];
    const completedAt = learners.completedAt[i];
    if (learners.active[i]) currentlyEnrolled++;
    const k = at(learners.enrolledAt[i]);
    enrolled[k]++;
    activity(e * n + k);
    if (completedAt !== null) {
      completions++;
      const kd = at(completedAt);
      done[kd]++;
      activity(e * n + kd);
    }
  }
  const started = new Array<number>(lessons.length).fill(0);
  const completed = new Array<number>(lessons.length).fill(0);
  const showed = new Uint8Array(count);
  let shows = 0;
  for (let i = 0; i < progress.opened.length; i++) {
    const opened = progress.opened[i];
    const learner = opened - (opened % n);
    const o = activity(opened);
    if (o >= 0 && !showed[o]) {
      showed[o] = 1;
      shows++;
    }
    const packed = progress.packed[i];
    const completion = packed % (n + 1);
    const rest = (packed - completion) / (n + 1);
    const updated = rest % n;
    const lesson = (rest - updated) / n - 2;
    activity(learner + updated);
    if (completion) activity(learner + completion - 1);
    if (lesson >= 0) {
      started[lesson >> 1]++;
      if (lesson & 1) completed[lesson >> 1]++;
    }
  }
  for (const v of attemptCodes) activity(v);
  const timeline = b.starts.map((s, i) => ({ period: b.label(s), enrolments: enrolled[i], activeLearners: activeLearners[i], completions: done[i] }));
  const summary = {
    enrolments: count,
    currentlyEnrolled,
    shows,
    completions,
    completionRateOfShows: shows ? Math.round((completions / shows) * 1000) / 1000 : null,
  };

  // ---- funnel --------------------------------------------------------------------------------------------------
  const funnel = lessons.map((l, i) => ({ lessonId: l.id, title: l.title, kind: l.kind, optional: l.optional, started: started[i], completed: completed[i] }));

  // ---- video retention -----------------------------------------------------------------------------------------
  // Many viewers share the very same ranges (all who watched a video to the end): each distinct one is parsed and
  // worked out once.
  const sameRanges = new Map<number, Map<string, number>>();
  viewed.lessons.forEach((i, row) => {
    const same = sameRanges.get(i) ?? new Map<string, number>();
    same.set(viewed.ranges[row], (same.get(viewed.ranges[row]) ?? 0) + 1);
    sameRanges.set(i, same);
  });
  const watchedBy = new Map<number, { ranges: [number, number][]; count: number }[]>();
  for (const [i, same] of sameRanges) watchedBy.set(i, [...same].map(([r, count]) => ({ ranges: parseJson<[number, number][]>(r, []), count })));
  const titles = new Map(lessons.map((l) => [l.id, l.title]));
  const videos = lessons
    .map((l, i) => ({ l, viewers: watchedBy.get(i) ?? [] }))
    .filter(({ l }) => l.kind === 'video')
    .map(({ l, viewers }) => {
      const known = videoLessons.find((v) => v.id === l.id)?.duration ?? null;
      const duration = known ?? viewers.reduce((m, { ranges: r }) => Math.max(m, r.length ? r[r.length - 1][1] : 0), 0);
      return {
        lessonId: l.id,
        title: l.title,
        durationSeconds: Math.round(duration * 10) / 10,
        viewers: viewers.reduce((sum, v) => sum + v.count, 0),
        buckets: duration > 0 ? retentionOf(viewers, duration) : [],
      };
    });

  // ---- quiz results per question -------------------------------------------------------------------------------
  const quizzes: QuizResults[] = [];
  for (const lessonId of quizIds) {
    const firsts = firstAttempts.filter((a) => a.lessonId === lessonId);
    // Learners who gave the same answers have the same results: each distinct pair is parsed once, with its count.
    const same = new Map<string, Map<string | null, { answers: string; results: string | null; count: number }>>();
    for (const a of firsts) {
      const byResults = same.get(a.answers) ?? new Map<string | null, { answers: string; results: string | null; count: number }>();
      same.set(a.answers, byResults);
      const d = byResults.get(a.results);
      if (d) d.count++;
      else byResults.set(a.results, { answers: a.answers, results: a.results, count: 1 });
    }
    const analysed = [...same.values()].flatMap((m) => [...m.values()]).map((a) => ({
      answers: parseJson<Record<string, unknown>>(a.answers, {}),
      results: parseJson<{ questions?: Record<string, { outcome?: string }> }>(a.results, {}).questions ?? {},
      count: a.count,
    }));
    const percents = firsts.map((a) => a.percent).filter((x): x is number => x !== null);
    quizzes.push({
      lessonId,
      title: titles.get(lessonId) ?? '',
      learners: firsts.length,
      averagePercent: percents.length ? Math.round((percents.reduce((x, y) => x + y, 0) / percents.length) * 10) / 10 : null,
      passed: firsts.filter((a) => a.passed).length,
      questions: questions
        .filter((q) => q.lessonId === lessonId)
        .map((q, i) => {
          const wrongAnswers = wrongAnswersOf(q, parseJson<Record<string, unknown>>(q.data, {}));
          let answered = 0;
          let correct = 0;
          let partial = 0;
          const wrong = new Map<string, number>();
          for (const a of analysed) {
            const outcome = a.results[q.id]?.outcome;
            if (!outcome || outcome === 'unanswered') continue;
            answered += a.count;
            if (outcome === 'correct') correct += a.count;
            else {
              if (outcome === 'partial') partial += a.count;
              for (const w of wrongAnswers(a.answers[q.id])) wrong.set(w, (wrong.get(w) ?? 0) + a.count);
            }
          }
          const top = [...wrong.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0];
          return {
            questionId: q.id,
            position: i + 1,
            type: q.type,
            text: plainText(q.text),
            answered,
            correct,
            partial,
            difficulty: answered ? Math.round((correct / answered) * 1000) / 1000 : null,
            mostChosenWrong: top ? { answer: top[0], count: top[1] } : null,
          };
        }),
    });
  }

  return { generatedAt: new Date(now).toISOString(), summary, granularity: b.granularity, timeline, funnel, videos, quizzes };
}
