/**
 * What the video player tells the rest of the app, for the progress feature (resume point, watched ranges,
 * completion). Two ways to listen: the `onPlaybackEvent` prop of the player, or `onPlayback()` here, which needs
 * no access to the component (the lesson page can subscribe while the player is lazy-loaded).
 */
export type PlaybackEventType = 'play' | 'timeupdate' | 'pause' | 'seeked' | 'ended';

export interface PlaybackEvent {
  type: PlaybackEventType;
  lessonId: string;
  videoId: string;
  /** Seconds. */
  currentTime: number;
  /** Seconds; NaN until the metadata is known. */
  duration: number;
  /** Everything played in this page view, merged, as [from, to] pairs in seconds (from the video's `played`). */
  played: Array<[number, number]>;
}

export type PlaybackListener = (event: PlaybackEvent) => void;

const listeners = new Set<PlaybackListener>();

/** Subscribes to every player on the page; returns the unsubscribe function. */
export function onPlayback(listener: PlaybackListener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function emitPlayback(event: PlaybackEvent) {
  for (const l of [...listeners]) {
    try {
      l(event);
    } catch (err) {
      // A faulty listener must not break playback or the other listeners.
      console.error('playback listener failed', err);
    }
  }
}

export function playedRanges(ranges: TimeRanges): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < ranges.length; i++) out.push([ranges.start(i), ranges.end(i)]);
  return out;
}
