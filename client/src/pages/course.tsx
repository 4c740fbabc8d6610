import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { LoadError, Loading, Page } from '../components/page.tsx';
import {
  LiveStatus,
  firstLessonId,
  formatDate,
  formatDecimal,
  formatMinutes,
  institutionName,
  kindLabel,
  languageName,
  lessonHref,
  plural,
  subjectLabel,
} from '../components/course.tsx';
import { ApiError, courses, type CourseDetail } from '../api.ts';
import { describeError } from '../errors.ts';
import { t } from '../i18n/courses.ts';
import { me } from '../session.ts';
import type { PageProps } from '../routes.ts';

type Message = { kind: 'success' | 'error'; text: string } | null;

function enrolError(err: unknown): string {
  if (err instanceof ApiError && err.code === 'LEERPAD_UNPROCESSABLE') return t('enrol.closedNow');
  return describeError(err).message;
}

/** Enrol, continue, or leave: what the visitor can do with this course right now. */
function EnrolPanel({ course, onChanged }: { course: CourseDetail; onChanged: () => Promise<void> }) {
  const user = me.value;
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<Message>(null);
  const startLink = useRef<HTMLAnchorElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const leaveButton = useRef<HTMLButtonElement>(null);
  const status = useRef<HTMLDivElement>(null);
  const focusNext = useRef<'start' | 'confirm' | 'leave' | 'status' | null>(null);

  useEffect(() => {
    const want = focusNext.current;
    focusNext.current = null;
    if (want === 'start') (startLink.current ?? status.current)?.focus();
    else if (want === 'confirm') confirmButton.current?.focus();
    else if (want === 'leave') leaveButton.current?.focus();
    else if (want === 'status') status.current?.focus();
  });

  const first = firstLessonId(course);
  const slug = course.slug;
  const here = `/courses/${encodeURIComponent(slug)}`;

  const enrol = async () => {
    if (busy) return;
    setBusy(true);
    setMessage(null);
    try {
      await courses.enrol(course.id);
      await onChanged();
      setMessage({ kind: 'success', text: t('enrol.done') });
      focusNext.current = 'start';
    } catch (err) {
      setMessage({ kind: 'error', text: enrolError(err) });
      focusNext.current = 'status';
    } finally {
      setBusy(false);
    }
  };

  const unenrol = async () => {
    if (busy) return;
    setBusy(true);
    setMessage(null);
    try {
      await courses.unenrol(course.id);
      setConfirming(false);
      await onChanged();
      setMessage({ kind: 'success', text: t('enrol.left') });
    } catch (err) {
      setMessage({ kind: 'error', text: describeError(err).message });
    } finally {
      setBusy(false);
      focusNext.current = 'status';
    }
  };

  let body;
  if (user === undefined) body = null;
  else if (course.viewer.enrolled) {
    body = (
      <>
        <p class="enrol-panel__state">
          <span class="badge badge--ok">{t('enrol.enrolled')}</span>
        </p>
        {first && (
          <p>
            <a ref={startLink} class="button button--primary button--large" href={lessonHref(slug, first)}>
              {t('enrol.continue')}
            </a>
          </p>
        )}
        {confirming ? (
          <div class="confirm" role="group" aria-labelledby="unenrol-question">
            <p id="unenrol-question">{t('enrol.confirm', { title: course.title })}</p>
            <div class="actions">
              <button ref={confirmButton} type="button" class="button button--danger" aria-describedby="unenrol-question" aria-disabled={busy ? 'true' : undefined} onClick={unenrol}>
                {t('enrol.confirmYes')}
              </button>
              <button
                type="button"
                class="button"
                onClick={() => {
                  setConfirming(false);
                  focusNext.current = 'leave';
                }}
              >
                {t('action.cancel')}
              </button>
            </div>
          </div>
        ) : (
          <p>
            <button
              ref={leaveButton}
              type="button"
              class="button button--quiet button--small"
              onClick={() => {
                setConfirming(true);
                focusNext.current = 'confirm';
              }}
            >
              {t('enrol.leave')}
            </button>
          </p>
        )}
      </>
    );
  } else if (course.viewer.role === 'staff') {
    body = (
      <>
        <p>{t('enrol.staff')}</p>
        <p class="actions">
          {first && (
            <a class="button button--primary" href={lessonHref(slug, first)}>
              {t('enrol.view')}
            </a>
          )}
          <a class="button" href={`/studio/courses/${encodeURIComponent(course.id)}`}>
            {t('enrol.edit')}
          </a>
        </p>
      </>
    );
  } else if (!course.enrolmentOpen) {
    const opens = course.enrolmentOpensAt && Date.parse(course.enrolmentOpensAt) > Date.now() ? course.enrolmentOpensAt : null;
    body = <p>{opens ? t('enrol.opensOn', { date: formatDate(opens) }) : t('enrol.closed')}</p>;
  } else if (user === null) {
    body = (
      <>
        <p>{t('enrol.free')}</p>
        <p>
          <a class="button button--primary button--large" href={`/login?next=${encodeURIComponent(here)}`}>
            {t('enrol.login')}
          </a>
        </p>
        <p class="hint">
          {t('enrol.noAccount')} <a href={`/register?next=${encodeURIComponent(here)}`}>{t('enrol.register')}</a>
        </p>
      </>
    );
  } else {
    body = (
      <>
        <p>{t('enrol.free')}</p>
        <p>
          <button type="button" class="button button--primary button--large" aria-disabled={busy ? 'true' : undefined} onClick={enrol}>
            {busy ? t('enrol.busy') : t('enrol.action')}
          </button>
        </p>
      </>
    );
  }

  return (
    <div class="enrol-panel card">
      <LiveStatus message={message} focusRef={status} />
      {body}
    </div>
  );
}

function Facts({ course }: { course: CourseDetail }) {
  const rows: [string, string][] = [];
  if (course.institution) rows.push([t('facts.institution'), institutionName(course.institution)]);
  if (course.partners.length) rows.push([t('facts.partners'), course.partners.map(institutionName).join(', ')]);
  if (course.languages.length) rows.push([t('facts.languages'), course.languages.map(languageName).join(', ')]);
  if (course.workloadHours !== null) rows.push([t('facts.workload'), plural('unit.hours', course.workloadHours)]);
  if (course.estimatedWeeks !== null) rows.push([t('facts.weeks'), plural('unit.weeks', course.estimatedWeeks)]);
  if (course.totalMinutes > 0) rows.push([t('facts.content'), t('facts.contentValue', { lessons: plural('unit.lessons', course.syllabus.reduce((n, m) => n + m.lessons.length, 0)), time: formatMinutes(course.totalMinutes) })]);
  if (course.startsAt) rows.push([t('facts.starts'), formatDate(course.startsAt)]);
  if (course.endsAt) rows.push([t('facts.ends'), formatDate(course.endsAt)]);
  if (course.enrolmentClosesAt) rows.push([t('facts.enrolUntil'), formatDate(course.enrolmentClosesAt)]);
  if (course.ects !== null) rows.push([t('facts.ects'), formatDecimal(course.ects)]);
  if (course.eqfLevel !== null) rows.push([t('facts.eqf'), String(course.eqfLevel)]);
  if (course.iscedCode) rows.push([t('facts.subject'), subjectLabel(course.iscedCode)]);
  if (course.enrolmentCount !== null) rows.push([t('facts.enrolments'), plural('unit.enrolments', course.enrolmentCount)]);
  return (
    <dl class="facts facts--compact">
      {rows.map(([k, v]) => (
        <Fragment key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </Fragment>
      ))}
      <dt>{t('facts.licence')}</dt>
      <dd>
        <a href={`https://spdx.org/licenses/${encodeURIComponent(course.licence)}.html`} rel="license">
          {course.licence}
        </a>
      </dd>
    </dl>
  );
}

function Syllabus({ course }: { course: CourseDetail }) {
  const canRead = course.viewer.enrolled || course.viewer.role === 'staff';
  if (!course.syllabus.length) return <p>{t('syllabus.empty')}</p>;
  return (
    <ol class="syllabus">
      {course.syllabus.map((m, i) => (
        <li key={m.id} class="syllabus__module">
          <h3>
            <span class="syllabus__number">{t('syllabus.module', { n: i + 1 })}</span> {m.title}
          </h3>
          {m.lessons.length === 0 ? (
            <p class="muted">{t('syllabus.noLessons')}</p>
          ) : (
            <ol class="syllabus__lessons">
              {m.lessons.map((l) => (
                <li key={l.id}>
                  {canRead ? <a href={lessonHref(course.slug, l.id)}>{l.title}</a> : <span>{l.title}</span>}
                  <span class="lesson-meta">
                    {kindLabel(l.kind)} · {formatMinutes(l.estimatedMinutes)}
                    {l.optional && ` · ${t('lesson.optional')}`}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </li>
      ))}
    </ol>
  );
}

export default function CoursePage({ params }: PageProps) {
  const [course, setCourse] = useState<CourseDetail | null>(null);
  const [error, setError] = useState<{ notFound: boolean; text: string } | null>(null);
  const userId = me.value === undefined ? undefined : (me.value?.id ?? null);

  const load = async () => {
    try {
      const r = await courses.get(params.slug);
      setCourse(r.course);
      setError(null);
    } catch (err) {
      setError({ notFound: err instanceof ApiError && err.status === 404, text: describeError(err).message });
    }
  };
  // Logging in or out changes what the page offers (enrol, continue, edit).
  useEffect(() => {
    void load();
  }, [params.slug, userId]);

  if (error && !course) {
    if (error.notFound) {
      return (
        <Page title={t('course.notFound')}>
          <p>{t('course.notFoundBody')}</p>
          <p>
            <a href="/courses">{t('notFound.catalogue')}</a>
          </p>
        </Page>
      );
    }
    return <LoadError message={error.text} retry={() => void load()} />;
  }
  if (!course) return <Loading />;

  const lecturers = course.lecturers;
  return (
    <Page title={course.title} lead={course.summary || undefined}>
      {course.viewer.role === 'staff' && course.status !== 'published' && (
        <p class="notice">
          {t(`course.status.${course.status}`)} <a href={`/studio/courses/${encodeURIComponent(course.id)}`}>{t('enrol.edit')}</a>
        </p>
      )}
      <div class="course-layout">
        <aside class="course-layout__aside" aria-labelledby="course-facts">
          <EnrolPanel course={course} onChanged={load} />
          <h2 id="course-facts">{t('course.facts')}</h2>
          <Facts course={course} />
        </aside>
        <div class="course-layout__main">
          {course.coverUrl && <img class="course-cover" src={course.coverUrl} alt="" width={960} height={540} />}
          {course.descriptionHtml && (
            <section aria-labelledby="course-about">
              <h2 id="course-about">{t('course.about')}</h2>
              <div class="prose" dangerouslySetInnerHTML={{ __html: course.descriptionHtml }} />
            </section>
          )}
          {course.learningOutcomes.length > 0 && (
            <section aria-labelledby="course-outcomes">
              <h2 id="course-outcomes">{t('course.outcomes')}</h2>
              <ul class="outcomes">
                {course.learningOutcomes.map((o) => (
                  <li key={o}>{o}</li>
                ))}
              </ul>
            </section>
          )}
          {course.prerequisites && (
            <section aria-labelledby="course-prerequisites">
              <h2 id="course-prerequisites">{t('course.prerequisites')}</h2>
              <p class="pre-line">{course.prerequisites}</p>
            </section>
          )}
          <section aria-labelledby="course-syllabus">
            <h2 id="course-syllabus">{t('course.syllabus')}</h2>
            <Syllabus course={course} />
          </section>
          {lecturers.length > 0 && (
            <section aria-labelledby="course-lecturers">
              <h2 id="course-lecturers">{t('course.lecturers')}</h2>
              <ul class="lecturer-list">
                {lecturers.map((l) => (
                  <li key={l.id}>{l.name}</li>
                ))}
              </ul>
            </section>
          )}
          {course.keywords.length > 0 && (
            <section aria-labelledby="course-keywords">
              <h2 id="course-keywords">{t('course.keywords')}</h2>
              <ul class="tag-list">
                {course.keywords.map((k) => (
                  <li key={k}>
                    <a href={`/courses?q=${encodeURIComponent(k)}`}>{k}</a>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
      </div>
    </Page>
  );
}
