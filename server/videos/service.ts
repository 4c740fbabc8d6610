import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { and, asc, desc, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { captions, courses, lessons, videos } from '../../db/schema/index.ts';
import { resolveBinaries, type MediaBinaries } from '../../media/ffmpeg.ts';
import { deleteVideo, queueLessonMediaDeletion } from '../../media/cleanup.ts';
import { createSqliteQueue, type JobQueue } from '../../media/jobs.ts';
import { queueTranscode, sourceKey, versionOf } from '../../media/pipeline.ts';
import { probe, ProbeError } from '../../media/probe.ts';
import { IllegalTransitionError, type VideoRow } from '../../media/states.ts';
import { createLocalStorage, type LocalStorage } from '../../media/storage.ts';
import { MASTER_PLAYLIST, POSTER } from '../../media/hls.ts';
import type { UserRow } from '../auth/session.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { editableLesson, isCourseStaff, readableLesson } from '../courses/access.ts';
import { AppError, badRequest, conflict, notFound, payloadTooLarge, unprocessable, unsupportedMediaType } from '../errors.ts';
import { CaptionError, MAX_CAPTION_BYTES, toWebVtt } from './captions.ts';
import { ByteLru } from './lru.ts';
import type { LessonVideo, VideoInfo } from './schema.ts';
import { createSigner, loadOrCreateSecret, type MediaSigner } from './signing.ts';

/** Everything the video feature needs, built once in buildApp. Nothing here touches the disk until used. */
export interface VideoDeps {
  db: Db;
  clock: Clock;
  config: Config;
  storage: LocalStorage;
  queue: JobQueue;
  signer: MediaSigner;
  /** Resolved on first use, so apps that never see a video never look for ffmpeg. */
  binaries: () => MediaBinaries;
  /** Playlists and hot segments served from memory. */
  cache: ByteLru;
}

export function createVideoDeps(opts: {
  db: Db;
  clock: Clock;
  config: Config;
  storage?: LocalStorage;
  queue?: JobQueue;
  secret?: Buffer;
  binaries?: MediaBinaries;
}): VideoDeps {
  let binaries = opts.binaries ?? null;
  return {
    db: opts.db,
    clock: opts.clock,
    config: opts.config,
    storage: opts.storage ?? createLocalStorage(opts.config.dataDir),
    queue: opts.queue ?? createSqliteQueue(opts.db, opts.clock),
    signer: createSigner(opts.secret ?? (() => loadOrCreateSecret(opts.config.dataDir)), opts.config.mediaUrlTtlHours * 3_600_000),
    binaries: () => (binaries ??= resolveBinaries({ ffmpegPath: opts.config.ffmpegPath, ffprobePath: opts.config.ffprobePath })),
    // Entries live a minute at most: a video deleted by another process stops being served within that time.
    cache: new ByteLru(64 * 1024 * 1024, 4 * 1024 * 1024, 60_000, opts.clock),
  };
}

type CaptionRow = typeof captions.$inferSelect;

export const captionKey = (c: Pick<CaptionRow, 'videoId' | 'language' | 'createdAt'>) =>
  `videos/${c.videoId}/captions/${c.language}.${c.createdAt.toString(36)}.vtt`;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The API view of a video. Signed URLs only when `playable` (the caller has checked who is asking). */
function toInfo(deps: VideoDeps, video: VideoRow, opts: { current: boolean }): VideoInfo {
  const prefix = deps.signer.prefix(video.id, deps.clock());
  const version = video.status === 'ready' ? versionOf(video) : null;
  const rows = deps.db.select().from(captions).where(eq(captions.videoId, video.id)).orderBy(asc(captions.language)).all();
  return {
    id: video.id,
    lessonId: video.lessonId,
    status: video.status as VideoInfo['status'],
    progress: video.progress,
    durationSeconds: video.durationSeconds,
    width: video.width,
    height: video.height,
    ...(version ? { playbackUrl: `${prefix}/${version}/${MASTER_PLAYLIST}`, posterUrl: `${prefix}/${version}/${POSTER}` } : {}),
    captions: rows.map((c) => ({ language: c.language, label: c.label, url: `${prefix}/${captionKey(c).slice(`videos/${video.id}/`.length)}` })),
    error: video.error,
    current: opts.current,
    createdAt: iso(video.createdAt)!,
    readyAt: iso(video.readyAt),
  };
}

/**
 * The video part of a lesson, for the lesson GET. Call it after readableLesson() has let the user in.
 * `current` is what plays; `pending` (staff only) is a newer upload still on its way, or one that failed.
 */
export function videoForLesson(deps: VideoDeps, lessonId: string, user: UserRow | null): LessonVideo {
  const lesson = deps.db.select().from(lessons).where(eq(lessons.id, lessonId)).get();
  if (!lesson) return { current: null, pending: null };
  const currentRow = lesson.videoId ? deps.db.select().from(videos).where(eq(videos.id, lesson.videoId)).get() : undefined;
  const current = currentRow ? toInfo(deps, currentRow, { current: true }) : null;
  let pending: VideoInfo | null = null;
  const staff = user ? isCourseStaff(deps.db, user, { id: lesson.courseId, institutionId: courseInstitution(deps.db, lesson.courseId) }) : false;
  if (staff) {
    // rowid breaks ties between uploads made in the same millisecond: later insert, later upload.
    const latest = deps.db
      .select()
      .from(videos)
      .where(and(eq(videos.lessonId, lessonId), ne(videos.status, 'ready')))
      .orderBy(desc(videos.createdAt), desc(sql`rowid`))
      .get();
    if (latest && (!currentRow || latest.createdAt >= currentRow.createdAt)) pending = toInfo(deps, latest, { current: false });
  }
  return { current, pending };
}

/**
 * For the courses feature, which calls it inside the transaction that deletes lessons (or a module), before the
 * rows cascade away: their video files are queued for removal and nothing of them is served from memory again.
 */
export function deleteLessonVideos(deps: VideoDeps, lessonIds: string[]): void {
  for (const id of queueLessonMediaDeletion(deps.db, deps.queue, lessonIds)) deps.cache.deletePrefix(`videos/${id}/`);
}

function courseInstitution(db: Db, courseId: string): string | null {
  return db.select({ i: courses.institutionId }).from(courses).where(eq(courses.id, courseId)).get()?.i ?? null;
}

function videoRow(db: Db, id: string): VideoRow {
  const v = db.select().from(videos).where(eq(videos.id, id)).get();
  if (!v) throw notFound('video');
  return v;
}

function safeName(name: string | undefined): string | null {
  if (!name) return null;
  // Only the base name, without control characters: it is shown to staff, never used as a path.
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = [...base].filter((c) => c.charCodeAt(0) > 0x1f && c.charCodeAt(0) !== 0x7f).join('').trim().slice(0, 200);
  return clean || null;
}

/** A stream that @fastify/multipart gives us: it ends early with `truncated` when the size limit is hit. */
export type UploadStream = Readable & { truncated?: boolean };

/**
 * Streams an upload to `target`. The client's mistakes become 4xx (413 over the limit, 400 when the upload was cut
 * off); a failure of our own disk stays a 5xx. The caller removes `target` whatever happens.
 */
async function receive(file: UploadStream, target: string, limitBytes: number): Promise<void> {
  try {
    await pipeline(file, createWriteStream(target, { flags: 'wx', mode: 0o640 }));
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { code?: string };
    if (file.truncated || e.code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(limitBytes);
    if (e.syscall) throw err;
    throw badRequest('The upload was cut off before it was complete.');
  }
  if (file.truncated) throw tooLarge(limitBytes);
}

const tooLarge = (limit: number) => payloadTooLarge(`The file is larger than the limit of ${formatBytes(limit)}.`);

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.ceil(n / 1024)} KiB`;
}

function canonicalLanguage(tag: string): string {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    throw badRequest(`"${tag}" is not a BCP 47 language tag.`, [{ pointer: '/body/language', message: 'is not a BCP 47 language tag' }]);
  }
}

function languageLabel(tag: string): string {
  try {
    // The language's own name ("Nederlands", "français"): what a viewer looks for in the caption menu.
    return new Intl.DisplayNames([tag], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

export function createVideoService(deps: VideoDeps) {
  const { db, storage, clock, config } = deps;

  /** Staff of the video's course only: 404 when the user cannot see it, 403 when they can but may not edit. */
  function editableVideo(user: UserRow | null, videoId: string): VideoRow {
    const video = videoRow(db, videoId);
    try {
      editableLesson(db, user, video.lessonId);
    } catch (err) {
      if (err instanceof AppError && err.status === 404) throw notFound('video');
      throw err;
    }
    return video;
  }

  function assertCanUpload(user: UserRow | null, lessonId: string): void {
    const { lesson } = editableLesson(db, user, lessonId);
    if (lesson.kind !== 'video') throw conflict('Only video lessons can have a video.');
  }

  function isCurrent(video: VideoRow): boolean {
    const l = db.select({ videoId: lessons.videoId }).from(lessons).where(eq(lessons.id, video.lessonId)).get();
    return l?.videoId === video.id;
  }

  return {
    /** For routes that must refuse before reading a request body. */
    assertCanEdit(user: UserRow | null, videoId: string): void {
      editableVideo(user, videoId);
    },

    /** Checked before the body is read, so a refused upload costs us no disk. */
    assertCanUpload,

    async upload(user: UserRow, lessonId: string, part: { file: UploadStream; filename?: string }): Promise<VideoInfo> {
      assertCanUpload(user, lessonId);
      await mkdir(storage.stagingDir, { recursive: true });
      const staged = path.join(storage.stagingDir, randomUUID());
      try {
        await receive(part.file, staged, config.uploadMaxBytes);
        let info;
        try {
          info = await probe(deps.binaries().ffprobe, staged);
        } catch (err) {
          if (err instanceof ProbeError) throw err.kind === 'unsupported' ? unsupportedMediaType(err.message) : unprocessable(err.message);
          throw err;
        }
        const id = randomUUID();
        const key = sourceKey(id);
        await storage.put(key, { file: staged });
        try {
          const now = clock();
          db.transaction(() => {
            db.insert(videos)
              .values({
                id,
                lessonId,
                uploadedBy: user.id,
                status: 'uploaded',
                originalName: safeName(part.filename),
                sourceKey: key,
                sizeBytes: info.sizeBytes,
                durationSeconds: info.durationSeconds,
                width: info.width,
                height: info.height,
                createdAt: now,
                updatedAt: now,
              })
              .run();
            queueTranscode(db, deps.queue, now, id);
          });
        } catch (err) {
          await storage.delete(`originals/${id}`);
          throw err;
        }
        return toInfo(deps, videoRow(db, id), { current: false });
      } finally {
        await rm(staged, { force: true });
      }
    },

    get(user: UserRow | null, videoId: string): VideoInfo {
      const video = videoRow(db, videoId);
      let role;
      try {
        role = readableLesson(db, user, video.lessonId).role;
      } catch (err) {
        if (err instanceof AppError && err.status === 404) throw notFound('video');
        throw err;
      }
      const current = isCurrent(video);
      // Learners see the video their lesson plays, not earlier or half-made uploads.
      if (role !== 'staff' && !current) throw notFound('video');
      return toInfo(deps, video, { current });
    },

    retry(user: UserRow, videoId: string): VideoInfo {
      const video = editableVideo(user, videoId);
      if (video.status !== 'failed') throw conflict(`Only a failed video can be retried; this one is ${video.status}.`);
      try {
        queueTranscode(db, deps.queue, clock(), videoId);
      } catch (err) {
        if (err instanceof IllegalTransitionError) throw conflict('The video changed meanwhile; reload and try again.');
        throw err;
      }
      const fresh = videoRow(db, videoId);
      return toInfo(deps, fresh, { current: isCurrent(fresh) });
    },

    /**
     * Removes a video and its captions (staff). The current video leaves its lesson without a video; a transcode
     * still running for it stops. Files go in the background (media/cleanup.ts); signed URLs answer 404 at once.
     */
    delete(user: UserRow, videoId: string): void {
      editableVideo(user, videoId);
      deleteVideo(db, deps.queue, videoId, clock());
      deps.cache.deletePrefix(`videos/${videoId}/`);
    },

    async addCaption(user: UserRow, videoId: string, input: { language: string; label?: string; bytes: Buffer }) {
      const video = editableVideo(user, videoId);
      const language = canonicalLanguage(input.language);
      let vtt: string;
      try {
        vtt = toWebVtt(input.bytes);
      } catch (err) {
        if (err instanceof CaptionError) throw badRequest(err.message, [{ pointer: '/body/file', message: err.message, code: err.code, params: err.params }]);
        throw err;
      }
      const label = input.label?.trim() || languageLabel(language);
      const previous = db.select().from(captions).where(and(eq(captions.videoId, videoId), eq(captions.language, language))).get();
      // A new file name on every upload: a replaced caption file is never served stale from a cache.
      let createdAt = clock();
      if (previous && previous.createdAt >= createdAt) createdAt = previous.createdAt + 1;
      const row = { videoId, language, label, createdAt };
      await storage.put(captionKey(row), Readable.from([Buffer.from(vtt, 'utf8')]));
      db.insert(captions).values(row).onConflictDoUpdate({ target: [captions.videoId, captions.language], set: { label, createdAt } }).run();
      if (previous) {
        deps.cache.delete(captionKey(previous));
        await storage.delete(captionKey(previous));
      }
      const prefix = deps.signer.prefix(video.id, clock());
      return { language, label, url: `${prefix}/${captionKey(row).slice(`videos/${video.id}/`.length)}` };
    },

    async deleteCaption(user: UserRow, videoId: string, language: string): Promise<void> {
      editableVideo(user, videoId);
      const lang = canonicalLanguage(language);
      const row = db.select().from(captions).where(and(eq(captions.videoId, videoId), eq(captions.language, lang))).get();
      if (!row) throw notFound('caption');
      db.delete(captions).where(and(eq(captions.videoId, videoId), eq(captions.language, lang))).run();
      deps.cache.delete(captionKey(row));
      await storage.delete(captionKey(row));
    },
  };
}

export type VideoService = ReturnType<typeof createVideoService>;
export { MAX_CAPTION_BYTES };
