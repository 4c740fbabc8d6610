import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyRequest } from 'fastify';
import { as, expectProblem, type TestApp } from '../helpers/app.ts';
import { buildCourseTestApp, courseWorld, makeCourse, type World } from '../helpers/courses.ts';
import { catalogRenderPage } from '../../server/catalog/routes.ts';
import { jsonForScript } from '../../server/catalog/seo.ts';

/**
 * The open catalogue: MOOChub feed (validated against MOOChub's own JSON Schema v3.0.1, copied into
 * tests/fixtures/moochub), version negotiation, pagination, ETags; SEO tags and JSON-LD in course pages; sitemap,
 * robots.txt and the Atom feed.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const schema = JSON.parse(readFileSync(new URL('../fixtures/moochub/schema-v3.0.1.json', import.meta.url), 'utf8'));

function moochubValidator() {
  // The MOOChub schema uses "example" and a stray "ref", which strict mode refuses; formats stay checked.
  const ajv = new Ajv2020.default({ strict: false, allErrors: true, validateFormats: true });
  addFormats.default(ajv);
  // "iri" is not among ajv-formats' formats: an absolute IRI is an absolute URL here (our addresses are ASCII).
  ajv.addFormat('iri', { type: 'string', validate: (s: string) => URL.canParse(s) && /^[a-z][a-z0-9+.-]*:/i.test(s) });
  return ajv.compile(schema);
}
const validate = moochubValidator();
function expectValid(body: unknown) {
  const ok = validate(body);
  expect(ok ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
}

const MOOCHUB = '/bridges/moochub/courses';
const V3 = 'application/vnd.api+json; moochub-version=3';

let t: TestApp;
let w: World;
let minimal: { id: string; slug: string };
let full: { id: string; slug: string; syllabus: { lessons: { id: string; title: string }[] }[] };

beforeAll(async () => {
  t = await buildCourseTestApp({ BASE_URL: 'https://leerpad.example.be' });
  w = await courseWorld(t);
  t.db.$client.prepare('UPDATE institutions SET homepage = ?, logo_url = ? WHERE id = ?').run('https://www.hogent.be', '/media/logos/hogent.svg', w.inst.id);
  minimal = await makeCourse(t, w.otherLecturer, { title: 'Minimaal', summary: 'Alleen wat moet.', languages: ['nl'], institutionId: null, publish: true });
  t.clock.advance(60_000);
  full = await makeCourse(t, w.owner, {
    title: 'Data & <script>alert(1)</script> in Vlaanderen',
    slug: 'data-in-vlaanderen',
    summary: 'Alles over open data: wat, waarom en hoe.',
    description: '# Over deze cursus\n\nJe leert **open data** gebruiken.\n\n<script>alert("x")</script><img src=x onerror=alert(1)>',
    languages: ['nl', 'en'],
    partnerIds: [w.otherInst.id],
    licence: 'CC-BY-SA-4.0',
    workloadHours: 30,
    estimatedWeeks: 6,
    ects: 3,
    eqfLevel: 6,
    iscedCode: '0613',
    learningOutcomes: ['Open data vinden', 'Open data verwerken'],
    prerequisites: 'Basiskennis van spreadsheets.',
    keywords: ['open data', 'overheid'],
    enrolmentOpensAt: '2026-01-01T00:00:00.000Z',
    enrolmentClosesAt: '2026-12-31T00:00:00.000Z',
    startsAt: '2026-02-01T00:00:00.000Z',
    endsAt: '2026-03-15T00:00:00.000Z',
    modules: [
      { title: 'Week 1', lessons: [{ title: 'Welkom', estimatedMinutes: 10 }, { title: 'De video', kind: 'video' }, { title: 'Test jezelf', kind: 'quiz', estimatedMinutes: 15 }] },
    ],
    publish: true,
  });
  const co = await as(t, w.owner).post(`/api/courses/${full.id}/lecturers`, { email: w.otherLecturer.email });
  expect(co.statusCode).toBe(201);
  // A processed video of 754.4 s on the video lesson, a cover, and both awards switched on.
  const videoLesson = full.syllabus[0].lessons[1];
  const videoId = randomUUID();
  t.db.$client
    .prepare(`INSERT INTO videos (id, lesson_id, status, duration_seconds, created_at, updated_at) VALUES (?, ?, 'ready', 754.4, ?, ?)`)
    .run(videoId, videoLesson.id, t.clock(), t.clock());
  t.db.$client.prepare('UPDATE lessons SET video_id = ? WHERE id = ?').run(videoId, videoLesson.id);
  t.db.$client.prepare('UPDATE courses SET cover_image_key = ? WHERE id = ?').run(`${randomUUID()}-0123456789abcdef.png`, full.id);
  t.db.$client
    .prepare('INSERT INTO course_awards (course_id, participation_enabled, achievement_enabled, updated_at) VALUES (?, 1, 1, ?)')
    .run(full.id, t.clock());
  // Never in the feed: a draft, an unlisted course, an archived one.
  await makeCourse(t, w.owner, { title: 'Concept', summary: 'Nog niet af.' });
  await makeCourse(t, w.owner, { title: 'Verborgen', summary: 'Alleen via de link.', listed: false, publish: true });
  const archived = await makeCourse(t, w.owner, { title: 'Oud', summary: 'Gearchiveerd.', publish: true });
  await as(t, w.owner).post(`/api/courses/${archived.id}/archive`);
}, 60_000);

const feed = (query = '', headers: Record<string, string> = {}) => as(t, null).get(`${MOOCHUB}${query}`, undefined, headers);

describe('MOOChub feed', () => {
  it('lists exactly the published, listed courses, valid against the MOOChub v3.0.1 schema', async () => {
    const res = await feed('', { accept: V3 });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.api+json; moochub-version=3.0');
    const body = res.json();
    expectValid(body);
    expect(body.data.map((d: { id: string }) => d.id)).toEqual([minimal.id, full.id]);
    expect(body.data.every((d: { type: string }) => d.type === 'Course')).toBe(true);
  });

  it('describes a course with minimal metadata with what the schema requires', async () => {
    const body = (await feed()).json();
    const a = body.data.find((d: { id: string }) => d.id === minimal.id).attributes;
    expectValid({ links: body.links, data: [{ id: minimal.id, type: 'Course', attributes: a }] });
    expect(a).toMatchObject({
      name: 'Minimaal',
      courseCode: minimal.slug,
      url: `https://leerpad.example.be/courses/${minimal.slug}`,
      description: '<p>Alleen wat moet.</p>',
      inLanguage: ['nl'],
      learningResourceType: { identifier: 'https://w3id.org/kim/hcrt/course', type: 'Concept', inScheme: 'https://w3id.org/kim/hcrt/scheme' },
      // No institution: the platform publishes; the lecturer is the creator.
      publisher: { type: 'Organization', name: 'Leerpad', url: 'https://leerpad.example.be' },
      creator: [{ type: 'Person', name: 'Otto Other' }],
      instructor: [{ type: 'Person', name: 'Otto Other' }],
      license: [{ identifier: 'CC-BY-4.0', url: 'https://spdx.org/licenses/CC-BY-4.0.html' }],
      startDate: [],
      endDate: [],
      access: ['free'],
      offer: [{ price: 0, priceCurrency: 'EUR', paymentFrequency: 'one-time', category: 'complete' }],
      numberOfCredits: null,
      keywords: [],
      courseMode: ['online', 'asynchronous'],
    });
    expect(a).not.toHaveProperty('image');
    expect(a).not.toHaveProperty('educationalLevel');
    expect(a).not.toHaveProperty('workload');
  });

  it('describes a course with full metadata with every attribute we hold', async () => {
    const body = (await feed()).json();
    const a = body.data.find((d: { id: string }) => d.id === full.id).attributes;
    expectValid({ links: body.links, data: [{ id: full.id, type: 'Course', attributes: a }] });
    const hogent = { type: 'Organization', name: 'Hogeschool Gent', url: 'https://www.hogent.be' };
    expect(a.name).toBe('Data & <script>alert(1)</script> in Vlaanderen');
    expect(a.courseCode).toBe('data-in-vlaanderen');
    // Sanitised HTML: the markdown rendered, scripts and event handlers gone.
    expect(a.description).toContain('<h1>Over deze cursus</h1>');
    expect(a.description).toContain('<strong>open data</strong>');
    expect(a.description).not.toMatch(/<script|onerror/);
    expect(a.inLanguage).toEqual(['nl', 'en']);
    expect(a.image).toMatchObject({ type: 'ImageObject', license: [{ identifier: 'CC-BY-SA-4.0', url: 'https://spdx.org/licenses/CC-BY-SA-4.0.html' }] });
    expect(a.image.contentUrl).toMatch(/^https:\/\/leerpad\.example\.be\/media\/covers\/[0-9a-f-]{36}-0123456789abcdef\.png$/);
    expect(a.publisher).toMatchObject(hogent);
    expect(a.publisher.image).toMatchObject({ type: 'ImageObject', contentUrl: 'https://leerpad.example.be/media/logos/hogent.svg' });
    expect(a.creator.map((c: { type: string; name: string }) => `${c.type}:${c.name}`)).toEqual(['Organization:Hogeschool Gent', 'Person:Olga Owner', 'Person:Otto Other']);
    expect(a.instructor).toHaveLength(2);
    expect(a.instructor[0]).toMatchObject({ type: 'Person', name: 'Olga Owner', affiliation: hogent });
    expect(a.contributor).toEqual([{ type: 'Organization', name: 'KU Leuven', url: null }]);
    expect(a.license).toEqual([{ identifier: 'CC-BY-SA-4.0', url: 'https://spdx.org/licenses/CC-BY-SA-4.0.html' }]);
    expect(a.startDate).toEqual(['2026-02-01T00:00:00.000Z']);
    expect(a.endDate).toEqual(['2026-03-15T00:00:00.000Z']);
    expect(a.applicationStartDate).toBe('2026-01-01T00:00:00.000Z');
    expect(a.applicationDeadline).toBe('2026-12-31T00:00:00.000Z');
    expect(a.duration).toBe('P6W');
    expect(a.workload).toEqual({ timeValue: 5, timeUnit: 'h/week' });
    expect(a.numberOfCredits).toBe(3);
    expect(a.educationalCredentialsAwarded).toEqual(['confirmation of participation', 'record of achievement']);
    expect(a.educationalAlignment).toEqual([
      expect.objectContaining({
        type: 'EducationalAlignment',
        educationalFramework: 'ISCED-F',
        educationalFrameworkVersion: '2013',
        shortCode: '0613',
        name: [{ inLanguage: 'en', name: 'Software and applications development and analysis' }],
      }),
    ]);
    expect(a.educationalLevel).toEqual([expect.objectContaining({ type: 'EducationalLevel', shortCode: '6', targetUrl: 'http://data.europa.eu/snb/eqf/6' })]);
    expect(a.keywords).toEqual(['open data', 'overheid']);
    expect(a.accessMode).toEqual(['textual', 'visual', 'auditory']);
    const lessons = full.syllabus[0].lessons;
    expect(a.hasPart).toEqual([
      { type: 'Text', identifier: `https://leerpad.example.be/courses/data-in-vlaanderen/lessons/${lessons[0].id}`, name: 'Welkom', duration: 'PT10M' },
      { type: 'Video', identifier: `https://leerpad.example.be/courses/data-in-vlaanderen/lessons/${lessons[1].id}`, name: 'De video', duration: 'PT12M34S' },
      { type: 'Quiz', identifier: `https://leerpad.example.be/courses/data-in-vlaanderen/lessons/${lessons[2].id}`, name: 'Test jezelf', duration: 'PT15M' },
    ]);
    expect(Date.parse(a.dateCreated)).toBeLessThanOrEqual(Date.parse(a.dateModified));
  });

  it('negotiates the version from Accept: major 3 (or none, or any JSON) is served, 2 and 4 get a 406 problem', async () => {
    for (const accept of [V3, 'application/vnd.api+json; moochub-version=3.0', 'application/vnd.api+json', 'application/json', '*/*', '', 'application/vnd.api+json; moochub-version=4, application/vnd.api+json; moochub-version=3; q=0.5']) {
      const res = await feed('', accept ? { accept } : {});
      expect(res.statusCode, accept).toBe(200);
      expect(res.headers['content-type']).toBe('application/vnd.api+json; moochub-version=3.0');
    }
    for (const accept of ['application/vnd.api+json; moochub-version=2', 'application/vnd.api+json; moochub-version=4', 'application/vnd.api+json; moochub-version=4.1', 'text/html', 'application/vnd.api+json; moochub-version=3; q=0']) {
      const body = expectProblem(await feed('', { accept }), 406, 'LEERPAD_NOT_ACCEPTABLE');
      expect(body.title).toBe('Unsupported requested version');
    }
  });

  it('pages with JSON:API links: self, first, last and next/prev only where they exist', async () => {
    const p1 = (await feed('?pageSize=1')).json();
    expectValid(p1);
    const base = 'https://leerpad.example.be/bridges/moochub/courses';
    expect(p1.links).toEqual({ self: `${base}?page=1&pageSize=1`, first: `${base}?page=1&pageSize=1`, last: `${base}?page=2&pageSize=1`, next: `${base}?page=2&pageSize=1` });
    expect(p1.data.map((d: { id: string }) => d.id)).toEqual([minimal.id]);
    const p2 = (await feed('?page=2&pageSize=1')).json();
    expect(p2.links).toEqual({ self: `${base}?page=2&pageSize=1`, first: `${base}?page=1&pageSize=1`, last: `${base}?page=2&pageSize=1`, prev: `${base}?page=1&pageSize=1` });
    expect(p2.data.map((d: { id: string }) => d.id)).toEqual([full.id]);
    const one = (await feed()).json();
    expect(one.links).toEqual({ self: `${base}?page=1`, first: `${base}?page=1`, last: `${base}?page=1` });
    const beyond = (await feed('?page=5&pageSize=1')).json();
    expectValid(beyond);
    expect(beyond.data).toEqual([]);
    expect(beyond.links.prev).toBe(`${base}?page=2&pageSize=1`);
    expectProblem(await feed('?page=0'), 400);
    expectProblem(await feed('?page=abc'), 400);
    expectProblem(await feed('?pageSize=101'), 400);
  });

  it('answers with an ETag and Cache-Control; If-None-Match gives 304 until a course changes', async () => {
    const first = await feed();
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=300');
    const again = await feed('', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    expect((await feed('', { 'if-none-match': `W/${etag}, "other"` })).statusCode).toBe(304);
    expect((await feed('', { 'if-none-match': '"stale"' })).statusCode).toBe(200);
    // A lecturer edits the course: the body changes, and so does the validator.
    t.clock.advance(1000);
    expect((await as(t, w.otherLecturer).patch(`/api/courses/${minimal.id}`, { summary: 'Nu met meer uitleg.' })).statusCode).toBe(200);
    const changed = await feed('', { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });
});

describe('search engines', () => {
  const rendered = (path: string, html = '<html><head><meta name="description" content="x" /><title>Leerpad</title></head><body></body></html>') => {
    const r = catalogRenderPage({ db: t.db, site: { baseUrl: t.config.baseUrl, siteName: t.config.siteName } })({ url: path } as FastifyRequest, html);
    return typeof r === 'string' ? { html: r, status: 200 } : r;
  };
  const page = (path: string, html?: string) => rendered(path, html).html;
  const jsonLd = (html: string) => {
    const m = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html);
    if (!m) throw new Error('no JSON-LD');
    return JSON.parse(m[1]);
  };

  it('puts title, description, canonical, Open Graph and a schema.org Course into the course page', () => {
    const html = page(`/courses/${full.slug}`);
    expect(html).toContain('<title>Data &amp; &lt;script&gt;alert(1)&lt;/script&gt; in Vlaanderen · Leerpad</title>');
    expect(html).toContain('<meta name="description" content="Alles over open data: wat, waarom en hoe." />');
    expect(html.match(/<meta name="description"/g)).toHaveLength(1);
    expect(html).toContain('<link rel="canonical" href="https://leerpad.example.be/courses/data-in-vlaanderen" />');
    expect(html).toContain('<meta property="og:title" content="Data &amp; &lt;script&gt;alert(1)&lt;/script&gt; in Vlaanderen" />');
    expect(html).toContain('<meta property="og:url" content="https://leerpad.example.be/courses/data-in-vlaanderen" />');
    expect(html).toMatch(/<meta property="og:image" content="https:\/\/leerpad\.example\.be\/media\/covers\/[^"]+\.png" \/>/);
    expect(html).not.toContain('noindex');
    // The title's "</script>" cannot end the JSON-LD block early: only one script element, and it parses.
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script>alert/);
    const ld = jsonLd(html);
    expect(ld).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'Course',
      name: 'Data & <script>alert(1)</script> in Vlaanderen',
      url: 'https://leerpad.example.be/courses/data-in-vlaanderen',
      courseCode: 'data-in-vlaanderen',
      inLanguage: ['nl', 'en'],
      provider: { '@type': 'CollegeOrUniversity', name: 'Hogeschool Gent', url: 'https://www.hogent.be' },
      isAccessibleForFree: true,
      offers: [{ '@type': 'Offer', category: 'Free', price: 0, priceCurrency: 'EUR' }],
      hasCourseInstance: [{ '@type': 'CourseInstance', courseMode: 'online', courseWorkload: 'PT30H', startDate: '2026-02-01T00:00:00.000Z', endDate: '2026-03-15T00:00:00.000Z' }],
      numberOfCredits: 3,
      educationalLevel: { '@type': 'DefinedTerm', name: 'EQF level 6', termCode: '6' },
      teaches: ['Open data vinden', 'Open data verwerken'],
      coursePrerequisites: 'Basiskennis van spreadsheets.',
      keywords: 'open data, overheid',
    });
    expect(ld.hasCourseInstance[0].instructor).toEqual([{ '@type': 'Person', name: 'Olga Owner' }, { '@type': 'Person', name: 'Otto Other' }]);
  });

  it('escapes anything that could close the script element', () => {
    const s = jsonForScript({ a: '</script><script>alert(1)</script>', b: '<!-- x -->', c: '\u2028' });
    expect(s).not.toMatch(/[<>]|\u2028/);
    expect(JSON.parse(s)).toEqual({ a: '</script><script>alert(1)</script>', b: '<!-- x -->', c: '\u2028' });
  });

  it('keeps drafts, unknown addresses and unlisted courses out of the index', () => {
    for (const [path, status] of [['/courses/concept', 200], ['/courses/no-such-course', 404], ['/courses/%E0%A4%A', 404]] as const) {
      const { html, status: got } = rendered(path);
      // A draft is still a page for its staff; an address no course has is gone.
      expect(got, path).toBe(status);
      expect(html, path).toContain('<meta name="robots" content="noindex" />');
      expect(html).not.toContain('application/ld+json');
    }
    const unlisted = page('/courses/verborgen');
    expect(unlisted).toContain('noindex');
    expect(unlisted).toContain('application/ld+json');
    // Other pages are left alone apart from the feed link.
    const home = page('/');
    expect(home).toContain('<link rel="alternate" type="application/atom+xml"');
    expect(home).toContain('<title>Leerpad</title>');
  });

  it('serves sitemap.xml with every listed course and a robots.txt that names it', async () => {
    const sitemap = await as(t, null).get('/sitemap.xml');
    expect(sitemap.statusCode).toBe(200);
    expect(sitemap.headers['content-type']).toBe('application/xml; charset=utf-8');
    const locs = [...sitemap.body.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
    expect(locs).toEqual([
      'https://leerpad.example.be/',
      'https://leerpad.example.be/courses',
      `https://leerpad.example.be/courses/${minimal.slug}`,
      'https://leerpad.example.be/courses/data-in-vlaanderen',
    ]);
    const robots = await as(t, null).get('/robots.txt');
    expect(robots.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(robots.body).toContain('Sitemap: https://leerpad.example.be/sitemap.xml');
    expect(robots.body).toContain('Disallow: /api/');
  });

  it('serves an Atom feed of new courses, newest first', async () => {
    const res = await as(t, null).get('/feeds/courses.atom');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(res.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
    const titles = [...res.body.matchAll(/<title type="text">([^<]+)<\/title>/g)].map((m) => m[1]);
    expect(titles).toEqual(['Data &amp; &lt;script&gt;alert(1)&lt;/script&gt; in Vlaanderen', 'Minimaal']);
    expect(res.body).toContain('<link rel="self" type="application/atom+xml" href="https://leerpad.example.be/feeds/courses.atom"/>');
    expect(res.body).not.toContain('<script');
    expect((await as(t, null).get('/feeds/courses.atom', undefined, { 'if-none-match': res.headers.etag as string })).statusCode).toBe(304);
  });
});

describe('course page served to a crawler (built client)', () => {
  let app: TestApp;
  beforeAll(async () => {
    execFileSync(process.execPath, [`${root}scripts/build-client-if-needed.mjs`], { cwd: root, stdio: 'inherit' });
    app = await buildCourseTestApp({ BASE_URL: 'https://leerpad.example.be' });
    const ww = await courseWorld(app);
    await makeCourse(app, ww.owner, { title: 'Waterbeheer', slug: 'waterbeheer', summary: 'Over dijken en polders.', ects: 4, eqfLevel: 5, workloadHours: 12, publish: true });
  }, 240_000);

  it('has the JSON-LD and the meta tags in the HTML, without running any script', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/courses/waterbeheer', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<title>Waterbeheer · Leerpad</title>');
    expect(res.body).toContain('<meta name="description" content="Over dijken en polders." />');
    expect(res.body).toContain('<link rel="canonical" href="https://leerpad.example.be/courses/waterbeheer" />');
    const ld = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(res.body)![1]);
    expect(ld).toMatchObject({
      '@type': 'Course',
      name: 'Waterbeheer',
      provider: { name: 'Hogeschool Gent' },
      offers: [{ price: 0, priceCurrency: 'EUR', category: 'Free' }],
      hasCourseInstance: [{ courseMode: 'online', courseWorkload: 'PT12H' }],
      inLanguage: 'nl',
      numberOfCredits: 4,
      educationalLevel: { name: 'EQF level 5' },
    });
    // The CSP still forbids inline scripts: JSON-LD is data, so the page needs no exception for it.
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(res.headers['content-security-policy'])).not.toContain('unsafe-inline');
  });
});
