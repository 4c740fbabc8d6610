import { randomBytes } from 'node:crypto';
import { conflict } from '../errors.ts';

const MAX = 80;
const UUID_LIKE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A URL-safe slug from free text: diacritics folded (é -> e, ß -> ss, æ -> ae), lower-case ascii letters and
 * digits joined by single hyphens. Letters with no ascii fold (Greek, Cyrillic, CJK) drop out; an empty result
 * becomes "course" so there is always something to number.
 */
export function slugify(text: string): string {
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/æ/gi, 'ae')
    .replace(/œ/gi, 'oe')
    .replace(/ø/gi, 'o')
    .replace(/đ/gi, 'd')
    .replace(/ł/gi, 'l')
    .replace(/ı/g, 'i')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = folded.slice(0, MAX).replace(/-+$/, '');
  return cut || 'course';
}

/** A slug that equals some course's UUID would make `/courses/:idOrSlug` ambiguous, so none may look like one. */
export const looksLikeUuid = (slug: string) => UUID_LIKE.test(slug);

/**
 * The first free variant of `base` (base, base-2, base-3, ...). Bounded: after 50 tries a random suffix ends
 * the search, so a pathological title cannot turn one create into thousands of lookups.
 */
export function uniqueSlug(base: string, taken: (slug: string) => boolean): string {
  if (!taken(base) && !looksLikeUuid(base)) return base;
  for (let n = 2; n <= 50; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, MAX - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!taken(candidate)) return candidate;
  }
  for (let tries = 0; tries < 10; tries++) {
    const suffix = `-${randomBytes(5).toString('hex')}`;
    const candidate = `${base.slice(0, MAX - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!taken(candidate)) return candidate;
  }
  throw conflict('Could not find a free slug; give one explicitly.', 'LEERPAD_SLUG_TAKEN');
}
