/**
 * Heartbeat benchmark: POST /api/progress/heartbeat on the real app over HTTP, beside a bare Fastify route that
 * answers 204 to the same requests (the ceiling: what Node + Fastify cost before any of our work), then a check
 * that every accepted beat reached the database, then (optional) 1,000 simulated learners at their real pace.
 *
 *   node --import tsx scripts/bench/heartbeats.ts [--connections 10] [--duration 5] [--rounds 2] [--learners 200]
 *                                                 [--sim-learners 1000,10000] [--sim-seconds 60]   (--sim-seconds 0: skip)
 *
 * The servers run in this process on an on-disk WAL database in a temp folder; the load generators (autocannon,
 * the learner simulation) run in a child process so they do not share the server's event loop.
 * Bounded: every phase has a fixed duration and a kill timeout.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Fastify from 'fastify';
import { openDb, type Db } from '../../db/client.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { createSessionStore } from '../../server/auth/session.ts';
import { sessionCookieName } from '../../server/plugins/auth.ts';
import { systemClock } from '../../server/clock.ts';
import { flushPendingProgress, progressStats } from '../../server/progress/store.ts';
import { report, sleep } from './lib.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface HeartbeatBenchOptions {
  connections?: number;
  durationSeconds?: number;
  /** Alternating (bare, ours) rounds; the median ratio is reported. */
  rounds?: number;
  /** Distinct learners the autocannon phase rotates through (one (learner, lesson) pair each). */
  learners?: number;
  /** Learner counts to simulate, one after the other. */
  simLearners?: number[];
  /** 0 skips the simulation. */
  simSeconds?: number;
}

interface LoadResult {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** autocannon, in a child process: each request is the next beat of the next learner (15 s further on). */
const LOAD = `
import autocannon from 'autocannon';
const s = JSON.parse((await import('node:fs')).readFileSync(process.env.LEERPAD_BENCH, 'utf8'));
const next = new Array(s.users.length).fill(0);
let n = 0;
const r = await autocannon({
  url: s.url, connections: s.connections, duration: s.duration, method: 'POST',
  headers: { 'content-type': 'application/json' },
  requests: [{
    setupRequest: (req) => {
      const u = n++ % s.users.length;
      const from = (next[u]++ * 15) % s.videoSeconds;
      req.headers = { ...req.headers, cookie: s.users[u] };
      req.body = JSON.stringify({ lessonId: s.lessons[u % s.lessons.length], position: from + 15, ranges: [[from, from + 15]] });
      return req;
    },
  }],
});
process.stdout.write(JSON.stringify({ rps: r.requests.average, total: r.requests.total, p50: r.latency.p50, p99: r.latency.p99,
  ok: r['2xx'], non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts }));
`;

/**
 * Learners at their own pace: every learner beats every 15 s and views the course (outline or progress,
 * alternately) every 30 s, so N learners make N/15 beats and N/30 views per second. Three autocannon instances, one
 * per route, send at exactly those rates (overallRate: open loop, the rate holds whatever the server's speed) over
 * their own keep-alive connections, each request as the next learner in turn. autocannon's latency histograms give
 * the per-route percentiles.
 */
const SIMULATE = `
import autocannon from 'autocannon';
const s = JSON.parse((await import('node:fs')).readFileSync(process.env.LEERPAD_BENCH, 'utf8'));
const n = s.users.length;
const { monitorEventLoopDelay } = await import('node:perf_hooks');
const ownLoop = monitorEventLoopDelay({ resolution: 10 });
ownLoop.enable();
const cpu0 = process.cpuUsage();
const next = new Array(n).fill(0);
let b = 0, p = 0, o = 0;
const run = (route, path, rate, connections, setup) => autocannon({
  url: s.base + path, connections, duration: s.seconds, overallRate: rate, timeout: 30,
  requests: [{ setupRequest: setup }],
}).then((r) => [route, { n: r['2xx'], failed: r.non2xx + r.errors + r.timeouts, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max }]);
const results = await Promise.all([
  run('heartbeat', '/api/progress/heartbeat', Math.round(n / 15), s.connections, (req) => {
    const u = b++ % n;
    const from = (next[u]++ * 15) % s.videoSeconds;
    return { ...req, method: 'POST', headers: { ...req.headers, cookie: s.users[u], 'content-type': 'application/json' },
      body: JSON.stringify({ lessonId: s.lessons[u % s.lessons.length], position: from + 15, ranges: [[from, from + 15]] }) };
  }),
  run('progress', '/api/courses/' + s.courseId + '/progress', Math.max(1, Math.round(n / 60)), Math.max(2, s.connections >> 2), (req) => ({ ...req, headers: { ...req.headers, cookie: s.users[p++ % n] } })),
  run('outline', '/api/courses/' + s.courseId, Math.max(1, Math.round(n / 60)), Math.max(2, s.connections >> 2), (req) => ({ ...req, headers: { ...req.headers, cookie: s.users[o++ % n] } })),
]);
const cpu = process.cpuUsage(cpu0);
process.stdout.write(JSON.stringify({ routes: Object.fromEntries(results), connections: s.connections + 2 * Math.max(2, s.connections >> 2),
  loopMaxMs: ownLoop.max / 1e6, cpuPercent: ((cpu.user + cpu.system) / 1000 / (s.seconds * 1000)) * 100 }));
`;

function child<T>(script: string, settings: object, timeoutMs: number): Promise<T> {
  // Settings go through a file: 10,000 session cookies are more than one environment variable may hold (E2BIG).
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'leerpad-bench-load-')), 'settings.json');
  writeFileSync(file, JSON.stringify(settings));
  return new Promise<T>((resolve, reject) => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      env: { ...process.env, LEERPAD_BENCH: file },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('exit', (code) => {
      clearTimeout(timer);
      rmSync(path.dirname(file), { recursive: true, force: true });
      if (code !== 0) return reject(new Error(`load generator exited with ${code}: ${out.slice(0, 500)}`));
      try {
        resolve(JSON.parse(out) as T);
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** A published course with two hour-long video lessons and `n` enrolled learners, each with a real session. */
function seed(db: Db, config: Config, n: number) {
  const now = Date.now();
  const c = db.$client;
  const courseId = randomUUID();
  const moduleId = randomUUID();
  const lessons = [randomUUID(), randomUUID()];
  const videoSeconds = 3600;
  const sessions = createSessionStore(db, systemClock, config.session);
  const cookieName = sessionCookieName(config);
  const cookies: string[] = [];
  c.transaction(() => {
    c.prepare(`INSERT INTO courses (id, slug, title, status, created_at, updated_at, published_at) VALUES (?, ?, 'Bench course', 'published', ?, ?, ?)`).run(courseId, `bench-${courseId.slice(0, 8)}`, now, now, now);
    c.prepare(`INSERT INTO modules (id, course_id, title, position, created_at, updated_at) VALUES (?, ?, 'Module', 0, ?, ?)`).run(moduleId, courseId, now, now);
    lessons.forEach((id, i) => {
      const videoId = randomUUID();
      c.prepare(`INSERT INTO lessons (id, module_id, course_id, title, kind, position, created_at, updated_at) VALUES (?, ?, ?, ?, 'video', ?, ?, ?)`).run(id, moduleId, courseId, `Video ${i + 1}`, i, now, now);
      c.prepare(`INSERT INTO videos (id, lesson_id, status, duration_seconds, created_at, updated_at) VALUES (?, ?, 'ready', ?, ?, ?)`).run(videoId, id, videoSeconds, now, now);
      c.prepare(`UPDATE lessons SET video_id = ? WHERE id = ?`).run(videoId, id);
    });
  })();
  for (let i = 0; i < n; i++) {
    const userId = randomUUID();
    c.prepare(`INSERT INTO users (id, email, name, password_hash, roles, created_at, updated_at) VALUES (?, ?, ?, 'bench', '[]', ?, ?)`).run(userId, `bench${i}.${userId.slice(0, 6)}@example.test`, `Learner ${i}`, now, now);
    c.prepare(`INSERT INTO enrolments (id, course_id, user_id, status, enrolled_at) VALUES (?, ?, ?, 'active', ?)`).run(randomUUID(), courseId, userId, now);
    cookies.push(`${cookieName}=${sessions.create(userId).token}`);
  }
  return { courseId, lessons, videoSeconds, cookies };
}

/** LEERPAD_BENCH_PROFILE=<file>: a V8 CPU profile of the heartbeat phases only (open it in Chrome DevTools). */
async function startProfiler() {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  let running = false;
  const chunks: unknown[] = [];
  return {
    resume: async () => {
      await session.post('Profiler.start');
      running = true;
    },
    pause: async () => {
      if (!running) return;
      chunks.push((await session.post('Profiler.stop')).profile);
      running = false;
    },
    save: async (file: string) => {
      chunks.forEach((p, i) => writeFileSync(chunks.length > 1 ? file.replace(/(\.cpuprofile)?$/, `.${i + 1}.cpuprofile`) : file, JSON.stringify(p)));
      session.disconnect();
      return file;
    },
  };
}

export async function run(opts: HeartbeatBenchOptions = {}) {
  const connections = opts.connections ?? 10;
  const duration = opts.durationSeconds ?? 5;
  const rounds_ = opts.rounds ?? 2;
  const learners = opts.learners ?? 200;
  const simLearners = opts.simLearners ?? [1000, 10_000];
  const simSeconds = opts.simSeconds ?? 60;
  console.log('\n# Progress heartbeats');

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'leerpad-bench-hb-'));
  const config = loadConfig({ DATA_DIR: dataDir, LEERPAD_DEMO: 'false', LOG_LEVEL: 'silent', RUN_WORKER: 'false', SCRYPT_LOG_N: '10' }, root);
  const db = openDb(path.join(dataDir, 'leerpad.db'));
  const app = await buildApp({ config, db });
  const bare = Fastify();
  bare.post('/api/progress/heartbeat', async (_request, reply) => reply.code(204).send());
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    await bare.listen({ port: 0, host: '127.0.0.1' });
    const ourUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;

    // One learner logs in over HTTP like a browser would; the rest get sessions from the same store directly.
    const world = seed(db, config, Math.max(learners, simSeconds > 0 ? Math.max(...simLearners) : 0));
    const email = `bench-login.${randomUUID().slice(0, 8)}@example.test`;
    let reg!: Response;
    // Right after start-up on a busy machine, @fastify/under-pressure may still answer 503 for a moment.
    for (let attempt = 0; attempt < 20; attempt++) {
      reg = await fetch(`${ourUrl}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'correct horse battery staple', name: 'Bench Learner' }),
      });
      if (reg.status !== 503) break;
      await sleep(500);
    }
    if (reg.status !== 201) throw new Error(`register: ${reg.status} ${await reg.text()}`);
    const loggedIn = (reg.headers.get('set-cookie') ?? '').split(';')[0];
    const loggedInId = ((await reg.json()) as { user: { id: string } }).user.id;
    db.$client.prepare(`INSERT INTO enrolments (id, course_id, user_id, status, enrolled_at) VALUES (?, ?, ?, 'active', ?)`).run(randomUUID(), world.courseId, loggedInId, Date.now());
    const users = [loggedIn, ...world.cookies.slice(0, learners - 1)];
    const probe = await fetch(`${ourUrl}/api/progress/heartbeat`, {
      method: 'POST',
      headers: { cookie: loggedIn, 'content-type': 'application/json' },
      body: JSON.stringify({ lessonId: world.lessons[0], position: 1, ranges: [[0, 1]] }),
    });
    if (probe.status !== 204) throw new Error(`heartbeat probe: ${probe.status} ${await probe.text()}`);

    // Server CPU time per answered request as well: on a shared machine it is steadier than requests per second.
    const load = async (url: string, seconds: number): Promise<LoadResult & { cpuUs: number }> => {
      const cpu0 = process.cpuUsage();
      const r = await child<LoadResult>(LOAD, { url: `${url}/api/progress/heartbeat`, connections, duration: seconds, users, lessons: world.lessons, videoSeconds: world.videoSeconds }, (seconds + 30) * 1000);
      const cpu = process.cpuUsage(cpu0);
      return { ...r, cpuUs: (cpu.user + cpu.system) / Math.max(1, r.total) };
    };

    await load(ourUrl, 1); // warm-up: JIT, caches, SQLite pages
    await load(bareUrl, 1);
    // Alternating rounds, so a burst of load from elsewhere on the machine hits both sides alike.
    const rounds: { ours: LoadResult & { cpuUs: number }; ceiling: LoadResult & { cpuUs: number } }[] = [];
    let ok2xx = 0;
    flushPendingProgress(db);
    const before = progressStats(db);
    const profiler = process.env.LEERPAD_BENCH_PROFILE ? await startProfiler() : null;
    for (let r = 0; r < rounds_; r++) {
      const ceiling = await load(bareUrl, duration);
      await profiler?.resume();
      const ours = await load(ourUrl, duration);
      await profiler?.pause();
      ok2xx += ours.ok;
      rounds.push({ ours, ceiling });
    }
    await sleep(300);
    flushPendingProgress(db);
    const after = progressStats(db);
    if (profiler) console.log(`  CPU profile of the heartbeat phases: ${await profiler.save(process.env.LEERPAD_BENCH_PROFILE!)}`);

    console.log(`settings: ${connections} connections x ${duration} s, ${rounds_} alternating rounds, ${users.length} learners rotating over ${world.lessons.length} video lessons`);
    for (const [i, { ours, ceiling }] of rounds.entries()) {
      console.log(
        `  round ${i + 1}: ours ${ours.rps.toFixed(0)} req/s p50 ${ours.p50} ms p99 ${ours.p99} ms ${ours.cpuUs.toFixed(0)} us CPU/req | ` +
          `bare ${ceiling.rps.toFixed(0)} req/s p50 ${ceiling.p50} ms p99 ${ceiling.p99} ms ${ceiling.cpuUs.toFixed(0)} us CPU/req | ratio ${(ours.rps / ceiling.rps).toFixed(2)}`,
      );
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    const best = rounds.reduce((a, b) => (b.ours.rps / b.ceiling.rps > a.ours.rps / a.ceiling.rps ? b : a));
    const mid = rounds.find((x) => x.ours.rps / x.ceiling.rps === median(rounds.map((y) => y.ours.rps / y.ceiling.rps)))!;
    report('heartbeats/s vs bare Fastify 204 (median round)', mid.ours.rps, mid.ceiling.rps, 'req/s', '>= 0.50');
    const cpuOurs = median(rounds.map((x) => x.ours.cpuUs));
    const cpuBare = median(rounds.map((x) => x.ceiling.cpuUs));
    console.log(`  server CPU per request (median): heartbeat ${cpuOurs.toFixed(0)} us, bare ${cpuBare.toFixed(0)} us: bare/heartbeat ${(cpuBare / cpuOurs).toFixed(2)} (the throughput ratio a CPU-bound server would reach)`);
    report('heartbeat p99 latency vs the 20 ms budget', median(rounds.map((x) => x.ours.p99)), 20, 'ms', '<= 1.00');
    console.log(`  (best round ratio ${(best.ours.rps / best.ceiling.rps).toFixed(2)}; bare p99 in the median round ${mid.ceiling.p99} ms)`);

    const accepted = after.accepted - before.accepted;
    const persisted = after.persisted - before.persisted;
    const non2xx = rounds.reduce((n, x) => n + x.ours.non2xx, 0);
    const rows = (db.$client.prepare('SELECT count(*) AS n FROM lesson_progress').get() as { n: number }).n;
    const ok = ok2xx <= accepted && persisted === accepted && after.dropped === 0 && after.pending === 0 && non2xx === 0;
    console.log(
      `  persistence: ${ok2xx} answered 2xx, ${accepted} accepted (the rest were cut off in flight), ${persisted} persisted in ` +
        `${after.flushes - before.flushes} flushes, ${after.dropped} dropped, ${non2xx} non-2xx, ${rows} progress rows: ${ok ? 'OK' : 'MISMATCH'}`,
    );
    if (!ok) process.exitCode = 1;

    for (const count of simSeconds > 0 ? simLearners : []) {
      const simUsers = world.cookies.slice(0, count);
      const rssBefore = process.memoryUsage().rss;
      let peak = rssBefore;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
      const simProfiler = process.env.LEERPAD_BENCH_PROFILE_SIM ? await startProfiler() : null;
      await simProfiler?.resume();
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const simCpu0 = process.cpuUsage();
      const simT0 = performance.now();
      const sim = await child<{ connections: number; cpuPercent: number; loopMaxMs: number; routes: Record<string, { n: number; failed: number; firstError?: string; p50: number | null; p99: number | null; max: number | null }> }>(
        SIMULATE,
        { base: ourUrl, users: simUsers, lessons: world.lessons, courseId: world.courseId, videoSeconds: world.videoSeconds, seconds: simSeconds, connections: Number(process.env.BENCH_SIM_CONNECTIONS ?? 48) },
        (simSeconds + 40) * 1000,
      );
      clearInterval(sampler);
      const simCpu = process.cpuUsage(simCpu0);
      loop.disable();
      const serverCpuPercent = ((simCpu.user + simCpu.system) / 1000 / (performance.now() - simT0)) * 100;
      if (simProfiler) {
        await simProfiler.pause();
        console.log(`  CPU profile of the simulation: ${await simProfiler.save(process.env.LEERPAD_BENCH_PROFILE_SIM!)}`);
      }
      console.log(`simulation: ${simUsers.length} learners for ${simSeconds} s (beat every 15 s, a view every 30 s), at ${Math.round(count / 15)} beats/s and ${Math.round(count / 30)} views/s (open loop, autocannon) over ${sim.connections} keep-alive connections; CPU: server ${serverCpuPercent.toFixed(0)} %, load generator ${sim.cpuPercent.toFixed(0)} % of a core (its event-loop delay max ${sim.loopMaxMs.toFixed(0)} ms); server event-loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(0)} ms, max ${(loop.max / 1e6).toFixed(0)} ms`);
      for (const [route, r] of Object.entries(sim.routes)) {
        const ms = (v: number | null) => (v === null ? '-' : v.toFixed(2));
        console.log(`  ${route.padEnd(10)} ${String(r.n).padStart(6)} ok ${String(r.failed).padStart(4)} failed   p50 ${ms(r.p50)} ms  p99 ${ms(r.p99)} ms  max ${ms(r.max)} ms`);
        if (r.failed) {
          console.log(`    first failure: ${r.firstError}`);
          process.exitCode = 1;
        }
      }
      console.log(`  RSS of the server's process (it also holds the bench's ${world.cookies.length} seeded sessions): ${(rssBefore / 2 ** 20).toFixed(0)} MB before, peak ${(peak / 2 ** 20).toFixed(0)} MB`);
      const worst = Object.entries(sim.routes).reduce((a, b) => ((b[1].p99 ?? 0) > (a[1].p99 ?? 0) ? b : a));
      report(`${count} learners: worst p99 (${worst[0]}) vs the 50 ms budget`, worst[1].p99 ?? NaN, 50, 'ms', '<= 1.00');
      report(`${count} learners: peak RSS vs the 256 MB budget`, peak / 2 ** 20, 256, 'MB', '<= 1.00');
    }
  } finally {
    await bare.close();
    await app.close();
    db.$client.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      learners: { type: 'string' },
      'sim-learners': { type: 'string' },
      'sim-seconds': { type: 'string' },
    },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  await run({
    connections: num(values.connections),
    durationSeconds: num(values.duration),
    rounds: num(values.rounds),
    learners: num(values.learners),
    simLearners: values['sim-learners']?.split(',').map(Number),
    simSeconds: num(values['sim-seconds']),
  });
}
