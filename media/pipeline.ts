import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { lessons, videos } from '../db/schema/index.ts';
import { FfmpegError, runFfmpeg, type MediaBinaries } from './ffmpeg.ts';
import {
  buildHlsArgs,
  buildPosterArgs,
  codecsFor,
  DEFAULT_SEGMENT_SECONDS,
  MASTER_PLAYLIST,
  masterPlaylist,
  measureBandwidth,
  MEDIA_PLAYLIST,
  parseMediaPlaylist,
  POSTER,
  variantDir,
} from './hls.ts';
import { createSqliteQueue, PermanentJobError, type Job, type JobQueue } from './jobs.ts';
import { DEFAULT_SUPERSEDED_GRACE_MS, queueOrphanedOutput, scheduleSuperseded } from './cleanup.ts';
import { buildLadder, type Rendition } from './ladder.ts';
import { probe, ProbeError, probeKeyframes, type KeyframeProbe, type ProbeResult } from './probe.ts';
import { buildRemuxArgs, canCopyAudio, cutKeyframes, forcedKeyframeTimes, REMUX_PROGRESS_SHARE, remuxObstacles, segmentsAligned, sourceAvcCodec } from './remux.ts';
import { setProgress, transition, type VideoRow } from './states.ts';
import type { MediaStorage } from './storage.ts';

/**
 * The transcode job: source -> HLS ladder + master playlist + poster, built in a private temp folder and renamed
 * into `videos/<videoId>/<version>/` only when complete. Idempotent: a re-run after a crash either starts over in
 * a clean temp folder or, if the folder was already published, only finishes the database update.
 */
export const TRANSCODE = 'video.transcode';

export interface TranscodePayload extends Record<string, unknown> {
  videoId: string;
  /** Output folder name, fixed when the job is queued so every attempt writes to the same place. */
  version: string;
}

/** One rendition as stored in videos.renditions and in the published manifest.json. */
export interface StoredRendition {
  version: string;
  name: string;
  width: number;
  height: number;
  fps: number;
  bandwidth: number;
  averageBandwidth: number;
  codecs: string;
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface JobContext {
  signal: AbortSignal;
  /** Private scratch folder of this job, `${dataDir}/media/tmp/<jobId>`; the worker removes it afterwards. */
  tmpDir: string;
  log: Logger;
}

export interface PipelineDeps {
  db: Db;
  storage: MediaStorage;
  binaries: MediaBinaries;
  clock: () => number;
  /** x264 preset and segment length; defaults suit a small server. */
  preset?: string;
  segmentSeconds?: number;
  niceness?: number;
  /** Copy the top rendition when the upload is already streamable H.264 (media/remux.ts); on unless false. */
  remux?: boolean;
  /** ffmpeg time limit = fixed + perSecond * duration. */
  timeLimit?: { fixedMs: number; perSecondMs: number };
  /** For the removal of superseded videos (media/cleanup.ts); a queue on `db` when not given. */
  queue?: JobQueue;
  /** How long a superseded video stays (open pages keep playing it): the signed-URL lifetime. */
  supersededGraceMs?: number;
}

export const PID_FILE = 'ffmpeg.pid';
const OUT = 'out';
const MANIFEST = 'manifest.json';

export const hlsPrefix = (videoId: string, version: string) => `videos/${videoId}/${version}`;
export const masterKey = (videoId: string, version: string) => `${hlsPrefix(videoId, version)}/${MASTER_PLAYLIST}`;
export const posterKey = (videoId: string, version: string) => `${hlsPrefix(videoId, version)}/${POSTER}`;
export const sourceKey = (videoId: string) => `originals/${videoId}/source`;

export function newVersion(): string {
  return randomBytes(5).toString('hex');
}

/** The published version of a ready video, read from its stored renditions. */
export function versionOf(video: Pick<VideoRow, 'renditions'>): string | null {
  const first = (video.renditions as StoredRendition[] | null)?.[0];
  return first?.version ?? null;
}

/** Marks the video queued and enqueues its transcode in one transaction, so neither exists without the other. */
export function queueTranscode(db: Db, queue: JobQueue, now: number, videoId: string, patch: { error?: string | null } = {}): Job<TranscodePayload> {
  return db.transaction(() => {
    transition(db, now, videoId, 'queued', { progress: 0, error: patch.error ?? null });
    return queue.enqueue<TranscodePayload>(TRANSCODE, { videoId, version: newVersion() }, { maxAttempts: 3 });
  });
}

/** Makes this video the one its lesson plays, unless a newer upload of the same lesson is already playing. */
function promote(db: Db, video: VideoRow, now: number) {
  const lesson = db.select({ videoId: lessons.videoId }).from(lessons).where(eq(lessons.id, video.lessonId)).get();
  if (!lesson) return;
  if (lesson.videoId && lesson.videoId !== video.id) {
    // Newer = created later; rowid breaks a tie within the same millisecond (later insert, later upload).
    const order = (id: string) =>
      db.$client.prepare('SELECT created_at AS c, rowid AS r FROM videos WHERE id = ?').get(id) as { c: number; r: number } | undefined;
    const current = order(lesson.videoId);
    const mine = order(video.id)!;
    if (current && (current.c > mine.c || (current.c === mine.c && current.r > mine.r))) return;
  }
  db.update(lessons).set({ videoId: video.id, updatedAt: now }).where(eq(lessons.id, video.lessonId)).run();
}

const queueOf = (deps: PipelineDeps) => deps.queue ?? createSqliteQueue(deps.db, deps.clock);

function finish(deps: PipelineDeps, videoId: string, info: { durationSeconds: number; width: number; height: number; renditions: StoredRendition[] }) {
  const now = deps.clock();
  deps.db.transaction(() => {
    // Deleted while transcoding: nothing becomes ready or current, and what this attempt published is removed.
    // Not an error, so the job completes instead of retrying.
    if (!deps.db.select({ id: videos.id }).from(videos).where(eq(videos.id, videoId)).get()) {
      queueOrphanedOutput(queueOf(deps), videoId);
      return;
    }
    const ready = transition(deps.db, now, videoId, 'ready', {
      progress: 100,
      error: null,
      durationSeconds: info.durationSeconds,
      width: info.width,
      height: info.height,
      renditions: info.renditions,
      readyAt: now,
    });
    promote(deps.db, ready, now);
    // The video this one replaced (or this one, if a newer upload already plays) goes after a grace period.
    scheduleSuperseded(deps.db, queueOf(deps), ready.lessonId, deps.supersededGraceMs ?? DEFAULT_SUPERSEDED_GRACE_MS);
  });
}

interface Manifest {
  durationSeconds: number;
  width: number;
  height: number;
  renditions: StoredRendition[];
}

async function measureVariant(dir: string): Promise<{ peak: number; average: number }> {
  const segments = parseMediaPlaylist(await readFile(path.join(dir, MEDIA_PLAYLIST), 'utf8'));
  if (segments.length === 0) throw new Error(`no segments in ${dir}`);
  const sized = await Promise.all(segments.map(async (s) => ({ duration: s.duration, bytes: (await stat(path.join(dir, s.uri))).size })));
  return measureBandwidth(sized);
}

function posterSize(top: Rendition): { width: number; height: number } {
  const scale = Math.min(1, 1280 / Math.max(top.width, top.height));
  const even = (n: number) => Math.max(2, Math.round((n * scale) / 2) * 2);
  return { width: even(top.width), height: even(top.height) };
}

export function createTranscodeHandler(deps: PipelineDeps) {
  const segmentSeconds = deps.segmentSeconds ?? DEFAULT_SEGMENT_SECONDS;
  const limit = deps.timeLimit ?? { fixedMs: 120_000, perSecondMs: 10_000 };

  interface RemuxPlan {
    keyframes: KeyframeProbe;
    /** avc1 string of the source, for the copied rendition's CODECS. */
    videoCodec: string;
    copyAudio: boolean;
    keyframeProbeMs: number;
  }

  /** Whether the top rendition can be a copy of the source; why not goes to the job log. */
  async function remuxPlan(job: Job, source: string, info: ProbeResult, ladder: Rendition[], ctx: JobContext): Promise<RemuxPlan | null> {
    const { videoId } = job.payload as TranscodePayload;
    if (deps.remux === false) return null;
    let why = remuxObstacles(info, ladder, undefined, segmentSeconds);
    // After a failed attempt, the plain encode: a copy ffmpeg refuses (odd timestamps, say) then costs one retry,
    // not the video. A failure stays a failed attempt either way, visible and retried like any other.
    if (job.lastError) why = [...why, 'an earlier attempt failed'];
    let keyframeProbeMs: number | undefined;
    if (why.length === 0) {
      const started = performance.now();
      try {
        const keyframes = await probeKeyframes(deps.binaries.ffprobe, source, info, {
          timeoutMs: 30_000 + 20 * info.durationSeconds,
          signal: ctx.signal,
          niceness: deps.niceness ?? 10,
        });
        keyframeProbeMs = Math.round(performance.now() - started);
        why = remuxObstacles(info, ladder, keyframes, segmentSeconds);
        if (why.length === 0) return { keyframes, videoCodec: sourceAvcCodec(info, keyframes.avc)!, copyAudio: canCopyAudio(info), keyframeProbeMs };
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        why = [`keyframes not readable: ${(err as Error).message}`];
      }
    }
    ctx.log.info({ videoId, plan: 'encode', why, keyframeProbeMs }, 'encoding every rendition');
    return null;
  }

  async function run(job: Job, ctx: JobContext): Promise<void> {
    const { videoId, version } = job.payload as TranscodePayload;
    const video = deps.db.select().from(videos).where(eq(videos.id, videoId)).get();
    // Deleted meanwhile, or finished by an earlier attempt that died before completing the job: nothing to do.
    if (!video || video.status === 'ready') return;
    if (video.status === 'failed' || video.status === 'uploaded') throw new PermanentJobError(`video is ${video.status}`);
    transition(deps.db, deps.clock(), videoId, 'processing', { progress: 0 });

    const prefix = hlsPrefix(videoId, version);
    const published = deps.storage.localPath(`${prefix}/${MANIFEST}`);
    if (published && (await stat(published).catch(() => null))) {
      // Published by an attempt that crashed between the rename and the database update.
      finish(deps, videoId, JSON.parse(await readFile(published, 'utf8')) as Manifest);
      return;
    }

    if (!video.sourceKey) throw new PermanentJobError('the upload has no source file');
    const source = deps.storage.localPath(video.sourceKey);
    if (!source) throw new PermanentJobError('remote sources are not supported by this worker');

    let info: ProbeResult;
    try {
      info = await probe(deps.binaries.ffprobe, source);
    } catch (err) {
      if (err instanceof ProbeError) throw new PermanentJobError(err.message);
      throw err;
    }
    const ladder = buildLadder(info);
    const out = path.join(ctx.tmpDir, OUT);
    await rm(ctx.tmpDir, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    for (let i = 0; i < ladder.length; i++) await mkdir(path.join(out, variantDir(i)));

    let lastWrite = 0;
    let lastPercent = -1;
    // Percent of the whole job, from `from` to `to` while one ffmpeg run works through the video.
    const progressBetween = (from: number, to: number) => (seconds: number) => {
      const percent = Math.min(99, from + (to - from) * Math.min(1, seconds / info.durationSeconds));
      const t = performance.now();
      // At most one write a second, and only for a visible change: progress must not load the database.
      if (t - lastWrite < 1000 || percent - lastPercent < 1) return;
      lastWrite = t;
      lastPercent = percent;
      setProgress(deps.db, deps.clock(), videoId, percent);
    };
    const onSpawn = (pid: number) => void writeFile(path.join(ctx.tmpDir, PID_FILE), String(pid)).catch(() => undefined);
    const timeoutMs = limit.fixedMs + limit.perSecondMs * info.durationSeconds;
    const runOpts = { timeoutMs, onSpawn, signal: ctx.signal, niceness: deps.niceness ?? 10 };
    const segmentsOf = async (dir: string) => parseMediaPlaylist(await readFile(path.join(dir, MEDIA_PLAYLIST), 'utf8'));

    /**
     * The top rendition copied (its own fast ffmpeg run, timed in the job log), then the others encoded in a
     * second run with keyframes where the copy's segments start. False when they do not line up after all:
     * the caller then encodes every rendition. Nothing is published before the whole ladder is there.
     */
    const remuxLadder = async (plan: RemuxPlan): Promise<boolean> => {
      const top = ladder[0];
      const started = performance.now();
      await runFfmpeg(deps.binaries.ffmpeg, {
        ...runOpts,
        args: buildRemuxArgs({
          input: source,
          container: info.container,
          outDir: path.join(out, variantDir(0)),
          videoStreamIndex: info.videoStreamIndex,
          hasAudio: info.hasAudio,
          copyAudio: plan.copyAudio,
          audioBitrate: top.audioBitrate,
          segmentSeconds,
        }),
        onProgress: progressBetween(0, ladder.length > 1 ? REMUX_PROGRESS_SHARE : 99),
      });
      const remuxMs = performance.now() - started;
      ctx.log.info(
        {
          videoId,
          plan: 'remux',
          rendition: top.name,
          remuxMs: Math.round(remuxMs),
          realtimeFactor: Math.round((info.durationSeconds / Math.max(remuxMs / 1000, 1e-3)) * 10) / 10,
          keyframeProbeMs: plan.keyframeProbeMs,
          copyAudio: plan.copyAudio,
        },
        'top rendition remuxed',
      );
      if (ladder.length === 1) return true;

      // One frame: the encoder rounds times to its time base, a copy keeps the source's. Checked on the copy's
      // playlist first, so a muxer that counts segments otherwise (ffmpeg 4.1 with the video starting after the
      // audio) is found before the long encode rather than after it.
      const tolerance = 1 / top.fps + 1e-3;
      const copied = await segmentsOf(path.join(out, variantDir(0)));
      const cuts = cutKeyframes(copied, plan.keyframes.times, tolerance);
      if (!cuts) {
        ctx.log.warn({ videoId }, 'remuxed segments do not start at source keyframes: encoding every rendition');
        return false;
      }
      const lower = ladder.slice(1);
      const lowerDir = path.join(out, 'lower');
      for (let i = 0; i < lower.length; i++) await mkdir(path.join(lowerDir, variantDir(i)), { recursive: true });
      await runFfmpeg(deps.binaries.ffmpeg, {
        ...runOpts,
        args: buildHlsArgs({
          input: source,
          container: info.container,
          outDir: lowerDir,
          renditions: lower,
          hasAudio: info.hasAudio,
          sourceFps: info.fps,
          segmentSeconds,
          preset: deps.preset,
          keyframesAt: forcedKeyframeTimes(cuts, top.fps),
        }),
        onProgress: progressBetween(REMUX_PROGRESS_SHARE, 99),
      });
      for (let i = 0; i < lower.length; i++) {
        if (!segmentsAligned(copied, await segmentsOf(path.join(lowerDir, variantDir(i))), tolerance)) {
          ctx.log.warn({ videoId, rendition: lower[i].name }, 'encoded segments do not line up with the remuxed ones: encoding every rendition');
          return false;
        }
      }
      for (let i = 0; i < lower.length; i++) {
        await rm(path.join(out, variantDir(i + 1)), { recursive: true, force: true });
        await rename(path.join(lowerDir, variantDir(i)), path.join(out, variantDir(i + 1)));
      }
      await rm(lowerDir, { recursive: true, force: true });
      return true;
    };

    let copiedCodec: string | null = null;
    try {
      const plan = await remuxPlan(job, source, info, ladder, ctx);
      if (plan && (await remuxLadder(plan))) {
        copiedCodec = plan.videoCodec;
      } else {
        if (plan) {
          await rm(out, { recursive: true, force: true });
          await mkdir(out);
          for (let i = 0; i < ladder.length; i++) await mkdir(path.join(out, variantDir(i)));
        }
        await runFfmpeg(deps.binaries.ffmpeg, {
          ...runOpts,
          args: buildHlsArgs({
            input: source,
            container: info.container,
            outDir: out,
            renditions: ladder,
            hasAudio: info.hasAudio,
            sourceFps: info.fps,
            segmentSeconds,
            preset: deps.preset,
          }),
          onProgress: progressBetween(0, 99),
        });
      }
      const poster = posterSize(ladder[0]);
      await runFfmpeg(deps.binaries.ffmpeg, {
        args: buildPosterArgs({ input: source, container: info.container, output: path.join(out, POSTER), durationSeconds: info.durationSeconds, ...poster }),
        timeoutMs: 60_000,
        onSpawn,
        signal: ctx.signal,
        niceness: deps.niceness ?? 10,
      });
    } catch (err) {
      // A source ffmpeg cannot decode will not decode on a second try either; a timeout would only repeat.
      if (err instanceof FfmpegError && err.reason === 'timeout') throw new PermanentJobError(err.message);
      throw err;
    }

    const renditions: StoredRendition[] = [];
    for (let i = 0; i < ladder.length; i++) {
      const r = ladder[i];
      await rename(path.join(out, variantDir(i)), path.join(out, r.name));
      const bw = await measureVariant(path.join(out, r.name));
      renditions.push({
        version,
        name: r.name,
        width: r.width,
        height: r.height,
        fps: r.fps,
        bandwidth: bw.peak,
        averageBandwidth: bw.average,
        codecs: codecsFor(r, info.hasAudio, i === 0 && copiedCodec ? copiedCodec : undefined),
      });
    }
    const leftovers = (await readdir(out)).filter((f) => /^v\d+$/.test(f));
    if (leftovers.length) throw new Error(`unexpected ffmpeg output folders: ${leftovers.join(', ')}`);

    await writeFile(
      path.join(out, MASTER_PLAYLIST),
      masterPlaylist(renditions.map((r) => ({ ...r, uri: `${r.name}/${MEDIA_PLAYLIST}` }))),
    );
    const manifest: Manifest = { durationSeconds: info.durationSeconds, width: info.width, height: info.height, renditions };
    // Written last: its presence in a published folder is the proof the folder is complete.
    await writeFile(path.join(out, MANIFEST), JSON.stringify(manifest));
    // Deleted meanwhile: publish nothing (the temp folder goes with the job).
    if (!deps.db.select({ id: videos.id }).from(videos).where(eq(videos.id, videoId)).get()) return;
    try {
      await deps.storage.putDir(out, prefix);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
      // Another attempt published the same version first; its output is as good as ours.
    }
    finish(deps, videoId, manifest);
    ctx.log.info({ videoId, version, renditions: renditions.map((r) => r.name), plan: copiedCodec ? 'remux' : 'encode' }, 'video ready');
  }

  /** The job has failed for good: the video shows why. */
  function onGiveUp(job: Job, error: string) {
    const { videoId } = job.payload as TranscodePayload;
    const video = deps.db.select({ status: videos.status }).from(videos).where(eq(videos.id, videoId)).get();
    if (!video || video.status === 'ready' || video.status === 'failed') return;
    const failed = transition(deps.db, deps.clock(), videoId, 'failed', { error: publicError(error) });
    scheduleSuperseded(deps.db, queueOf(deps), failed.lessonId, deps.supersededGraceMs ?? DEFAULT_SUPERSEDED_GRACE_MS);
  }

  /** An attempt failed and the job will run again later. */
  function onRetry(job: Job, error: string) {
    const { videoId } = job.payload as TranscodePayload;
    const video = deps.db.select({ status: videos.status }).from(videos).where(eq(videos.id, videoId)).get();
    if (video?.status !== 'processing') return;
    transition(deps.db, deps.clock(), videoId, 'queued', { progress: 0, error: `Attempt ${job.attempts} failed; retrying. ${publicError(error)}` });
  }

  return { kind: TRANSCODE, run, onGiveUp, onRetry };
}

/** What a lecturer may read: no file system paths of this server. */
export function publicError(message: string): string {
  return message.replace(/(?:file:)?\/[^\s'"|]+/g, '[file]').slice(0, 500);
}
