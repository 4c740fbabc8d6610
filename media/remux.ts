import { DEFAULT_SEGMENT_SECONDS, inputArgs, MEDIA_PLAYLIST, SEGMENT_PATTERN, type Segment } from './hls.ts';
import { MAX_FPS, type Rendition } from './ladder.ts';
import type { AvcConfig, KeyframeProbe, ProbeResult } from './probe.ts';

/**
 * Remuxing the top rendition: an upload that is already streamable H.264 at the top rung's size has its video
 * copied into HLS segments (about 100x real time) instead of decoded and encoded again, and only the lower
 * renditions are encoded. All pure; the pipeline runs it.
 *
 * Segment alignment: a copied stream can only be cut at its own keyframes, so the copy runs first and its
 * playlist says where its segments start. Those instants (source keyframes) become the forced keyframes of the
 * lower renditions, which get no other keyframe, so their segments start at the same instants.
 */
export type RemuxSource = Pick<
  ProbeResult,
  | 'container'
  | 'videoCodec'
  | 'videoProfile'
  | 'videoLevel'
  | 'pixFmt'
  | 'fieldOrder'
  | 'width'
  | 'height'
  | 'codedWidth'
  | 'codedHeight'
  | 'rotation'
  | 'fps'
  | 'videoBitrate'
  | 'sizeBytes'
  | 'durationSeconds'
  | 'hasAudio'
  | 'audioCodec'
  | 'audioProfile'
  | 'audioChannels'
>;

/** Profiles every HLS player decodes. Extended, the High 10/4:2:2/4:4:4 family and the rest are encoded. */
export const REMUX_PROFILES: readonly string[] = ['Constrained Baseline', 'Baseline', 'Main', 'High'];
/** A source above this multiple of the top rung's peak rate is a camera file, wasteful to stream: encode it. */
export const MAX_BITRATE_OVER_CAP = 2;
/** Longest keyframe gap allowed, in segment lengths: segments of a copied stream can only start at keyframes. */
export const MAX_KEYFRAME_GAP_SEGMENTS = 2;
/** Share of the progress bar the remux takes; it runs in about 1 % of the time of the encode that follows. */
export const REMUX_PROGRESS_SHARE = 3;

const PROFILE_BYTES: Record<string, [number, number]> = {
  'Constrained Baseline': [0x42, 0x40],
  Baseline: [0x42, 0x00],
  Main: [0x4d, 0x00],
  High: [0x64, 0x00],
};

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/**
 * RFC 6381 `avc1.PPCCLL` of the source itself: from its decoder configuration when probing read one, else from
 * ffprobe's profile name and level (constraint flags then only as the profile name implies them).
 */
export function sourceAvcCodec(src: Pick<RemuxSource, 'videoProfile' | 'videoLevel'>, avc: AvcConfig | null): string | null {
  if (avc && avc.profileIdc > 0 && avc.levelIdc > 0) return `avc1.${hex2(avc.profileIdc)}${hex2(avc.constraints)}${hex2(avc.levelIdc)}`;
  const bytes = src.videoProfile ? PROFILE_BYTES[src.videoProfile] : undefined;
  if (!bytes || !src.videoLevel || src.videoLevel > 0xff) return null;
  return `avc1.${hex2(bytes[0])}${hex2(bytes[1])}${hex2(src.videoLevel)}`;
}

/** Bits per second of the video: the stream's own figure, else the whole file's (an upper bound). */
export function sourceBitrate(src: Pick<RemuxSource, 'videoBitrate' | 'sizeBytes' | 'durationSeconds'>): number {
  return src.videoBitrate ?? (src.sizeBytes * 8) / src.durationSeconds;
}

/** The longest stretch without a keyframe, the last one counted to the end of the video. */
export function longestKeyframeGap(kf: Pick<KeyframeProbe, 'times'>, durationSeconds: number): number {
  if (kf.times.length === 0) return Infinity;
  let longest = 0;
  for (let i = 1; i < kf.times.length; i++) longest = Math.max(longest, kf.times[i] - kf.times[i - 1]);
  return Math.max(longest, durationSeconds - kf.times[kf.times.length - 1]);
}

/**
 * Why the top rendition of this source cannot be a copy; empty when it can. Without `keyframes` only what the
 * first probe tells is checked, so the pipeline can skip listing packets of a source that fails already.
 */
export function remuxObstacles(src: RemuxSource, ladder: readonly Rendition[], keyframes?: KeyframeProbe, segmentSeconds = DEFAULT_SEGMENT_SECONDS): string[] {
  const why: string[] = [];
  const top = ladder[0];
  if (!top) return ['empty ladder'];
  // AVI stores no presentation times: B-frames would be copied without them.
  if (src.container === 'avi') why.push('AVI container');
  if (src.videoCodec !== 'h264') why.push(`codec ${src.videoCodec}`);
  else if (!src.videoProfile || !REMUX_PROFILES.includes(src.videoProfile)) why.push(`H.264 profile ${src.videoProfile ?? 'unknown'}`);
  if (src.pixFmt !== 'yuv420p') why.push(`pixel format ${src.pixFmt ?? 'unknown'}`);
  if (src.fieldOrder !== 'progressive') why.push(`field order ${src.fieldOrder ?? 'unknown'}`);
  if (src.rotation !== 0) why.push(`rotated ${src.rotation} degrees`);
  if (src.width !== src.codedWidth || src.height !== src.codedHeight) why.push('non-square pixels');
  if (top.width !== src.codedWidth || top.height !== src.codedHeight) {
    why.push(`top rendition ${top.width}x${top.height} is not the source size ${src.codedWidth}x${src.codedHeight}`);
  }
  if (src.fps > MAX_FPS || Math.abs(top.fps - src.fps) > 0.01) why.push(`frame rate ${src.fps} needs converting`);
  const bps = sourceBitrate(src);
  if (!(bps <= top.maxrate * MAX_BITRATE_OVER_CAP)) {
    why.push(`bitrate ${Math.round(bps / 1000)} kbit/s is over ${MAX_BITRATE_OVER_CAP}x the ${top.name} cap of ${Math.round(top.maxrate / 1000)} kbit/s`);
  }
  if (keyframes) {
    if (keyframes.times.length === 0) why.push('no keyframes');
    // A copy starts at the first keyframe, an encode at the first frame: the renditions would start apart.
    else if (keyframes.start !== null && keyframes.times[0] > keyframes.start + 1e-3) why.push('the video does not start on a keyframe');
    const gap = longestKeyframeGap(keyframes, src.durationSeconds);
    if (gap > MAX_KEYFRAME_GAP_SEGMENTS * segmentSeconds + 1e-3) {
      why.push(`keyframe gap of ${Number.isFinite(gap) ? gap.toFixed(1) : '?'} s (at most ${MAX_KEYFRAME_GAP_SEGMENTS * segmentSeconds} s)`);
    }
    if (keyframes.openGop) why.push('open GOPs (keyframes that are not clean cut points)');
    if (!sourceAvcCodec(src, keyframes.avc)) why.push('no H.264 profile and level to declare');
  }
  return why;
}

/** Audio of the copied rendition is copied too when players take it as the `mp4a.40.2` we declare. */
export function canCopyAudio(src: Pick<RemuxSource, 'hasAudio' | 'audioCodec' | 'audioProfile' | 'audioChannels'>): boolean {
  return src.hasAudio && src.audioCodec === 'aac' && src.audioProfile === 'LC' && (src.audioChannels ?? 0) >= 1 && (src.audioChannels ?? 0) <= 2;
}

export interface RemuxJob {
  input: string;
  container: RemuxSource['container'];
  /** The (empty) folder of the top rendition. */
  outDir: string;
  videoStreamIndex: number;
  hasAudio: boolean;
  copyAudio: boolean;
  /** bits/s when the audio is encoded. */
  audioBitrate: number;
  segmentSeconds?: number;
}

/** One ffmpeg run: the source's video stream copied into HLS segments, cut at the first keyframe after each segment length. */
export function buildRemuxArgs(job: RemuxJob): string[] {
  const args = [...inputArgs(job.input, job.container), '-map', `0:${job.videoStreamIndex}`];
  if (job.hasAudio) args.push('-map', '0:a:0');
  // No metadata or chapters, as in the encode: phone GPS positions stay out.
  args.push('-map_metadata', '-1', '-map_chapters', '-1', '-c:v', 'copy');
  if (job.hasAudio) args.push(...(job.copyAudio ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-ac', '2', '-ar', '48000', '-b:a', String(job.audioBitrate)]));
  args.push(
    '-max_muxing_queue_size', '4096',
    '-f', 'hls',
    '-hls_time', String(job.segmentSeconds ?? DEFAULT_SEGMENT_SECONDS),
    '-hls_playlist_type', 'vod',
    '-hls_list_size', '0',
    '-hls_flags', 'independent_segments',
    '-hls_segment_type', 'mpegts',
    '-hls_segment_filename', `${job.outDir}/${SEGMENT_PATTERN}`,
    `${job.outDir}/${MEDIA_PLAYLIST}`,
  );
  return args;
}

/** Where segments after the first start, in seconds from the first one's start. */
export function segmentStarts(segments: readonly Segment[]): number[] {
  const out: number[] = [];
  let t = 0;
  for (let i = 0; i < segments.length - 1; i++) {
    t += segments[i].duration;
    out.push(Math.round(t * 1e6) / 1e6);
  }
  return out;
}

/**
 * The source keyframes the copied rendition's segments start at, read back from its playlist: each segment
 * start, counted from the first keyframe, snapped to the nearest source keyframe. Null if a start has no
 * keyframe within `tolerance` seconds: the playlist's timeline does not match the source's.
 */
export function cutKeyframes(segments: readonly Segment[], keyframes: readonly number[], tolerance: number): number[] | null {
  if (keyframes.length === 0 || segments.length === 0) return null;
  const origin = keyframes[0];
  const cuts = [origin];
  let j = 0;
  for (const start of segmentStarts(segments)) {
    const target = origin + start;
    while (j + 1 < keyframes.length && Math.abs(keyframes[j + 1] - target) <= Math.abs(keyframes[j] - target)) j++;
    if (Math.abs(keyframes[j] - target) > tolerance || keyframes[j] <= cuts[cuts.length - 1]) return null;
    cuts.push(keyframes[j]);
  }
  return cuts;
}

/**
 * Forced keyframe times for ffmpeg: a quarter frame early, so that rounding to the encoder's time base (1/fps,
 * to the nearest tick) still lands on the frame at the keyframe and never on the one before.
 */
export function forcedKeyframeTimes(cuts: readonly number[], fps: number): number[] {
  const early = 0.25 / fps;
  return cuts.map((t) => Math.max(0, Math.round((t - early) * 1000) / 1000));
}

/** Same number of segments, each starting within `tolerance` seconds of its counterpart: players can switch at any. */
export function segmentsAligned(a: readonly Segment[], b: readonly Segment[], tolerance: number): boolean {
  if (a.length !== b.length) return false;
  const sa = segmentStarts(a);
  const sb = segmentStarts(b);
  return sa.every((t, i) => Math.abs(t - sb[i]) <= tolerance);
}
