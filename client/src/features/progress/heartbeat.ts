/**
 * Video heartbeats: what the learner actually played, told to the server about every 15 s while playing and at
 * once on pause, seek, end and when the page goes away. The player reports everything played in this page view
 * (its `played` ranges, which leave out what a seek jumped over); each beat carries only the part of that the
 * server has not yet acknowledged, so a failed beat is simply retried by the next one.
 */
import type { Heartbeat } from '../../api.ts';
import type { PlaybackEvent } from '../video/events.ts';

export type Range = [number, number];

/** Pieces shorter than this are noise from seeking (a frame decoded at the new spot), not watching. */
const MIN_PIECE = 0.05;
/** The server's limit per beat (MAX_RANGES_PER_BEAT); the rest waits for the next beat. */
const MAX_RANGES = 100;
const round = (n: number) => Math.round(n * 1000) / 1000;

/** Sorted, non-overlapping union of two range lists. */
export function unionRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  const all = [...a, ...b].filter(([x, y]) => y > x).sort((p, q) => p[0] - q[0]);
  const out: Range[] = [];
  for (const [x, y] of all) {
    const last = out[out.length - 1];
    if (last && x <= last[1]) last[1] = Math.max(last[1], y);
    else out.push([x, y]);
  }
  return out;
}

/** The parts of `played` that `known` does not cover. Both are sorted and non-overlapping. */
export function subtractRanges(played: readonly Range[], known: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const [from, to] of played) {
    let start = from;
    for (const [a, b] of known) {
      if (b <= start) continue;
      if (a >= to) break;
      if (a > start) out.push([start, a]);
      start = Math.max(start, b);
      if (start >= to) break;
    }
    if (start < to) out.push([start, to]);
  }
  return out.filter(([a, b]) => b - a >= MIN_PIECE);
}

export type BeatReason = 'interval' | 'pause' | 'seeked' | 'ended' | 'hidden' | 'leave';

export interface HeartbeatOptions {
  lessonId: string;
  /** Sends a beat and resolves once the server accepted it. */
  send: (beat: Heartbeat) => Promise<void>;
  /** Sends a beat from a page that is going away (sendBeacon); no answer. */
  beacon: (beat: Heartbeat) => void;
  intervalMs?: number;
  /** Seeking by keyboard comes in bursts; one beat after the last seek of a burst is enough. */
  seekDelayMs?: number;
  /** After a beat the server accepted. */
  onSent?: (beat: Heartbeat, reason: BeatReason) => void;
}

export interface HeartbeatTracker {
  /** Feed it every playback event of the page; events of other lessons are ignored. */
  handle: (event: PlaybackEvent) => void;
  /** The page is hidden or unloading: what is left goes by beacon. */
  hide: () => void;
  /** The lesson is left inside the app: what is left goes by beacon, timers stop. */
  dispose: () => void;
  /** For tests: sends what is pending now. */
  flush: (reason?: BeatReason) => Promise<void>;
}

export function createHeartbeatTracker(opts: HeartbeatOptions): HeartbeatTracker {
  const intervalMs = opts.intervalMs ?? 15_000;
  const seekDelayMs = opts.seekDelayMs ?? 1_000;
  /** What the server has acknowledged (or was sent by beacon) in this page view. */
  let acknowledged: Range[] = [];
  let lastPosition = -1;
  let latest: { position: number; played: Range[] } | null = null;
  let ticker: ReturnType<typeof setInterval> | null = null;
  let seekTimer: ReturnType<typeof setTimeout> | null = null;
  let queue: Promise<void> = Promise.resolve();
  let disposed = false;

  const pending = (): Heartbeat | null => {
    if (!latest) return null;
    const ranges = subtractRanges(latest.played, acknowledged).slice(0, MAX_RANGES).map(([a, b]) => [round(a), round(b)] as Range);
    const position = round(Math.max(0, latest.position));
    if (!ranges.length && position === lastPosition) return null;
    return { lessonId: opts.lessonId, position, ranges };
  };

  const settle = (beat: Heartbeat) => {
    acknowledged = unionRanges(acknowledged, beat.ranges as Range[]);
    lastPosition = beat.position;
  };

  /** Beats go one after another, so each one is computed against what the previous one got acknowledged. */
  const beat = (reason: BeatReason): Promise<void> => {
    queue = queue.then(async () => {
      const body = pending();
      if (!body) return;
      try {
        await opts.send(body);
      } catch {
        return; // offline or refused: the next beat carries the same ranges again
      }
      settle(body);
      opts.onSent?.(body, reason);
    });
    return queue;
  };

  const stopTicker = () => {
    if (ticker) clearInterval(ticker);
    ticker = null;
  };
  const clearSeek = () => {
    if (seekTimer) clearTimeout(seekTimer);
    seekTimer = null;
  };

  const beaconNow = () => {
    const body = pending();
    if (!body) return;
    opts.beacon(body);
    // Nobody hears the answer; counting it as sent keeps a later pagehide from sending the same ranges twice.
    settle(body);
  };

  return {
    handle(event) {
      if (disposed || event.lessonId !== opts.lessonId) return;
      latest = { position: event.currentTime, played: event.played };
      switch (event.type) {
        case 'play':
          if (!ticker) ticker = setInterval(() => void beat('interval'), intervalMs);
          break;
        case 'pause':
        case 'ended':
          stopTicker();
          clearSeek();
          void beat(event.type);
          break;
        case 'seeked':
          clearSeek();
          seekTimer = setTimeout(() => {
            seekTimer = null;
            void beat('seeked');
          }, seekDelayMs);
          break;
        default:
          break;
      }
    },
    hide() {
      if (disposed) return;
      clearSeek();
      beaconNow();
    },
    dispose() {
      if (disposed) return;
      stopTicker();
      clearSeek();
      beaconNow();
      disposed = true;
    },
    flush: (reason = 'interval') => beat(reason),
  };
}
