import { useEffect, useRef } from 'preact/hooks';
import { videos, type LessonVideo, type Video, type VideoStatus } from '../../api.ts';

/** How often a video that is being processed is asked about. */
export const POLL_MS = 1500;

export const isBusy = (s: VideoStatus) => s === 'uploaded' || s === 'queued' || s === 'processing';

/**
 * The `video` of a lesson as GET /api/lessons/:id returns it: `{ current, pending }` (pending for staff only).
 * A bare video object is accepted as well, so a change of shape on the server degrades rather than breaks.
 */
export function lessonVideo(lesson: Record<string, unknown>): LessonVideo {
  const v = lesson.video as Partial<LessonVideo> | Video | null | undefined;
  if (!v || typeof v !== 'object') return { current: null, pending: null };
  if ('status' in v) return v.status === 'ready' ? { current: v, pending: null } : { current: null, pending: v };
  return { current: v.current ?? null, pending: v.pending ?? null };
}

/** 75 -> "1:15", 3725 -> "1:02:05". */
export function formatTime(seconds: number): string {
  const s = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/**
 * Asks for `videoId` every POLL_MS while `active`, handing each answer to `onUpdate`; stops when inactive, on
 * unmount, or when the video is gone. One request at a time: the next waits for the previous answer.
 */
export function usePollVideo(videoId: string | null, active: boolean, onUpdate: (v: Video) => void) {
  const latest = useRef(onUpdate);
  latest.current = onUpdate;
  useEffect(() => {
    if (!videoId || !active) return;
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      videos.get(videoId, ctrl.signal).then(
        (r) => {
          if (ctrl.signal.aborted) return;
          latest.current(r.video);
          if (isBusy(r.video.status)) timer = setTimeout(tick, POLL_MS);
        },
        (err: unknown) => {
          if (ctrl.signal.aborted) return;
          // A passing network hiccup: try again a little later; a 4xx (gone, logged out) ends the polling.
          const status = (err as { status?: number }).status;
          if (status === 0 || (status !== undefined && status >= 500)) timer = setTimeout(tick, POLL_MS * 3);
          else console.warn('stopped polling the video', err);
        },
      );
    };
    timer = setTimeout(tick, POLL_MS);
    return () => {
      ctrl.abort();
      clearTimeout(timer);
    };
  }, [videoId, active]);
}
