import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captions, lessonProgress, lessons, videos } from '../../db/schema/index.ts';
import { createDeleteHandler, DEFAULT_SUPERSEDED_GRACE_MS, deleteVideo, MEDIA_DELETE, type MediaDeletePayload } from '../../media/cleanup.ts';
import type { Job } from '../../media/jobs.ts';
import { createTranscodeHandler, TRANSCODE, type StoredRendition } from '../../media/pipeline.ts';
import type { MediaStorage } from '../../media/storage.ts';
import { createMediaWorker } from '../../media/worker.ts';
import { as, expectProblem, registerUser, type Actor } from '../helpers/app.ts';
import { enrol, makeCourse, makeLesson, makeModule } from '../helpers/factories.ts';
import { binaries, buildMediaTestApp, makeClip, multipart, silentLog, tempDir, waitFor, type MediaTestApp } from '../helpers/media.ts';

let t: MediaTestApp;
let dir: string;
let clip: string;
let longClip: string;
let owner: Actor, otherLecturer: Actor, enrolled: Actor, admin: Actor;
let courseId: string;

beforeAll(async () => {
  // Clips are made before the app exists: execFileSync blocks the event loop, and under-pressure would answer 503.
  dir = tempDir();
  clip = makeClip(dir, { width: 320, height: 240, seconds: 2 });
  longClip = makeClip(dir, { width: 640, height: 360, seconds: 30, name: 'long.mp4' });
  t = await buildMediaTestApp();
  owner = await registerUser(t, { roles: ['lecturer'] });
  otherLecturer = await registerUser(t, { roles: ['lecturer'] });
  enrolled = await registerUser(t);
  admin = await registerUser(t, { roles: ['admin'] });
  courseId = makeCourse(t, { lecturerId: owner.id }).id;
  makeCourse(t, { lecturerId: otherLecturer.id });
  enrol(t, { courseId, userId: enrolled.id });
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const deleteHandler = () => createDeleteHandler({ db: t.db, storage: t.storage, log: silentLog });
const ctxFor = (job: Job) => ({ signal: new AbortController().signal, tmpDir: path.join(t.storage.tmpDir, job.id), log: silentLog });
const videoRow = (id: string) => t.db.select().from(videos).where(eq(videos.id, id)).get();
const lessonVideoId = (id: string) => t.db.select().from(lessons).where(eq(lessons.id, id)).get()?.videoId;
const onDisk = (key: string) => existsSync(t.storage.localPath(key));
const deleteJobs = () =>
  (t.db.$client.prepare(`SELECT id FROM jobs WHERE kind = ? ORDER BY created_at`).all(MEDIA_DELETE) as { id: string }[]).map((r) => t.queue.get(r.id)!);
const jobsFor = (videoId: string) => deleteJobs().filter((j) => (j.payload as MediaDeletePayload).videos.some((v) => v.id === videoId));

/** Claims and runs every media.delete job that is due now, as a worker would. */
async function runDueDeletes(): Promise<Job[]> {
  const done: Job[] = [];
  for (let job = t.queue.claim('test', { leaseMs: 60_000, kinds: [MEDIA_DELETE] }); job; job = t.queue.claim('test', { leaseMs: 60_000, kinds: [MEDIA_DELETE] })) {
    await deleteHandler().run(job, ctxFor(job));
    expect(t.queue.complete(job)).toBe(true);
    done.push(job);
  }
  return done;
}

/** A ready video made without ffmpeg: a row with one rendition, and an original, a playlist and a segment on disk. */
async function fakeReadyVideo(lessonId: string, opts: { current?: boolean } = {}) {
  const id = randomUUID();
  const version = 'a1b2c3d4e5';
  const put = (key: string, body: string) => t.storage.put(key, Readable.from([Buffer.from(body)]));
  await put(`originals/${id}/source`, 'original bytes');
  await put(`videos/${id}/${version}/master.m3u8`, '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n360p/index.m3u8\n');
  await put(`videos/${id}/${version}/360p/index.m3u8`, '#EXTM3U\n#EXTINF:2,\nseg_00000.ts\n#EXT-X-ENDLIST\n');
  await put(`videos/${id}/${version}/360p/seg_00000.ts`, 'G'.repeat(188));
  await put(`videos/${id}/${version}/poster.jpg`, 'jpeg');
  const now = t.clock();
  const renditions: StoredRendition[] = [{ version, name: '360p', width: 640, height: 360, fps: 25, bandwidth: 1, averageBandwidth: 1, codecs: 'avc1.64001e' }];
  t.db
    .insert(videos)
    .values({ id, lessonId, status: 'ready', sourceKey: `originals/${id}/source`, renditions, width: 640, height: 360, durationSeconds: 2, createdAt: now, updatedAt: now, readyAt: now })
    .run();
  if (opts.current ?? true) t.db.update(lessons).set({ videoId: id }).where(eq(lessons.id, lessonId)).run();
  t.clock.advance(1000);
  return { id, version };
}

const upload = (actor: Actor, lessonId: string, file = clip) => {
  const body = multipart([{ name: 'file', filename: 'lecture.mp4', contentType: 'video/mp4', content: readFileSync(file) }]);
  return as(t, actor).post(`/api/lessons/${lessonId}/video`, body.payload, body.headers);
};

async function transcodeAll() {
  const worker = t.worker();
  await worker.start();
  try {
    await waitFor(() => !t.db.$client.prepare(`SELECT 1 FROM jobs WHERE kind = ? AND status IN ('queued', 'running')`).get(TRANSCODE), { timeoutMs: 60_000, what: 'transcodes done' });
  } finally {
    await worker.stop();
  }
}

describe('DELETE /api/videos/:id', () => {
  it('is for the staff of the course only: 401, 403, 404', async () => {
    const lessonId = makeLesson(t, { courseId, kind: 'video' }).id;
    const { id } = await fakeReadyVideo(lessonId);
    expectProblem(await as(t, null).delete(`/api/videos/${id}`), 401);
    expectProblem(await as(t, enrolled).delete(`/api/videos/${id}`), 403);
    expectProblem(await as(t, otherLecturer).delete(`/api/videos/${id}`), 403);
    expectProblem(await as(t, owner).delete('/api/videos/no-such-video'), 404);
    expect(videoRow(id)).toBeDefined();
    expect(lessonVideoId(lessonId)).toBe(id);
    expect(jobsFor(id)).toEqual([]);
    // Admins as everywhere else.
    expect((await as(t, admin).delete(`/api/videos/${id}`)).statusCode).toBe(204);
    expectProblem(await as(t, admin).delete(`/api/videos/${id}`), 404);
    await runDueDeletes();
  });

  it('removes the current video: 204, the lesson has no video, its URLs answer 404 at once, files go with the job', async () => {
    const lessonId = makeLesson(t, { courseId, kind: 'video' }).id;
    const { id, version } = await fakeReadyVideo(lessonId);
    const caption = multipart([{ name: 'language', content: 'nl' }, { name: 'file', filename: 'nl.vtt', content: 'WEBVTT\n\n00:01.000 --> 00:02.000\nHallo\n' }]);
    const captioned = await as(t, owner).post(`/api/videos/${id}/captions`, caption.payload, caption.headers);
    expect(captioned.statusCode).toBe(201);
    const video = (await as(t, enrolled).get(`/api/videos/${id}`)).json().video;
    const base = video.playbackUrl.slice(0, video.playbackUrl.lastIndexOf('/') + 1);
    // The playlist and the caption are now served from memory; the segment was never asked for.
    expect((await t.app.inject({ method: 'GET', url: video.playbackUrl })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: captioned.json().caption.url })).statusCode).toBe(200);

    const res = await as(t, owner).delete(`/api/videos/${id}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(videoRow(id)).toBeUndefined();
    expect(t.db.select().from(captions).where(eq(captions.videoId, id)).all()).toEqual([]);
    expect(lessonVideoId(lessonId)).toBeNull();
    const lesson = (await as(t, owner).get(`/api/lessons/${lessonId}`)).json().lesson;
    expect(lesson.video).toEqual({ current: null, pending: null });
    expectProblem(await as(t, owner).get(`/api/videos/${id}`), 404);

    // Files are still on disk until the job runs, yet nothing is served: not from memory, not from disk.
    expect(onDisk(`videos/${id}/${version}/360p/seg_00000.ts`)).toBe(true);
    expectProblem(await t.app.inject({ method: 'GET', url: video.playbackUrl }), 404);
    expectProblem(await t.app.inject({ method: 'GET', url: captioned.json().caption.url }), 404);
    expectProblem(await t.app.inject({ method: 'GET', url: `${base}360p/seg_00000.ts` }), 404);

    const [job] = jobsFor(id);
    expect(job).toMatchObject({ kind: MEDIA_DELETE, status: 'queued', runAfter: t.clock() });
    expect((job.payload as MediaDeletePayload).videos).toEqual([{ id, prefixes: [`originals/${id}`, `videos/${id}`] }]);
    expect((await runDueDeletes()).map((j) => j.id)).toEqual([job.id]);
    expect(onDisk(`originals/${id}`)).toBe(false);
    expect(onDisk(`videos/${id}`)).toBe(false);
    expect(t.queue.get(job.id)?.status).toBe('done');
  });

  it('runs the removal job again without harm (idempotent), and refuses prefixes outside a video', async () => {
    const lessonId = makeLesson(t, { courseId, kind: 'video' }).id;
    const keep = await fakeReadyVideo(makeLesson(t, { courseId, kind: 'video' }).id);
    const { id } = await fakeReadyVideo(lessonId);
    expect((await as(t, owner).delete(`/api/videos/${id}`)).statusCode).toBe(204);
    const [job] = jobsFor(id);
    await deleteHandler().run(job, ctxFor(job));
    await deleteHandler().run(job, ctxFor(job));
    expect(onDisk(`videos/${id}`)).toBe(false);
    const hostile = { ...job, payload: { videos: [{ id: 'x', prefixes: ['videos', 'originals', '../etc', `videos/${keep.id}/../..`] }] } };
    await deleteHandler().run(hostile, ctxFor(job));
    expect(onDisk(`videos/${keep.id}/${keep.version}/master.m3u8`)).toBe(true);
    expect(onDisk(`originals/${keep.id}/source`)).toBe(true);
    await runDueDeletes();
  });

  it('ends clean after a crash: before the job ran, and half-way through it', async () => {
    const lessonId = makeLesson(t, { courseId, kind: 'video' }).id;
    const first = await fakeReadyVideo(lessonId);
    expect((await as(t, owner).delete(`/api/videos/${first.id}`)).statusCode).toBe(204);
    const second = await fakeReadyVideo(lessonId);
    expect((await as(t, owner).delete(`/api/videos/${second.id}`)).statusCode).toBe(204);
    // The process "died" right after the commit: no worker ran. The rows are gone, the lesson points at nothing.
    expect(lessonVideoId(lessonId)).toBeNull();
    expect(onDisk(`originals/${first.id}/source`)).toBe(true);
    // The second job's worker died half-way: the original is gone, the HLS folder not, its lease is stale.
    const [job2] = jobsFor(second.id);
    const claimed = t.db.$client
      .prepare(`UPDATE jobs SET status = 'running', attempts = 1, lease_owner = ?, lease_until = ? WHERE id = ? RETURNING id`)
      .get(`${os.hostname()}/2147483646/dead/1`, t.clock() + 60_000, job2.id);
    expect(claimed).toBeDefined();
    await t.storage.delete(`originals/${second.id}`);

    // The next start of the worker (the one `npm run worker` runs) finishes both.
    const worker = t.worker();
    await worker.start();
    try {
      await waitFor(() => jobsFor(first.id)[0].status === 'done' && jobsFor(second.id)[0].status === 'done', { timeoutMs: 10_000, what: 'cleanup jobs done' });
    } finally {
      await worker.stop();
    }
    for (const { id } of [first, second]) {
      expect(onDisk(`originals/${id}`)).toBe(false);
      expect(onDisk(`videos/${id}`)).toBe(false);
    }
  });

  it('stops a transcode running for the video and publishes nothing of it', async () => {
    const lessonId = makeLesson(t, { courseId, kind: 'video' }).id;
    const { video } = (await upload(owner, lessonId, longClip)).json();
    const warnings: string[] = [];
    const log = { ...silentLog, warn: (_obj: object, msg?: string) => void warnings.push(msg ?? '') };
    // A short lease: the worker finds out at its next heartbeat (every leaseMs / 3) that the job was cancelled.
    const worker = createMediaWorker({ db: t.db, queue: t.queue, storage: t.storage, clock: t.clock, log, concurrency: 1, binaries, pollMs: 50, leaseMs: 600, pipeline: { preset: 'ultrafast', niceness: 0 } });
    await worker.start();
    try {
      // ffmpeg is running once progress shows.
      await waitFor(() => (videoRow(video.id)?.progress ?? 0) > 0, { timeoutMs: 20_000, what: 'transcoding' });
      const job = t.queue.active(TRANSCODE).find((j) => j.payload.videoId === video.id)!;
      expect((await as(t, owner).delete(`/api/videos/${video.id}`)).statusCode).toBe(204);
      expect(t.queue.get(job.id)).toMatchObject({ status: 'failed', lastError: 'cancelled: the video was deleted' });
      await waitFor(() => warnings.includes('job stopped: its lease was lost'), { timeoutMs: 10_000, what: 'transcode stopped' });
      expect(existsSync(path.join(t.storage.tmpDir, job.id))).toBe(false);
      await waitFor(() => jobsFor(video.id).every((j) => j.status === 'done'), { timeoutMs: 10_000, what: 'cleanup done' });
    } finally {
      await worker.stop();
    }
    expect(onDisk(`videos/${video.id}`)).toBe(false);
    expect(onDisk(`originals/${video.id}`)).toBe(false);
    expect(videoRow(video.id)).toBeUndefined();
    expect(lessonVideoId(lessonId)).toBeNull();
  });

  it('cancels a transcode that has not started yet', async () => {
    const lessonId = makeLesson(t, { courseId, kind: 'video' }).id;
    const { video } = (await upload(owner, lessonId)).json();
    const job = t.queue.active(TRANSCODE).find((j) => j.payload.videoId === video.id)!;
    expect(job.status).toBe('queued');
    expect((await as(t, owner).delete(`/api/videos/${video.id}`)).statusCode).toBe(204);
    expect(t.queue.get(job.id)?.status).toBe('failed');
    expect(t.queue.claim('test', { leaseMs: 1000, kinds: [TRANSCODE] })).toBeNull();
    await runDueDeletes();
    expect(onDisk(`originals/${video.id}`)).toBe(false);
  });

  it('a transcode that finishes after the deletion neither throws nor resurrects anything, and its output goes', async () => {
    const lessonId = makeLesson(t, { courseId, kind: 'video' }).id;
    const { video } = (await upload(owner, lessonId)).json();
    const job = t.queue.claim('test', { leaseMs: 60_000, kinds: [TRANSCODE] })!;
    expect(job.payload.videoId).toBe(video.id);
    // The worst moment: the video is deleted, and its removal job has run, just before the output is published.
    const racing: MediaStorage = Object.create(t.storage);
    racing.putDir = async (local, prefix) => {
      deleteVideo(t.db, t.queue, video.id, t.clock());
      await runDueDeletes();
      await t.storage.putDir(local, prefix);
    };
    const handler = createTranscodeHandler({ db: t.db, storage: racing, binaries, clock: t.clock, queue: t.queue, preset: 'ultrafast', niceness: 0 });
    await handler.run(job, ctxFor(job));
    expect(videoRow(video.id)).toBeUndefined();
    expect(lessonVideoId(lessonId)).toBeNull();
    expect(onDisk(`videos/${video.id}`)).toBe(true);
    await runDueDeletes();
    expect(onDisk(`videos/${video.id}`)).toBe(false);
    t.queue.complete(job);
  });
});

describe('deleting lessons and modules', () => {
  it('DELETE /api/lessons/:id queues the removal of all its videos in the same transaction; the files go', async () => {
    const lessonId = makeLesson(t, { courseId, kind: 'video' }).id;
    const old = await fakeReadyVideo(lessonId, { current: false });
    const current = await fakeReadyVideo(lessonId);
    expect((await as(t, owner).delete(`/api/lessons/${lessonId}`)).statusCode).toBe(204);
    expect(videoRow(old.id)).toBeUndefined();
    expect(videoRow(current.id)).toBeUndefined();
    const [job] = jobsFor(current.id);
    expect((job.payload as MediaDeletePayload).videos.map((v) => v.id).sort()).toEqual([old.id, current.id].sort());
    await runDueDeletes();
    for (const { id } of [old, current]) {
      expect(onDisk(`originals/${id}`)).toBe(false);
      expect(onDisk(`videos/${id}`)).toBe(false);
    }
  });

  it('a refused lesson delete queues nothing', async () => {
    const lessonId = makeLesson(t, { courseId, kind: 'video' }).id;
    const { id } = await fakeReadyVideo(lessonId);
    expectProblem(await as(t, enrolled).delete(`/api/lessons/${lessonId}`), 403);
    expect(jobsFor(id)).toEqual([]);
  });

  it('DELETE /api/modules/:id does the same for the videos of every lesson in it', async () => {
    const moduleId = makeModule(t, { courseId }).id;
    const a = await fakeReadyVideo(makeLesson(t, { courseId, moduleId, kind: 'video' }).id);
    const b = await fakeReadyVideo(makeLesson(t, { courseId, moduleId, kind: 'video', position: 1 }).id);
    makeLesson(t, { courseId, moduleId, kind: 'text', position: 2 });
    expect((await as(t, owner).delete(`/api/modules/${moduleId}`)).statusCode).toBe(204);
    await runDueDeletes();
    for (const { id } of [a, b]) {
      expect(videoRow(id)).toBeUndefined();
      expect(onDisk(`originals/${id}`)).toBe(false);
      expect(onDisk(`videos/${id}`)).toBe(false);
    }
  });
});

describe('replacing a video', () => {
  it('removes the superseded video after a grace period, while the new one keeps playing; learner progress stays', async () => {
    const lessonId = makeLesson(t, { courseId, kind: 'video' }).id;
    const first = (await upload(owner, lessonId)).json().video.id as string;
    await transcodeAll();
    expect(lessonVideoId(lessonId)).toBe(first);
    const now = t.clock();
    t.db.insert(lessonProgress).values({ userId: enrolled.id, lessonId, courseId, position: 1, watchedRanges: [[0, 1]], watchedSeconds: 1, firstOpenedAt: now, updatedAt: now }).run();
    const oldUrl = (await as(t, enrolled).get(`/api/videos/${first}`)).json().video.playbackUrl as string;
    // An older upload that failed for good: superseded too once a newer one is ready.
    t.db.insert(videos).values({ id: `failed-${first}`, lessonId, status: 'failed', error: 'boom', sourceKey: `originals/failed-${first}/source`, createdAt: t.clock(), updatedAt: t.clock() }).run();
    await t.storage.put(`originals/failed-${first}/source`, Readable.from([Buffer.from('x')]));
    t.clock.advance(1000);

    const second = (await upload(owner, lessonId)).json().video.id as string;
    expect(jobsFor(first)).toEqual([]);
    await transcodeAll();
    expect(lessonVideoId(lessonId)).toBe(second);

    const [job] = jobsFor(first);
    expect(job.status).toBe('queued');
    expect(job.runAfter - t.clock()).toBeGreaterThanOrEqual(DEFAULT_SUPERSEDED_GRACE_MS - 60_000);
    expect((job.payload as MediaDeletePayload).videos.map((v) => v.id).sort()).toEqual([first, `failed-${first}`].sort());
    // During the grace period the old version still plays for a page opened before the switch.
    expect(await runDueDeletes()).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: oldUrl })).statusCode).toBe(200);

    t.clock.advance(DEFAULT_SUPERSEDED_GRACE_MS);
    expect((await runDueDeletes()).map((j) => j.id)).toEqual([job.id]);
    expect(videoRow(first)).toBeUndefined();
    expect(videoRow(`failed-${first}`)).toBeUndefined();
    for (const id of [first, `failed-${first}`]) {
      expect(onDisk(`originals/${id}`)).toBe(false);
      expect(onDisk(`videos/${id}`)).toBe(false);
    }
    // The new one plays on, with its original kept (it is the lesson's current video).
    const fresh = (await as(t, enrolled).get(`/api/lessons/${lessonId}`)).json().lesson.video.current;
    expect(fresh.id).toBe(second);
    expect((await t.app.inject({ method: 'GET', url: fresh.playbackUrl })).statusCode).toBe(200);
    expect(onDisk(`originals/${second}/source`)).toBe(true);
    expect(t.db.select().from(lessonProgress).where(eq(lessonProgress.lessonId, lessonId)).get()?.watchedSeconds).toBe(1);
    // Nothing more to remove for this lesson.
    expect(jobsFor(second)).toEqual([]);
  });

  it('keeps a superseded video whose row changed its fate before the job ran', async () => {
    const lessonId = makeLesson(t, { courseId, kind: 'video' }).id;
    const a = await fakeReadyVideo(lessonId);
    // Made current again by hand (it cannot happen through the app): the job must not remove a playing video.
    const job = t.queue.enqueue<MediaDeletePayload>(MEDIA_DELETE, { videos: [{ id: a.id, prefixes: [`originals/${a.id}`, `videos/${a.id}`] }] });
    await runDueDeletes();
    expect(t.queue.get(job.id)?.status).toBe('done');
    expect(videoRow(a.id)).toBeDefined();
    expect(onDisk(`videos/${a.id}/${a.version}/master.m3u8`)).toBe(true);
  });
});

describe('OpenAPI', () => {
  it('documents DELETE /api/videos/{id} with 204 and problems', async () => {
    const doc = (await as(t, null).get('/api/docs/json')).json();
    const op = doc.paths['/api/videos/{id}'].delete;
    expect(Object.keys(op.responses).sort()).toEqual(['204', '401', '403', '404']);
  });
});

describe('files written during these tests', () => {
  it('leaves no temp folders', () => {
    expect(readdirSync(t.storage.tmpDir)).toEqual([]);
  });
});
