import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../clock.ts';
import { problems, type App } from '../http.ts';
import { courseSlugExists, listedCourseCount, listedCourseIds, loadCatalogCourses, publishedCourseIdBySlug, recentListedCourseIds } from './data.ts';
import type { Site } from './describe.ts';
import { atomFeed, robotsTxt, sitemapXml } from './feeds.ts';
import { MOOCHUB_CONTENT_TYPE, moochubResource, negotiateMoochub, pageLinks } from './moochub.ts';
import { MoochubQuery, MoochubResponse } from './schema.ts';
import { ATOM_PATH, coursePageHtml, hiddenPageHtml, plainPageHtml } from './seo.ts';
import type { RenderedPage } from '../plugins/client.ts';

/**
 * The open catalogue: the MOOChub feed (/bridges/moochub/courses), sitemap.xml, robots.txt, the Atom feed of new
 * courses, and the SEO tags that go into course pages through registerClient's renderPage.
 */
export interface CatalogDeps {
  db: Db;
  clock: Clock;
  site: Site;
}

const SITEMAP_MAX = 50_000;
const ATOM_ENTRIES = 50;

/**
 * A strong validator of the exact bytes, so a harvester that polls the feed gets 304 until a course changes
 * (lecturers and institutions included, since they are in the body).
 */
function sendCached(request: FastifyRequest, reply: FastifyReply, type: string, body: string, maxAge: number) {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
  reply.header('etag', etag).header('cache-control', `public, max-age=${maxAge}`).header('vary', 'Accept');
  const inm = request.headers['if-none-match'];
  if (inm && (inm.trim() === '*' || inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag))) {
    return reply.code(304).send();
  }
  // Bytes, so Fastify keeps the media type verbatim (for a JSON-ish string it would quote "3.0" and add a charset).
  return reply.header('content-type', type).send(Buffer.from(body));
}

export function catalogRoutes({ db, clock, site }: CatalogDeps) {
  return async function (app: App) {
    app.get('/bridges/moochub/courses', {
      config: { access: 'public' },
      schema: {
        tags: ['catalogue'],
        summary: 'MOOChub v3 catalogue: every published, listed course (JSON:API pages)',
        description:
          'Version negotiation through `Accept: application/vnd.api+json; moochub-version=3` (no version: the newest, 3.0; another major version: 406). ' +
          'Answers with an ETag; `If-None-Match` gives 304.',
        querystring: MoochubQuery,
        headers: Type.Object({ accept: Type.Optional(Type.String({ description: 'e.g. application/vnd.api+json; moochub-version=3' })) }),
        produces: [MOOCHUB_CONTENT_TYPE],
        response: { 200: MoochubResponse, 304: Type.Null({ description: 'Not modified' }), ...problems(400, 406) },
      },
    }, async (request, reply) => {
      negotiateMoochub(request.headers.accept);
      const { page, pageSize } = request.query;
      const total = listedCourseCount(db);
      const lastPage = Math.max(1, Math.ceil(total / pageSize));
      const courses = loadCatalogCourses(db, listedCourseIds(db, (page - 1) * pageSize, pageSize));
      const self = (p: number) => `${site.baseUrl}/bridges/moochub/courses?page=${p}${pageSize !== 50 ? `&pageSize=${pageSize}` : ''}`;
      const body = JSON.stringify({ links: pageLinks(self, page, lastPage), data: courses.map((c) => moochubResource(site, c)) });
      return sendCached(request, reply, MOOCHUB_CONTENT_TYPE, body, 300);
    });

    app.get('/sitemap.xml', {
      config: { access: 'public' },
      schema: { tags: ['catalogue'], summary: 'Sitemap of the home page, the catalogue and every published, listed course', response: { 200: Type.String(), 304: Type.Null() } },
    }, async (request, reply) => {
      const rows = db.$client
        .prepare(`SELECT slug, updated_at AS updatedAt FROM courses WHERE status = 'published' AND listed = 1 ORDER BY published_at, id LIMIT ?`)
        .all(SITEMAP_MAX) as { slug: string; updatedAt: number }[];
      return sendCached(request, reply, 'application/xml; charset=utf-8', sitemapXml(site, rows), 3600);
    });

    app.get('/robots.txt', {
      config: { access: 'public' },
      schema: { tags: ['catalogue'], summary: 'robots.txt, naming the sitemap', response: { 200: Type.String(), 304: Type.Null() } },
    }, async (request, reply) => sendCached(request, reply, 'text/plain; charset=utf-8', robotsTxt(site), 86_400));

    app.get(ATOM_PATH, {
      config: { access: 'public' },
      schema: { tags: ['catalogue'], summary: `Atom feed of the ${ATOM_ENTRIES} newest published, listed courses`, response: { 200: Type.String(), 304: Type.Null() } },
    }, async (request, reply) => {
      const courses = loadCatalogCourses(db, recentListedCourseIds(db, ATOM_ENTRIES));
      return sendCached(request, reply, 'application/atom+xml; charset=utf-8', atomFeed(site, courses, clock()), 900);
    });
  };
}

/** For registerClient: course pages get their SEO tags in the HTML itself; every page names the Atom feed. */
export function catalogRenderPage({ db, site }: Pick<CatalogDeps, 'db' | 'site'>) {
  return (request: FastifyRequest, html: string): RenderedPage => {
    const path = request.url.split('?')[0];
    const m = /^\/courses\/([^/]+)\/?$/.exec(path);
    if (!m) return plainPageHtml(html, site, path);
    let slug: string;
    try {
      slug = decodeURIComponent(m[1]);
    } catch {
      return { html: hiddenPageHtml(html, site), status: 404 };
    }
    const id = publishedCourseIdBySlug(db, slug);
    const course = id ? loadCatalogCourses(db, [id])[0] : undefined;
    if (course) return coursePageHtml(html, site, course);
    // A draft or archived course is still a page for its staff (the app loads it with their session), just not
    // for search engines; a slug no course has is a 404, so crawlers and link checkers see it gone.
    return courseSlugExists(db, slug) ? hiddenPageHtml(html, site) : { html: hiddenPageHtml(html, site), status: 404 };
  };
}
