import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { videos } from '../../db/schema/index.ts';
import { PID_FILE, queueTranscode, sourceKey } from '../../media/pipeline.ts';
import { createMediaWorker } from '../../media/worker.ts';
import { makeCourse, makeLesson } from '../helpers/factories.ts';
import { binaries, buildMediaTestApp, makeClip, silentLog, tempDir, waitFor, type MediaTestApp } from '../helpers/media.ts';

let t: MediaTestApp;
let clips: string;
let clip: string;

beforeAll(async () => {
  t = await buildMediaTestApp();
  clips = tempDir();
  clip = makeClip(clips, { width: 854, height: 480, seconds: 4 });
});
afterAll(async () => {
  await t.close();
  rmSync(clips, { recursive: true, force: true });
});

let n = 0;
async function queued(file = clip) {
  const lesson = makeLesson(t, { courseId: makeCourse(t).id, kind: 'video' });
  const id = `w${++n}`;
  copyFileSync(file, path.join(clips, `${id}.src`));
  await t.storage.put(sourceKey(id), { file: path.join(clips, `${id}.src`) });
  const now = t.clock();
  t.db.insert(videos).values({ id, lessonId: lesson.id, status: 'uploaded', sourceKey: sourceKey(id), createdAt: now, updatedAt: now }).run();
  return { id, job: queueTranscode(t.db, t.queue, now, id) };
}
const video = (id: string) => t.db.select().from(videos).where(eq(videos.id, id)).get()!;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const ffmpegPid = (jobId: string) =>
  waitFor(() => {
    const f = path.join(t.storage.tmpDir, jobId, PID_FILE);
    return existsSync(f) && readFileSync(f, 'utf8') ? Number(readFileSync(f, 'utf8')) : null;
  }, { timeoutMs: 20_000, intervalMs: 10, what: 'ffmpeg started' });

describe('media worker', () => {
  it('on stop, kills ffmpeg and gives the job back without using an attempt', async () => {
    const { id, job } = await queued();
    const worker = createMediaWorker({ db: t.db, queue: t.queue, storage: t.storage, clock: t.clock, log: silentLog, concurrency: 1, binaries, pollMs: 20, pipeline: { preset: 'veryfast', niceness: 0 } });
    await worker.start();
    const pid = await ffmpegPid(job.id);
    await worker.stop();
    expect(alive(pid)).toBe(false);
    expect(t.queue.get(job.id)).toMatchObject({ status: 'queued', attempts: 0, leaseOwner: null });
    expect(existsSync(path.join(t.storage.tmpDir, job.id))).toBe(false);
    // The next worker picks it up at once and finishes it.
    const next = t.worker();
    await next.start();
    await waitFor(() => video(id).status === 'ready', { timeoutMs: 60_000, what: 'ready' });
    await next.stop();
    expect(t.queue.get(job.id)).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('stops work whose lease another worker took over', async () => {
    const { job } = await queued();
    const worker = createMediaWorker({ db: t.db, queue: t.queue, storage: t.storage, clock: t.clock, log: silentLog, concurrency: 1, binaries, pollMs: 20, leaseMs: 300, pipeline: { preset: 'veryfast', niceness: 0 } });
    await worker.start();
    const pid = await ffmpegPid(job.id);
    t.clock.advance(1000);
    const thief = t.queue.claim('thief', { leaseMs: 60_000 })!;
    expect(thief.id).toBe(job.id);
    await waitFor(() => !alive(pid), { timeoutMs: 5_000, what: 'ffmpeg stopped' });
    await worker.stop();
    expect(t.queue.get(job.id)).toMatchObject({ status: 'running', leaseOwner: 'thief', attempts: 2 });
    t.queue.complete(thief);
  });

  it('retries a failed attempt after the backoff, showing why meanwhile', async () => {
    const { id, job } = await queued(makeClip(clips, { width: 320, height: 240, seconds: 2, name: 'small.mp4' }));
    // An ffmpeg that fails once, then is the real one: a transient failure.
    const marker = path.join(clips, 'failed-once');
    const flaky = path.join(clips, 'flaky-ffmpeg');
    writeFileSync(flaky, `#!/bin/sh\nif [ ! -f '${marker}' ]; then touch '${marker}'; echo 'disk hiccup' >&2; exit 1; fi\nexec '${binaries.ffmpeg}' "$@"\n`);
    chmodSync(flaky, 0o755);
    const worker = createMediaWorker({ db: t.db, queue: t.queue, storage: t.storage, clock: t.clock, log: silentLog, concurrency: 1, binaries: { ...binaries, ffmpeg: flaky }, pollMs: 20, pipeline: { preset: 'ultrafast', niceness: 0 } });
    await worker.start();
    await waitFor(() => video(id).error, { timeoutMs: 20_000, what: 'first attempt failed' });
    expect(video(id).status).toBe('queued');
    expect(video(id).error).toMatch(/^Attempt 1 failed; retrying\. .*disk hiccup/);
    expect(t.queue.get(job.id)?.runAfter).toBe(t.clock() + 30_000);
    t.clock.advance(30_000);
    await waitFor(() => video(id).status === 'ready', { timeoutMs: 30_000, what: 'ready after retry' });
    await worker.stop();
    expect(video(id).error).toBeNull();
    expect(t.queue.get(job.id)).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('at start, kills what a crashed worker left running and removes its temp folder, but not a live one', async () => {
    const orphanDir = path.join(t.storage.tmpDir, 'crashed-job');
    mkdirSync(orphanDir, { recursive: true });
    const orphan = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', orphanDir], { stdio: 'ignore' });
    writeFileSync(path.join(orphanDir, PID_FILE), String(orphan.pid));
    // A bystander whose pid is written there but whose command line does not name the folder is left alone.
    const bystanderDir = path.join(t.storage.tmpDir, 'other-job');
    mkdirSync(bystanderDir);
    const bystander = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    writeFileSync(path.join(bystanderDir, PID_FILE), String(bystander.pid));
    // A job another worker holds right now keeps its folder.
    t.queue.enqueue('video.transcode', { videoId: 'none', version: 'x' }, { id: 'live-job' });
    t.queue.claim('other-worker', { leaseMs: 60_000, kinds: ['video.transcode'] });
    mkdirSync(path.join(t.storage.tmpDir, 'live-job'));

    const worker = createMediaWorker({ db: t.db, queue: t.queue, storage: t.storage, clock: t.clock, log: silentLog, concurrency: 0, binaries });
    await worker.start();
    await worker.stop();
    await waitFor(() => orphan.exitCode !== null || orphan.signalCode !== null, { timeoutMs: 5_000, what: 'orphan killed' });
    expect(orphan.signalCode).toBe('SIGKILL');
    expect(bystander.exitCode).toBeNull();
    bystander.kill('SIGKILL');
    expect(readdirSync(t.storage.tmpDir)).toEqual(['live-job']);
  });
});
