import { avcCodecString, type Rendition } from './ladder.ts';
import { FORMAT_WHITELIST, type Container } from './probe.ts';

/**
 * ffmpeg arguments and playlists for HLS. All pure: the pipeline runs them, tests read them.
 *
 * One ffmpeg process per video: the source is decoded once and a `split` filter feeds every rendition, which on
 * two cores is far cheaper than one process per rendition. Keyframes sit at the same instants in every
 * rendition (fixed GOP, no scene-cut keyframes, forced at segment boundaries) so players can switch between
 * renditions at any segment. Segments are MPEG-TS: every player and every ffmpeg version we may meet handles
 * them (fMP4 in the ffmpeg 4.1 hls muxer is buggy).
 */
export interface HlsJob {
  /** Absolute path of the source file. */
  input: string;
  container: Container;
  /** Absolute path of the (empty) output folder. */
  outDir: string;
  renditions: Rendition[];
  hasAudio: boolean;
  /** Source frame rate; an fps filter is added when the renditions run slower. */
  sourceFps: number;
  segmentSeconds?: number;
  /** x264 preset: the speed/size trade-off. */
  preset?: string;
  /**
   * Keyframes at exactly these times (seconds on the output timeline) and nowhere else, each starting a segment:
   * set when the top rendition was copied from the source (media/remux.ts), whose own keyframes decide where its
   * segments start. Without it, keyframes and segments follow a fixed grid of `segmentSeconds`.
   */
  keyframesAt?: number[];
}

export const DEFAULT_SEGMENT_SECONDS = 4;
export const DEFAULT_PRESET = 'veryfast';
export const AAC_CODEC = 'mp4a.40.2';

/** Folder of rendition i as ffmpeg writes it; renamed to the rendition's name once ffmpeg is done. */
export const variantDir = (i: number) => `v${i}`;
export const SEGMENT_PATTERN = 'seg_%05d.ts';
export const MEDIA_PLAYLIST = 'index.m3u8';
export const MASTER_PLAYLIST = 'master.m3u8';
export const POSTER = 'poster.jpg';

/** Input options shared by every run on an upload: the demuxer probing found, and nothing else. */
export function inputArgs(input: string, container: Container): string[] {
  return ['-format_whitelist', FORMAT_WHITELIST, '-f', container, '-i', `file:${input}`];
}

export function buildHlsArgs(job: HlsJob): string[] {
  const seg = job.segmentSeconds ?? DEFAULT_SEGMENT_SECONDS;
  const n = job.renditions.length;
  if (n === 0) throw new Error('empty ladder');
  const fps = job.renditions[0].fps;
  const at = job.keyframesAt;
  // Given keyframes: none of x264's own (a GOP longer than any segment of the copy, which can run to three
  // segment lengths), and a muxer segment length well under the copy's. The hls muxer cuts at the first keyframe
  // at or after n x hls_time (n = segments so far); the copy's n-th cut is at or after n x segmentSeconds, so
  // this grid is always behind the next given keyframe and every given keyframe starts a segment.
  let longest = 3 * seg;
  for (let i = 1; at && i < at.length; i++) longest = Math.max(longest, at[i] - at[i - 1]);
  const gop = Math.max(1, Math.round(fps * (at ? longest + seg : seg)));
  const hlsTime = at ? Math.min(1, seg / 4) : seg;

  const pre = fps < job.sourceFps - 0.01 ? `fps=fps=${fps},` : '';
  const scaled = job.renditions.map(
    (r, i) => `scale=w=${r.width}:h=${r.height}:flags=bicubic,setsar=1,format=yuv420p[v${i}]`,
  );
  const graph =
    n === 1
      ? `[0:v]${pre}${scaled[0]}`
      : `[0:v]${pre}split=${n}${job.renditions.map((_, i) => `[s${i}]`).join('')};` + scaled.map((s, i) => `[s${i}]${s}`).join(';');

  const args: string[] = [...inputArgs(job.input, job.container), '-filter_complex', graph];
  job.renditions.forEach((_, i) => {
    args.push('-map', `[v${i}]`);
    if (job.hasAudio) args.push('-map', '0:a:0');
  });
  args.push(
    // Phone videos carry GPS positions and device names in their metadata: none of it goes to learners.
    '-map_metadata', '-1', '-map_chapters', '-1',
    '-c:v', 'libx264', '-preset', job.preset ?? DEFAULT_PRESET, '-profile:v', 'high', '-pix_fmt', 'yuv420p',
    '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0',
    '-force_key_frames', at ? at.join(',') : `expr:gte(t,n_forced*${seg})`,
  );
  // Next to a copy, frames keep the source's times: the default (constant rate) would repeat the first frame back
  // to zero when the video starts after the audio, and every segment would start later than the copy's; and the
  // default encoder time base (1/fps) would move each frame by up to half a frame when the source's are off its grid.
  if (at) args.push('-vsync', 'vfr', '-enc_time_base:v', '-1');
  job.renditions.forEach((r, i) => {
    args.push(`-b:v:${i}`, String(r.videoBitrate), `-maxrate:v:${i}`, String(r.maxrate), `-bufsize:v:${i}`, String(r.bufsize), `-level:v:${i}`, r.level);
  });
  if (job.hasAudio) {
    args.push('-c:a', 'aac', '-ac', '2', '-ar', '48000');
    job.renditions.forEach((r, i) => args.push(`-b:a:${i}`, String(r.audioBitrate)));
  }
  const streamMap = job.renditions.map((_, i) => (job.hasAudio ? `v:${i},a:${i}` : `v:${i}`)).join(' ');
  args.push(
    '-threads', '0',
    '-max_muxing_queue_size', '4096',
    '-f', 'hls',
    '-hls_time', String(hlsTime),
    '-hls_playlist_type', 'vod',
    '-hls_list_size', '0',
    '-hls_flags', 'independent_segments',
    '-hls_segment_type', 'mpegts',
    '-hls_segment_filename', `${job.outDir}/v%v/${SEGMENT_PATTERN}`,
    '-var_stream_map', streamMap,
    `${job.outDir}/v%v/${MEDIA_PLAYLIST}`,
  );
  return args;
}

/** Where the poster frame is taken: a little in, since lectures often open on black or a title card. */
export function posterTime(durationSeconds: number): number {
  return Math.round(Math.min(10, Math.max(0, durationSeconds * 0.1)) * 1000) / 1000;
}

export function buildPosterArgs(opts: { input: string; container: Container; output: string; durationSeconds: number; width: number; height: number }): string[] {
  return [
    '-ss', String(posterTime(opts.durationSeconds)),
    ...inputArgs(opts.input, opts.container),
    '-map_metadata', '-1',
    '-frames:v', '1',
    '-vf', `scale=w=${opts.width}:h=${opts.height},setsar=1`,
    '-q:v', '3',
    '-f', 'image2', '-update', '1',
    '-y', opts.output,
  ];
}

export interface Segment {
  uri: string;
  duration: number;
}

/** Segments of a media playlist we wrote. */
export function parseMediaPlaylist(text: string): Segment[] {
  const out: Segment[] = [];
  let duration: number | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8));
    else if (line && !line.startsWith('#') && duration !== null) {
      out.push({ uri: line, duration });
      duration = null;
    }
  }
  return out;
}

/**
 * BANDWIDTH is the peak of any segment's bitrate, AVERAGE-BANDWIDTH the whole stream's (RFC 8216 4.3.4.2),
 * both in bits/s and measured on what was written rather than trusted from the encoder settings.
 */
export function measureBandwidth(segments: { duration: number; bytes: number }[]): { peak: number; average: number } {
  const valid = segments.filter((s) => s.duration > 0);
  const seconds = valid.reduce((a, s) => a + s.duration, 0);
  const bits = valid.reduce((a, s) => a + s.bytes * 8, 0);
  // A tail segment of a few frames says little about the stream's peak: count it as at least 1 s.
  const floor = Math.min(1, seconds);
  let peak = 0;
  for (const s of valid) peak = Math.max(peak, (s.bytes * 8) / Math.max(s.duration, floor));
  return { peak: Math.ceil(peak), average: seconds > 0 ? Math.ceil(bits / seconds) : 0 };
}

export interface Variant {
  uri: string;
  width: number;
  height: number;
  fps: number;
  bandwidth: number;
  averageBandwidth: number;
  codecs: string;
}

/** CODECS of a rendition we encoded, or of a copied one when `video` (the source's own avc1 string) is given. */
export function codecsFor(r: Pick<Rendition, 'level'>, hasAudio: boolean, video = avcCodecString(r.level)): string {
  return hasAudio ? `${video},${AAC_CODEC}` : video;
}

/**
 * The master playlist, written by us: ffmpeg 4.1's -master_pl_name writes wrong BANDWIDTH values and no
 * AVERAGE-BANDWIDTH or CODECS. Players start on the first variant listed, so the one nearest 720p goes first;
 * the rest follow from high to low.
 */
export function masterPlaylist(variants: Variant[]): string {
  if (variants.length === 0) throw new Error('no variants');
  const sorted = [...variants].sort((a, b) => b.bandwidth - a.bandwidth);
  const short = (v: Variant) => Math.min(v.width, v.height);
  const start = sorted.find((v) => short(v) <= 720) ?? sorted[sorted.length - 1];
  const ordered = [start, ...sorted.filter((v) => v !== start)];
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const v of ordered) {
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${v.bandwidth},AVERAGE-BANDWIDTH=${v.averageBandwidth},RESOLUTION=${v.width}x${v.height},FRAME-RATE=${v.fps.toFixed(3)},CODECS="${v.codecs}"`,
      v.uri,
    );
  }
  return lines.join('\n') + '\n';
}
