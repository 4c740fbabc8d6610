import type { ComponentChildren, ComponentType } from 'preact';
import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { LoadError, Loading, Page } from '../components/page.tsx';
import { formatMinutes, kindLabel, lessonHref } from '../components/course.tsx';
import { ApiError, courses, type CourseDetail, type LessonView } from '../api.ts';
import type { LessonViewProps } from '../features/contract.ts';
import { describeError } from '../errors.ts';
import { t } from '../i18n/courses.ts';
import { LockIcon, LockedLesson, MarkDone, OutlineProgress, resumePosition, useCourseProgress, useVideoHeartbeats } from '../features/progress/lesson.tsx';
import { t as tp } from '../i18n/progress.ts';
import type { PageProps } from '../routes.ts';

/** An outline lesson; `completed` is filled by the progress feature when it knows. */
type OutlineLesson = CourseDetail['syllabus'][number]['lessons'][number] & { completed?: boolean; locked?: { id: string; title: string } | null };
type Outline = { id: string; title: string; lessons: OutlineLesson[] }[];

/** The course of the last lesson shown: going to the next lesson re-renders the outline at once. */
const courseCache = new Map<string, CourseDetail>();

/** The duration of the video that plays, when the lesson answer carries it. */
function videoDuration(lesson: LessonView): number | null {
  const v = (lesson as LessonView & { video?: { current?: { durationSeconds?: number | null } | null } | null }).video;
  return v?.current?.durationSeconds ?? null;
}

type KindViewProps = LessonViewProps & { startAt?: number | null };

const kindViews: Record<'video' | 'quiz', () => Promise<{ default: ComponentType<KindViewProps> }>> = {
  video: () => import('../features/video/lesson.tsx'),
  quiz: () => import('../features/quiz/lesson.tsx'),
};
/** Kind views already loaded: the next lesson of that kind draws at once. */
const loadedViews = new Map<string, ComponentType<KindViewProps>>();

function loadView(kind: 'video' | 'quiz'): Promise<ComponentType<KindViewProps>> {
  return kindViews[kind]().then((m) => {
    loadedViews.set(kind, m.default);
    return m.default;
  });
}

/** Video and quiz lessons are drawn by their own features, loaded only when such a lesson is opened. */
function KindView({ lesson, onCompleted, startAt }: { lesson: LessonView; onCompleted: () => void; startAt?: number | null }) {
  const kind = lesson.kind as 'video' | 'quiz';
  const [View, setView] = useState(() => loadedViews.get(kind) ?? null);
  const [failed, setFailed] = useState(false);
  // A layout effect: a view already loaded (preloaded with the lesson) draws before the next paint, not after it.
  useLayoutEffect(() => {
    if (View) return;
    let live = true;
    loadView(kind).then(
      (v) => live && setView(() => v),
      (err: unknown) => {
        console.error('lesson view failed to load', err);
        if (live) setFailed(true);
      },
    );
    return () => {
      live = false;
    };
  }, [kind, View]);
  if (failed) return <LoadError message={t('state.loadFailed')} retry={() => window.location.reload()} />;
  if (!View) return <Loading />;
  return <View lesson={lesson as LessonViewProps['lesson']} onCompleted={onCompleted} startAt={startAt} />;
}

function OutlineNav({ course, outline, currentId, summary }: { course: CourseDetail; outline: Outline; currentId: string; summary?: ComponentChildren }) {
  // On a small screen the outline folds away above the lesson; on a wide one it is a sidebar, always open.
  const [open, setOpen] = useState(false);
  return (
    <nav class="outline" aria-labelledby="outline-title">
      <div class="outline__head">
        <h2 id="outline-title" class="outline__title">
          {t('lesson.outline')}
        </h2>
        <button type="button" class="button button--small outline__toggle" aria-expanded={open ? 'true' : 'false'} aria-controls="outline-body" onClick={() => setOpen(!open)}>
          {open ? t('lesson.hideOutline') : t('lesson.showOutline')}
        </button>
      </div>
      <div id="outline-body" class={`outline__body${open ? ' outline__body--open' : ''}`}>
        <p class="outline__course">
          <a href={`/courses/${encodeURIComponent(course.slug)}`}>{course.title}</a>
        </p>
        {summary}
        <ol class="outline__modules">
          {outline.map((m) => (
            <li key={m.id}>
              <span class="outline__module">{m.title}</span>
              <ol class="outline__lessons">
                {m.lessons.map((l) => (
                  <li key={l.id} class={l.completed ? 'is-completed' : undefined}>
                    {l.locked && l.id !== currentId ? (
                      <span class="outline__locked">
                        <span class="outline__tick" aria-hidden="true">
                          <LockIcon />
                        </span>
                        <span>
                          {l.title}
                          <span class="visually-hidden"> ({tp('lock.locked')})</span>
                          <span class="outline__lock-note">{tp('lock.after', { lesson: l.locked.title })}</span>
                        </span>
                      </span>
                    ) : (
                    <a href={lessonHref(course.slug, l.id)} aria-current={l.id === currentId ? 'page' : undefined}>
                      <span class="outline__tick" aria-hidden="true">
                        {l.completed ? '✓' : ''}
                      </span>
                      <span>
                        {l.title}
                        {l.completed && <span class="visually-hidden"> ({t('lesson.completed')})</span>}
                      </span>
                    </a>
                    )}
                  </li>
                ))}
              </ol>
            </li>
          ))}
        </ol>
      </div>
    </nav>
  );
}

export default function LessonPage({ params, query }: PageProps) {
  const { slug, lessonId } = params;
  const [course, setCourse] = useState<CourseDetail | null>(courseCache.get(slug) ?? null);
  const [lesson, setLesson] = useState<LessonView | null>(null);
  const [error, setError] = useState<{ status: number; text: string } | null>(null);
  const [completed, setCompleted] = useState<Set<string>>(new Set());
  const [attempt, setAttempt] = useState(0);
  const { progress, refresh: refreshProgress } = useCourseProgress(course?.id ?? lesson?.courseId ?? null);
  const mine = progress?.lessons.find((l) => l.lessonId === lessonId);
  // Watching far enough completes a video on the server: look again when playback stops.
  useVideoHeartbeats(lessonId, lesson?.id === lessonId && lesson.kind === 'video', (reason) => {
    if ((reason === 'pause' || reason === 'ended') && !mine?.completed) refreshProgress();
  });

  useEffect(() => {
    const ctl = new AbortController();
    const fail = (err: unknown) => {
      if ((err as Error).name === 'AbortError') return;
      setError({ status: err instanceof ApiError ? err.status : 0, text: describeError(err).message });
    };
    setError(null);
    courses.get(slug, ctl.signal).then((r) => {
      courseCache.set(slug, r.course);
      setCourse(r.course);
    }, fail);
    courses.lesson(lessonId, ctl.signal).then((r) => setLesson(r.lesson), fail);
    return () => ctl.abort();
  }, [slug, lessonId, attempt]);

  if (error) {
    if (error.status === 403 || error.status === 404) {
      const title = error.status === 403 ? t('lesson.forbidden') : t('lesson.notFound');
      return (
        <Page title={title}>
          <p>{error.status === 403 ? t('lesson.forbiddenBody') : t('lesson.notFoundBody')}</p>
          <p>
            <a class="button button--primary" href={`/courses/${encodeURIComponent(slug)}`}>
              {t('lesson.toCourse')}
            </a>
          </p>
        </Page>
      );
    }
    return <LoadError message={error.text} retry={() => setAttempt((n) => n + 1)} />;
  }
  if (!course || !lesson) return <Loading />;

  const mineById = new Map(progress?.lessons.map((p) => [p.lessonId, p]) ?? []);
  const titleOf = (id: string) => course.syllabus.flatMap((m) => m.lessons).find((l) => l.id === id)?.title ?? '';
  const outline: Outline = course.syllabus.map((m) => ({
    ...m,
    lessons: m.lessons.map((l) => {
      const p = mineById.get(l.id);
      const done = (l as OutlineLesson).completed || completed.has(l.id) || !!p?.completed;
      const locked = p?.locked ? { id: p.lockedBy ?? '', title: p.lockedBy ? titleOf(p.lockedBy) : '' } : null;
      return done || locked ? { ...l, completed: done, locked } : l;
    }),
  }));
  const all = outline.flatMap((m) => m.lessons.map((l) => ({ ...l, module: m })));
  const at = all.findIndex((l) => l.id === lesson.id);
  const module = outline.find((m) => m.id === lesson.moduleId);
  const moduleNo = module ? outline.indexOf(module) + 1 : 0;
  const title = (id: string | null) => (id ? (all.find((l) => l.id === id)?.title ?? '') : '');
  // The lesson's answer says whether a sequential course keeps it closed; the progress, once here, is newer.
  const lock = mine ?? lesson.lock;
  // A video shows at once; where it starts (?t=, else the saved position) may follow with the progress.
  const startAt = lesson.kind !== 'video' ? undefined : progress === undefined && !query.has('t') ? null : resumePosition(mine, query, videoDuration(lesson));

  return (
    <Page title={lesson.title}>
      <p class="lesson-context">
        {module && <span>{t('lesson.inModule', { n: moduleNo, module: module.title })}</span>}
        <span class="lesson-meta">
          {kindLabel(lesson.kind)} · {formatMinutes(lesson.estimatedMinutes)}
          {lesson.optional && ` · ${t('lesson.optional')}`}
          {at >= 0 && ` · ${t('lesson.position', { n: at + 1, total: all.length })}`}
        </span>
      </p>
      <div class="learn">
        <OutlineNav course={course} outline={outline} currentId={lesson.id} summary={progress && <OutlineProgress progress={progress} />} />
        <div class="learn__content">
          <article class="lesson">
            {lock?.locked ? (
              <LockedLesson by={lock.lockedBy ? { title: titleOf(lock.lockedBy) } : null} href={lock.lockedBy ? lessonHref(slug, lock.lockedBy) : null} />
            ) : lesson.kind === 'text' ? (
              <>
                <div class="prose" dangerouslySetInnerHTML={{ __html: lesson.html }} />
                {progress && <MarkDone lessonId={lesson.id} completed={!!mine?.completed} onDone={refreshProgress} />}
              </>
            ) : (
              <KindView
                key={lesson.id}
                lesson={lesson}
                startAt={startAt}
                onCompleted={() => {
                  setCompleted((s) => new Set(s).add(lesson.id));
                  refreshProgress();
                }}
              />
            )}
          </article>
          <nav class="lesson-pager" aria-label={t('lesson.pager')}>
            {lesson.prevLessonId ? (
              <a class="lesson-pager__prev" href={lessonHref(slug, lesson.prevLessonId)} rel="prev">
                <span class="lesson-pager__dir">{t('lesson.previous')}</span>
                <span class="lesson-pager__title">{title(lesson.prevLessonId)}</span>
              </a>
            ) : (
              <span />
            )}
            {lesson.nextLessonId ? (
              <a class="lesson-pager__next" href={lessonHref(slug, lesson.nextLessonId)} rel="next">
                <span class="lesson-pager__dir">{t('lesson.next')}</span>
                <span class="lesson-pager__title">{title(lesson.nextLessonId)}</span>
              </a>
            ) : (
              <a class="lesson-pager__next" href={`/courses/${encodeURIComponent(slug)}`}>
                <span class="lesson-pager__dir">{t('lesson.last')}</span>
                <span class="lesson-pager__title">{t('lesson.toCourse')}</span>
              </a>
            )}
          </nav>
        </div>
      </div>
    </Page>
  );
}
