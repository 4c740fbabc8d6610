/**
 * The HLS ladder for one source: which renditions, at which size and bitrate. Pure.
 * Rules: never upscale; sizes follow the short side so portrait phone video gets the same quality steps as
 * landscape; bitrates scale with pixel count and frame rate, and are capped near the source's own bitrate so a
 * 1 Mbit/s screen recording is not blown up to 5 Mbit/s of nothing.
 */
export interface Rung {
  name: string;
  /** Short side in pixels (the "p" number). */
  short: number;
  /** kbit/s for a 16:9 picture at <= 30 fps. */
  videoKbps: number;
  audioKbps: number;
}

export const STANDARD_RUNGS: readonly Rung[] = [
  { name: '1080p', short: 1080, videoKbps: 5000, audioKbps: 128 },
  { name: '720p', short: 720, videoKbps: 2800, audioKbps: 128 },
  { name: '480p', short: 480, videoKbps: 1400, audioKbps: 96 },
  { name: '360p', short: 360, videoKbps: 800, audioKbps: 96 },
];

export interface Rendition {
  name: string;
  width: number;
  height: number;
  fps: number;
  /** bits per second */
  videoBitrate: number;
  maxrate: number;
  bufsize: number;
  audioBitrate: number;
  /** H.264 level as ffmpeg takes it, e.g. "3.1". */
  level: string;
}

export interface LadderSource {
  width: number;
  height: number;
  fps: number;
  videoCodec?: string;
  videoBitrate?: number | null;
}

/** Frames above this are halved-ish by an fps filter: 120 fps screen captures buy nothing in a lecture. */
export const MAX_FPS = 60;
/** A rung is still used when the source is this close below it (a 1916x1076 export is "1080p"). */
const NEAR = 0.95;

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/** How many bits of H.264 one bit of the source codec is worth, for capping; unknown codecs are not capped. */
const CODEC_EFFICIENCY: Record<string, number> = { h264: 1.25, hevc: 2, vp9: 2, av1: 2.4, vp8: 1.25 };

export function outputFps(fps: number): number {
  if (!Number.isFinite(fps) || fps <= 0) return 25;
  let f = fps;
  while (f > MAX_FPS) f /= 2;
  return Math.round(f * 1000) / 1000;
}

// H.264 Annex A: max macroblocks/s, max frame size in macroblocks, max bitrate (kbit/s, Main; High allows 1.25x).
const LEVELS: [string, number, number, number][] = [
  ['3.0', 40_500, 1_620, 10_000],
  ['3.1', 108_000, 3_600, 14_000],
  ['3.2', 216_000, 5_120, 20_000],
  ['4.0', 245_760, 8_192, 20_000],
  ['4.1', 245_760, 8_192, 50_000],
  ['4.2', 522_240, 8_704, 50_000],
  ['5.0', 589_824, 22_080, 135_000],
  ['5.1', 983_040, 36_864, 240_000],
  ['5.2', 2_073_600, 36_864, 240_000],
];

/** The lowest H.264 level that holds this size, frame rate and peak bitrate (High profile). */
export function h264Level(width: number, height: number, fps: number, maxrateBps: number): string {
  const mbs = Math.ceil(width / 16) * Math.ceil(height / 16);
  for (const [name, mbps, fs, br] of LEVELS) {
    if (mbs <= fs && mbs * fps <= mbps && maxrateBps <= br * 1250) return name;
  }
  return '5.2';
}

function rendition(name: string, width: number, height: number, fps: number, videoKbps: number, audioKbps: number): Rendition {
  const videoBitrate = Math.round(videoKbps / 10) * 10_000;
  // Capped VBR: peaks up to 10 % over the average, decoder buffer of two seconds at that peak.
  const maxrate = Math.round(videoBitrate * 1.1);
  const bufsize = maxrate * 2;
  return { name, width, height, fps, videoBitrate, maxrate, bufsize, audioBitrate: audioKbps * 1000, level: h264Level(width, height, fps, maxrate) };
}

export function buildLadder(src: LadderSource, rungs: readonly Rung[] = STANDARD_RUNGS): Rendition[] {
  const portrait = src.height > src.width;
  const srcShort = Math.min(src.width, src.height);
  const srcLong = Math.max(src.width, src.height);
  const fps = outputFps(src.fps);
  const fpsFactor = fps > 31 ? 1.5 : 1;
  const efficiency = src.videoCodec ? CODEC_EFFICIENCY[src.videoCodec] : undefined;
  const capKbps = efficiency && src.videoBitrate ? Math.max(300, (src.videoBitrate * efficiency) / 1000) : Infinity;

  const sized = (short: number) => {
    const s = even(Math.min(short, srcShort));
    const l = even((s * srcLong) / srcShort);
    return portrait ? { width: s, height: l } : { width: l, height: s };
  };

  const out: Rendition[] = [];
  for (const rung of rungs) {
    if (srcShort < rung.short * NEAR) continue;
    const { width, height } = sized(rung.short);
    if (out.some((r) => r.width === width && r.height === height)) continue;
    const refArea = rung.short * even((rung.short * 16) / 9);
    const areaFactor = Math.min(1.5, Math.max(0.5, (width * height) / refArea));
    const kbps = Math.min(rung.videoKbps * areaFactor * fpsFactor, capKbps);
    out.push(rendition(rung.name, width, height, fps, kbps, rung.audioKbps));
  }
  if (out.length === 0) {
    // Smaller than the lowest rung: one rendition at the source's own size.
    const lowest = rungs[rungs.length - 1];
    const { width, height } = sized(srcShort);
    const refArea = lowest.short * even((lowest.short * 16) / 9);
    const kbps = Math.min(Math.max(200, (lowest.videoKbps * width * height) / refArea) * fpsFactor, capKbps);
    out.push(rendition(`${Math.min(width, height)}p`, width, height, fps, kbps, lowest.audioKbps));
  }
  return out;
}

/** RFC 6381 codec string for High profile at the given level, e.g. "avc1.64001f" for 3.1. */
export function avcCodecString(level: string): string {
  const idc = Math.round(Number(level) * 10);
  return `avc1.6400${idc.toString(16).padStart(2, '0')}`;
}
