import { readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lessons, videos } from '../../db/schema/index.ts';
import { as, expectProblem, registerUser, type Actor } from '../helpers/app.ts';
import { enrol, makeCourse, makeLesson } from '../helpers/factories.ts';
import { buildMediaTestApp, makeClip, multipart, tempDir, waitFor, type MediaTestApp } from '../helpers/media.ts';
import { videoForLesson, createVideoDeps } from '../../server/videos/service.ts';
import type { UserRow } from '../../server/auth/session.ts';
import { sessions, users } from '../../db/schema/index.ts';

const LIMIT = 2 * 1024 * 1024;
let t: MediaTestApp;
let dir: string;
let clip: string;
let owner: Actor, otherLecturer: Actor, learner: Actor, enrolled: Actor, admin: Actor;
let courseId: string, lessonId: string, textLessonId: string, draftLessonId: string;

beforeAll(async () => {
  // Made before the app exists: execFileSync blocks the event loop, and under-pressure would answer 503 after it.
  dir = tempDir();
  clip = makeClip(dir, { width: 320, height: 240, seconds: 2 });
  t = await buildMediaTestApp({ UPLOAD_MAX_BYTES: String(LIMIT) });
  owner = await registerUser(t, { roles: ['lecturer'] });
  otherLecturer = await registerUser(t, { roles: ['lecturer'] });
  learner = await registerUser(t);
  enrolled = await registerUser(t);
  admin = await registerUser(t, { roles: ['admin'] });
  const course = makeCourse(t, { lecturerId: owner.id });
  courseId = course.id;
  lessonId = makeLesson(t, { courseId, kind: 'video' }).id;
  textLessonId = makeLesson(t, { courseId, kind: 'text' }).id;
  draftLessonId = makeLesson(t, { courseId: makeCourse(t, { status: 'draft', lecturerId: owner.id }).id, kind: 'video' }).id;
  enrol(t, { courseId, userId: enrolled.id });
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const upload = (actor: Actor | null, lesson: string, content: Buffer | string, filename = 'lecture.mp4') => {
  const body = multipart([{ name: 'file', filename, contentType: 'video/mp4', content }]);
  return as(t, actor).post(`/api/lessons/${lesson}/video`, body.payload, body.headers);
};
const staging = () => {
  try {
    return readdirSync(t.storage.stagingDir);
  } catch {
    return [];
  }
};
const videoCount = () => t.db.select().from(videos).all().length;
const userRow = (a: Actor) => t.db.select().from(users).where(eq(users.id, a.id)).get() as UserRow;

describe('POST /api/lessons/:id/video', () => {
  it('lets only the staff of the course upload', async () => {
    const bytes = readFileSync(clip);
    expectProblem(await upload(null, lessonId, bytes), 401);
    expectProblem(await upload(learner, lessonId, bytes), 403);
    expectProblem(await upload(enrolled, lessonId, bytes), 403);
    expectProblem(await upload(otherLecturer, lessonId, bytes), 403);
    expectProblem(await upload(otherLecturer, draftLessonId, bytes), 404);
    expectProblem(await upload(owner, 'no-such-lesson', bytes), 404);
    expectProblem(await upload(owner, textLessonId, bytes), 409);
    expect(videoCount()).toBe(0);
    const res = await upload(admin, lessonId, bytes);
    expect(res.statusCode).toBe(202);
  });

  it('stores the upload, probes it and queues it: 202 with the video', async () => {
    const res = await upload(owner, lessonId, readFileSync(clip), '../../etc/My lecture.mp4');
    expect(res.statusCode).toBe(202);
    const { video } = res.json();
    expect(video).toMatchObject({ lessonId, status: 'queued', progress: 0, width: 320, height: 240, captions: [], error: null, current: false });
    expect(video.durationSeconds).toBeCloseTo(2, 0);
    expect(video.playbackUrl).toBeUndefined();
    const stored = t.db.select().from(videos).where(eq(videos.id, video.id)).get()!;
    expect(stored.originalName).toBe('My lecture.mp4');
    expect(stored.uploadedBy).toBe(owner.id);
    expect(readFileSync(t.storage.localPath(stored.sourceKey!))).toEqual(readFileSync(clip));
    expect(staging()).toEqual([]);
  });

  it('refuses what is not a video we can read, leaving nothing behind', async () => {
    const before = videoCount();
    const bytes = readFileSync(clip);
    const cases: [string, Buffer | string, number][] = [
      ['text renamed .mp4', 'Just my notes.\n'.repeat(50), 415],
      ['zero bytes', Buffer.alloc(0), 415],
      ['truncated mp4', bytes.subarray(0, bytes.length >> 1), 422],
      ['HLS playlist', `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n${clip}\n#EXT-X-ENDLIST\n`, 415],
      ['ffconcat list', `ffconcat version 1.0\nfile '${clip}'\n`, 415],
    ];
    for (const [what, content, status] of cases) {
      const res = await upload(owner, lessonId, content);
      expect(res.statusCode, what).toBe(status);
      expectProblem(res, status);
    }
    expect(videoCount()).toBe(before);
    expect(staging()).toEqual([]);
  });

  it('answers 413 over the size limit and removes the staging file', async () => {
    const big = Buffer.concat([readFileSync(clip), Buffer.alloc(LIMIT, 1)]);
    const res = await upload(owner, lessonId, big);
    expectProblem(res, 413, 'LEERPAD_PAYLOAD_TOO_LARGE');
    expect(staging()).toEqual([]);
    // Refused from Content-Length alone when it is far over.
    const huge = await as(t, owner).post(`/api/lessons/${lessonId}/video`, 'x', { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(LIMIT * 4) });
    expectProblem(huge, 413);
  });

  it('answers 400 to a cut-off upload and removes the staging file', async () => {
    const body = multipart([{ name: 'file', filename: 'a.mp4', content: readFileSync(clip) }]);
    const cut = body.payload.subarray(0, body.payload.length >> 1);
    const res = await as(t, owner).post(`/api/lessons/${lessonId}/video`, cut, body.headers);
    expectProblem(res, 400);
    expect(staging()).toEqual([]);
  });

  it('removes the staging file when the client disappears half-way through a real socket', async () => {
    const before = videoCount();
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    const body = multipart([{ name: 'file', filename: 'a.mp4', content: Buffer.concat([readFileSync(clip), Buffer.alloc(512 * 1024, 3)]) }]);
    const sock = net.connect(Number(port), '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write(
      `POST /api/lessons/${lessonId}/video HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${owner.cookie}\r\n` +
        `Content-Type: ${body.headers['content-type']}\r\nContent-Length: ${body.payload.length}\r\n\r\n`,
    );
    sock.write(body.payload.subarray(0, body.payload.length >> 1));
    await waitFor(() => staging().length > 0, { timeoutMs: 5000, what: 'staging file' });
    sock.destroy();
    await waitFor(() => staging().length === 0, { timeoutMs: 5000, what: 'staging cleaned' });
    expect(videoCount()).toBe(before);
  });

  it('wants multipart with a "file" field', async () => {
    expectProblem(await as(t, owner).post(`/api/lessons/${lessonId}/video`, { file: 'x' }), 415);
    const body = multipart([{ name: 'other', filename: 'a.mp4', content: readFileSync(clip) }]);
    expectProblem(await as(t, owner).post(`/api/lessons/${lessonId}/video`, body.payload, body.headers), 400);
  });
});

describe('processing, GET /api/videos/:id and signed /hls', () => {
  let videoId: string;
  let playbackUrl: string;

  beforeAll(async () => {
    // Start from a lesson with nothing queued: earlier tests left uploads behind.
    t.db.delete(videos).run();
    const res = await upload(owner, lessonId, readFileSync(clip));
    videoId = res.json().video.id;
    const worker = t.worker();
    await worker.start();
    await waitFor(() => t.db.select().from(videos).where(eq(videos.id, videoId)).get()?.status === 'ready', { timeoutMs: 60_000, what: 'ready' });
    await worker.stop();
  });

  it('shows a ready video to staff and enrolled learners, with signed URLs', async () => {
    for (const who of [owner, admin, enrolled]) {
      const res = await as(t, who).get(`/api/videos/${videoId}`);
      expect(res.statusCode).toBe(200);
      const v = res.json().video;
      expect(v).toMatchObject({ id: videoId, status: 'ready', progress: 100, current: true, error: null });
      expect(v.playbackUrl).toMatch(new RegExp(`^/hls/\\d+\\.[A-Za-z0-9_-]{32}/${videoId}/[0-9a-f]{10}/master\\.m3u8$`));
      expect(v.posterUrl).toMatch(/\/poster\.jpg$/);
      playbackUrl = v.playbackUrl;
    }
    expectProblem(await as(t, null).get(`/api/videos/${videoId}`), 401);
    expectProblem(await as(t, learner).get(`/api/videos/${videoId}`), 403);
    expectProblem(await as(t, otherLecturer).get(`/api/videos/${videoId}`), 403);
    expectProblem(await as(t, owner).get('/api/videos/nope'), 404);
  });

  it('hides uploads that do not play yet from learners, not from staff', async () => {
    const res = await upload(owner, lessonId, readFileSync(clip));
    const pending = res.json().video.id;
    expect((await as(t, owner).get(`/api/videos/${pending}`)).json().video.status).toBe('queued');
    expectProblem(await as(t, enrolled).get(`/api/videos/${pending}`), 404);
    // The lesson still plays the ready one.
    expect(t.db.select().from(lessons).where(eq(lessons.id, lessonId)).get()?.videoId).toBe(videoId);
    const deps = createVideoDeps({ db: t.db, clock: t.clock, config: t.config, storage: t.storage, queue: t.queue, secret: t.secret });
    const forStaff = videoForLesson(deps, lessonId, userRow(owner));
    expect(forStaff.current?.id).toBe(videoId);
    expect(forStaff.current?.playbackUrl).toBeDefined();
    expect(forStaff.pending?.id).toBe(pending);
    const forLearner = videoForLesson(deps, lessonId, userRow(enrolled));
    expect(forLearner).toMatchObject({ current: { id: videoId }, pending: null });
  });

  it('serves playlists, segments and the poster to anyone holding the signed URL', async () => {
    const master = await t.app.inject({ method: 'GET', url: playbackUrl });
    expect(master.statusCode).toBe(200);
    expect(master.headers['content-type']).toBe('application/vnd.apple.mpegurl');
    expect(master.headers['cache-control']).toBe('public, max-age=60');
    const variant = master.body.split('\n').find((l) => l && !l.startsWith('#'))!;
    const base = playbackUrl.slice(0, playbackUrl.lastIndexOf('/') + 1);
    const media = await t.app.inject({ method: 'GET', url: base + variant });
    expect(media.statusCode).toBe(200);
    const segName = media.body.split('\n').find((l) => l.endsWith('.ts'))!;
    const segUrl = base + variant.replace(/[^/]+$/, '') + segName;
    const seg = await t.app.inject({ method: 'GET', url: segUrl });
    expect(seg.statusCode).toBe(200);
    expect(seg.headers['content-type']).toBe('video/mp2t');
    expect(seg.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(seg.headers['accept-ranges']).toBe('bytes');
    expect(seg.rawPayload[0]).toBe(0x47); // MPEG-TS sync byte

    const part = await t.app.inject({ method: 'GET', url: segUrl, headers: { range: 'bytes=188-375' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 188-375/${seg.rawPayload.length}`);
    expect(part.rawPayload).toEqual(seg.rawPayload.subarray(188, 376));
    const tail = await t.app.inject({ method: 'GET', url: segUrl, headers: { range: 'bytes=-188' } });
    expect(tail.rawPayload).toEqual(seg.rawPayload.subarray(-188));
    const bad = await t.app.inject({ method: 'GET', url: segUrl, headers: { range: `bytes=${seg.rawPayload.length}-` } });
    expectProblem(bad, 416);
    expect(bad.headers['content-range']).toBe(`bytes */${seg.rawPayload.length}`);

    const again = await t.app.inject({ method: 'GET', url: segUrl, headers: { 'if-none-match': String(seg.headers.etag) } });
    expect(again.statusCode).toBe(304);
    const head = await t.app.inject({ method: 'HEAD', url: segUrl });
    expect(head.statusCode).toBe(200);

    const poster = await t.app.inject({ method: 'GET', url: base + 'poster.jpg' });
    expect(poster.headers['content-type']).toBe('image/jpeg');
  });

  it('never resolves the session cookie a browser sends along to /hls: the signature alone authorises', async () => {
    const sessionId = enrolled.cookie.slice(enrolled.cookie.indexOf('=') + 1).split('.')[0];
    const lastActive = () => t.db.select().from(sessions).where(eq(sessions.id, sessionId)).get()!.lastActiveAt;
    const before = lastActive();
    // Past the once-a-minute refresh: any lookup of this session would now write lastActiveAt.
    t.clock.advance(5 * 60_000);
    const media = await t.app.inject({ method: 'GET', url: playbackUrl, headers: { cookie: enrolled.cookie } });
    expect(media.statusCode).toBe(200);
    expect(media.headers['x-content-type-options']).toBe('nosniff');
    expect(media.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(media.headers['set-cookie']).toBeUndefined();
    expect(lastActive()).toBe(before);
    // A valid session does not stand in for a signature.
    const [, , token, ...rest] = playbackUrl.split('/');
    const forged = `/hls/${token.replace(/\..*/, '.' + 'A'.repeat(32))}/${rest.join('/')}`;
    expectProblem(await t.app.inject({ method: 'GET', url: forged, headers: { cookie: enrolled.cookie } }), 403);
    expect(lastActive()).toBe(before);
    // The control: an API request with the same cookie does resolve (and refresh) the session.
    expect((await as(t, enrolled).get(`/api/videos/${videoId}`)).statusCode).toBe(200);
    expect(lastActive()).toBe(t.clock());
  });

  it('refuses tampered, foreign and expired signatures with 403, and never serves originals or manifests', async () => {
    const [, , token, , ...rest] = playbackUrl.split('/');
    const file = rest.join('/');
    const tampered = token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expectProblem(await t.app.inject({ method: 'GET', url: `/hls/${tampered}/${videoId}/${file}` }), 403, 'LEERPAD_FORBIDDEN');
    const laterExpiry = token.replace(/^\d+/, (e) => String(Number(e) + 3600));
    expectProblem(await t.app.inject({ method: 'GET', url: `/hls/${laterExpiry}/${videoId}/${file}` }), 403);
    expectProblem(await t.app.inject({ method: 'GET', url: `/hls/garbage/${videoId}/${file}` }), 403);
    const other = t.db.select().from(videos).all().find((v) => v.id !== videoId)!.id;
    expectProblem(await t.app.inject({ method: 'GET', url: `/hls/${token}/${other}/${file}` }), 403);

    const version = file.split('/')[0];
    for (const p of [`${version}/manifest.json`, `../../originals/${videoId}/source`, `..%2F..%2Foriginals%2F${videoId}%2Fsource.ts`, `${version}/nope.ts`, `${version}/../../x.m3u8`]) {
      const res = await t.app.inject({ method: 'GET', url: `/hls/${token}/${videoId}/${p}` });
      expect([403, 404], p).toContain(res.statusCode);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }

    t.clock.advance((t.config.mediaUrlTtlHours + 1) * 3_600_000 + 1);
    const expired = await t.app.inject({ method: 'GET', url: playbackUrl });
    expect(expectProblem(expired, 403).detail).toMatch(/expired/);
    // A fresh GET hands out a fresh, working URL.
    const fresh = (await as(t, enrolled).get(`/api/videos/${videoId}`)).json().video.playbackUrl;
    expect(fresh).not.toBe(playbackUrl);
    expect((await t.app.inject({ method: 'GET', url: fresh })).statusCode).toBe(200);
    playbackUrl = fresh;
  });

  describe('captions', () => {
    const srt = '1\n00:00:00,500 --> 00:00:01,500\nHallo allemaal\n';
    const post = (actor: Actor | null, fields: { language?: string; label?: string }, content: string | Buffer = srt, filename = 'nl.srt') => {
      const parts = [
        ...Object.entries(fields).map(([name, value]) => ({ name, content: value as string })),
        { name: 'file', filename, contentType: 'application/x-subrip', content },
      ];
      const body = multipart(parts);
      return as(t, actor).post(`/api/videos/${videoId}/captions`, body.payload, body.headers);
    };

    it('converts SRT to WebVTT and serves it under the signed prefix', async () => {
      const res = await post(owner, { language: 'nl' });
      expect(res.statusCode).toBe(201);
      const { caption } = res.json();
      expect(caption).toMatchObject({ language: 'nl', label: 'Nederlands' });
      const vtt = await t.app.inject({ method: 'GET', url: caption.url });
      expect(vtt.statusCode).toBe(200);
      expect(vtt.headers['content-type']).toBe('text/vtt; charset=utf-8');
      expect(vtt.body).toBe('WEBVTT\n\n00:00:00.500 --> 00:00:01.500\nHallo allemaal\n');
      const video = (await as(t, enrolled).get(`/api/videos/${videoId}`)).json().video;
      expect(video.captions).toEqual([caption]);
    });

    it('takes the language after the file too, a label, and replaces a language with a new URL', async () => {
      const first = (await as(t, owner).get(`/api/videos/${videoId}`)).json().video.captions[0].url;
      t.clock.advance(1000);
      const body = multipart([
        { name: 'file', filename: 'nl.vtt', content: 'WEBVTT\n\n00:01.000 --> 00:02.000\nNieuw\n' },
        { name: 'language', content: 'nl' },
        { name: 'label', content: 'Nederlands (ondertitels)' },
      ]);
      const res = await as(t, owner).post(`/api/videos/${videoId}/captions`, body.payload, body.headers);
      expect(res.statusCode).toBe(201);
      expect(res.json().caption.label).toBe('Nederlands (ondertitels)');
      expect(res.json().caption.url).not.toBe(first);
      expectProblem(await t.app.inject({ method: 'GET', url: first }), 404);
      expect((await t.app.inject({ method: 'GET', url: res.json().caption.url })).body).toContain('Nieuw');
    });

    it('names the line of a bad SRT timestamp, and checks the fields', async () => {
      const bad = await post(owner, { language: 'en' }, '1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:03,000 -> 00:00:04,000\nbad\n');
      const problem = expectProblem(bad, 400);
      expect(problem.detail).toMatch(/^Line 6: expected a timing line/);
      expect(problem.errors?.[0].pointer).toBe('/body/file');
      // A code and its parameters, so the studio can say it in the lecturer's language.
      expect(problem.errors?.[0]).toMatchObject({ code: 'CAPTION_EXPECTED_TIMING', params: { line: 6, text: '00:00:03,000 -> 00:00:04,000' } });
      expectProblem(await post(owner, {}), 400);
      expectProblem(await post(owner, { language: 'not a language!' }), 400);
      expectProblem(await post(owner, { language: 'en' }, Buffer.alloc(1024 * 1024 + 10, 0x41)), 413);
    });

    it('lets only staff change captions', async () => {
      expectProblem(await post(null, { language: 'fr' }), 401);
      expectProblem(await post(enrolled, { language: 'fr' }), 403);
      expectProblem(await post(otherLecturer, { language: 'fr' }), 403);
      expectProblem(await as(t, enrolled).delete(`/api/videos/${videoId}/captions/nl`), 403);
    });

    it('deletes one language', async () => {
      const url = (await as(t, owner).get(`/api/videos/${videoId}`)).json().video.captions[0].url;
      const res = await as(t, owner).delete(`/api/videos/${videoId}/captions/nl`);
      expect(res.statusCode).toBe(204);
      expect((await as(t, owner).get(`/api/videos/${videoId}`)).json().video.captions).toEqual([]);
      expectProblem(await t.app.inject({ method: 'GET', url }), 404);
      expectProblem(await as(t, owner).delete(`/api/videos/${videoId}/captions/nl`), 404);
    });
  });
});

describe('POST /api/videos/:id/retry', () => {
  it('queues a failed video again, for staff only, and only when failed', async () => {
    const now = t.clock();
    t.db.insert(videos).values({ id: 'failed-1', lessonId, status: 'failed', error: 'boom', sourceKey: 'originals/failed-1/source', createdAt: now, updatedAt: now }).run();
    expectProblem(await as(t, null).post('/api/videos/failed-1/retry'), 401);
    expectProblem(await as(t, enrolled).post('/api/videos/failed-1/retry'), 403);
    const res = await as(t, owner).post('/api/videos/failed-1/retry');
    expect(res.statusCode).toBe(202);
    expect(res.json().video).toMatchObject({ status: 'queued', error: null, progress: 0 });
    expectProblem(await as(t, owner).post('/api/videos/failed-1/retry'), 409);
    expectProblem(await as(t, owner).post('/api/videos/nope/retry'), 404);
    const jobs = t.db.$client.prepare(`SELECT payload FROM jobs WHERE status = 'queued'`).all() as { payload: string }[];
    expect(jobs.some((j) => JSON.parse(j.payload).videoId === 'failed-1')).toBe(true);
  });
});

describe('files written during these tests', () => {
  it('leaves no staging or temp files', () => {
    expect(staging()).toEqual([]);
    expect(readdirSync(t.storage.tmpDir)).toEqual([]);
  });
});
