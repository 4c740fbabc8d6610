import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../../db/client.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { resolveBinaries } from '../../media/ffmpeg.ts';
import { createSqliteQueue, type JobQueue } from '../../media/jobs.ts';
import { createLocalStorage, type LocalStorage } from '../../media/storage.ts';
import { createMediaWorker, type Worker } from '../../media/worker.ts';
import type { Logger } from '../../media/pipeline.ts';
import { fakeClock, type TestApp } from './app.ts';

/** Media tests: the real app, plus a private data folder for uploads and HLS output. */
export interface MediaTestApp extends TestApp {
  dataDir: string;
  storage: LocalStorage;
  queue: JobQueue;
  secret: Buffer;
  /** A worker on the same queue (not started). */
  worker(opts?: { concurrency?: number; preset?: string; remux?: boolean }): Worker;
  close(): Promise<void>;
}

export const binaries = resolveBinaries();
export const silentLog: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function tempDir(prefix = 'leerpad-media-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function buildMediaTestApp(env: Record<string, string> = {}): Promise<MediaTestApp> {
  const dataDir = tempDir();
  const config = loadConfig({
    SCRYPT_LOG_N: '10',
    LEERPAD_DEMO: 'false',
    LOGIN_RATE_PER_IP_PER_MINUTE: '10000',
    DATA_DIR: dataDir,
    // The event-loop guard is off, as in buildTestApp: tests run ffmpeg and compile schemas on a loaded machine.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    ...env,
  });
  const db = openDb(':memory:');
  const clock = fakeClock();
  const storage = createLocalStorage(dataDir);
  const queue = createSqliteQueue(db, clock);
  const secret = randomBytes(32);
  const app = await buildApp({ config, db, clock, media: { storage, queue, secret, binaries } });
  await app.ready();
  const workers: Worker[] = [];
  return {
    app,
    db,
    config,
    clock,
    dataDir,
    storage,
    queue,
    secret,
    worker(opts = {}) {
      const w = createMediaWorker({ db, queue, storage, clock, log: silentLog, concurrency: opts.concurrency ?? 1, binaries, pollMs: 50, pipeline: { preset: opts.preset ?? 'ultrafast', niceness: 0, remux: opts.remux } });
      workers.push(w);
      return w;
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await app.close();
      db.$client.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A short test clip made by ffmpeg itself: testsrc picture, optional sine tone. */
export function makeClip(
  dir: string,
  opts: { width?: number; height?: number; seconds?: number; audio?: boolean; name?: string; fps?: number; extraArgs?: string[] } = {},
): string {
  const { width = 640, height = 360, seconds = 2, audio = true, name = `clip-${width}x${height}${audio ? '' : '-silent'}.mp4`, fps = 25 } = opts;
  const out = path.join(dir, name);
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=${fps}`];
  if (audio) args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  args.push('-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p');
  if (audio) args.push('-c:a', 'aac', '-b:a', '64k');
  args.push(...(opts.extraArgs ?? []), out);
  execFileSync(binaries.ffmpeg, args, { stdio: 'pipe', timeout: 30_000 });
  return out;
}

/** A multipart/form-data body for app.inject. */
export function multipart(parts: { name: string; filename?: string; contentType?: string; content: Buffer | string }[]) {
  const boundary = `----leerpad${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    const head = `--${boundary}\r\nContent-Disposition: ${disp}\r\n${p.filename !== undefined ? `Content-Type: ${p.contentType ?? 'application/octet-stream'}\r\n` : ''}\r\n`;
    chunks.push(Buffer.from(head), Buffer.isBuffer(p.content) ? p.content : Buffer.from(p.content), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Polls until `check` returns a value, with bounds on both count and time. */
export async function waitFor<T>(check: () => T | null | undefined | false, opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 50, what = 'condition' } = opts;
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < Math.ceil(timeoutMs / intervalMs) + 1; i++) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}
