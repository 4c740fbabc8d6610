import { escapeHtml } from '../markdown.ts';
import type { CatalogCourse } from './data.ts';
import { courseUrl, descriptionHtml, iso, plainSummary, type Site } from './describe.ts';
import { ATOM_PATH } from './seo.ts';

/** sitemap.xml, robots.txt and the Atom feed of new courses: plain text built from the catalogue. */

/** XML 1.0 forbids most control characters even escaped: they are dropped. */
const xml = (s: string) => escapeHtml([...s].filter((ch) => { const c = ch.charCodeAt(0); return c >= 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; }).join(''));

export function sitemapXml(site: Site, courses: Pick<CatalogCourse, 'slug' | 'updatedAt'>[]): string {
  const url = (loc: string, lastmod?: number) => `  <url><loc>${xml(loc)}</loc>${lastmod ? `<lastmod>${iso(lastmod)}</lastmod>` : ''}</url>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    url(`${site.baseUrl}/`),
    url(`${site.baseUrl}/courses`),
    ...courses.map((c) => url(courseUrl(site, c.slug), c.updatedAt)),
    '</urlset>',
    '',
  ].join('\n');
}

/** Everything behind a login, the API and media stay out of search engines; course pages and the catalogue go in. */
export function robotsTxt(site: Site): string {
  return [
    'User-agent: *',
    'Allow: /',
    'Disallow: /api/',
    'Disallow: /hls/',
    'Disallow: /studio',
    'Disallow: /admin',
    'Disallow: /institution',
    'Disallow: /account',
    'Disallow: /my-courses',
    'Disallow: /credentials',
    'Disallow: /login',
    'Disallow: /register',
    'Disallow: /logout',
    '',
    `Sitemap: ${site.baseUrl}/sitemap.xml`,
    '',
  ].join('\n');
}

/** Atom 1.0 (RFC 4287): the newest published, listed courses, newest first. */
export function atomFeed(site: Site, courses: CatalogCourse[], now: number): string {
  const updated = courses.reduce((max, c) => Math.max(max, c.publishedAt ?? c.updatedAt, c.updatedAt), 0) || now;
  const entry = (c: CatalogCourse) => {
    const url = courseUrl(site, c.slug);
    const html = descriptionHtml(c);
    return [
      '  <entry>',
      `    <id>${xml(url)}</id>`,
      `    <title type="text">${xml(c.title)}</title>`,
      `    <link rel="alternate" type="text/html" href="${xml(url)}"/>`,
      `    <published>${iso(c.publishedAt ?? c.createdAt)}</published>`,
      `    <updated>${iso(c.updatedAt)}</updated>`,
      ...(c.lecturers.length ? c.lecturers.map((l) => `    <author><name>${xml(l.name)}</name></author>`) : [`    <author><name>${xml(c.institution?.nameNl ?? site.siteName)}</name></author>`]),
      `    <summary type="text">${xml(plainSummary(c, 500))}</summary>`,
      ...(html ? [`    <content type="html">${xml(html)}</content>`] : []),
      ...c.keywords.map((k) => `    <category term="${xml(k)}"/>`),
      '  </entry>',
    ].join('\n');
  };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${xml(`${site.baseUrl}${ATOM_PATH}`)}</id>`,
    `  <title>${xml(`${site.siteName}: new courses`)}</title>`,
    `  <link rel="self" type="application/atom+xml" href="${xml(`${site.baseUrl}${ATOM_PATH}`)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xml(`${site.baseUrl}/courses`)}"/>`,
    `  <updated>${iso(updated)}</updated>`,
    `  <generator>Leerpad</generator>`,
    ...courses.map(entry),
    '</feed>',
    '',
  ].join('\n');
}
