/**
 * Transcoding throughput: a 1080p testsrc clip (60 s by default; BENCH_TRANSCODE_SECONDS to change) through the
 * whole pipeline (probe, ladder, one-process HLS transcode, poster, bandwidth measurement, master playlist,
 * publish, database) against its ceiling, the bare ffmpeg command for the same ladder run alone.
 * Both at the same niceness (0), one after the other (BENCH_ROUNDS=n: best of n, alternating order). Prints the
 * real-time factor of each and their ratio.
 * Second case, an upload that is already streamable H.264 (the same picture at 4 Mbit/s, 2 s GOP, made before any
 * timing): the pipeline copies its top rendition (media/remux.ts) and encodes only the lower ones. Prints the
 * remux time and its real-time factor (target about 100x), the keyframe probe time, and the whole pipeline's wall
 * time for that input beside the bare full-encode ladder of the first case. One run of it per round.
 *   npx tsx scripts/bench/transcode.ts
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { openDb } from '../../db/client.ts';
import { COMMON_ARGS, resolveBinaries } from '../../media/ffmpeg.ts';
import { buildHlsArgs } from '../../media/hls.ts';
import { createSqliteQueue } from '../../media/jobs.ts';
import { buildLadder } from '../../media/ladder.ts';
import { createTranscodeHandler, queueTranscode, sourceKey } from '../../media/pipeline.ts';
import { probe } from '../../media/probe.ts';
import { createLocalStorage } from '../../media/storage.ts';
import { report } from './lib.ts';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function timed(bin: string, args: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    const limit = setTimeout(() => child.kill('SIGKILL'), 30 * 60_000);
    child.on('close', (code) => {
      clearTimeout(limit);
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`ffmpeg exited ${code}: ${err}`));
    });
  });
}

export async function run() {
  const seconds = Number(process.env.BENCH_TRANSCODE_SECONDS ?? 60);
  const bins = resolveBinaries({ ffmpegPath: process.env.FFMPEG_PATH || undefined, ffprobePath: process.env.FFPROBE_PATH || undefined });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'leerpad-bench-transcode-'));
  try {
    const src = path.join(dir, 'src.mp4');
    // The same picture as an upload already fit to stream: High profile, 4 Mbit/s, a keyframe every 2 s.
    const streamable = path.join(dir, 'streamable.mp4');
    execFileSync(bins.ffmpeg, [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', String(seconds), '-map', '0:v', '-map', '1:a',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '18', '-pix_fmt', 'yuv420p', '-c:a', 'aac', src,
      '-t', String(seconds), '-map', '0:v', '-map', '1:a',
      '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '4M', '-maxrate', '4400k', '-bufsize', '8800k', '-g', '50', '-keyint_min', '50',
      '-pix_fmt', 'yuv420p', '-c:a', 'aac', streamable,
    ], { timeout: 15 * 60_000 });

    // What the job logged about copying the top rendition (the second case).
    type Remuxed = { remuxMs?: number; keyframeProbeMs?: number; realtimeFactor?: number; rendition?: string };
    const seen: { remuxed: Remuxed | null } = { remuxed: null };
    const log = {
      ...quiet,
      info: (obj: object, msg?: string) => {
        if (msg === 'top rendition remuxed') seen.remuxed = obj as Remuxed;
      },
    };

    // Ours: the job handler exactly as the worker runs it, on a real database and storage.
    const oursOnce = async (round: number, input = src) => {
      const work = path.join(dir, `ours-${round}`);
      mkdirSync(work, { recursive: true });
      const db = openDb(path.join(work, 'bench.db'));
      const clock = () => Date.now();
      const storage = createLocalStorage(path.join(work, 'data'));
      const queue = createSqliteQueue(db, clock);
      const now = clock();
      db.$client.exec(`
        INSERT INTO courses (id, slug, title, status, created_at, updated_at) VALUES ('c', 'c', 'C', 'published', ${now}, ${now});
        INSERT INTO modules (id, course_id, title, position, created_at, updated_at) VALUES ('m', 'c', 'M', 0, ${now}, ${now});
        INSERT INTO lessons (id, module_id, course_id, title, kind, position, created_at, updated_at) VALUES ('l', 'm', 'c', 'L', 'video', 0, ${now}, ${now});
        INSERT INTO videos (id, lesson_id, status, source_key, created_at, updated_at) VALUES ('v', 'l', 'uploaded', '${sourceKey('v')}', ${now}, ${now});
      `);
      copyFileSync(input, path.join(work, 'src-copy.mp4'));
      await storage.put(sourceKey('v'), { file: path.join(work, 'src-copy.mp4') });
      queueTranscode(db, queue, now, 'v');
      const job = queue.claim('bench', { leaseMs: 3_600_000 })!;
      const handler = createTranscodeHandler({ db, storage, binaries: bins, clock, niceness: 0 });
      const t0 = performance.now();
      await handler.run(job, { signal: new AbortController().signal, tmpDir: path.join(storage.tmpDir, job.id), log });
      const ms = performance.now() - t0;
      db.$client.close();
      rmSync(work, { recursive: true, force: true });
      return ms;
    };

    // Ceiling: the same ladder command, nothing around it.
    const info = await probe(bins.ffprobe, src);
    const ladder = buildLadder(info);
    const bareOnce = async (round: number) => {
      const out = path.join(dir, `bare-${round}`);
      for (let i = 0; i < ladder.length; i++) mkdirSync(path.join(out, `v${i}`), { recursive: true });
      const args = [
        ...COMMON_ARGS.filter((a, i, all) => a !== '-progress' && all[i - 1] !== '-progress'),
        ...buildHlsArgs({ input: src, container: info.container, outDir: out, renditions: ladder, hasAudio: info.hasAudio, sourceFps: info.fps }),
      ];
      const ms = await timed(bins.ffmpeg, args);
      rmSync(out, { recursive: true, force: true });
      return ms;
    };

    // Best of N rounds in alternating order: other load on a shared machine only ever makes a run slower.
    const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
    let oursMs = Infinity;
    let bareMs = Infinity;
    const best: { ms: number; remuxed: Remuxed } = { ms: Infinity, remuxed: {} };
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        oursMs = Math.min(oursMs, await oursOnce(r));
        bareMs = Math.min(bareMs, await bareOnce(r));
      } else {
        bareMs = Math.min(bareMs, await bareOnce(r));
        oursMs = Math.min(oursMs, await oursOnce(r));
      }
      seen.remuxed = null;
      const ms = await oursOnce(rounds + r, streamable);
      if (!seen.remuxed) throw new Error('the streamable upload was not remuxed: see remuxObstacles in media/remux.ts');
      if (ms < best.ms) Object.assign(best, { ms, remuxed: seen.remuxed });
    }

    console.log(`transcode: ${seconds} s 1920x1080 -> ${ladder.map((r) => r.name).join(', ')} on ${os.cpus().length} cores with ${path.basename(bins.ffmpeg)} (${bins.ffmpeg})`);
    console.log(`  pipeline ${(oursMs / 1000).toFixed(1)} s, bare ffmpeg ${(bareMs / 1000).toFixed(1)} s`);
    report('transcode real-time factor (x, higher better)', seconds / (oursMs / 1000), seconds / (bareMs / 1000), 'x', '>= 0.90');
    const r = best.remuxed;
    console.log(`transcode, H.264 upload (4 Mbit/s, 2 s GOP): ${r.rendition} remuxed in ${r.remuxMs} ms = ${r.realtimeFactor}x real time (target ~100x); keyframe probe ${r.keyframeProbeMs} ms`);
    console.log(`  pipeline ${(best.ms / 1000).toFixed(1)} s (copy + lower renditions), bare full-encode ladder ${(bareMs / 1000).toFixed(1)} s`);
    report('H.264 upload real-time factor (x, higher better)', seconds / (best.ms / 1000), seconds / (bareMs / 1000), 'x', '>= 1.20');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
