import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { lessons, videos } from '../db/schema/index.ts';
import type { Job, JobQueue } from './jobs.ts';
import { TRANSCODE, type JobContext, type Logger, type TranscodePayload } from './pipeline.ts';
import type { VideoRow } from './states.ts';
import { isValidKey, type MediaStorage } from './storage.ts';

/**
 * Removing videos: the rows go in a database transaction that also enqueues a `media.delete` job naming the
 * storage prefixes to remove; the job removes the files. A transaction and file deletes cannot be atomic
 * together, so the order is fixed: database first, files after, through the durable queue. A crash in between
 * leaves a queued job that runs at the next start; a crash half-way through the files re-runs the job, which
 * is idempotent. No lesson ever points at files that are gone.
 *
 * What is removed when:
 * - a video a lecturer deletes (DELETE /api/videos/:id): at once;
 * - the videos of a deleted lesson or module: at once (queued before the rows cascade away);
 * - a superseded video (see `supersededVideoIds`): after a grace period, so learners with the page open keep
 *   playing the old version until their signed URLs would have expired anyway.
 *
 * Originals (`originals/<videoId>/source`) are kept as long as their video row lives: a retry and any future
 * re-transcode (a new ladder, a new codec) need them, and the lesson's current video is the one worth
 * re-encoding. They cost as much disk as the HLS output, so they go with the video: when it is deleted, when
 * its lesson goes, or when a newer upload supersedes it. A failed upload keeps its original while it is the
 * newest upload of its lesson, since that is what "Process again" needs; a newer upload settling removes it.
 */
export const MEDIA_DELETE = 'media.delete';

export interface MediaDeletePayload extends Record<string, unknown> {
  /** Each video with the storage prefixes that hold its files. */
  videos: { id: string; prefixes: string[] }[];
}

const HOUR = 3_600_000;

/** Signed URLs live `ttl` hours, rounded up to the next hour (server/videos/signing.ts): wait that long. */
export const graceForUrlTtl = (ttlHours: number) => (ttlHours + 1) * HOUR;
/** For the default MEDIA_URL_TTL_HOURS of 6. */
export const DEFAULT_SUPERSEDED_GRACE_MS = graceForUrlTtl(6);

/** Where a video keeps its files: the original upload and everything published (HLS versions, poster, captions). */
export function videoPrefixes(video: Pick<VideoRow, 'id' | 'sourceKey'>): string[] {
  const out = [`originals/${video.id}`, `videos/${video.id}`];
  if (video.sourceKey && !out.some((p) => video.sourceKey!.startsWith(`${p}/`))) out.push(video.sourceKey);
  return out;
}

/** Only a video's own folders may be removed: never a root such as `videos` or anything outside storage. */
function deletable(prefix: string): boolean {
  const parts = prefix.split('/');
  return isValidKey(prefix) && parts.length >= 2 && (parts[0] === 'originals' || parts[0] === 'videos');
}

function enqueueDelete(queue: JobQueue, rows: Pick<VideoRow, 'id' | 'sourceKey'>[], delayMs = 0): Job<MediaDeletePayload> | null {
  if (!rows.length) return null;
  const payload: MediaDeletePayload = { videos: rows.map((r) => ({ id: r.id, prefixes: videoPrefixes(r) })) };
  return queue.enqueue<MediaDeletePayload>(MEDIA_DELETE, payload, { maxAttempts: 5, delayMs });
}

/** Stops transcoding videos that are going away: queued jobs never start, a running one loses its lease. */
function cancelTranscodes(queue: JobQueue, videoIds: string[]): void {
  if (!videoIds.length) return;
  const gone = new Set(videoIds);
  for (const job of queue.active(TRANSCODE)) {
    if (gone.has((job.payload as TranscodePayload).videoId)) queue.cancel(job.id, 'the video was deleted');
  }
}

/**
 * Deletes one video (its captions cascade) and queues the removal of its files, in one transaction. When it was
 * its lesson's current video, the lesson has no video afterwards. False when there was no such video.
 */
export function deleteVideo(db: Db, queue: JobQueue, videoId: string, now: number): boolean {
  return db.transaction(() => {
    const row = db.select().from(videos).where(eq(videos.id, videoId)).get();
    if (!row) return false;
    db.update(lessons).set({ videoId: null, updatedAt: now }).where(eq(lessons.videoId, videoId)).run();
    db.delete(videos).where(eq(videos.id, videoId)).run();
    cancelTranscodes(queue, [videoId]);
    enqueueDelete(queue, [row]);
    return true;
  });
}

/**
 * For deleting lessons (or a module with its lessons): call inside the transaction that deletes them, before the
 * delete. Their video rows go by ON DELETE CASCADE, so the payload has to be read now. Returns the video ids.
 */
export function queueLessonMediaDeletion(db: Db, queue: JobQueue, lessonIds: string[]): string[] {
  if (!lessonIds.length) return [];
  return db.transaction(() => {
    const rows = db.select({ id: videos.id, sourceKey: videos.sourceKey }).from(videos).where(inArray(videos.lessonId, lessonIds)).all();
    cancelTranscodes(queue, rows.map((r) => r.id));
    enqueueDelete(queue, rows);
    return rows.map((r) => r.id);
  });
}

/**
 * Videos of a lesson nothing needs any more: every ready video that is not the lesson's current one (`ready` is
 * final and a replacement only ever moves forward, so it can never play again), and every failed upload that is
 * not the newest upload of the lesson (the newest is what the studio offers to retry). Uploads still on their
 * way are never superseded: they are decided once they end.
 */
export function supersededVideoIds(db: Db, lessonId: string): string[] {
  const lesson = db.select({ videoId: lessons.videoId }).from(lessons).where(eq(lessons.id, lessonId)).get();
  if (!lesson) return [];
  // rowid breaks ties between uploads made in the same millisecond: later insert, later upload.
  const rows = db.$client
    .prepare('SELECT id, status FROM videos WHERE lesson_id = ? ORDER BY created_at DESC, rowid DESC')
    .all(lessonId) as { id: string; status: string }[];
  return rows
    .filter((v, i) => v.id !== lesson.videoId && (v.status === 'ready' || (v.status === 'failed' && i > 0)))
    .map((v) => v.id);
}

/**
 * Queues the delayed removal of a lesson's superseded videos, skipping those a removal is already queued for.
 * Called when an upload of the lesson ends (ready or failed for good), inside that transaction.
 */
export function scheduleSuperseded(db: Db, queue: JobQueue, lessonId: string, graceMs: number): Job<MediaDeletePayload> | null {
  const ids = supersededVideoIds(db, lessonId);
  if (!ids.length) return null;
  const scheduled = new Set(queue.active(MEDIA_DELETE).flatMap((j) => (j.payload as MediaDeletePayload).videos?.map((v) => v.id) ?? []));
  const todo = ids.filter((id) => !scheduled.has(id));
  if (!todo.length) return null;
  const rows = db.select({ id: videos.id, sourceKey: videos.sourceKey }).from(videos).where(inArray(videos.id, todo)).all();
  return enqueueDelete(queue, rows, graceMs);
}

/**
 * For a transcode that finished after its video was deleted: whatever it published goes too. (The deletion's own
 * job may have run before this attempt published its folder.)
 */
export function queueOrphanedOutput(queue: JobQueue, videoId: string): void {
  enqueueDelete(queue, [{ id: videoId, sourceKey: null }]);
}

/**
 * The `media.delete` job. Idempotent: removing what is already gone is a no-op, so a crash at any point just
 * runs it again. A video whose row still exists (a superseded one, queued with a grace period) is checked again
 * when the job runs: its row and files go only if it is still superseded then.
 */
export function createDeleteHandler(deps: { db: Db; storage: MediaStorage; log?: Logger }) {
  async function run(job: Job, ctx: JobContext): Promise<void> {
    const log = deps.log ?? ctx.log;
    const { videos: targets = [] } = job.payload as MediaDeletePayload;
    const keep = new Set<string>();
    deps.db.transaction(() => {
      for (const { id } of targets) {
        const row = deps.db.select({ lessonId: videos.lessonId }).from(videos).where(eq(videos.id, id)).get();
        if (!row) continue;
        if (supersededVideoIds(deps.db, row.lessonId).includes(id)) deps.db.delete(videos).where(eq(videos.id, id)).run();
        else keep.add(id);
      }
    });
    for (const { id, prefixes } of targets) {
      if (keep.has(id)) {
        log.info({ videoId: id }, 'video kept: it is in use again');
        continue;
      }
      for (const prefix of prefixes) {
        if (ctx.signal.aborted) throw new Error('stopped');
        if (!deletable(prefix)) {
          log.warn({ videoId: id, prefix }, 'refusing to delete a storage prefix outside a video');
          continue;
        }
        await deps.storage.delete(prefix);
      }
    }
    log.info({ videos: targets.map((v) => v.id).filter((id) => !keep.has(id)) }, 'video files removed');
  }

  return { kind: MEDIA_DELETE, run };
}
