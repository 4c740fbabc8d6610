import { useEffect, useRef, useState } from 'preact/hooks';
import { LoadError, Page } from '../components/page.tsx';
import { COMMON_LANGUAGES, CourseCardView, EQF_LEVELS, ISCED_BROAD, institutionName, languageName, plural } from '../components/course.tsx';
import { courses, institutions as institutionsApi, type CourseCard, type Institution, type Paged } from '../api.ts';
import { describeError } from '../errors.ts';
import { formatNumber } from '../i18n/core.ts';
import { t } from '../i18n/courses.ts';
import { navigate } from '../router.ts';
import type { PageProps } from '../routes.ts';

const PAGE_SIZE = 12;
const SORTS = ['relevance', 'newest', 'popular'] as const;
type Sort = (typeof SORTS)[number];
/** How long typing pauses before the search runs by itself. */
const DEBOUNCE_MS = 350;

/** Everything the catalogue shows lives in the URL: shareable, and the back button steps through searches. */
interface Filters {
  q: string;
  institution: string;
  language: string;
  level: string;
  subject: string;
  sort: '' | Sort;
  page: number;
}

function readFilters(query: URLSearchParams): Filters {
  const level = query.get('level') ?? '';
  const sort = query.get('sort') ?? '';
  const page = Number(query.get('page') ?? '1');
  return {
    q: (query.get('q') ?? '').trim(),
    institution: query.get('institution') ?? '',
    language: query.get('language') ?? '',
    level: /^[1-8]$/.test(level) ? level : '',
    subject: /^[0-9]{2,4}$/.test(query.get('subject') ?? '') ? query.get('subject')! : '',
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as Sort) : '',
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

function hrefOf(f: Filters): string {
  const params = new URLSearchParams();
  if (f.q) params.set('q', f.q);
  if (f.institution) params.set('institution', f.institution);
  if (f.language) params.set('language', f.language);
  if (f.level) params.set('level', f.level);
  if (f.subject) params.set('subject', f.subject);
  if (f.sort) params.set('sort', f.sort);
  if (f.page > 1) params.set('page', String(f.page));
  const s = params.toString();
  return s ? `/courses?${s}` : '/courses';
}

export default function Catalogue({ query }: PageProps) {
  const filters = readFilters(query);
  const href = hrefOf(filters);
  const [data, setData] = useState<Paged<CourseCard> | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [insts, setInsts] = useState<Institution[]>([]);
  const [text, setText] = useState(filters.q);
  /** The query the search box last put into the URL; another change of `q` came from elsewhere (back button). */
  const lastQ = useRef(filters.q);
  const [retries, setRetries] = useState(0);

  useEffect(() => {
    institutionsApi.list().then(
      (r) => setInsts(r.items),
      () => setInsts([]), // the filter is a convenience: without it the catalogue still works
    );
  }, []);

  useEffect(() => {
    if (filters.q !== lastQ.current) {
      lastQ.current = filters.q;
      setText(filters.q);
    }
  }, [filters.q]);

  useEffect(() => {
    const ctl = new AbortController();
    setLoading(true);
    setLoadError(null);
    courses
      .catalogue(
        {
          q: filters.q || undefined,
          institution: filters.institution || undefined,
          language: filters.language || undefined,
          level: filters.level ? Number(filters.level) : undefined,
          subject: filters.subject || undefined,
          sort: filters.sort || undefined,
          page: filters.page,
          pageSize: PAGE_SIZE,
        },
        ctl.signal,
      )
      .then(
        (r) => {
          setData(r);
          setLoading(false);
        },
        (err: unknown) => {
          if ((err as Error).name === 'AbortError') return;
          setLoadError(describeError(err).message);
          setLoading(false);
        },
      );
    return () => ctl.abort();
  }, [href, retries]);

  // Another page of results: bring its top into view (the pagination links sit at the bottom).
  const results = useRef<HTMLElement>(null);
  const shownPage = useRef(filters.page);
  useEffect(() => {
    if (!data || shownPage.current === data.page) return;
    shownPage.current = data.page;
    results.current?.scrollIntoView({ block: 'start' });
  }, [data]);

  // Handlers that run later (the typing timer) must see the filters of now, not of the render that made them.
  const current = useRef(filters);
  current.current = filters;
  const go = (next: Partial<Filters>, opts: { replace?: boolean } = {}) => {
    const merged = { ...current.current, page: 1, ...next };
    lastQ.current = merged.q;
    navigate(hrefOf(merged), opts);
  };

  // Searching while typing: the first search of a visit adds a history entry, refinements replace it.
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    const q = text.trim();
    if (q === filters.q) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      if (q !== current.current.q) go({ q }, { replace: current.current.q !== '' });
    }, DEBOUNCE_MS);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [text]);

  const onSubmit = (e: Event) => {
    e.preventDefault();
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const q = text.trim();
    if (q !== filters.q) go({ q });
  };

  const active = !!(filters.institution || filters.language || filters.level || filters.subject);
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const sortValue = filters.sort || (filters.q ? 'relevance' : 'newest');
  const languages = [...new Set<string>([...COMMON_LANGUAGES, ...(filters.language ? [filters.language] : [])])];

  return (
    <Page title={t('catalogue.title')} lead={t('catalogue.lead')}>
      <form role="search" class="catalogue-search" onSubmit={onSubmit} aria-label={t('catalogue.searchLabel')}>
        <div class="search-form">
          <label for="catalogue-q">{t('catalogue.search')}</label>
          <p class="hint" id="catalogue-q-hint">
            {t('catalogue.searchHint')}
          </p>
          <div class="inline-controls">
            <input
              id="catalogue-q"
              name="q"
              type="search"
              value={text}
              onInput={(e) => setText(e.currentTarget.value)}
              autoComplete="off"
              aria-describedby="catalogue-q-hint"
              maxLength={200}
            />
            <button type="submit" class="button">
              {t('action.search')}
            </button>
          </div>
        </div>
        <fieldset class="catalogue-filters">
          <legend>{t('catalogue.filters')}</legend>
          <div class="catalogue-filters__grid">
            <div class="field">
              <label for="filter-institution">{t('catalogue.institution')}</label>
              <select id="filter-institution" value={filters.institution} onChange={(e) => go({ institution: e.currentTarget.value })}>
                <option value="">{t('catalogue.any')}</option>
                {insts.map((i) => (
                  <option key={i.id} value={i.id}>
                    {institutionName(i)}
                  </option>
                ))}
                {filters.institution && !insts.some((i) => i.id === filters.institution) && <option value={filters.institution}>{filters.institution}</option>}
              </select>
            </div>
            <div class="field">
              <label for="filter-language">{t('catalogue.language')}</label>
              <select id="filter-language" value={filters.language} onChange={(e) => go({ language: e.currentTarget.value })}>
                <option value="">{t('catalogue.any')}</option>
                {languages.map((l) => (
                  <option key={l} value={l}>
                    {languageName(l)}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="filter-level">{t('catalogue.level')}</label>
              <select id="filter-level" value={filters.level} onChange={(e) => go({ level: e.currentTarget.value })}>
                <option value="">{t('catalogue.any')}</option>
                {EQF_LEVELS.map((l) => (
                  <option key={l} value={String(l)}>
                    {t('card.eqf', { level: l })}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="filter-subject">{t('catalogue.subject')}</label>
              <select id="filter-subject" value={filters.subject} onChange={(e) => go({ subject: e.currentTarget.value })}>
                <option value="">{t('catalogue.any')}</option>
                {ISCED_BROAD.map((c) => (
                  <option key={c} value={c}>
                    {t(`isced.${c}`)}
                  </option>
                ))}
                {filters.subject && !(ISCED_BROAD as readonly string[]).includes(filters.subject) && <option value={filters.subject}>{filters.subject}</option>}
              </select>
            </div>
            <div class="field">
              <label for="filter-sort">{t('catalogue.sort')}</label>
              <select id="filter-sort" value={sortValue} onChange={(e) => go({ sort: e.currentTarget.value as Sort })}>
                {SORTS.map((s) => (
                  <option key={s} value={s}>
                    {t(`sort.${s}`)}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {active && (
            <p>
              <a href={hrefOf({ ...filters, institution: '', language: '', level: '', subject: '', page: 1 })}>{t('catalogue.clearFilters')}</a>
            </p>
          )}
        </fieldset>
      </form>

      <section ref={results} aria-labelledby="catalogue-results" aria-busy={loading ? 'true' : undefined}>
        <h2 id="catalogue-results" class="visually-hidden">
          {t('catalogue.results')}
        </h2>
        <p class="result-count" role="status">
          {data && (data.total ? plural('unit.courses', data.total) : t('catalogue.noneCount'))}
        </p>
        {loadError ? (
          <LoadError message={loadError} retry={() => setRetries((n) => n + 1)} />
        ) : !data ? (
          <p class="loading">{t('state.loading')}</p>
        ) : data.items.length === 0 ? (
          <div class="empty-state">
            <p>{filters.q || active ? t('catalogue.noneFound') : t('catalogue.empty')}</p>
            {active && (
              <p>
                <a href={hrefOf({ ...filters, institution: '', language: '', level: '', subject: '', page: 1 })}>{t('catalogue.clearFilters')}</a>
              </p>
            )}
          </div>
        ) : (
          <ul class="course-grid">
            {data.items.map((c) => (
              <CourseCardView key={c.id} card={c} />
            ))}
          </ul>
        )}
        {data && pages > 1 && (
          <nav class="pagination" aria-label={t('catalogue.pages')}>
            {filters.page > 1 ? (
              <a href={hrefOf({ ...filters, page: filters.page - 1 })} rel="prev">
                {t('action.previous')}
              </a>
            ) : (
              <span />
            )}
            <span>{t('catalogue.pageOf', { page: formatNumber(filters.page), pages: formatNumber(pages) })}</span>
            {filters.page < pages ? (
              <a href={hrefOf({ ...filters, page: filters.page + 1 })} rel="next">
                {t('action.next')}
              </a>
            ) : (
              <span />
            )}
          </nav>
        )}
      </section>
    </Page>
  );
}
