import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lessons, videos } from '../../db/schema/index.ts';
import { createTranscodeHandler, queueTranscode, sourceKey, versionOf, type StoredRendition } from '../../media/pipeline.ts';
import { transition } from '../../media/states.ts';
import { resolveBinaries } from '../../media/ffmpeg.ts';
import { binaries, buildMediaTestApp, makeClip, silentLog, tempDir, waitFor, type MediaTestApp } from '../helpers/media.ts';
import { makeCourse, makeLesson } from '../helpers/factories.ts';

let t: MediaTestApp;
let clips: string;

beforeAll(async () => {
  t = await buildMediaTestApp();
  clips = tempDir();
});
afterAll(async () => {
  await t.close();
  rmSync(clips, { recursive: true, force: true });
});

/** A video row with its source in storage, queued for transcoding, as the upload route leaves it. */
async function queuedVideo(lessonId: string, clip: string) {
  const id = `v-${Math.random().toString(36).slice(2, 10)}`;
  const copy = path.join(clips, `${id}.src`);
  copyFileSync(clip, copy);
  await t.storage.put(sourceKey(id), { file: copy });
  const now = t.clock();
  t.db.insert(videos).values({ id, lessonId, status: 'uploaded', sourceKey: sourceKey(id), createdAt: now, updatedAt: now }).run();
  const job = queueTranscode(t.db, t.queue, now, id);
  t.clock.advance(1000);
  return { id, job };
}

const row = (id: string) => t.db.select().from(videos).where(eq(videos.id, id)).get()!;
const lessonVideo = (id: string) => t.db.select().from(lessons).where(eq(lessons.id, id)).get()!.videoId;
const ffprobeJson = (file: string) =>
  JSON.parse(execFileSync(binaries.ffprobe, ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file]).toString()) as {
    streams: { codec_type: string; codec_name: string; profile?: string; level?: number; width?: number; height?: number }[];
  };

describe('transcode pipeline (real ffmpeg)', () => {
  it('turns a landscape clip with sound into an aligned HLS ladder, a poster and a master playlist', async () => {
    const course = makeCourse(t);
    const lesson = makeLesson(t, { courseId: course.id, kind: 'video' });
    const clip = makeClip(clips, { width: 854, height: 480, seconds: 5 });
    const { id, job } = await queuedVideo(lesson.id, clip);
    // The production preset: ultrafast would drop to Constrained Baseline below the High profile we declare.
    // The encode path: this clip would qualify for copying its top rendition (tests/media/remux.test.ts).
    const worker = t.worker({ preset: 'veryfast', remux: false });
    await worker.start();
    const ready = await waitFor(() => (row(id).status === 'ready' ? row(id) : null), { timeoutMs: 60_000, what: 'video ready' });
    await worker.stop();

    expect(ready.progress).toBe(100);
    expect(ready.width).toBe(854);
    expect(ready.durationSeconds).toBeGreaterThan(4.9);
    expect(lessonVideo(lesson.id)).toBe(id);
    expect(t.queue.get(job.id)?.status).toBe('done');
    const renditions = ready.renditions as StoredRendition[];
    expect(renditions.map((r) => `${r.name}:${r.width}x${r.height}`)).toEqual(['480p:854x480', '360p:640x360']);

    const version = versionOf(ready)!;
    const root = t.storage.localPath(`videos/${id}/${version}`);
    const master = readFileSync(path.join(root, 'master.m3u8'), 'utf8');
    expect(master).toMatch(/^#EXTM3U\n/);
    expect(master).toContain('RESOLUTION=854x480');
    expect(master).toContain('CODECS="avc1.64001e,mp4a.40.2"');
    for (const r of renditions) {
      expect(master).toContain(`BANDWIDTH=${r.bandwidth},AVERAGE-BANDWIDTH=${r.averageBandwidth},`);
      expect(r.bandwidth).toBeGreaterThanOrEqual(r.averageBandwidth);
    }

    // The CODECS we wrote are what was encoded.
    const seg = ffprobeJson(path.join(root, '480p', 'seg_00000.ts'));
    const v = seg.streams.find((s) => s.codec_type === 'video')!;
    expect([v.codec_name, v.profile, v.level, v.width, v.height]).toEqual(['h264', 'High', 30, 854, 480]);
    expect(seg.streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('aac');

    // Segment boundaries are the same instants in every rendition, so players can switch at any of them.
    const durations = (name: string) => readFileSync(path.join(root, name, 'index.m3u8'), 'utf8').split('\n').filter((l) => l.startsWith('#EXTINF'));
    expect(durations('480p').length).toBe(2);
    expect(durations('360p')).toEqual(durations('480p'));

    const poster = readFileSync(path.join(root, 'poster.jpg'));
    expect(poster.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(readdirSync(t.storage.tmpDir)).toEqual([]);
  });

  it('handles portrait video without sound', async () => {
    const course = makeCourse(t);
    const lesson = makeLesson(t, { courseId: course.id, kind: 'video' });
    const clip = makeClip(clips, { width: 360, height: 640, seconds: 2, audio: false });
    const { id } = await queuedVideo(lesson.id, clip);
    const worker = t.worker({ remux: false });
    await worker.start();
    const ready = await waitFor(() => (row(id).status === 'ready' ? row(id) : null), { timeoutMs: 60_000, what: 'video ready' });
    await worker.stop();
    const [r] = ready.renditions as StoredRendition[];
    expect([r.name, r.width, r.height, r.codecs]).toEqual(['360p', 360, 640, 'avc1.64001e']);
    const root = t.storage.localPath(`videos/${id}/${versionOf(ready)}`);
    expect(ffprobeJson(path.join(root, '360p', 'seg_00000.ts')).streams.map((s) => s.codec_type)).toEqual(['video']);
    expect(readFileSync(path.join(root, 'master.m3u8'), 'utf8')).toContain('CODECS="avc1.64001e"');
  });

  it('keeps the old video playing until its replacement is ready, and a late older upload does not win', async () => {
    const course = makeCourse(t);
    const lesson = makeLesson(t, { courseId: course.id, kind: 'video' });
    const clip = makeClip(clips, { width: 320, height: 240, seconds: 2, name: 'small.mp4' });
    const handler = createTranscodeHandler({ db: t.db, storage: t.storage, binaries, clock: t.clock, preset: 'ultrafast', niceness: 0 });
    const run = async (job: Awaited<ReturnType<typeof queuedVideo>>['job']) => {
      const claimed = t.queue.claim('test', { leaseMs: 60_000 })!;
      expect(claimed.id).toBe(job.id);
      await handler.run(claimed, { signal: new AbortController().signal, tmpDir: path.join(t.storage.tmpDir, claimed.id), log: silentLog });
      t.queue.complete(claimed);
    };

    const first = await queuedVideo(lesson.id, clip);
    await run(first.job);
    expect(lessonVideo(lesson.id)).toBe(first.id);

    const older = await queuedVideo(lesson.id, clip);
    const newer = await queuedVideo(lesson.id, clip);
    expect(lessonVideo(lesson.id)).toBe(first.id);
    // Jobs are claimed oldest first; run the newer one first by hand to make the older finish last.
    const claimedOlder = t.queue.claim('hold', { leaseMs: 60_000 })!;
    await run(newer.job);
    expect(lessonVideo(lesson.id)).toBe(newer.id);
    await handler.run(claimedOlder, { signal: new AbortController().signal, tmpDir: path.join(t.storage.tmpDir, claimedOlder.id), log: silentLog });
    expect(row(older.id).status).toBe('ready');
    expect(lessonVideo(lesson.id)).toBe(newer.id);
  });

  it('is idempotent: a re-run after a crash between publishing and the database update only finishes the update', async () => {
    const course = makeCourse(t);
    const lesson = makeLesson(t, { courseId: course.id, kind: 'video' });
    const clip = makeClip(clips, { width: 320, height: 240, seconds: 2, name: 'small2.mp4' });
    const { id, job } = await queuedVideo(lesson.id, clip);
    const handler = createTranscodeHandler({ db: t.db, storage: t.storage, binaries, clock: t.clock, preset: 'ultrafast', niceness: 0 });
    const claimed = t.queue.claim('test', { leaseMs: 60_000 })!;
    expect(claimed.id).toBe(job.id);
    const ctx = { signal: new AbortController().signal, tmpDir: path.join(t.storage.tmpDir, claimed.id), log: silentLog };
    await handler.run(claimed, ctx);
    const ready = row(id);
    // Pretend the database update was lost: the row is back in processing, the folder is published.
    t.db.update(videos).set({ status: 'processing', readyAt: null, renditions: null }).where(eq(videos.id, id)).run();
    t.db.update(lessons).set({ videoId: null }).where(eq(lessons.id, lesson.id)).run();
    // The source is gone: a second transcode would fail, so success proves none ran.
    await t.storage.delete(`originals/${id}`);
    await handler.run(claimed, ctx);
    expect(row(id).status).toBe('ready');
    expect(row(id).renditions).toEqual(ready.renditions);
    expect(lessonVideo(lesson.id)).toBe(id);
    // And once ready, running the job again changes nothing.
    await handler.run(claimed, ctx);
    expect(row(id).readyAt).not.toBeNull();
  });

  it('works the same with the static ffmpeg 4.1 shipped by npm (the last-resort binaries)', async () => {
    const staticBins = resolveBinaries({}, '/nonexistent');
    expect(staticBins.ffmpeg).toContain('@ffmpeg-installer');
    const course = makeCourse(t);
    const lesson = makeLesson(t, { courseId: course.id, kind: 'video' });
    const { id } = await queuedVideo(lesson.id, makeClip(clips, { width: 640, height: 360, seconds: 2, name: 'for41.mp4' }));
    // The encode path; the copy path with these binaries is in tests/media/remux.test.ts.
    const handler = createTranscodeHandler({ db: t.db, storage: t.storage, binaries: staticBins, clock: t.clock, niceness: 0, remux: false });
    const claimed = t.queue.claim('test', { leaseMs: 60_000 })!;
    await handler.run(claimed, { signal: new AbortController().signal, tmpDir: path.join(t.storage.tmpDir, claimed.id), log: silentLog });
    const ready = row(id);
    expect(ready.status).toBe('ready');
    const root = t.storage.localPath(`videos/${id}/${versionOf(ready)}`);
    expect(readFileSync(path.join(root, 'master.m3u8'), 'utf8')).toContain('RESOLUTION=640x360,FRAME-RATE=25.000,CODECS="avc1.64001e,mp4a.40.2"');
    expect(readdirSync(root).sort()).toEqual(['360p', 'manifest.json', 'master.m3u8', 'poster.jpg']);
  });

  it('fails a video whose source turns out unreadable, with a message free of server paths', async () => {
    const course = makeCourse(t);
    const lesson = makeLesson(t, { courseId: course.id, kind: 'video' });
    const junk = path.join(clips, 'junk.mp4');
    writeFileSync(junk, Buffer.concat([Buffer.from('\0\0\0\x20ftypisom', 'latin1'), Buffer.alloc(4000, 7)]));
    const { id, job } = await queuedVideo(lesson.id, junk);
    const worker = t.worker();
    await worker.start();
    const failed = await waitFor(() => (row(id).status === 'failed' ? row(id) : null), { timeoutMs: 20_000, what: 'video failed' });
    await worker.stop();
    expect(failed.error).toMatch(/damaged or incomplete/);
    expect(failed.error).not.toContain(t.dataDir);
    expect(t.queue.get(job.id)?.status).toBe('failed');
    expect(t.queue.get(job.id)?.attempts).toBe(1);
    expect(lessonVideo(lesson.id)).toBeNull();
    expect(existsSync(t.storage.localPath(`videos/${id}`))).toBe(false);
    // Retrying is a legal move from failed.
    expect(transition(t.db, t.clock(), id, 'queued').status).toBe('queued');
  });
});
