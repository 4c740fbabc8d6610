import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../db/client.ts';
import { jobs, lessons, videos } from '../../db/schema/index.ts';
import { PID_FILE } from '../../media/pipeline.ts';
import { GOOD_PASSWORD } from '../helpers/app.ts';
import { makeCourse, makeLesson } from '../helpers/factories.ts';
import { makeClip, tempDir, waitFor } from '../helpers/media.ts';

/**
 * Crash safety with the real server as a child process: kill -9 while a video is being transcoded, start it
 * again, and the video still becomes ready, with no orphaned ffmpeg and no leftover temp folder.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const children: ChildProcess[] = [];
const dataDir = tempDir('leerpad-crash-');

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function startServer(port: number): Promise<ChildProcess> {
  // node --import tsx rather than npx: the pid we kill must be the server itself, not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      BASE_URL: `http://127.0.0.1:${port}`,
      LEERPAD_DEMO: 'false',
      LOG_LEVEL: 'warn',
      SCRYPT_LOG_N: '10',
      WORKER_CONCURRENCY: '1',
      RUN_WORKER: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`server exited early: ${output}`);
      return output.includes('Leerpad ready');
    },
    { timeoutMs: 30_000, intervalMs: 50, what: 'server start' },
  );
  return child;
}

/**
 * fetch, retried while the server answers 503: under-pressure refuses requests for a moment after the event loop
 * stalled (start-up compiles every schema at once), which on a loaded test machine is common.
 */
async function call(url: string, init?: RequestInit): Promise<Response> {
  for (let i = 0; i < 40; i++) {
    const res = await fetch(url, init);
    if (res.status !== 503) return res;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url}: still 503 after 10 s`);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('crash safety', () => {
  it('finishes a transcode interrupted by kill -9 after a restart', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let server = await startServer(port);

    const reg = await call(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `crash.${process.pid}@example.test`, password: GOOD_PASSWORD, name: 'Crash Lecturer' }),
    });
    expect(reg.status).toBe(201);
    const cookie = reg.headers.get('set-cookie')!.split(';')[0];
    const userId = (await reg.json()).user.id as string;

    // The test shares the server's database file (WAL) to set up the course without the course routes.
    const db: Db = openDb(path.join(dataDir, 'leerpad.db'));
    const clock = () => Date.now();
    db.$client.prepare(`UPDATE users SET roles = '["lecturer"]' WHERE id = ?`).run(userId);
    const course = makeCourse({ db, clock }, { lecturerId: userId });
    const lesson = makeLesson({ db, clock }, { courseId: course.id, kind: 'video' });

    const clips = tempDir();
    const clip = makeClip(clips, { width: 854, height: 480, seconds: 4 });
    const form = new FormData();
    form.append('file', new Blob([readFileSync(clip)], { type: 'video/mp4' }), 'lecture.mp4');
    const up = await call(`${base}/api/lessons/${lesson.id}/video`, { method: 'POST', headers: { cookie }, body: form });
    expect(up.status).toBe(202);
    const videoId = (await up.json()).video.id as string;

    // Wait until ffmpeg runs for this job, then kill the server outright.
    const tmpRoot = path.join(dataDir, 'media', 'tmp');
    const pidFile = await waitFor(
      () => {
        const dirs = existsSync(tmpRoot) ? readdirSync(tmpRoot) : [];
        const f = dirs.map((d) => path.join(tmpRoot, d, PID_FILE)).find((p) => existsSync(p) && readFileSync(p, 'utf8').length > 0);
        return f ?? null;
      },
      { timeoutMs: 20_000, intervalMs: 10, what: 'ffmpeg running' },
    );
    const ffmpegPid = Number(readFileSync(pidFile, 'utf8'));
    server.kill('SIGKILL');
    await new Promise((r) => server.once('exit', r));
    expect(db.select().from(videos).where(eq(videos.id, videoId)).get()?.status).toBe('processing');
    expect(db.select().from(lessons).where(eq(lessons.id, lesson.id)).get()?.videoId).toBeNull();

    server = await startServer(port);
    const ready = await waitFor(
      () => {
        const v = db.select().from(videos).where(eq(videos.id, videoId)).get();
        if (v?.status === 'failed') throw new Error(`video failed: ${v.error}`);
        return v?.status === 'ready' ? v : null;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: 'video ready after restart' },
    );
    expect(ready.progress).toBe(100);
    expect(db.select().from(lessons).where(eq(lessons.id, lesson.id)).get()?.videoId).toBe(videoId);
    const job = db.select().from(jobs).all().find((j) => (j.payload as { videoId?: string }).videoId === videoId)!;
    expect(job.status).toBe('done');
    expect(job.attempts).toBe(2);
    expect(alive(ffmpegPid)).toBe(false);
    expect(readdirSync(tmpRoot)).toEqual([]);

    // And the restarted server plays it.
    const info = await (await call(`${base}/api/videos/${videoId}`, { headers: { cookie } })).json();
    const master = await call(`${base}${info.video.playbackUrl}`);
    expect(master.status).toBe(200);
    expect(await master.text()).toContain('#EXT-X-STREAM-INF');

    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    db.$client.close();
    rmSync(clips, { recursive: true, force: true });
  }, 120_000);
});
