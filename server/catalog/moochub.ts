import { AppError } from '../errors.ts';
import type { CatalogCourse, CatalogInstitution } from './data.ts';
import {
  EQF,
  ISCED_F,
  courseDuration,
  courseUrl,
  descriptionHtml,
  imageUrl,
  institutionName,
  iso,
  isoSeconds,
  lessonSeconds,
  lessonUrl,
  licenceUrl,
  nameLang,
  subjectNames,
  absolute,
  type Site,
} from './describe.ts';

/**
 * The MOOChub catalogue (https://moochub.org, schema v3.0.1): every published, listed course as a JSON:API
 * resource. Everything we hold that the schema has a place for is given; what it has no place for (free-text
 * learning outcomes and prerequisites: its Skill objects demand an ESCO/DigComp/GRETA framework) is left out.
 */
export const MOOCHUB_MEDIA_TYPE = 'application/vnd.api+json';
export const MOOCHUB_VERSION = '3.0';
export const MOOCHUB_CONTENT_TYPE = `${MOOCHUB_MEDIA_TYPE}; moochub-version=${MOOCHUB_VERSION}`;
const SUPPORTED_MAJOR = 3;

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => {
      const [type, ...rest] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
      }
      const q = params.q === undefined ? 1 : Number(params.q);
      return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 1 };
    })
    .filter((r) => r.type);
}

/**
 * Version negotiation (MOOChub API v3): the client names the last major version it supports in
 * `Accept: application/vnd.api+json; moochub-version=3`. No version (or no Accept at all, or any range that covers
 * JSON) gets the newest, 3.0. A request that accepts only other major versions gets 406.
 */
export function negotiateMoochub(accept: string | undefined): void {
  if (!accept || !accept.trim()) return;
  const ranges = parseAccept(accept).filter((r) => r.q > 0);
  const acceptable = ranges.some((r) => {
    if (r.type === '*/*' || r.type === 'application/*' || r.type === 'application/json') return true;
    if (r.type !== MOOCHUB_MEDIA_TYPE) return false;
    const version = r.params['moochub-version'];
    if (version === undefined) return true;
    return /^\d+(\.\d+)*$/.test(version) && Number(version.split('.')[0]) === SUPPORTED_MAJOR;
  });
  if (acceptable) return;
  const asked = ranges.map((r) => r.params['moochub-version']).find((v) => v !== undefined);
  throw new AppError(
    406,
    'LEERPAD_NOT_ACCEPTABLE',
    'Unsupported requested version',
    asked !== undefined
      ? `MOOChub version ${asked} is not supported; this server speaks moochub-version=${MOOCHUB_VERSION} (${MOOCHUB_CONTENT_TYPE}).`
      : `This endpoint answers ${MOOCHUB_CONTENT_TYPE} only.`,
  );
}

const license = (id: string) => [{ identifier: id, url: licenceUrl(id) }];

function organization(site: Site, i: CatalogInstitution, lang: 'nl' | 'en') {
  return {
    type: 'Organization' as const,
    name: institutionName(i, lang),
    url: i.homepage ?? null,
    ...(i.logoUrl ? { image: { type: 'ImageObject' as const, contentUrl: absolute(site, i.logoUrl), license: license('proprietary'), description: institutionName(i, lang) } } : {}),
  };
}

const platform = (site: Site) => ({ type: 'Organization' as const, name: site.siteName, url: site.baseUrl });

const ITEM_TYPES: Record<string, 'Video' | 'Quiz' | 'Text'> = { video: 'Video', quiz: 'Quiz', text: 'Text' };

/** The `attributes` of one course. */
export function moochubAttributes(site: Site, c: CatalogCourse) {
  const lang = nameLang(c);
  const org = c.institution ? organization(site, c.institution, lang) : null;
  // The schema wants unique items: two lecturers with the same name would otherwise make two equal Persons.
  const persons = [...new Set(c.lecturers.map((l) => l.name))].map((name) => ({ type: 'Person' as const, name, ...(org ? { affiliation: org } : {}) }));
  const image = imageUrl(site, c);
  const duration = courseDuration(c);
  const weeks = c.estimatedWeeks;
  const credentials = [
    ...(c.awards.participation ? ['confirmation of participation' as const] : []),
    ...(c.awards.achievement ? ['record of achievement' as const] : []),
  ];
  const subject = c.iscedCode ? subjectNames(c.iscedCode) : null;
  const kinds = new Set(c.lessons.map((l) => l.kind));

  return {
    name: c.title,
    courseCode: c.slug,
    learningResourceType: { identifier: 'https://w3id.org/kim/hcrt/course', type: 'Concept', inScheme: 'https://w3id.org/kim/hcrt/scheme' },
    // Self-paced online courses: no fixed sessions, even when the course has a start and an end date.
    courseMode: ['online', 'asynchronous'],
    description: descriptionHtml(c),
    inLanguage: c.languages,
    // Empty lists: the course is always open.
    startDate: c.startsAt !== null ? [iso(c.startsAt)] : [],
    endDate: c.endsAt !== null ? [iso(c.endsAt)] : [],
    ...(image ? { image: { type: 'ImageObject', contentUrl: image, license: license(c.licence), description: c.title } } : {}),
    instructor: persons,
    ...(duration ? { duration } : {}),
    contributor: c.partners.map((p) => organization(site, p, lang)),
    publisher: org ?? platform(site),
    creator: [...(org ? [org] : []), ...persons].length ? [...(org ? [org] : []), ...persons] : [platform(site)],
    url: courseUrl(site, c.slug),
    // MOOChub knows hours per week, not total hours: the total is spread over the estimated weeks.
    ...(c.workloadHours && weeks ? { workload: { timeValue: Math.max(1, Math.round(c.workloadHours / weeks)), timeUnit: 'h/week' } } : {}),
    license: license(c.licence),
    access: ['free'],
    offer: [{ price: 0, priceCurrency: 'EUR', paymentFrequency: 'one-time', category: 'complete' }],
    numberOfCredits: c.ects ?? null,
    educationalCredentialsAwarded: credentials,
    ...(subject && c.iscedCode
      ? {
          educationalAlignment: [
            {
              type: 'EducationalAlignment',
              alignmentType: 'educationalSubject',
              educationalFramework: 'ISCED-F',
              educationalFrameworkVersion: ISCED_F.version,
              url: ISCED_F.url,
              name: [{ inLanguage: 'en', name: subject.en }, ...(subject.nl ? [{ inLanguage: 'nl', name: subject.nl }] : [])],
              shortCode: c.iscedCode,
              targetUrl: ISCED_F.target(c.iscedCode),
            },
          ],
        }
      : {}),
    ...(c.eqfLevel
      ? {
          // The schema lists ESCO, DigComp and GRETA only; EQF levels are the qualification levels ESCO uses.
          educationalLevel: [
            {
              type: 'EducationalLevel',
              educationalFramework: 'ESCO',
              educationalFrameworkVersion: 'EQF 2017',
              name: [
                { inLanguage: 'en', name: `EQF level ${c.eqfLevel}` },
                { inLanguage: 'nl', name: `EQF-niveau ${c.eqfLevel}` },
              ],
              alternateName: [`EQF ${c.eqfLevel}`],
              shortCode: String(c.eqfLevel),
              url: EQF.url,
              targetUrl: EQF.target(c.eqfLevel),
            },
          ],
        }
      : {}),
    keywords: c.keywords,
    applicationStartDate: c.enrolmentOpensAt !== null ? iso(c.enrolmentOpensAt) : null,
    applicationDeadline: c.enrolmentClosesAt !== null ? iso(c.enrolmentClosesAt) : null,
    accessMode: [...(kinds.size ? ['textual'] : []), ...(kinds.has('video') ? ['visual', 'auditory'] : [])],
    dateCreated: iso(c.createdAt),
    dateModified: iso(c.updatedAt),
    hasPart: c.lessons.map((l) => {
      const seconds = lessonSeconds(l);
      return { type: ITEM_TYPES[l.kind] ?? 'other', identifier: lessonUrl(site, c.slug, l.id), name: l.title, duration: seconds > 0 ? isoSeconds(seconds) : null };
    }),
  };
}

export function moochubResource(site: Site, c: CatalogCourse) {
  return { id: c.id, type: 'Course' as const, attributes: moochubAttributes(site, c) };
}

/** JSON:API pagination links; `next`/`prev` only where such a page exists. */
export function pageLinks(self: (page: number) => string, page: number, lastPage: number) {
  return {
    self: self(page),
    first: self(1),
    last: self(lastPage),
    ...(page < lastPage ? { next: self(page + 1) } : {}),
    ...(page > 1 ? { prev: self(Math.min(page - 1, lastPage)) } : {}),
  };
}
