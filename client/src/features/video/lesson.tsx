import { useEffect, useState } from 'preact/hooks';
import type { Video } from '../../api.ts';
import { t } from '../../i18n/video.ts';
import type { LessonViewProps } from '../contract.ts';
import type { PlaybackListener } from './events.ts';
import { isBusy, lessonVideo, usePollVideo } from './model.ts';
import { Player } from './player.tsx';
import './video.css';

export type { PlaybackEvent, PlaybackListener } from './events.ts';
export { onPlayback } from './events.ts';

export interface VideoLessonProps extends LessonViewProps {
  /** Resume position in seconds (from the progress feature); null while it is on its way (see the player). */
  startAt?: number | null;
  /** timeupdate, play, pause, seeked and ended, with the played ranges; see events.ts for a page-wide alternative. */
  onPlaybackEvent?: PlaybackListener;
}

/**
 * The learner's side of a video lesson: the player once the video is ready. Learners only ever get the video
 * that plays (`current`); course staff previewing the lesson may also see a newer upload on its way (`pending`).
 */
export default function VideoLesson({ lesson, startAt, onPlaybackEvent }: VideoLessonProps) {
  const [state, setState] = useState(() => lessonVideo(lesson));
  useEffect(() => setState(lessonVideo(lesson)), [lesson]);
  const { current, pending } = state;

  const playable = current && current.status === 'ready' && current.playbackUrl ? current : null;
  const busy: Video | null = playable ? null : pending && isBusy(pending.status) ? pending : current && isBusy(current.status) ? current : null;

  usePollVideo(busy?.id ?? null, !!busy, (v) => {
    setState((s) => {
      if (v.status === 'ready') return { current: v, pending: null };
      return s.pending?.id === v.id ? { ...s, pending: v } : { ...s, current: v };
    });
  });

  // The lesson's own text (notes, links under the video) is sanitised markdown from the server.
  const html = typeof lesson.html === 'string' ? lesson.html : '';
  return (
    <>
      {playable ? (
        <Player video={playable} lessonId={lesson.id} title={lesson.title} startAt={startAt} onPlaybackEvent={onPlaybackEvent} />
      ) : busy ? (
        <div class="notice" role="status">
          <p>{t('video.lesson.processing')}</p>
        </div>
      ) : (pending ?? current)?.status === 'failed' ? (
        <div class="notice notice--error">
          <p>{t('video.lesson.failed')}</p>
        </div>
      ) : (
        <div class="notice">
          <p>{t('video.lesson.none')}</p>
        </div>
      )}
      {html.trim() && <div class="prose" dangerouslySetInnerHTML={{ __html: html }} />}
    </>
  );
}
