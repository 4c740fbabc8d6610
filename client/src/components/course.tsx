import type { ComponentChildren } from 'preact';
import type { CourseCard } from '../api.ts';
import { lang } from '../i18n/core.ts';
import { t } from '../i18n/courses.ts';

/** Small pieces shared by the course pages (catalogue, landing page, lesson view, my courses, studio). */

export const ISCED_BROAD = ['00', '01', '02', '03', '04', '05', '06', '07', '08', '09', '10'] as const;
export const EQF_LEVELS = [1, 2, 3, 4, 5, 6, 7, 8] as const;
/** Languages offered as choices; a course may carry others (any BCP 47 tag), which are shown by name too. */
export const COMMON_LANGUAGES = ['nl', 'en', 'fr', 'de'] as const;
export type LessonKind = 'text' | 'video' | 'quiz';

const locale = () => (lang.value === 'nl' ? 'nl-BE' : 'en-GB');

/** "Nederlands" / "Dutch" for "nl"; the tag itself where the browser has no name for it. */
export function languageName(tag: string): string {
  try {
    const name = new Intl.DisplayNames([locale()], { type: 'language' }).of(tag);
    if (name && name !== tag) return name.charAt(0).toLocaleUpperCase(locale()) + name.slice(1);
  } catch {
    // an invalid tag: show it as it is
  }
  return tag;
}

/** Picks `key.one` or `key.other` by the plural rules of the current language. */
export function plural(key: 'unit.hours' | 'unit.weeks' | 'unit.lessons' | 'unit.courses' | 'unit.enrolments', n: number): string {
  const form = new Intl.PluralRules(locale()).select(n) === 'one' ? 'one' : 'other';
  return t(`${key}.${form}`, { n: formatDecimal(n) });
}

export function formatDecimal(n: number): string {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(n);
}

/** 95 -> "1 u 35 min" */
export function formatMinutes(total: number): string {
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (!h) return t('unit.minutes', { m });
  if (!m) return t('unit.hoursShort', { h });
  return t('unit.hoursMinutes', { h, m });
}

export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'long' }).format(new Date(iso));
}

export const lessonHref = (slug: string, lessonId: string) => `/courses/${encodeURIComponent(slug)}/lessons/${encodeURIComponent(lessonId)}`;
export const firstLessonId = (course: { syllabus: { lessons: { id: string }[] }[] }) => course.syllabus.flatMap((m) => m.lessons)[0]?.id ?? null;

export const kindLabel = (kind: LessonKind) => t(`kind.${kind}`);

/** "05 Natural sciences, …" for an ISCED-F code of 2 to 4 digits (the broad field is its first two). */
export function subjectLabel(code: string): string {
  const broad = code.slice(0, 2);
  return (ISCED_BROAD as readonly string[]).includes(broad) ? t(`isced.${broad as (typeof ISCED_BROAD)[number]}`) : code;
}

export function institutionName(inst: { nameNl: string; nameEn: string }): string {
  return lang.value === 'nl' ? inst.nameNl : inst.nameEn;
}

/** The small facts under a card's title; each one is readable on its own. */
function CardFacts({ card }: { card: CourseCard }) {
  const facts: string[] = [];
  if (card.languages.length) facts.push(card.languages.map(languageName).join(', '));
  if (card.workloadHours !== null) facts.push(plural('unit.hours', card.workloadHours));
  if (card.estimatedWeeks !== null) facts.push(plural('unit.weeks', card.estimatedWeeks));
  if (card.eqfLevel !== null) facts.push(t('card.eqf', { level: card.eqfLevel }));
  if (card.enrolmentCount !== null) facts.push(plural('unit.enrolments', card.enrolmentCount));
  if (!facts.length) return null;
  return (
    <ul class="course-card__facts">
      {facts.map((f) => (
        <li key={f}>{f}</li>
      ))}
    </ul>
  );
}

/**
 * A course in a list: the title is the one link (so a screen reader's list of links reads well), with the
 * institution, lecturers and summary below. `children` adds actions (studio, my courses).
 */
export function CourseCardView({ card, href, heading = 'h3', children }: { card: CourseCard; href?: string; heading?: 'h2' | 'h3'; children?: ComponentChildren }) {
  const H = heading;
  return (
    <li class="course-card">
      {card.coverUrl && <img class="course-card__cover" src={card.coverUrl} alt="" loading="lazy" width={480} height={270} />}
      <div class="course-card__body">
        <H class="course-card__title">
          <a href={href ?? `/courses/${encodeURIComponent(card.slug)}`}>{card.title}</a>
        </H>
        {(card.institution || card.lecturers.length > 0) && (
          <p class="course-card__by">
            {card.institution && <span>{institutionName(card.institution)}</span>}
            {card.institution && card.lecturers.length > 0 && <span aria-hidden="true"> · </span>}
            {card.lecturers.length > 0 && <span>{card.lecturers.map((l) => l.name).join(', ')}</span>}
          </p>
        )}
        {card.summary && <p class="course-card__summary">{card.summary}</p>}
        <CardFacts card={card} />
        {children}
      </div>
    </li>
  );
}

/** A polite live region that is always in the DOM (so its changes are announced), styled like a form status. */
export function LiveStatus({ message, focusRef }: { message: { kind: 'success' | 'error'; text: string; extra?: string[] } | null; focusRef?: { current: HTMLDivElement | null } }) {
  return (
    <div ref={focusRef} tabIndex={-1} class={`form-status${message ? ` form-status--${message.kind}` : ''}`} aria-live="polite" aria-atomic="true">
      {message && (
        <>
          <p>{message.text}</p>
          {message.extra && message.extra.length > 0 && (
            <ul>
              {message.extra.map((x) => (
                <li key={x}>{x}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
