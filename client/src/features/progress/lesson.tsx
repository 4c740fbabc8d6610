/**
 * The progress feature's parts of the learner's lesson page: the course's progress (ticks, locks, a bar in the
 * outline), the resume point of a video, heartbeats while it plays, and "Mark as done" for a text lesson.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, progress as progressApi, type CourseProgress } from '../../api.ts';
import { describeError } from '../../errors.ts';
import { t } from '../../i18n/progress.ts';
import { onPlayback } from '../video/events.ts';
import { createHeartbeatTracker, type BeatReason } from './heartbeat.ts';
import { ProgressBar } from './widgets.tsx';
import './progress.css';

export type LessonProgress = CourseProgress['lessons'][number];

/**
 * My progress in a course. `progress` is undefined while the first answer is on its way and null when there is
 * none to show (not enrolled, staff preview, or the request failed: the lesson itself still works without it).
 */
export function useCourseProgress(courseId: string | null) {
  const [progress, setProgress] = useState<CourseProgress | null | undefined>(undefined);
  const latest = useRef<AbortController | null>(null);
  const refresh = useCallback(() => {
    if (!courseId) return;
    latest.current?.abort();
    const ctl = new AbortController();
    latest.current = ctl;
    progressApi.course(courseId, ctl.signal).then(
      (r) => !ctl.signal.aborted && setProgress(r.progress),
      (err: unknown) => {
        if ((err as Error).name === 'AbortError' || ctl.signal.aborted) return;
        if (!(err instanceof ApiError) || err.status >= 500 || err.status === 0) console.warn('could not load the course progress', err);
        setProgress((p) => p ?? null);
      },
    );
  }, [courseId]);
  useEffect(() => {
    setProgress(undefined);
    refresh();
    return () => latest.current?.abort();
  }, [refresh]);
  return { progress, refresh };
}

/**
 * Where a video lesson starts: `?t=` (from "continue where you left off") wins, else the saved position; from the
 * start when the video was watched to (nearly) its end, so "watch again" does not open on the last frame.
 */
export function resumePosition(saved: LessonProgress | undefined, query: URLSearchParams, durationSeconds: number | null): number {
  const asked = Number(query.get('t'));
  const at = query.has('t') && Number.isFinite(asked) && asked >= 0 ? asked : (saved?.position ?? 0);
  if (durationSeconds && at >= durationSeconds - 2) return 0;
  return at;
}

/** Sends heartbeats for the video of `lessonId` while the learner is on the lesson. */
export function useVideoHeartbeats(lessonId: string, active: boolean, onSettled: (reason: BeatReason) => void) {
  const settled = useRef(onSettled);
  settled.current = onSettled;
  useEffect(() => {
    if (!active) return;
    const tracker = createHeartbeatTracker({
      lessonId,
      send: (beat) => progressApi.heartbeat(beat),
      beacon: (beat) => progressApi.beacon(beat),
      onSent: (_beat, reason) => settled.current(reason),
    });
    const off = onPlayback(tracker.handle);
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') tracker.hide();
    };
    const onPageHide = () => tracker.hide();
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      off();
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', onPageHide);
      tracker.dispose();
    };
  }, [lessonId, active]);
}

/** The course's progress, at the top of the outline. */
export function OutlineProgress({ progress }: { progress: CourseProgress }) {
  const done = progress.lessons.filter((l) => l.completed).length;
  return (
    <div class="outline-progress">
      <ProgressBar
        label={t('progress.course')}
        value={progress.percent}
        valueText={t('progress.percent', { percent: progress.percent })}
      />
      <p class="outline-progress__detail muted">
        {progress.completedAt ? t('progress.courseCompleted') : t('progress.lessonsDone', { done, total: progress.lessons.length })}
      </p>
    </div>
  );
}

/** A padlock drawn in the text colour (an emoji may be missing from the system's fonts). */
export function LockIcon() {
  return (
    <svg class="lock-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M8 1a4 4 0 0 0-4 4v2H3a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h10a1 1 0 0 0 1-1V8a1 1 0 0 0-1-1h-1V5a4 4 0 0 0-4-4zm-2.5 4a2.5 2.5 0 0 1 5 0v2h-5V5z" />
    </svg>
  );
}

/** A lesson that a sequential course keeps closed, in place of its content. */
export function LockedLesson({ by, href }: { by: { title: string } | null; href: string | null }) {
  return (
    <div class="notice lesson-locked">
      <p>{by ? t('lock.body', { lesson: by.title }) : t('lock.bodyUnknown')}</p>
      {by && href && (
        <p>
          <a class="button button--primary" href={href}>
            {t('lock.goTo', { lesson: by.title })}
          </a>
        </p>
      )}
    </div>
  );
}

/** How long a text lesson must have been open before reaching its end marks it done by itself. */
const MIN_READ_MS = 3_000;

/**
 * "Mark as done" under a text lesson. Reaching the end of the text (an observer on a marker after it) marks the
 * lesson done too, once it has been open for a few seconds, so a learner who reads to the end need not click.
 */
export function MarkDone({ lessonId, completed, onDone }: { lessonId: string; completed: boolean; onDone: () => void }) {
  const sentinel = useRef<HTMLDivElement>(null);
  const status = useRef<HTMLDivElement>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(completed);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const tried = useRef(false);
  useEffect(() => setDone(completed), [completed, lessonId]);

  const mark = async (how: 'button' | 'auto') => {
    if (busy || done) return;
    tried.current = true;
    setBusy(true);
    setError(null);
    try {
      await progressApi.complete(lessonId);
      setDone(true);
      setMessage(how === 'auto' ? t('done.auto') : t('done.marked'));
      onDone();
    } catch (err) {
      setError(describeError(err).message);
    } finally {
      setBusy(false);
      // The button is gone once the lesson is done: the outcome is where focus belongs.
      if (how === 'button') status.current?.focus();
    }
  };
  const markRef = useRef(mark);
  markRef.current = mark;

  useEffect(() => {
    const el = sentinel.current;
    if (!el || done || typeof IntersectionObserver === 'undefined') return;
    let seen = false;
    let waited = false;
    const go = () => {
      if (seen && waited && !tried.current) void markRef.current('auto');
    };
    const timer = setTimeout(() => {
      waited = true;
      go();
    }, MIN_READ_MS);
    const io = new IntersectionObserver((entries) => {
      seen = entries.some((e) => e.isIntersecting);
      go();
    });
    io.observe(el);
    return () => {
      clearTimeout(timer);
      io.disconnect();
    };
  }, [lessonId, done]);

  return (
    <div class="mark-done">
      <div ref={sentinel} class="mark-done__sentinel" aria-hidden="true" />
      <div ref={status} tabIndex={-1} class={`form-status${error ? ' form-status--error' : ''}`} aria-live="polite" aria-atomic="true">
        {error ? <p>{error}</p> : message ? <p>{message}</p> : null}
      </div>
      {done ? (
        <p class="mark-done__done">
          <span class="mark-done__tick" aria-hidden="true">
            ✓
          </span>{' '}
          {t('done.completed')}
        </p>
      ) : (
        <button type="button" class="button button--primary" aria-disabled={busy ? 'true' : undefined} onClick={() => void mark('button')}>
          {busy ? t('state.saving') : t('done.mark')}
        </button>
      )}
    </div>
  );
}
