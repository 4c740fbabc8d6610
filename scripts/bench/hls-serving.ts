/**
 * Serving HLS: our signed `/hls/...` route (signature check, path checks, LRU, headers, the whole Fastify app
 * around it) against its ceiling, a bare node:http server answering the same files from memory. autocannon on
 * loopback, bounded in time (BENCH_SECONDS, default 5 per run; BENCH_ROUNDS, default 2, best of): requests/s
 * for a playlist, bytes/s for a segment.
 * Both servers run in a child process, autocannon in this one. BENCH_CHILD_NODE_ARGS passes node flags to the child
 * (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where the server's time goes).
 *   npx tsx scripts/bench/hls-serving.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { openDb } from '../../db/client.ts';
import { resolveBinaries, runFfmpeg } from '../../media/ffmpeg.ts';
import { buildHlsArgs, masterPlaylist } from '../../media/hls.ts';
import { avcCodecString, buildLadder } from '../../media/ladder.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { createSigner } from '../../server/videos/signing.ts';
import { typeOf } from '../../server/videos/hls-routes.ts';
import { report, startUntil, stop } from './lib.ts';

interface CannonResult {
  requests: { average: number };
  throughput: { average: number };
  errors: number;
  non2xx: number;
}
type Cannon = (opts: { url: string; connections: number; duration: number; pipelining?: number }) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

async function load(url: string, seconds: number): Promise<CannonResult> {
  const res = await autocannon({ url, connections: 10, duration: seconds });
  if (res.errors || res.non2xx) throw new Error(`${url}: ${res.errors} errors, ${res.non2xx} non-2xx`);
  return res;
}

export async function run() {
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const bins = resolveBinaries({ ffmpegPath: process.env.FFMPEG_PATH || undefined, ffprobePath: process.env.FFPROBE_PATH || undefined });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leerpad-bench-hls-'));
  const dataDir = path.join(dir, 'data');
  const videoId = 'bench-video';
  const version = 'v1';
  const root = path.join(dataDir, 'media', 'videos', videoId, version);
  try {
    // Real HLS output of a short 720p clip, laid out as the pipeline publishes it.
    const src = path.join(dir, 'src.mp4');
    execFileSync(bins.ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25', '-f', 'lavfi', '-i', 'sine',
      '-t', '8', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', src], { timeout: 120_000 });
    const ladder = buildLadder({ width: 1280, height: 720, fps: 25 });
    ladder.forEach((_, i) => mkdirSync(path.join(root, `v${i}`), { recursive: true }));
    await runFfmpeg(bins.ffmpeg, {
      args: buildHlsArgs({ input: src, container: 'mov', outDir: root, renditions: ladder, hasAudio: true, sourceFps: 25, preset: 'ultrafast' }),
      timeoutMs: 300_000,
    });
    ladder.forEach((r, i) => renameSync(path.join(root, `v${i}`), path.join(root, r.name)));
    writeFileSync(path.join(root, 'master.m3u8'), masterPlaylist(ladder.map((r) => ({
      uri: `${r.name}/index.m3u8`, width: r.width, height: r.height, fps: r.fps, bandwidth: r.maxrate, averageBandwidth: r.videoBitrate, codecs: `${avcCodecString(r.level)},mp4a.40.2`,
    }))));
    const segment = `${ladder[0].name}/seg_00000.ts`;
    const segBytes = readFileSync(path.join(root, segment)).length;

    // Both servers live in one child process, so the load generator (this process) never takes their CPU;
    // only one of them is under load at any time.
    const secret = randomBytes(32);
    const { child, output } = await startUntil(process.execPath, [...(process.env.BENCH_CHILD_NODE_ARGS?.split(' ') ?? []), '--import', 'tsx', fileURLToPath(import.meta.url), '--serve', dataDir, root, secret.toString('hex')], {}, /^\{.*\}$/m, 60_000);
    const { ours, bare: bareBase } = JSON.parse(/^\{.*\}$/m.exec(output())![0]) as { ours: string; bare: string };
    const prefix = createSigner(secret, 3_600_000).prefix(videoId, Date.now());

    const check = await fetch(`${ours}${prefix}/${version}/master.m3u8`);
    if (check.status !== 200) throw new Error(`our route answered ${check.status}`);

    // Best of BENCH_ROUNDS (default 2) runs, alternating: on a shared machine other load only ever slows a run.
    const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 2));
    const best = { oursPl: 0, barePl: 0, oursSeg: 0, bareSeg: 0 };
    await load(`${ours}${prefix}/${version}/master.m3u8`, 1); // warm-up: JIT and the LRU
    for (let r = 0; r < rounds; r++) {
      best.oursPl = Math.max(best.oursPl, (await load(`${ours}${prefix}/${version}/master.m3u8`, seconds)).requests.average);
      best.barePl = Math.max(best.barePl, (await load(`${bareBase}/master.m3u8`, seconds)).requests.average);
      best.oursSeg = Math.max(best.oursSeg, (await load(`${ours}${prefix}/${version}/${segment}`, seconds)).throughput.average);
      best.bareSeg = Math.max(best.bareSeg, (await load(`${bareBase}/${segment}`, seconds)).throughput.average);
    }

    await stop(child);

    console.log(`hls-serving: 10 connections, ${seconds} s per run, loopback, ${os.cpus().length} cores; segment ${(segBytes / 1024).toFixed(0)} KiB`);
    report('hls playlist requests/s', best.oursPl, best.barePl, 'req/s', '>= 0.80');
    report('hls segment MiB/s', best.oursSeg / 1048576, best.bareSeg / 1048576, 'MiB/s', '>= 0.80');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The child: our app and the bare server on OS-chosen loopback ports; prints their addresses as one JSON line. */
async function serve(dataDir: string, root: string, secretHex: string) {
  // Ours: the whole app, as main.ts builds it (logging off, as a benchmark's would otherwise be I/O).
  const config = loadConfig({ DATA_DIR: dataDir, LEERPAD_DEMO: 'false', LOG_LEVEL: 'silent' });
  const db = openDb(':memory:');
  // The route serves only files of a video that exists: a ready video of a lesson of a course.
  const now = Date.now();
  const c = db.$client;
  c.prepare(`INSERT INTO courses (id, slug, title, status, created_at, updated_at, published_at) VALUES ('bench-course', 'bench', 'Bench', 'published', ?, ?, ?)`).run(now, now, now);
  c.prepare(`INSERT INTO modules (id, course_id, title, position, created_at, updated_at) VALUES ('bench-module', 'bench-course', 'M', 0, ?, ?)`).run(now, now);
  c.prepare(`INSERT INTO lessons (id, module_id, course_id, title, kind, position, created_at, updated_at) VALUES ('bench-lesson', 'bench-module', 'bench-course', 'V', 'video', 0, ?, ?)`).run(now, now);
  c.prepare(`INSERT INTO videos (id, lesson_id, status, duration_seconds, created_at, updated_at) VALUES (?, 'bench-lesson', 'ready', 8, ?, ?)`).run(path.basename(path.dirname(root)), now, now);
  const app = await buildApp({ config, db, media: { secret: Buffer.from(secretHex, 'hex') } });
  const ours = await app.listen({ port: 0, host: '127.0.0.1' });

  // Ceiling: node:http with every file in a Map, the same content types, nothing else.
  const files = new Map<string, { body: Buffer; type: string }>();
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else files.set(`/${r}`, { body: readFileSync(path.join(root, r)), type: typeOf(r)?.type ?? 'application/octet-stream' });
    }
  };
  walk('');
  const bare = http.createServer((req, res) => {
    const f = files.get(req.url ?? '');
    if (!f) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': f.type, 'content-length': f.body.length }).end(f.body);
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const { port } = bare.address() as AddressInfo;
  console.log(JSON.stringify({ ours, bare: `http://127.0.0.1:${port}` }));
  const close = async () => {
    await app.close();
    bare.close();
    db.$client.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void close());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--serve');
  if (at > 0) await serve(process.argv[at + 1], process.argv[at + 2], process.argv[at + 3]);
  else await run();
}
