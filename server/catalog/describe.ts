import { escapeHtml, renderMarkdown } from '../markdown.ts';
import { coverUrl } from '../courses/views.ts';
import type { CatalogCourse, CatalogInstitution } from './data.ts';
import { iscedName } from './isced.ts';

/**
 * Facts about a course shared by the MOOChub feed and the schema.org JSON-LD of its page: addresses, licence,
 * durations, the organisation that offers it. Pure functions of a loaded course and the site's address.
 */
export interface Site {
  baseUrl: string;
  siteName: string;
}

export const courseUrl = (site: Site, slug: string) => `${site.baseUrl}/courses/${encodeURIComponent(slug)}`;
export const lessonUrl = (site: Site, slug: string, lessonId: string) => `${courseUrl(site, slug)}/lessons/${encodeURIComponent(lessonId)}`;
export const absolute = (site: Site, pathOrUrl: string) => (/^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${site.baseUrl}${pathOrUrl}`);
export const imageUrl = (site: Site, c: Pick<CatalogCourse, 'coverImageKey'>) => {
  const u = coverUrl(c.coverImageKey);
  return u ? absolute(site, u) : null;
};

/** An SPDX id links to its page on spdx.org; "proprietary" (and private LicenseRef- ids) link nowhere. */
export function licenceUrl(id: string): string | null {
  if (id.toLowerCase() === 'proprietary' || id.startsWith('LicenseRef-')) return null;
  return `https://spdx.org/licenses/${encodeURIComponent(id)}.html`;
}

/** The course description as sanitised HTML: the rendered markdown, else the summary as a paragraph, else null. */
export function descriptionHtml(c: Pick<CatalogCourse, 'description' | 'summary'>): string | null {
  if (c.description.trim()) return renderMarkdown(c.description);
  if (c.summary.trim()) return `<p>${escapeHtml(c.summary)}</p>`;
  return null;
}

/** Plain text for meta descriptions and Atom summaries: the summary, else the start of the description. */
export function plainSummary(c: Pick<CatalogCourse, 'description' | 'summary'>, max = 300): string {
  const text = (c.summary.trim() || c.description.replace(/[#*_`>[\]()!-]+/g, ' ')).replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

/** The language a name is given in: the course's first language when it is Dutch or English, else English. */
export function nameLang(c: Pick<CatalogCourse, 'languages'>): 'nl' | 'en' {
  return c.languages[0]?.toLowerCase().startsWith('nl') ? 'nl' : 'en';
}

export function institutionName(i: CatalogInstitution, lang: 'nl' | 'en'): string {
  return lang === 'nl' ? i.nameNl : i.nameEn;
}

/** ISO 8601 duration of n seconds, to the second: PT1H2M3S; PT0S for zero. */
export function isoSeconds(total: number): string {
  const s = Math.max(0, Math.round(total));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const out = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${sec || (!h && !m) ? `${sec}S` : ''}`;
  return `PT${out}`;
}

/** How long a lesson takes: a video's real length when known, else the lecturer's estimate. */
export function lessonSeconds(l: { kind: string; estimatedMinutes: number; videoSeconds: number | null }): number {
  return l.kind === 'video' && l.videoSeconds ? l.videoSeconds : l.estimatedMinutes * 60;
}

/** Calendar length of the course: the estimate in weeks, else the span between start and end (in days). */
export function courseDuration(c: Pick<CatalogCourse, 'estimatedWeeks' | 'startsAt' | 'endsAt'>): string | null {
  if (c.estimatedWeeks) return `P${c.estimatedWeeks}W`;
  if (c.startsAt !== null && c.endsAt !== null && c.endsAt > c.startsAt) return `P${Math.max(1, Math.round((c.endsAt - c.startsAt) / 86_400_000))}D`;
  return null;
}

/** Total study time as an ISO 8601 duration (schema.org courseWorkload): the stated hours, else the lessons. */
export function workloadDuration(c: Pick<CatalogCourse, 'workloadHours' | 'lessons'>): string | null {
  if (c.workloadHours) return isoSeconds(c.workloadHours * 3600);
  const seconds = c.lessons.reduce((sum, l) => sum + lessonSeconds(l), 0);
  return seconds > 0 ? isoSeconds(seconds) : null;
}

export const ISCED_F = {
  version: '2013',
  url: 'http://uis.unesco.org/sites/default/files/documents/international-standard-classification-of-education-fields-of-education-and-training-2013-detailed-field-descriptions-2015-en.pdf',
  target: (code: string) => `http://data.europa.eu/esco/isced-f/${code}`,
};

export function subjectNames(code: string) {
  return iscedName(code) ?? { en: `ISCED-F ${code}`, nl: null };
}

export const EQF = {
  url: 'https://europass.europa.eu/en/description-eight-eqf-levels',
  /** EU Vocabularies concept of the level, as the European Learning Model (Europass credentials) names it. */
  target: (level: number) => `http://data.europa.eu/snb/eqf/${level}`,
};

export const iso = (ms: number) => new Date(ms).toISOString();
