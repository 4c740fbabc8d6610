import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { as, expectProblem, type TestApp } from '../helpers/app.ts';
import { buildCourseTestApp, courseWorld, makeCourse, type World } from '../helpers/courses.ts';

let t: TestApp;
let w: World;
let dataDir: string;
beforeEach(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'leerpad-cover-'));
  t = await buildCourseTestApp({ DATA_DIR: dataDir });
  w = await courseWorld(t);
});
afterEach(async () => {
  await t.app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(64, 3)]);

function multipart(content: Buffer, filename = 'cover.png', type = 'image/png') {
  const boundary = '----leerpadtestboundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
const upload = (actor: World['owner'] | null, id: string, content: Buffer, filename?: string, type?: string) => {
  const { payload, headers } = multipart(content, filename, type);
  return t.app.inject({ method: 'PUT', url: `/api/courses/${id}/cover`, payload, headers: { ...headers, ...(actor ? { cookie: actor.cookie } : {}) } });
};

describe('PUT /api/courses/:id/cover', () => {
  it('stores PNG, JPEG and WebP by their magic bytes, serves them, and replaces the old file', async () => {
    const c = await makeCourse(t, w.owner, { publish: true });
    const urls: string[] = [];
    for (const [img, ext] of [[PNG, 'png'], [JPEG, 'jpg'], [WEBP, 'webp']] as const) {
      const res = await upload(w.owner, c.id, img, 'whatever.gif', 'image/gif');
      expect(res.statusCode, res.body).toBe(200);
      const url = res.json().coverUrl as string;
      expect(url).toMatch(new RegExp(`^/media/covers/${c.id}-[0-9a-f]{16}\\.${ext}$`));
      urls.push(url);
      const served = await t.app.inject({ method: 'GET', url });
      expect(served.statusCode).toBe(200);
      expect(served.headers['content-type']).toBe({ png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' }[ext]);
      expect(served.headers['cache-control']).toContain('immutable');
      expect(served.rawPayload.equals(img)).toBe(true);
    }
    expect(readdirSync(path.join(dataDir, 'covers'))).toEqual([urls[2].split('/').pop()]);
    expect((await t.app.inject({ method: 'GET', url: urls[0] })).statusCode).toBe(404);
    expect((await as(t, null).get(`/api/courses/${c.id}`)).json().course.coverUrl).toBe(urls[2]);
    expect((await as(t, null).get('/api/courses')).json().items[0].coverUrl).toBe(urls[2]);

    expect((await as(t, w.owner).delete(`/api/courses/${c.id}/cover`)).statusCode).toBe(204);
    expect(readdirSync(path.join(dataDir, 'covers'))).toEqual([]);
    expect((await as(t, null).get(`/api/courses/${c.id}`)).json().course.coverUrl).toBeNull();
  });

  it('refuses other types (415), files over 2 MB (413), non-multipart bodies (415) and non-staff', async () => {
    const c = await makeCourse(t, w.owner, { publish: true });
    expectProblem(await upload(w.owner, c.id, Buffer.from('<svg onload=alert(1)></svg>'), 'x.png', 'image/png'), 415);
    expectProblem(await upload(w.owner, c.id, Buffer.from('GIF89a......'), 'x.gif', 'image/gif'), 415);
    expectProblem(await upload(w.owner, c.id, Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)])), 413);
    expectProblem(await as(t, w.owner).put(`/api/courses/${c.id}/cover`, { image: 'x' }), 415);
    expectProblem(await upload(null, c.id, PNG), 401);
    expectProblem(await upload(w.learner, c.id, PNG), 403);
    expectProblem(await upload(w.owner, 'nope', PNG), 404);
    expect(readdirSync(dataDir)).not.toContain('covers');
  });

  it('serves nothing outside the covers folder', async () => {
    for (const url of ['/media/covers/..%2F..%2Fetc%2Fpasswd', '/media/covers/x.png', '/media/covers/.hidden.png.tmp']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(404);
    }
  });
});

describe('cover: who may, and bad uploads', () => {
  it('401 anonymous, 403 a learner and another lecturer, 404 an unknown course; nothing changes', async () => {
    const c = await makeCourse(t, w.owner, { publish: true });
    expectProblem(await upload(null, c.id, PNG), 401);
    expectProblem(await upload(w.learner, c.id, PNG), 403);
    expectProblem(await upload(w.otherLecturer, c.id, PNG), 403);
    expectProblem(await upload(w.owner, '00000000-0000-0000-0000-000000000000', PNG), 404);
    expectProblem(await as(t, null).delete(`/api/courses/${c.id}/cover`), 401);
    expectProblem(await as(t, w.learner).delete(`/api/courses/${c.id}/cover`), 403);
    expectProblem(await as(t, w.otherLecturer).delete(`/api/courses/${c.id}/cover`), 403);
    expectProblem(await as(t, w.owner).delete('/api/courses/00000000-0000-0000-0000-000000000000/cover'), 404);
    expect((await as(t, null).get(`/api/courses/${c.id}`)).json().course.coverUrl).toBeNull();
  });

  it('a cut-off or boundary-less multipart body is a 400, never a 500', async () => {
    const c = await makeCourse(t, w.owner, { publish: true });
    const cut = Buffer.from('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\nabc');
    for (const [payload, contentType] of [[cut, 'multipart/form-data; boundary=xyz'], [Buffer.from('abc'), 'multipart/form-data']] as const) {
      const res = await t.app.inject({ method: 'PUT', url: `/api/courses/${c.id}/cover`, payload, headers: { 'content-type': contentType, cookie: w.owner.cookie } });
      expectProblem(res, 400);
    }
  });
});
