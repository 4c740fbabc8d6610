import { useEffect, useState } from 'preact/hooks';
import { LoadError, Loading, Page } from '../components/page.tsx';
import { formatDate, lessonHref } from '../components/course.tsx';
import { progress as progressApi, type LearnerDashboard, type DashboardCourse } from '../api.ts';
import { describeError } from '../errors.ts';
import { formatDateTime } from '../i18n/core.ts';
import { t } from '../i18n/progress.ts';
import { ProgressBar, formatTime } from '../features/progress/widgets.tsx';
import '../features/progress/progress.css';

/** The lesson to continue with, at the second the learner left it (the lesson page reads `t`). */
export function continueHref(item: DashboardCourse): string {
  if (!item.continue) return `/courses/${encodeURIComponent(item.course.slug)}`;
  const at = Math.floor(item.continue.position);
  return lessonHref(item.course.slug, item.continue.lessonId) + (at > 0 ? `?t=${at}` : '');
}

function lastActivity(item: DashboardCourse): string {
  return item.lastActivityAt ? t('dash.lastActivity', { when: formatDateTime(item.lastActivityAt) }) : t('dash.notStarted');
}

/** When the learner enrolled, and when they were last active (or that they have not started). */
function Meta({ item }: { item: DashboardCourse }) {
  return (
    <p class="dash-course__meta">
      <span>{t('dash.enrolledOn', { date: formatDate(item.enrolledAt) })}</span>
      <span aria-hidden="true"> · </span>
      <span>{lastActivity(item)}</span>
    </p>
  );
}

function continueLabel(item: DashboardCourse): string {
  if (!item.continue) return t('dash.open');
  if (!item.lastActivityAt) return t('dash.start');
  return item.continue.position >= 1 ? t('dash.continueAt', { time: formatTime(item.continue.position) }) : t('dash.continue');
}

function InProgress({ item }: { item: DashboardCourse }) {
  const headingId = `dash-${item.course.id}`;
  return (
    <li class="card dash-course">
      <h3 class="dash-course__title" id={headingId}>
        <a href={`/courses/${encodeURIComponent(item.course.slug)}`}>{item.course.title}</a>
      </h3>
      <ProgressBar label={t('dash.progressOf', { course: item.course.title })} labelHidden value={item.percent} valueText={t('progress.percent', { percent: item.percent })} />
      <Meta item={item} />
      <p class="dash-course__action">
        <a class="button" href={continueHref(item)} aria-describedby={headingId}>
          {continueLabel(item)}
        </a>
      </p>
    </li>
  );
}

function Completed({ item }: { item: DashboardCourse }) {
  const headingId = `dash-${item.course.id}`;
  return (
    <li class="card dash-course">
      <h3 class="dash-course__title" id={headingId}>
        <a href={`/courses/${encodeURIComponent(item.course.slug)}`}>{item.course.title}</a>
      </h3>
      <p class="dash-course__meta">
        <span class="badge badge--ok">{t('dash.completedOn', { date: formatDate(item.completedAt!) })}</span>
      </p>
      <Meta item={item} />
      <p class="dash-course__action">
        <a class="button button--quiet" href={continueHref(item)} aria-describedby={headingId}>
          {t('dash.review')}
        </a>
      </p>
    </li>
  );
}

/** The learner's dashboard: where to pick up, every course in progress with its bar, and what is finished. */
export default function MyCourses() {
  const [data, setData] = useState<LearnerDashboard | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () => {
    setError(null);
    const ctl = new AbortController();
    progressApi.dashboard(ctl.signal).then(
      (r) => setData(r),
      (err: unknown) => {
        if ((err as Error).name !== 'AbortError') setError(describeError(err).message);
      },
    );
    return () => ctl.abort();
  };
  useEffect(load, []);

  const resume = data?.inProgress.find((c) => c.lastActivityAt && c.continue);
  return (
    <Page title={t('dash.title')}>
      {error ? (
        <LoadError message={error} retry={load} />
      ) : !data ? (
        <Loading />
      ) : data.inProgress.length === 0 && data.completed.length === 0 ? (
        <div class="empty-state card">
          <p>{t('dash.empty')}</p>
          <p>
            <a class="button button--primary" href="/courses">
              {t('dash.browse')}
            </a>
          </p>
        </div>
      ) : (
        <>
          {resume && (
            <section class="card dash-resume" aria-labelledby="dash-resume">
              <h2 id="dash-resume">{t('dash.resumeTitle')}</h2>
              <p id="dash-resume-body">
                {t('dash.resumeBody', { course: resume.course.title })} <span class="muted">({lastActivity(resume)})</span>
              </p>
              <p>
                <a class="button button--primary" href={continueHref(resume)} aria-describedby="dash-resume-body">
                  {continueLabel(resume)}
                </a>
              </p>
            </section>
          )}
          <section aria-labelledby="dash-progress">
            <h2 id="dash-progress">{t('dash.inProgress')}</h2>
            {data.inProgress.length === 0 ? (
              <p class="muted">
                {t('dash.noneInProgress')} <a href="/courses">{t('dash.browse')}</a>
              </p>
            ) : (
              <ul class="dash-list">
                {data.inProgress.map((item) => (
                  <InProgress key={item.course.id} item={item} />
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="dash-completed">
            <h2 id="dash-completed">{t('dash.completed')}</h2>
            {data.completed.length === 0 ? (
              <p class="muted">{t('dash.noneCompleted')}</p>
            ) : (
              <>
                <ul class="dash-list">
                  {data.completed.map((item) => (
                    <Completed key={item.course.id} item={item} />
                  ))}
                </ul>
                <p>
                  <a href="/credentials">{t('dash.credentials')}</a>
                </p>
              </>
            )}
          </section>
        </>
      )}
    </Page>
  );
}
