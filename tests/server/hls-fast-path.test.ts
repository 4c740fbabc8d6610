import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { openDb, type Db } from '../../db/client.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { createSigner } from '../../server/videos/signing.ts';
import type { App } from '../../server/http.ts';
import { fakeClock } from '../helpers/app.ts';
import { tempDir } from '../helpers/media.ts';

/**
 * The HLS fast path answers cached files before Fastify sees the request. Over real HTTP (app.inject never reaches
 * it): the same bytes and headers as the route, and every other case still goes through the route and its rules.
 * Fastify's request log tells which of the two answered.
 */
let app: App;
let base: string;
let dataDir: string;
let db: Db;
let ttlMs: number;
const logged: string[] = [];
const clock = fakeClock(Date.now());
const secret = randomBytes(32);
const videoId = 'v-fast-path';
const playlist = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nseg_00000.m4s\n#EXT-X-ENDLIST\n';
const segment = randomBytes(200_000);
let prefix: string;

const routeAnswered = (url: string) => logged.filter((l) => l.includes('"incoming request"') && l.includes(url)).length;

beforeAll(async () => {
  dataDir = tempDir('leerpad-fast-path-');
  const dir = path.join(dataDir, 'media', 'videos', videoId, 'v1', '720p');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'index.m3u8'), playlist);
  writeFileSync(path.join(dir, 'seg_00000.m4s'), segment);

  const config = loadConfig({ LEERPAD_DEMO: 'false', DATA_DIR: dataDir, MAX_EVENT_LOOP_DELAY_MS: '0' });
  db = openDb(':memory:');
  const now = clock();
  const c = db.$client;
  c.prepare(`INSERT INTO courses (id, slug, title, status, created_at, updated_at) VALUES ('c1', 'c1', 'C', 'published', ?, ?)`).run(now, now);
  c.prepare(`INSERT INTO modules (id, course_id, title, position, created_at, updated_at) VALUES ('m1', 'c1', 'M', 0, ?, ?)`).run(now, now);
  c.prepare(`INSERT INTO lessons (id, module_id, course_id, title, kind, position, created_at, updated_at) VALUES ('l1', 'm1', 'c1', 'V', 'video', 0, ?, ?)`).run(now, now);
  c.prepare(`INSERT INTO videos (id, lesson_id, status, duration_seconds, created_at, updated_at) VALUES (?, 'l1', 'ready', 4, ?, ?)`).run(videoId, now, now);

  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logged.push(chunk.toString());
      done();
    },
  });
  app = await buildApp({ config, db, clock, media: { secret }, logger: { level: 'info', stream } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  ttlMs = config.mediaUrlTtlHours * 3_600_000;
  prefix = createSigner(secret, ttlMs).prefix(videoId, clock());
});

afterAll(async () => {
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const headersOf = (res: Response) => {
  const h = Object.fromEntries(res.headers);
  delete h.date;
  delete h['keep-alive'];
  delete h.connection;
  return h;
};

describe('HLS fast path (real HTTP)', () => {
  it('answers a cached file itself, with the same bytes and headers as the route', async () => {
    const url = `${prefix}/v1/720p/seg_00000.m4s`;
    const first = await fetch(base + url);
    expect(first.status).toBe(200);
    const firstBody = Buffer.from(await first.arrayBuffer());
    expect(routeAnswered(url)).toBe(1);

    const second = await fetch(base + url);
    expect(second.status).toBe(200);
    expect(Buffer.from(await second.arrayBuffer()).equals(firstBody)).toBe(true);
    expect(firstBody.equals(segment)).toBe(true);
    expect(routeAnswered(url)).toBe(1);
    expect(headersOf(second)).toEqual(headersOf(first));
    expect(second.headers.get('cache-control')).toContain('immutable');
    expect(second.headers.get('content-type')).toBe('video/mp4');
    expect(second.headers.get('content-security-policy')).toBeNull();
  });

  it('leaves ranges, conditional requests and HEAD to the route', async () => {
    const url = `${prefix}/v1/720p/index.m3u8`;
    await fetch(base + url);
    const before = routeAnswered(url);
    const ranged = await fetch(base + url, { headers: { range: 'bytes=0-6' } });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe('#EXTM3U');
    const etag = ranged.headers.get('etag')!;
    expect((await fetch(base + url, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(base + url, { method: 'HEAD' })).status).toBe(200);
    expect(routeAnswered(url)).toBe(before + 3);
  });

  it('never serves a cached file for a forged, foreign or expired link', async () => {
    const url = `${prefix}/v1/720p/index.m3u8`;
    expect((await fetch(base + url)).status).toBe(200);
    const [, , token] = url.split('/');
    const [expiry] = token.split('.');
    const forged = url.replace(token, `${expiry}.${'A'.repeat(32)}`);
    const res = await fetch(base + forged);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // The signature of this video does not open a path that names another video.
    expect((await fetch(base + url.replace(videoId, 'v-other'))).status).toBe(403);

    // Past the expiry: refused although the file is cached and the link was verified before.
    clock.advance((Number(expiry) * 1000 - clock()) + 1000);
    const expired = await fetch(base + url);
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as { detail: string }).detail).toMatch(/expired/);
  });

  it('stops serving a video deleted by another process within a minute', async () => {
    clock.set(Date.now());
    const fresh = createSigner(secret, ttlMs).prefix(videoId, clock());
    const url = `${fresh}/v1/720p/index.m3u8`;
    expect((await fetch(base + url)).status).toBe(200);
    // A separate worker's cleanup removed the row; this process's cache was not told.
    db.$client.prepare('DELETE FROM videos WHERE id = ?').run(videoId);
    expect((await fetch(base + url)).status).toBe(200);
    clock.advance(61_000);
    expect((await fetch(base + url)).status).toBe(404);
  });
});
