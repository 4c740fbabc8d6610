import { useEffect, useRef, useState } from 'preact/hooks';
import { LoadError, Loading, Page } from '../components/page.tsx';
import { kindLabel } from '../components/course.tsx';
import { courses, progress as progressApi, type CourseDetail, type LearnerDetail, type LearnersResponse, type LearnerSummary } from '../api.ts';
import { describeError } from '../errors.ts';
import { formatDateTime, formatNumber } from '../i18n/core.ts';
import { t } from '../i18n/progress.ts';
import { navigate } from '../router.ts';
import type { PageProps } from '../routes.ts';
import { ProgressBar, formatTime } from '../features/progress/widgets.tsx';
import '../features/progress/progress.css';

const PAGE_SIZE = 25;

function hrefOf(courseId: string, q: string, page: number, learner?: string | null) {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (page > 1) params.set('page', String(page));
  if (learner) params.set('learner', learner);
  const s = params.toString();
  return `/studio/courses/${encodeURIComponent(courseId)}/learners${s ? `?${s}` : ''}`;
}

const when = (iso: string | null) => (iso ? formatDateTime(iso) : '—');
const score = (p: number | null) => (p === null ? '—' : t('progress.percent', { percent: Math.round(p) }));

function LearnerDetailView({ courseId, userId, backHref }: { courseId: string; userId: string; backHref: string }) {
  const [data, setData] = useState<LearnerDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const load = () => {
    setError(null);
    const ctl = new AbortController();
    progressApi.learner(courseId, userId, ctl.signal).then(setData, (err: unknown) => {
      if ((err as Error).name !== 'AbortError') setError(describeError(err).message);
    });
    return () => ctl.abort();
  };
  useEffect(load, [courseId, userId]);
  // Opening a learner moves focus to their details, so a screen reader does not stay on the table.
  useEffect(() => {
    if (data) heading.current?.focus({ preventScroll: false });
  }, [data?.learner.userId]);

  if (error) return <LoadError message={error} retry={load} />;
  if (!data) return <Loading />;
  const l = data.learner;
  return (
    <section class="card learner-detail" aria-labelledby="learner-detail">
      <h2 id="learner-detail" ref={heading} tabIndex={-1}>
        {t('learners.detailTitle', { name: l.name })}
      </h2>
      <dl class="facts facts--compact">
        <dt>{t('learners.email')}</dt>
        <dd class="break">{l.email}</dd>
        <dt>{t('learners.enrolled')}</dt>
        <dd>{formatDateTime(l.enrolledAt)}</dd>
        <dt>{t('learners.lastActivity')}</dt>
        <dd>{when(l.lastActivityAt)}</dd>
        <dt>{t('learners.completed')}</dt>
        <dd>{l.completedAt ? formatDateTime(l.completedAt) : t('learners.notYet')}</dd>
      </dl>
      <ProgressBar label={t('progress.course')} value={l.percent} valueText={t('progress.percent', { percent: l.percent })} />
      <h3>{t('learners.lessons')}</h3>
      <div class="table-wrap">
        <table class="data-table learners-table">
          <thead>
            <tr>
              <th scope="col">{t('learners.lesson')}</th>
              <th scope="col">{t('learners.kind')}</th>
              <th scope="col">{t('learners.status')}</th>
              <th scope="col">{t('learners.watched')}</th>
              <th scope="col">{t('learners.quiz')}</th>
              <th scope="col">{t('learners.lastActivity')}</th>
            </tr>
          </thead>
          <tbody>
            {data.lessons.map((x) => (
              <tr key={x.lessonId}>
                <th scope="row">
                  {x.title}
                  {x.optional && <span class="muted"> ({t('learners.optional')})</span>}
                </th>
                <td>{kindLabel(x.kind)}</td>
                <td>
                  {x.completed ? (
                    <span class="badge badge--ok">{x.completedAt ? t('learners.doneOn', { when: formatDateTime(x.completedAt) }) : t('learners.done')}</span>
                  ) : (
                    <span class="muted">{t('learners.notDone')}</span>
                  )}
                </td>
                <td>
                  {x.kind === 'video'
                    ? x.durationSeconds
                      ? t('learners.watchedOf', { watched: formatTime(x.watchedSeconds), total: formatTime(x.durationSeconds) })
                      : formatTime(x.watchedSeconds)
                    : '—'}
                </td>
                <td>
                  {x.quiz
                    ? t('learners.quizResult', { best: score(x.quiz.bestPercent), attempts: x.quiz.attempts }) + (x.quiz.passed ? ` · ${t('learners.passed')}` : '')
                    : '—'}
                </td>
                <td>{when(x.lastActivityAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        <a href={backHref}>{t('learners.close')}</a>
      </p>
    </section>
  );
}

function LearnerRow({ l, quizzes, detailHref, current }: { l: LearnerSummary; quizzes: LearnersResponse['quizzes']; detailHref: string; current: boolean }) {
  return (
    <tr aria-current={current ? 'true' : undefined}>
      <th scope="row">
        <a href={detailHref}>
          {l.name}
          <span class="visually-hidden"> ({t('learners.details')})</span>
        </a>
      </th>
      <td class="break">{l.email}</td>
      <td>
        <ProgressBar label={t('learners.progressOf', { name: l.name })} labelHidden compact value={l.percent} valueText={t('progress.percent', { percent: l.percent })} />
      </td>
      <td>{when(l.lastActivityAt)}</td>
      <td>{l.completedAt ? formatDateTime(l.completedAt) : '—'}</td>
      {quizzes.map((q) => (
        <td key={q.lessonId}>{score(l.quizScores.find((s) => s.lessonId === q.lessonId)?.bestPercent ?? null)}</td>
      ))}
    </tr>
  );
}

/** Course staff: who follows the course and how far they are, with search, pages, one learner's detail and CSV. */
export default function StudioLearners({ params, query }: PageProps) {
  const courseId = params.id;
  const q = (query.get('q') ?? '').trim();
  const page = Math.max(1, Number.parseInt(query.get('page') ?? '1', 10) || 1);
  const learner = query.get('learner');
  const [course, setCourse] = useState<CourseDetail | null>(null);
  const [courseError, setCourseError] = useState<string | null>(null);
  const [data, setData] = useState<LearnersResponse | null>(null);
  const [error, setError] = useState<string | null>(null);

  const loadCourse = () => {
    setCourseError(null);
    courses.get(courseId).then(
      (r) => (r.course.viewer.role === 'staff' ? setCourse(r.course) : setCourseError(t('learners.notStaff'))),
      (err) => setCourseError(describeError(err).message),
    );
  };
  useEffect(loadCourse, [courseId]);

  const load = (signal?: AbortSignal) => {
    setError(null);
    progressApi.learners(courseId, { q: q || undefined, page, pageSize: PAGE_SIZE }, signal).then(setData, (err: unknown) => {
      if ((err as Error).name !== 'AbortError') setError(describeError(err).message);
    });
  };
  useEffect(() => {
    const ctl = new AbortController();
    load(ctl.signal);
    return () => ctl.abort();
  }, [courseId, q, page]);

  const onSearch = (e: Event) => {
    e.preventDefault();
    const value = String(new FormData(e.currentTarget as HTMLFormElement).get('q') ?? '').trim();
    navigate(hrefOf(courseId, value, 1));
  };

  if (courseError) return <LoadError message={courseError} retry={loadCourse} />;
  if (!course) return <Loading />;

  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const from = data && data.total ? (data.page - 1) * data.pageSize + 1 : 0;
  const to = data ? Math.min(data.total, data.page * data.pageSize) : 0;

  return (
    <Page title={t('learners.title', { course: course.title })}>
      <nav class="breadcrumbs" aria-label={t('learners.breadcrumbs')}>
        <a href="/studio">{t('learners.studio')}</a> <span aria-hidden="true">›</span>{' '}
        <a href={`/studio/courses/${encodeURIComponent(courseId)}`}>{course.title}</a>
      </nav>
      {learner && <LearnerDetailView key={learner} courseId={courseId} userId={learner} backHref={hrefOf(courseId, q, page)} />}
      <div class="learners-toolbar">
        <form role="search" class="search-form" onSubmit={onSearch} aria-label={t('learners.searchLabel')}>
          <label for="learner-search">{t('learners.search')}</label>
          <div class="inline-controls">
            <input id="learner-search" name="q" type="search" defaultValue={q} key={q} autoComplete="off" spellcheck={false} />
            <button type="submit" class="button">
              {t('action.search')}
            </button>
          </div>
        </form>
        <p>
          <a class="button" href={progressApi.learnersCsvUrl(courseId, q || undefined)} download>
            {t('learners.csv')}
          </a>
        </p>
      </div>
      {error ? (
        <LoadError message={error} retry={() => load()} />
      ) : !data ? (
        <Loading />
      ) : (
        <>
          <p class="result-count" aria-live="polite">
            {data.total
              ? t('learners.range', { from: formatNumber(from), to: formatNumber(to), total: formatNumber(data.total) })
              : q
                ? t('learners.noMatch', { q })
                : t('learners.none')}
          </p>
          {data.items.length > 0 && (
            <div class="table-wrap">
              <table class="data-table learners-table">
                <caption class="visually-hidden">{t('learners.caption', { course: course.title })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('learners.name')}</th>
                    <th scope="col">{t('learners.email')}</th>
                    <th scope="col">{t('learners.progress')}</th>
                    <th scope="col">{t('learners.lastActivity')}</th>
                    <th scope="col">{t('learners.completed')}</th>
                    {data.quizzes.map((qz) => (
                      <th scope="col" key={qz.lessonId}>
                        <span class="visually-hidden">{t('learners.quizColumn')} </span>
                        {qz.title}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((l) => (
                    <LearnerRow key={l.userId} l={l} quizzes={data.quizzes} current={l.userId === learner} detailHref={hrefOf(courseId, q, page, l.userId)} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {pages > 1 && (
            <nav class="pagination" aria-label={t('learners.pages')}>
              {data.page > 1 ? <a href={hrefOf(courseId, q, data.page - 1)}>{t('action.previous')}</a> : <span aria-hidden="true" />}
              <span>{t('learners.page', { page: data.page, pages })}</span>
              {data.page < pages ? <a href={hrefOf(courseId, q, data.page + 1)}>{t('action.next')}</a> : <span aria-hidden="true" />}
            </nav>
          )}
        </>
      )}
    </Page>
  );
}
