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
  pixFmt: string | null;
  /** Bits per second of the video stream when the container says so. */
  videoBitrate: number | null;
  hasAudio: boolean;
  audioCodec: string | null;
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
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  pix_fmt?: string;
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
  format?: { format_name?: string; duration?: string; size?: string };
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
    pixFmt: video.pix_fmt ?? null,
    videoBitrate: Number.isFinite(videoBitrate) && videoBitrate > 0 ? videoBitrate : null,
    hasAudio: !!audio,
    audioCodec: audio?.codec_name ?? null,
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
