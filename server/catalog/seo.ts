import { escapeHtml } from '../markdown.ts';
import type { CatalogCourse } from './data.ts';
import {
  EQF,
  courseUrl,
  imageUrl,
  institutionName,
  iso,
  nameLang,
  plainSummary,
  workloadDuration,
  type Site,
} from './describe.ts';

/**
 * What a crawler without JavaScript sees on a course page: the SPA's index.html with the course's title, meta
 * description, canonical address, Open Graph tags and a schema.org `Course` in JSON-LD. JSON-LD is data, not
 * script, so the strict CSP (script-src 'self') does not stand in its way.
 */

/** JSON that can sit inside <script>: no "<" at all (so no "</script" or "<!--"), and no JS line separators. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function courseJsonLd(site: Site, c: CatalogCourse) {
  const lang = nameLang(c);
  const url = courseUrl(site, c.slug);
  const provider = c.institution
    ? { '@type': 'CollegeOrUniversity', name: institutionName(c.institution, lang), ...(c.institution.homepage ? { url: c.institution.homepage, sameAs: c.institution.homepage } : {}) }
    : { '@type': 'Organization', name: site.siteName, url: site.baseUrl };
  const image = imageUrl(site, c);
  const workload = workloadDuration(c);
  const credits = c.ects === null ? null : Number.isInteger(c.ects) ? c.ects : { '@type': 'StructuredValue', value: c.ects, unitText: 'ECTS' };
  return {
    '@context': 'https://schema.org',
    '@type': 'Course',
    '@id': url,
    url,
    name: c.title,
    description: plainSummary(c, 500),
    courseCode: c.slug,
    inLanguage: c.languages.length === 1 ? c.languages[0] : c.languages,
    provider,
    publisher: { '@type': 'Organization', name: site.siteName, url: site.baseUrl },
    ...(image ? { image } : {}),
    isAccessibleForFree: true,
    offers: [{ '@type': 'Offer', category: 'Free', price: 0, priceCurrency: 'EUR', url }],
    hasCourseInstance: [
      {
        '@type': 'CourseInstance',
        courseMode: 'online',
        ...(workload ? { courseWorkload: workload } : {}),
        ...(c.startsAt !== null ? { startDate: iso(c.startsAt) } : {}),
        ...(c.endsAt !== null ? { endDate: iso(c.endsAt) } : {}),
        ...(c.lecturers.length ? { instructor: c.lecturers.map((l) => ({ '@type': 'Person', name: l.name })) } : {}),
      },
    ],
    ...(credits !== null ? { numberOfCredits: credits } : {}),
    ...(c.eqfLevel
      ? { educationalLevel: { '@type': 'DefinedTerm', name: `EQF level ${c.eqfLevel}`, termCode: String(c.eqfLevel), inDefinedTermSet: EQF.url, url: EQF.target(c.eqfLevel) } }
      : {}),
    ...(c.learningOutcomes.length ? { teaches: c.learningOutcomes } : {}),
    ...(c.prerequisites.trim() ? { coursePrerequisites: c.prerequisites.trim() } : {}),
    ...(c.keywords.length ? { keywords: c.keywords.join(', ') } : {}),
    license: `https://spdx.org/licenses/${encodeURIComponent(c.licence)}.html`,
    ...(c.publishedAt !== null ? { datePublished: iso(c.publishedAt) } : {}),
    dateModified: iso(c.updatedAt),
  };
}

const attr = (s: string) => escapeHtml(s);

export const ATOM_PATH = '/feeds/courses.atom';

/** Tags that go on every page: the feed of new courses, for feed readers that look for it. */
function commonHead(site: Site): string {
  return `<link rel="alternate" type="application/atom+xml" title="${attr(site.siteName)}" href="${attr(ATOM_PATH)}" />`;
}

function inject(html: string, opts: { title?: string; description?: string; head: string[] }): string {
  let out = html;
  if (opts.title !== undefined) out = out.replace(/<title>[\s\S]*?<\/title>/, `<title>${escapeHtml(opts.title)}</title>`);
  if (opts.description !== undefined) {
    const tag = `<meta name="description" content="${attr(opts.description)}" />`;
    out = /<meta name="description"[^>]*>/.test(out) ? out.replace(/<meta name="description"[^>]*>/, tag) : out.replace('</head>', `${tag}\n</head>`);
  }
  return out.replace('</head>', `${opts.head.join('\n    ')}\n  </head>`);
}

/** index.html for the page of a published course. */
export function coursePageHtml(html: string, site: Site, c: CatalogCourse): string {
  const url = courseUrl(site, c.slug);
  const description = plainSummary(c, 300);
  const image = imageUrl(site, c);
  const locale = nameLang(c) === 'nl' ? 'nl_BE' : 'en_GB';
  const head = [
    `<link rel="canonical" href="${attr(url)}" />`,
    ...(c.listed ? [] : ['<meta name="robots" content="noindex" />']),
    `<meta property="og:type" content="website" />`,
    `<meta property="og:site_name" content="${attr(site.siteName)}" />`,
    `<meta property="og:title" content="${attr(c.title)}" />`,
    `<meta property="og:description" content="${attr(description)}" />`,
    `<meta property="og:url" content="${attr(url)}" />`,
    `<meta property="og:locale" content="${locale}" />`,
    ...(image ? [`<meta property="og:image" content="${attr(image)}" />`, `<meta property="og:image:alt" content="${attr(c.title)}" />`] : []),
    `<meta name="twitter:card" content="${image ? 'summary_large_image' : 'summary'}" />`,
    commonHead(site),
    `<script type="application/ld+json">${jsonForScript(courseJsonLd(site, c))}</script>`,
  ];
  return inject(html, { title: `${c.title} · ${site.siteName}`, description, head });
}

/** A course address that names no published course: the page may still work for staff, but is not for indexing. */
export function hiddenPageHtml(html: string, site: Site): string {
  return inject(html, { head: ['<meta name="robots" content="noindex" />', commonHead(site)] });
}

export function plainPageHtml(html: string, site: Site, path: string): string {
  const head = [commonHead(site)];
  if (path === '/' || path === '/courses') head.unshift(`<link rel="canonical" href="${attr(`${site.baseUrl}${path === '/' ? '/' : path}`)}" />`);
  return inject(html, { head });
}
