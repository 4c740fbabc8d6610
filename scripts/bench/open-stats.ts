/**
 * Open statistics and course analytics benchmark.
 *   npx tsx scripts/bench/open-stats.ts [--learners 100000] [--progress 2000000] [--courses 200]
 *
 * Seeds a temporary on-disk SQLite database with raw prepared statements in big transactions (bounded by a seed
 * budget): institutions, courses with lessons, videos and quiz questions, learners with declared countries, their
 * enrolments, lesson progress (with watched ranges on video lessons) and quiz attempts. Then, through the real app
 * (app.inject, so routing, validation and serialisation count):
 *   - the statistics snapshot build (once per STATS_MAX_AGE_SECONDS, in slices; the longest slice is how long the
 *     event loop is held at once),
 *   - each open statistics request, cold (first request of a period: the report is computed from the snapshot)
 *     and warm (cached report), JSON and CSV,
 *   - the course analytics of the biggest and of a median course (uncached),
 * each beside a ceiling measured in the same run: the bare route (GET /api/open/v1/statistics/definitions: same
 * plugins, no data) and, for the analytics, one indexed count over the course's progress rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { openDb, type Db } from '../../db/client.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { buildSnapshot } from '../../server/stats/snapshot.ts';
import { percentile, prng, report } from './lib.ts';

export interface BenchOptions {
  learners?: number;
  progress?: number;
  courses?: number;
  seedBudgetMs?: number;
  runs?: number;
  quiet?: boolean;
}

export interface Line {
  name: string;
  ms: number;
  ceilingMs: number;
  ratio: number;
}

export interface BenchResult {
  seeded: { courses: number; learners: number; enrolments: number; progress: number; attempts: number; seedMs: number };
  snapshot: { buildMs: number; longestSliceMs: number; enrolments: number; heapMb: number; rssMb: number };
  lines: Line[];
  /** Cold course analytics of the biggest course, p50 of wall and of this process's CPU time, against 200 ms. */
  analytics: { enrolments: number; ms: number; cpuMs: number };
}


/** Time-ordered ids in UUID form (like UUIDv7): index inserts append instead of splitting pages at random. */
const id = (prefix: number, n: number) => {
  const h = n.toString(16).padStart(12, '0');
  return `${prefix.toString(16).padStart(8, '0')}-${h.slice(0, 4)}-7${h.slice(4, 7)}-8${h.slice(7, 10)}-${h.slice(10).padStart(12, '0')}`;
};

const DAY = 86_400_000;
const KINDS = ['text', 'video', 'text', 'quiz', 'video', 'text', 'video', 'quiz', 'text', 'text'] as const;
const COUNTRIES = ['BE', 'BE', 'BE', 'BE', 'BE', 'NL', 'NL', 'DE', 'FR', 'LU', 'ES', 'IT', 'PL', 'CD', 'MA', 'TR', 'US', 'IN'];
const HOMES = ['UGent', 'KU Leuven', 'VUB', 'UAntwerpen', 'UHasselt', 'HOGENT', 'Howest', 'AP Hogeschool', 'Thomas More', 'Odisee', 'Erasmushogeschool Brussel', 'Arteveldehogeschool'];

function seed(db: Db, o: Required<Pick<BenchOptions, 'learners' | 'progress' | 'courses' | 'seedBudgetMs'>>, now: number) {
  const c = db.$client;
  c.pragma('synchronous = OFF');
  c.pragma('cache_size = -262144');
  const started = performance.now();
  const rand = prng(7);
  const over = () => performance.now() - started > o.seedBudgetMs;

  const insts = Array.from({ length: 10 }, (_, i) => id(1, i));
  c.transaction(() => {
    const st = c.prepare('INSERT INTO institutions (id, short_name, name_nl, name_en, country, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    insts.forEach((iid, i) => st.run(iid, `INST${i}`, `Instelling ${i}`, `Institution ${i}`, 'BE', now - 900 * DAY, now - 900 * DAY));
  })();

  // Lecturers (one per course) and learners.
  const lecturers = Array.from({ length: o.courses }, (_, i) => id(2, i));
  const learners = Array.from({ length: o.learners }, (_, i) => id(3, i));
  c.transaction(() => {
    const st = c.prepare(
      `INSERT INTO users (id, email, name, password_hash, roles, institution_id, country, home_institution, created_at, updated_at) VALUES (?, ?, ?, 'x', ?, ?, ?, ?, ?, ?)`,
    );
    lecturers.forEach((uid, i) => st.run(uid, `lecturer${i}@bench.test`, `Lecturer ${i}`, '["lecturer"]', insts[i % 10], 'BE', null, now - 800 * DAY, now - 800 * DAY));
    learners.forEach((uid, i) => {
      const r = rand();
      st.run(uid, `learner${i}@bench.test`, `Learner ${i}`, '[]', null, r < 0.7 ? COUNTRIES[Math.floor(rand() * COUNTRIES.length)] : null, r < 0.4 ? HOMES[Math.floor(rand() * HOMES.length)] : null, now - 700 * DAY, now - 700 * DAY);
    });
  })();

  // Courses, published over the last two years, each with two modules of five lessons.
  const courses: { id: string; publishedAt: number; lessons: { id: string; kind: string; duration: number }[] }[] = [];
  c.transaction(() => {
    const course = c.prepare(
      `INSERT INTO courses (id, slug, title, summary, languages, institution_id, status, listed, created_at, updated_at, published_at) VALUES (?, ?, ?, 'Bench course', '["nl"]', ?, 'published', ?, ?, ?, ?)`,
    );
    const lect = c.prepare(`INSERT INTO course_lecturers (course_id, user_id, role, position) VALUES (?, ?, 'owner', 0)`);
    const mod = c.prepare('INSERT INTO modules (id, course_id, title, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
    const les = c.prepare('INSERT INTO lessons (id, module_id, course_id, title, kind, position, estimated_minutes, video_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 10, ?, ?, ?)');
    const vid = c.prepare(`INSERT INTO videos (id, lesson_id, status, duration_seconds, created_at, updated_at) VALUES (?, ?, 'ready', ?, ?, ?)`);
    const q = c.prepare('INSERT INTO questions (id, lesson_id, position, type, text, points, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)');
    let lessonN = 0;
    for (let i = 0; i < o.courses; i++) {
      const cid = id(4, i);
      const publishedAt = now - Math.floor(rand() * 720 + 10) * DAY;
      course.run(cid, `bench-course-${i}`, `Bench course ${i}`, i % 20 === 19 ? null : insts[i % 10], i % 25 === 24 ? 0 : 1, publishedAt - DAY, publishedAt, publishedAt);
      lect.run(cid, lecturers[i]);
      const lessons: (typeof courses)[number]['lessons'] = [];
      for (let m = 0; m < 2; m++) {
        const mid = id(5, i * 2 + m);
        mod.run(mid, cid, `Module ${m + 1}`, m, publishedAt, publishedAt);
        for (let k = 0; k < 5; k++) {
          const kind = KINDS[m * 5 + k];
          const lid = id(6, lessonN);
          const vidId = kind === 'video' ? id(7, lessonN) : null;
          const duration = kind === 'video' ? 300 + Math.floor(rand() * 600) : 0;
          lessonN++;
          les.run(lid, mid, cid, `Lesson ${m + 1}.${k + 1}`, kind, k, vidId, publishedAt, publishedAt);
          if (vidId) vid.run(vidId, lid, duration, publishedAt, publishedAt);
          if (kind === 'quiz') {
            for (let n = 0; n < 5; n++) {
              q.run(`${lid}-q${n}`, lid, n, 'single', `Question ${n + 1}`, JSON.stringify({ choices: [{ id: 'a', text: 'Right', correct: true }, { id: 'b', text: 'Wrong', correct: false }, { id: 'c', text: 'Also wrong', correct: false }] }), publishedAt, publishedAt);
            }
          }
          lessons.push({ id: lid, kind, duration });
        }
      }
      courses.push({ id: cid, publishedAt, lessons });
    }
  })();

  // Enrolments: 1 to 7 courses per learner, popular courses far more popular (course k with probability ~ 1/sqrt k).
  // Progress: lessons opened in reading order, about progress/enrolments of them per enrolment, until the target.
  const enrol = c.prepare(
    'INSERT INTO enrolments (id, course_id, user_id, status, enrolled_at, unenrolled_at, last_activity_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const prog = c.prepare(
    `INSERT INTO lesson_progress (user_id, lesson_id, course_id, position, watched_ranges, watched_seconds, first_opened_at, updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const att = c.prepare(
    `INSERT INTO attempts (id, lesson_id, user_id, layout, answers, started_at, submitted_at, score, max_score, percent, passed, results) VALUES (?, ?, ?, '{}', ?, ?, ?, ?, 5, ?, ?, ?)`,
  );
  const expectedEnrolments = o.learners * 4;
  const perEnrolment = Math.max(0.1, o.progress / expectedEnrolments);
  let enrolments = 0;
  let progress = 0;
  let attempts = 0;
  let seeded = 0;
  const BATCH = 2000;
  for (let start = 0; start < learners.length && progress < o.progress && !over(); start += BATCH) {
    c.transaction(() => {
      for (let u = start; u < Math.min(learners.length, start + BATCH); u++) {
        const uid = learners[u];
        const picked = new Set<number>();
        const n = 1 + Math.floor(rand() * 7);
        while (picked.size < n) picked.add(Math.floor(o.courses * rand() * rand()));
        for (const ci of picked) {
          const course = courses[ci];
          const enrolledAt = course.publishedAt + Math.floor(rand() * (now - course.publishedAt));
          const opened = progress >= o.progress ? 0 : Math.min(10, Math.floor(rand() * (2 * perEnrolment + 1)));
          const completed = opened === 10 && rand() < 0.8;
          const unenrolled = !completed && rand() < 0.1;
          let last = enrolledAt;
          for (let k = 0; k < opened; k++) {
            const l = course.lessons[k];
            const first = Math.min(now, last + Math.floor(rand() * 5 * DAY));
            const updated = Math.min(now, first + Math.floor(rand() * 2 * DAY));
            const done = k < opened - 1 || rand() < 0.7 ? updated : null;
            let ranges = '[]';
            let watched = 0;
            if (l.kind === 'video') {
              const to = done ? l.duration : Math.floor(rand() * l.duration);
              ranges = rand() < 0.2 && to > 60 ? `[[0,${Math.floor(to / 3)}],[${Math.floor(to / 2)},${to}]]` : `[[0,${to}]]`;
              watched = to;
            }
            prog.run(uid, l.id, course.id, watched, ranges, watched, first, updated, done);
            progress++;
            if (l.kind === 'quiz' && rand() < 0.6) {
              const answers: Record<string, string> = {};
              const results: Record<string, { outcome: string }> = {};
              let score = 0;
              for (let qn = 0; qn < 5; qn++) {
                const r = rand();
                const a = r < 0.6 ? 'a' : r < 0.85 ? 'b' : 'c';
                answers[`${l.id}-q${qn}`] = a;
                results[`${l.id}-q${qn}`] = { outcome: a === 'a' ? 'correct' : 'incorrect' };
                if (a === 'a') score++;
              }
              att.run(id(8, attempts++), l.id, uid, JSON.stringify(answers), first, updated, score, score * 20, score >= 3 ? 1 : 0, JSON.stringify({ questions: results }));
            }
            last = updated;
          }
          enrol.run(id(9, enrolments++), course.id, uid, unenrolled ? 'unenrolled' : 'active', enrolledAt, unenrolled ? Math.min(now, last + DAY) : null, opened ? last : null, completed ? last : null);
        }
        seeded = u + 1;
      }
    })();
  }
  c.exec('ANALYZE');
  c.pragma('synchronous = NORMAL');
  c.pragma('cache_size = -2000');
  return { courses: o.courses, learners: seeded, enrolments, progress, attempts, seedMs: Math.round(performance.now() - started), courseIds: courses.map((x) => x.id) };
}

async function time(fn: () => Promise<unknown> | unknown, runs: number): Promise<number> {
  const a: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    a.push(performance.now() - t0);
  }
  a.sort((x, y) => x - y);
  return percentile(a, 50);
}

/** p50 of wall time and of this process's CPU time (less at the mercy of whatever else runs on the machine). */
async function timeBoth(fn: () => Promise<unknown> | unknown, runs: number): Promise<{ ms: number; cpuMs: number }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const u0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    const u = process.cpuUsage(u0);
    cpu.push((u.user + u.system) / 1000);
  }
  return { ms: percentile(wall.sort((x, y) => x - y), 50), cpuMs: percentile(cpu.sort((x, y) => x - y), 50) };
}

const round = (n: number) => Math.round(n * 10) / 10;

export async function run(opts: BenchOptions = {}): Promise<BenchResult> {
  const o = {
    learners: opts.learners ?? 100_000,
    progress: opts.progress ?? 2_000_000,
    courses: opts.courses ?? 200,
    seedBudgetMs: opts.seedBudgetMs ?? 600_000,
  };
  const runs = opts.runs ?? 15;
  const dir = mkdtempSync(path.join(tmpdir(), 'leerpad-bench-stats-'));
  const db = openDb(path.join(dir, 'bench.db'));
  const now = Date.UTC(2026, 5, 15, 12);
  try {
    const seeded = seed(db, o, now);
    const config = loadConfig({ LEERPAD_DEMO: 'false', DATA_DIR: dir, RUN_WORKER: 'false', STATS_MAX_AGE_SECONDS: '300', LOG_LEVEL: 'silent' });
    const app = await buildApp({ config, db, clock: () => now });
    await app.ready();
    const get = async (url: string, headers: Record<string, string> = {}) => {
      const res = await app.inject({ method: 'GET', url, headers });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      return res;
    };

    // The snapshot on its own (what a refresh costs, off the request path once warm), and what it keeps in memory.
    globalThis.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let built: Awaited<ReturnType<typeof buildSnapshot>> | null = await buildSnapshot(db, now);
    globalThis.gc?.();
    const snap = { n: built.n, buildMs: built.buildMs, longestSliceMs: built.longestSliceMs, heapMb: (process.memoryUsage().heapUsed - heapBefore) / 1_048_576 };
    built = null;
    const lines: Line[] = [];
    const ceiling = await time(() => get('/api/open/v1/statistics/definitions'), runs * 2);
    const line = (name: string, ms: number, ceil = ceiling) => {
      lines.push({ name, ms: round(ms), ceilingMs: round(ceil), ratio: Math.round((ms / ceil) * 10) / 10 });
    };

    // The first request waits for the snapshot: only after a start or when STATS_MAX_AGE_SECONDS has passed twice
    // without traffic (a stale snapshot is refreshed in the background while it keeps answering).
    let t0 = performance.now();
    await get('/api/open/v1/statistics?from=2026-06&to=2026-06');
    line('first request after start (waits for the snapshot)', performance.now() - t0);

    const periods = ['', '?from=2025-07&to=2026-06', '?from=2026-01&to=2026-03'];
    const endpoints = ['/api/open/v1/statistics', '/api/open/v1/statistics/courses', '/api/open/v1/statistics/timeseries?granularity=month'];
    for (const [k, p] of periods.entries()) {
      // Cold: the first request of a period computes its report (then cached for the snapshot's lifetime). The
      // report of all months is made right after each snapshot build, so its first request is already warm.
      await new Promise((resolve) => setImmediate(resolve));
      t0 = performance.now();
      await get(`${endpoints[0]}${p}`);
      line(`statistics ${p || '(all months, made after the build)'} first request`, performance.now() - t0);
      for (const e of endpoints) {
        const url = `${e}${p ? (e.includes('?') ? `&${p.slice(1)}` : p) : ''}`;
        line(`${url.replace('/api/open/v1/', '')} warm`, await time(() => get(url), runs));
        if (k === 0) line(`${url.replace('/api/open/v1/', '')} CSV warm`, await time(() => get(url, { accept: 'text/csv' }), runs));
      }
    }
    line('timeseries institution=INST3 warm', await time(() => get('/api/open/v1/statistics/timeseries?institution=INST3'), runs));

    // Course analytics, uncached (STATS_MAX_AGE_SECONDS=0 would do the same): the biggest course and a median one.
    const sizes = db.$client.prepare('SELECT course_id AS id, count(*) AS n FROM enrolments GROUP BY course_id ORDER BY n DESC').all() as { id: string; n: number }[];
    const admin = db.$client.prepare(`INSERT INTO users (id, email, name, password_hash, roles, created_at, updated_at) VALUES ('bench-admin', 'admin@bench.test', 'Admin', 'x', '["admin"]', ?, ?)`);
    admin.run(now, now);
    const { createSessionStore } = await import('../../server/auth/session.ts');
    const token = createSessionStore(db, () => now, config.session).create('bench-admin').token;
    const cookie = `leerpad_session=${token}`;
    const countStmt = db.$client.prepare('SELECT count(*) FROM lesson_progress WHERE course_id = ?');
    const analyticsApp = await buildApp({ config: loadConfig({ LEERPAD_DEMO: 'false', DATA_DIR: dir, RUN_WORKER: 'false', STATS_MAX_AGE_SECONDS: '0', LOG_LEVEL: 'silent' }), db, clock: () => now });
    await analyticsApp.ready();
    let analytics: BenchResult['analytics'] = { enrolments: 0, ms: NaN, cpuMs: NaN };
    for (const [label, row] of [['biggest', sizes[0]], ['median', sizes[Math.floor(sizes.length / 2)]]] as const) {
      const url = `/api/courses/${row.id}/analytics`;
      const call = (target: typeof app) => async () => {
        const res = await target.inject({ method: 'GET', url, headers: { cookie } });
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      };
      const progressRows = Object.values(countStmt.get(row.id) as Record<string, number>)[0];
      const ceil = await time(() => countStmt.get(row.id), runs);
      // Cold: read from the tables (what the first staff visit, or a refresh after the cache's half-life, costs).
      const cold = await timeBoth(call(analyticsApp), Math.max(3, Math.floor(runs / 3)));
      if (label === 'biggest') analytics = { enrolments: row.n, ms: round(cold.ms), cpuMs: round(cold.cpuMs) };
      line(`course analytics, ${label} course (${row.n} enrolments, ${progressRows} progress rows) cold`, cold.ms, ceil);
      // Warm: from the per-course cache, as long as a statistics snapshot.
      await call(app)();
      line(`course analytics, ${label} course warm`, await time(call(app), runs), ceil);
    }
    await analyticsApp.close();
    await app.close();

    const result: BenchResult = {
      seeded: { courses: seeded.courses, learners: seeded.learners, enrolments: seeded.enrolments, progress: seeded.progress, attempts: seeded.attempts, seedMs: seeded.seedMs },
      snapshot: { buildMs: round(snap.buildMs), longestSliceMs: round(snap.longestSliceMs), enrolments: snap.n, heapMb: round(snap.heapMb), rssMb: round(process.memoryUsage().rss / 1_048_576) },
      lines,
      analytics,
    };
    if (!opts.quiet) {
      console.log(format(result));
      report(`course analytics cold, ${analytics.enrolments} enrolments`, analytics.ms, 200, 'ms', '<= 200 ms');
      // Context for a busy machine: this process's CPU time over all its threads (V8's GC and compiler included).
      report(`  the same, process CPU time`, analytics.cpuMs, 200, 'ms', 'context');
    }
    return result;
  } finally {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function format(r: BenchResult): string {
  const s = r.seeded;
  return [
    `open statistics: seeded ${s.courses} courses, ${s.learners} learners, ${s.enrolments} enrolments, ${s.progress} progress rows, ${s.attempts} quiz attempts in ${(s.seedMs / 1000).toFixed(1)} s`,
    `snapshot build: ${r.snapshot.buildMs} ms for ${r.snapshot.enrolments} learner enrolments; longest slice (event loop held) ${r.snapshot.longestSliceMs} ms; it keeps ${r.snapshot.heapMb} MB of heap (with --expose-gc; process RSS at the end ${r.snapshot.rssMb} MB)`,
    `${'request (p50)'.padEnd(70)} ${'ms'.padStart(8)} ${'ceiling'.padStart(8)} ${'ratio'.padStart(7)}`,
    ...r.lines.map((l) => `${l.name.padEnd(70)} ${l.ms.toFixed(1).padStart(8)} ${l.ceilingMs.toFixed(1).padStart(8)} ${l.ratio.toFixed(1).padStart(7)}`),
    'target: each request < 200 ms. ceiling = the bare route (GET /api/open/v1/statistics/definitions, no data) for the statistics; one indexed count of the course\'s progress rows for the analytics.',
    'The snapshot is rebuilt in the background (in slices) once it is older than half of STATS_MAX_AGE_SECONDS, so only the first request after a start waits for it; the same holds for a course\'s analytics.',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { learners: { type: 'string' }, progress: { type: 'string' }, courses: { type: 'string' } } });
  await run({
    learners: values.learners ? Number(values.learners) : undefined,
    progress: values.progress ? Number(values.progress) : undefined,
    courses: values.courses ? Number(values.courses) : undefined,
  });
}
