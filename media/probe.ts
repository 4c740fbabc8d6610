import { open } from 'node:fs/promises';
import path from 'node:path';
import { FfmpegError, runProcess } from './ffmpeg.ts';

/**
 * What an uploaded file is, decided before anything else touches it. Uploads are hostile input: an HLS
 * playlist or an ffconcat list renamed .mp4 would make ffmpeg open other files on this machine (a playlist may
 * name /etc/passwd as a segment). So three independent locks:
 *  1. we read the first bytes ourselves and accept only the magic numbers of the containers we take;
 *  2. ffprobe runs with `-format_whitelist` (demuxers that never open other files) and
 *     `-protocol_whitelist file`, on the given path only;
 *  3. the transcode forces the demuxer that probing found (`-f`) under the same whitelists.
 */
export const MAX_DURATION_SECONDS = 6 * 3600;
export const MIN_SIDE = 16;
export const MAX_SIDE = 8192;

/** ffmpeg demuxer names we accept; none of them follows references to other files by default. */
export type Container = 'mov' | 'matroska' | 'avi';
export const FORMAT_WHITELIST = 'mov,matroska,avi';

export interface ProbeResult {
  container: Container;
  /** ffprobe's format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  formatName: string;
  durationSeconds: number;
  /** Display size: after rotation metadata and non-square pixels. */
  width: number;
  height: number;
  /** Size of the coded frames, before rotation. */
  codedWidth: number;
  codedHeight: number;
  rotation: number;
  fps: number;
  videoCodec: string;
  videoProfile: string | null;
  /** Codec level as ffprobe gives it: H.264 level_idc, e.g. 31 for 3.1. */
  videoLevel: number | null;
  pixFmt: string | null;
  /** "progressive", "tt", "bb", "tb", "bt" or null when unknown. */
  fieldOrder: string | null;
  /** Index of the video stream in the file (ffmpeg's `0:<index>`): the one described here, never cover art. */
  videoStreamIndex: number;
  /** Seconds ffmpeg subtracts from every timestamp of this file (the container's start time). */
  startTime: number;
  /** Bits per second of the video stream when the container says so. */
  videoBitrate: number | null;
  hasAudio: boolean;
  audioCodec: string | null;
  /** e.g. "LC", "HE-AAC" for AAC. */
  audioProfile: string | null;
  audioChannels: number | null;
  sizeBytes: number;
}

export class ProbeError extends Error {
  /** unsupported: not a video container we take; invalid: our kind of file, but broken or out of bounds. */
  constructor(
    public readonly kind: 'unsupported' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

/** Recognises a container from its first bytes; null for anything else (text, playlists, images...). */
export function sniffContainer(head: Buffer): Container | null {
  if (head.length >= 12) {
    const box = head.toString('latin1', 4, 8);
    if (['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot'].includes(box)) return 'mov';
    if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'AVI ') return 'avi';
  }
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return 'matroska';
  return null;
}

interface FfprobeStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  pix_fmt?: string;
  level?: number;
  field_order?: string;
  channels?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  bit_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number | string }[];
}
interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string; size?: string; start_time?: string };
}

function ratio(s: string | undefined): number {
  if (!s) return NaN;
  const [a, b] = s.split(/[/:]/).map(Number);
  return b ? a / b : a;
}

function rotationOf(v: FfprobeStream): number {
  const fromSideData = v.side_data_list?.find((d) => d.rotation !== undefined)?.rotation;
  const raw = Number(fromSideData ?? v.tags?.rotate ?? 0);
  if (!Number.isFinite(raw)) return 0;
  return ((Math.round(raw / 90) * 90) % 360 + 360) % 360;
}

/** Checks ffprobe's JSON against our bounds. Pure, so the rules are unit-tested without files. */
export function interpretProbe(out: FfprobeOutput, container: Container, sizeBytes: number): ProbeResult {
  const formatName = out.format?.format_name ?? '';
  const allowed = FORMAT_WHITELIST.split(',');
  if (!formatName.split(',').some((n) => allowed.includes(n))) {
    throw new ProbeError('unsupported', `Not a supported video container (${formatName || 'unknown'}). Upload MP4, MOV, MKV, WebM or AVI.`);
  }
  const streams = out.streams ?? [];
  // Cover art in an audio file shows up as a one-frame "video" stream; it is not a video.
  const video = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  if (!video || !video.codec_name) throw new ProbeError('unsupported', 'The file has no video stream.');
  const audio = streams.find((s) => s.codec_type === 'audio' && s.codec_name);

  const codedWidth = video.width ?? 0;
  const codedHeight = video.height ?? 0;
  if (codedWidth < MIN_SIDE || codedHeight < MIN_SIDE || codedWidth > MAX_SIDE || codedHeight > MAX_SIDE) {
    throw new ProbeError('invalid', `Video size ${codedWidth}x${codedHeight} is outside ${MIN_SIDE}..${MAX_SIDE} pixels per side.`);
  }
  const sar = ratio(video.sample_aspect_ratio);
  const sarOk = Number.isFinite(sar) && sar > 0.25 && sar < 4;
  let width = sarOk ? Math.round(codedWidth * sar) : codedWidth;
  let height = codedHeight;
  const rotation = rotationOf(video);
  if (rotation === 90 || rotation === 270) [width, height] = [height, width];

  const duration = Number(out.format?.duration ?? video.duration);
  if (!Number.isFinite(duration) || duration <= 0) throw new ProbeError('invalid', 'The video has no duration: the file may be incomplete.');
  if (duration > MAX_DURATION_SECONDS) {
    throw new ProbeError('invalid', `The video lasts ${Math.round(duration / 60)} minutes; the limit is ${MAX_DURATION_SECONDS / 3600} hours.`);
  }
  let fps = ratio(video.avg_frame_rate);
  if (!Number.isFinite(fps) || fps <= 0 || fps > 240) fps = ratio(video.r_frame_rate);
  if (!Number.isFinite(fps) || fps <= 0 || fps > 240) fps = 25;

  const videoBitrate = Number(video.bit_rate);
  const startTime = Number(out.format?.start_time ?? 0);
  return {
    container,
    formatName,
    durationSeconds: duration,
    width,
    height,
    codedWidth,
    codedHeight,
    rotation,
    fps,
    videoCodec: video.codec_name,
    videoProfile: video.profile ?? null,
    videoLevel: typeof video.level === 'number' && video.level > 0 ? video.level : null,
    pixFmt: video.pix_fmt ?? null,
    fieldOrder: video.field_order && video.field_order !== 'unknown' ? video.field_order : null,
    videoStreamIndex: video.index ?? streams.indexOf(video),
    startTime: Number.isFinite(startTime) ? startTime : 0,
    videoBitrate: Number.isFinite(videoBitrate) && videoBitrate > 0 ? videoBitrate : null,
    hasAudio: !!audio,
    audioCodec: audio?.codec_name ?? null,
    audioProfile: audio?.profile ?? null,
    audioChannels: audio?.channels ?? null,
    sizeBytes,
  };
}

export function ffprobeArgs(absPath: string): string[] {
  return [
    '-v', 'error',
    '-protocol_whitelist', 'file',
    '-format_whitelist', FORMAT_WHITELIST,
    '-show_format', '-show_streams',
    '-of', 'json',
    // The file: prefix keeps a name such as "-x" or "a:b" from being read as an option or a protocol.
    `file:${absPath}`,
  ];
}

/** Probes one local file. Throws ProbeError for anything we will not transcode. */
export async function probe(ffprobe: string, file: string, opts: { timeoutMs?: number } = {}): Promise<ProbeResult> {
  const abs = path.resolve(file);
  const fh = await open(abs, 'r');
  let head: Buffer;
  let size: number;
  try {
    size = (await fh.stat()).size;
    const buf = Buffer.alloc(64);
    const { bytesRead } = await fh.read(buf, 0, 64, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  if (size === 0) throw new ProbeError('unsupported', 'The file is empty.');
  const container = sniffContainer(head);
  if (!container) throw new ProbeError('unsupported', 'Not a video file we can read. Upload MP4, MOV, MKV, WebM or AVI.');

  let stdout: string;
  try {
    const res = await runProcess(
      ffprobe,
      ffprobeArgs(abs),
      { timeoutMs: opts.timeoutMs ?? 30_000 },
    );
    stdout = res.stdout ?? '';
  } catch (err) {
    if (err instanceof FfmpegError && err.reason === 'exit') {
      throw new ProbeError('invalid', 'The video file is damaged or incomplete and cannot be read.');
    }
    // A well-formed header is read in milliseconds; a file that keeps ffprobe busy this long is hostile or broken.
    if (err instanceof FfmpegError && err.reason === 'timeout') throw new ProbeError('invalid', 'The video file could not be analysed in time.');
    throw err;
  }
  let parsed: FfprobeOutput;
  try {
    parsed = JSON.parse(stdout) as FfprobeOutput;
  } catch {
    throw new ProbeError('invalid', 'The video file could not be analysed.');
  }
  return interpretProbe(parsed, container, size);
}

/** The first bytes of an H.264 decoder configuration: what an RFC 6381 `avc1.PPCCLL` string is made of. */
export interface AvcConfig {
  profileIdc: number;
  /** constraint_set0..5 flags, as the byte between profile and level. */
  constraints: number;
  levelIdc: number;
}

export interface KeyframeProbe {
  /** Keyframe times in seconds on ffmpeg's output timeline (source time minus the file's start time), ascending. */
  times: number[];
  /** A picture decoded after a keyframe is shown before it: open GOPs, whose keyframes are no clean cut points. */
  openGop: boolean;
  /** Video packets listed. */
  packets: number;
  /** Earliest presentation time of any packet, on the same timeline as `times`; null without packets. */
  start: number | null;
  /** From the stream's extradata (avcC, or an Annex B SPS); null when there is none we can read. */
  avc: AvcConfig | null;
}

/** The same locks as ffprobeArgs, plus the demuxer probing found, for one stream of one file. */
function lockedArgs(absPath: string, container: Container, streamIndex: number, entries: string[]): string[] {
  return [
    '-v', 'error',
    '-protocol_whitelist', 'file',
    '-format_whitelist', FORMAT_WHITELIST,
    '-f', container,
    '-select_streams', String(streamIndex),
    ...entries,
    '-of', 'compact',
    `file:${absPath}`,
  ];
}

/**
 * Every packet's presentation time and flags, without decoding anything: a demuxer walk (measured at 0.1-0.3 s
 * for a 60 s 1080p H.264 file, against 0.5-0.8 s for `-skip_frame nokey -show_entries frame=pts_time`, which
 * decodes every keyframe).
 */
export function keyframeArgs(absPath: string, container: Container, streamIndex: number): string[] {
  return lockedArgs(absPath, container, streamIndex, ['-show_entries', 'packet=pts_time,flags']);
}

/**
 * The stream's extradata as a hex dump, from the header only. A separate run because `-show_data` would also
 * hex-dump every packet of the listing above (10 s instead of 0.2 s for a minute of 1080p).
 */
export function extradataArgs(absPath: string, container: Container, streamIndex: number): string[] {
  return lockedArgs(absPath, container, streamIndex, ['-show_data', '-show_entries', 'stream=extradata']);
}

/** Folds `-of compact` packet lines (`packet|pts_time=1.960000|flags=__`) into keyframe times. Pure. */
export function keyframeReader(startTime: number) {
  const times: number[] = [];
  let openGop = false;
  let packets = 0;
  let lastKey: number | null = null;
  let start = Infinity;
  return {
    line(line: string) {
      if (!line.startsWith('packet|')) return;
      packets++;
      const pts = Number(/\|pts_time=([-0-9.]+)/.exec(line)?.[1] ?? NaN);
      const flags = /\|flags=([A-Z_]*)/.exec(line)?.[1] ?? '';
      // No time (some AVI), or dropped by an edit list: says nothing about what ffmpeg will output.
      if (!Number.isFinite(pts) || flags.includes('D')) return;
      start = Math.min(start, pts);
      if (flags.includes('K')) {
        times.push(Math.round((pts - startTime) * 1e6) / 1e6);
        lastKey = pts;
      } else if (lastKey !== null && pts < lastKey - 1e-6) {
        openGop = true;
      }
    },
    result(): Omit<KeyframeProbe, 'avc'> {
      const first = Number.isFinite(start) ? Math.round((start - startTime) * 1e6) / 1e6 : null;
      return { times: [...new Set(times)].sort((a, b) => a - b), openGop, packets, start: first };
    },
  };
}

/** Reads profile, constraint flags and level from `stream|extradata=\n00000000: 0164 001f ffe1 ...`. Pure. */
export function parseAvcExtradata(compact: string): AvcConfig | null {
  const m = /extradata=(?:\\n|\n)?00000000: ([0-9a-f]{2,4}(?: [0-9a-f]{2,4})*)/i.exec(compact);
  if (!m) return null;
  const hex = m[1].replace(/ /g, '');
  const bytes = Array.from({ length: Math.floor(hex.length / 2) }, (_, i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16));
  // avcC (MP4, Matroska): configurationVersion 1, then the three bytes.
  if (bytes[0] === 1 && bytes.length >= 4) return { profileIdc: bytes[1], constraints: bytes[2], levelIdc: bytes[3] };
  // Annex B: a start code, then the SPS NAL unit (type 7).
  for (let i = 0; i + 6 < bytes.length; i++) {
    if (bytes[i] === 0 && bytes[i + 1] === 0 && bytes[i + 2] === 1 && (bytes[i + 3] & 0x1f) === 7) {
      return { profileIdc: bytes[i + 4], constraints: bytes[i + 5], levelIdc: bytes[i + 6] };
    }
  }
  return null;
}

/**
 * Keyframe times and the AVC configuration of the video stream of a file probe() accepted. Reads packet
 * headers only, under the same whitelists as probe(), with the container forced to the one probing found.
 */
export async function probeKeyframes(
  ffprobe: string,
  file: string,
  info: Pick<ProbeResult, 'container' | 'videoStreamIndex' | 'startTime'>,
  opts: { timeoutMs?: number; signal?: AbortSignal; niceness?: number } = {},
): Promise<KeyframeProbe> {
  const abs = path.resolve(file);
  const run = { timeoutMs: opts.timeoutMs ?? 60_000, signal: opts.signal, niceness: opts.niceness };
  const reader = keyframeReader(info.startTime);
  const [header] = await Promise.all([
    runProcess(ffprobe, extradataArgs(abs, info.container, info.videoStreamIndex), run),
    runProcess(ffprobe, keyframeArgs(abs, info.container, info.videoStreamIndex), { ...run, onLine: reader.line }),
  ]);
  return { ...reader.result(), avc: parseAvcExtradata(header.stdout ?? '') };
}
