import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { videos } from '../db/schema/index.ts';

/**
 * The video state machine, and the only code that changes `videos.status`:
 *
 *   uploaded -> queued -> processing -> ready
 *                  \          |  \
 *                   \         |   -> queued  (an attempt failed; the job is retried after a backoff)
 *                    -> failed <-
 *   failed -> queued (a lecturer asks for a retry)
 *
 * processing -> processing is allowed: a job whose worker died is claimed again and starts over.
 * `ready` is final: a replacement is a new video row.
 */
export const VIDEO_STATUSES = ['uploaded', 'queued', 'processing', 'ready', 'failed'] as const;
export type VideoStatus = (typeof VIDEO_STATUSES)[number];
export type VideoRow = typeof videos.$inferSelect;

const ALLOWED: Record<VideoStatus, readonly VideoStatus[]> = {
  uploaded: ['queued', 'failed'],
  queued: ['processing', 'failed'],
  processing: ['processing', 'queued', 'ready', 'failed'],
  ready: [],
  failed: ['queued'],
};

export function canTransition(from: VideoStatus, to: VideoStatus): boolean {
  return ALLOWED[from]?.includes(to) ?? false;
}

export class IllegalTransitionError extends Error {
  constructor(
    public readonly videoId: string,
    public readonly from: string | null,
    public readonly to: VideoStatus,
  ) {
    super(from === null ? `video ${videoId} does not exist` : `video ${videoId} cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

/** Fields that may change together with the status. */
export type TransitionPatch = Partial<Pick<VideoRow, 'progress' | 'error' | 'durationSeconds' | 'width' | 'height' | 'renditions' | 'readyAt'>>;

/**
 * Moves a video to `to` if the machine allows it from its current state, with a compare-and-set on the old
 * status so two processes racing on the same row cannot both succeed. Safe inside a caller's transaction.
 */
export function transition(db: Db, now: number, videoId: string, to: VideoStatus, patch: TransitionPatch = {}): VideoRow {
  return db.transaction((tx) => {
    const row = tx.select().from(videos).where(eq(videos.id, videoId)).get();
    if (!row) throw new IllegalTransitionError(videoId, null, to);
    const from = row.status as VideoStatus;
    if (!canTransition(from, to)) throw new IllegalTransitionError(videoId, from, to);
    const next = tx
      .update(videos)
      .set({ ...patch, status: to, updatedAt: now })
      .where(and(eq(videos.id, videoId), eq(videos.status, from)))
      .returning()
      .get();
    if (!next) throw new IllegalTransitionError(videoId, from, to);
    return next;
  });
}

/** Progress is not a state change: it is written only while processing, and never moves a video. */
export function setProgress(db: Db, now: number, videoId: string, percent: number): void {
  const p = Math.max(0, Math.min(100, Math.round(percent * 10) / 10));
  db.$client.prepare(`UPDATE videos SET progress = ?, updated_at = ? WHERE id = ? AND status = 'processing'`).run(p, now, videoId);
}
