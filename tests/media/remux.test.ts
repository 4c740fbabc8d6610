import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { videos } from '../../db/schema/index.ts';
import { resolveBinaries, runProcess, type MediaBinaries } from '../../media/ffmpeg.ts';
import { buildHlsArgs, parseMediaPlaylist, type Segment } from '../../media/hls.ts';
import { buildLadder } from '../../media/ladder.ts';
import { createTranscodeHandler, queueTranscode, sourceKey, TRANSCODE, versionOf, type StoredRendition } from '../../media/pipeline.ts';
import { keyframeArgs, keyframeReader, parseAvcExtradata, probe, probeKeyframes, type KeyframeProbe } from '../../media/probe.ts';
import {
  buildRemuxArgs,
  canCopyAudio,
  cutKeyframes,
  forcedKeyframeTimes,
  longestKeyframeGap,
  remuxObstacles,
  segmentsAligned,
  sourceAvcCodec,
  type RemuxSource,
} from '../../media/remux.ts';
import { makeCourse, makeLesson } from '../helpers/factories.ts';
import { binaries, buildMediaTestApp, makeClip, tempDir, type MediaTestApp } from '../helpers/media.ts';

const arg = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('remux eligibility (pure)', () => {
  const src: RemuxSource = {
    container: 'mov',
    videoCodec: 'h264',
    videoProfile: 'High',
    videoLevel: 31,
    pixFmt: 'yuv420p',
    fieldOrder: 'progressive',
    width: 1280,
    height: 720,
    codedWidth: 1280,
    codedHeight: 720,
    rotation: 0,
    fps: 25,
    videoBitrate: 2_500_000,
    sizeBytes: 3_500_000,
    durationSeconds: 10,
    hasAudio: true,
    audioCodec: 'aac',
    audioProfile: 'LC',
    audioChannels: 2,
  };
  const kf: KeyframeProbe = { times: [0, 2, 4, 6, 8], openGop: false, packets: 250, start: 0, avc: { profileIdc: 0x64, constraints: 0, levelIdc: 31 } };
  const obstacles = (patch: Partial<RemuxSource>, keyframes: Partial<KeyframeProbe> | null = {}) => {
    const s = { ...src, ...patch };
    return remuxObstacles(s, buildLadder(s), keyframes ? { ...kf, ...keyframes } : undefined, 4).join('; ');
  };

  it('copies H.264 yuv420p at the top rung size with a regular GOP', () => {
    expect(buildLadder(src)[0]).toMatchObject({ name: '720p', width: 1280, height: 720 });
    expect(obstacles({})).toBe('');
    // A source just under a rung keeps its own size as the top rendition (ladder NEAR rule): a copy too.
    expect(obstacles({ width: 1916, height: 1076, codedWidth: 1916, codedHeight: 1076 })).toBe('');
    // Constrained Baseline and Main are fine, and so are B-frames and Matroska.
    expect(obstacles({ videoProfile: 'Constrained Baseline', container: 'matroska' })).toBe('');
    // Before the keyframes are listed, only what the first probe says is checked.
    expect(obstacles({}, null)).toBe('');
  });

  it('encodes other codecs, chroma formats, bit depths and scan types', () => {
    expect(obstacles({ videoCodec: 'hevc', videoProfile: 'Main' })).toMatch(/^codec hevc$/);
    expect(obstacles({ pixFmt: 'yuv444p', videoProfile: 'High 4:4:4 Predictive' })).toMatch(/profile High 4:4:4 Predictive; pixel format yuv444p/);
    expect(obstacles({ pixFmt: 'yuv420p10le', videoProfile: 'High 10' })).toMatch(/pixel format yuv420p10le/);
    expect(obstacles({ pixFmt: 'yuvj420p' })).toMatch(/pixel format yuvj420p/);
    expect(obstacles({ fieldOrder: 'tt' })).toMatch(/field order tt/);
    expect(obstacles({ fieldOrder: null })).toMatch(/field order unknown/);
    expect(obstacles({ container: 'avi' })).toMatch(/AVI/);
  });

  it('encodes when the top rendition is not the source picture', () => {
    // Odd sizes are rounded to even ones by the ladder: a scale, not a copy.
    expect(obstacles({ width: 1279, height: 719, codedWidth: 1279, codedHeight: 719 })).toMatch(/top rendition 1280x720 is not the source size 1279x719/);
    // Between rungs (1440p), the top rendition is scaled down to 1080p.
    expect(obstacles({ width: 2560, height: 1440, codedWidth: 2560, codedHeight: 1440, videoBitrate: 8_000_000 })).toMatch(/1920x1080 is not the source size/);
    expect(obstacles({ width: 720, height: 1280, rotation: 90 })).toMatch(/rotated 90 degrees/);
    expect(obstacles({ width: 1280, height: 720, codedWidth: 960, codedHeight: 720 })).toMatch(/non-square pixels/);
    expect(obstacles({ fps: 120 })).toMatch(/frame rate 120 needs converting/);
  });

  it('encodes a source far above the rung cap, by its own rate or by its file size', () => {
    expect(obstacles({ videoBitrate: 40_000_000 })).toMatch(/bitrate 40000 kbit\/s is over 2x the 720p cap of 3080 kbit\/s/);
    expect(obstacles({ videoBitrate: 6_000_000 })).toBe('');
    expect(obstacles({ videoBitrate: null, sizeBytes: 50_000_000 })).toMatch(/bitrate 40000 kbit\/s/);
  });

  it('encodes when the keyframes do not allow segments of about the segment length', () => {
    expect(obstacles({}, { times: [0] })).toMatch(/keyframe gap of 10.0 s \(at most 8 s\)/);
    expect(obstacles({}, { times: [0, 9] })).toMatch(/keyframe gap of 9.0 s/);
    expect(obstacles({}, { times: [0, 2, 4, 6, 8, 9.5] })).toBe('');
    expect(obstacles({}, { times: [] })).toMatch(/no keyframes/);
    expect(obstacles({}, { openGop: true })).toMatch(/open GOPs/);
    expect(obstacles({}, { times: [0.4, 2, 4, 6, 8], start: 0 })).toMatch(/does not start on a keyframe/);
    expect(longestKeyframeGap({ times: [0, 3, 4] }, 10)).toBe(6);
  });

  it('declares the source profile and level, from its decoder configuration when there is one', () => {
    expect(sourceAvcCodec(src, kf.avc)).toBe('avc1.64001f');
    expect(sourceAvcCodec(src, { profileIdc: 0x42, constraints: 0xc0, levelIdc: 30 })).toBe('avc1.42c01e');
    expect(sourceAvcCodec({ videoProfile: 'Constrained Baseline', videoLevel: 30 }, null)).toBe('avc1.42401e');
    expect(sourceAvcCodec({ videoProfile: 'Main', videoLevel: 40 }, null)).toBe('avc1.4d0028');
    expect(sourceAvcCodec({ videoProfile: 'High', videoLevel: null }, null)).toBeNull();
    expect(obstacles({ videoLevel: null }, { avc: null })).toMatch(/no H.264 profile and level/);
  });

  it('copies the audio only when it is stereo or mono AAC-LC', () => {
    expect(canCopyAudio(src)).toBe(true);
    expect(canCopyAudio({ ...src, audioProfile: 'HE-AAC' })).toBe(false);
    expect(canCopyAudio({ ...src, audioChannels: 6 })).toBe(false);
    expect(canCopyAudio({ ...src, audioCodec: 'mp3', audioProfile: null })).toBe(false);
    expect(canCopyAudio({ ...src, hasAudio: false, audioCodec: null })).toBe(false);
  });
});

describe('keyframe listing and segment alignment (pure)', () => {
  it('reads keyframes from packet lines, and tells closed GOPs with B-frames from open ones', () => {
    const closed = keyframeReader(0);
    for (const l of ['packet|pts_time=0.000000|flags=K_', 'packet|pts_time=0.160000|flags=__', 'packet|pts_time=0.080000|flags=__', 'packet|pts_time=2.000000|flags=K_', 'packet|pts_time=2.160000|flags=__', 'packet|pts_time=2.040000|flags=__', '']) closed.line(l);
    expect(closed.result()).toEqual({ times: [0, 2], openGop: false, packets: 6, start: 0 });
    // Open GOP: a B-frame after the keyframe in decode order is shown before it.
    const open = keyframeReader(0);
    for (const l of ['packet|pts_time=0.000000|flags=K_', 'packet|pts_time=2.000000|flags=K_', 'packet|pts_time=1.960000|flags=__']) open.line(l);
    expect(open.result().openGop).toBe(true);
    // Times move to ffmpeg's output timeline; packets an edit list drops, and packets without a time, count for nothing.
    const shifted = keyframeReader(1.5);
    for (const l of ['packet|pts_time=1.000000|flags=K_D', 'packet|pts_time=N/A|flags=K_', 'packet|pts_time=1.500000|flags=K__', 'packet|pts_time=3.500000|flags=K__']) shifted.line(l);
    expect(shifted.result()).toMatchObject({ times: [0, 2], start: 0 });
  });

  it('reads profile, constraint flags and level from avcC and from an Annex B SPS', () => {
    expect(parseAvcExtradata('stream|extradata=\\n00000000: 0164 001f ffe1 001a 6764 001f acd9 4050  .d......gd....@P\\n')).toEqual({ profileIdc: 0x64, constraints: 0, levelIdc: 31 });
    expect(parseAvcExtradata('stream|extradata=\\n00000000: 0000 0001 6742 c01e 95a0 5020  ....gB....P \\n')).toEqual({ profileIdc: 0x42, constraints: 0xc0, levelIdc: 30 });
    expect(parseAvcExtradata('stream|extradata=')).toBeNull();
    expect(parseAvcExtradata('')).toBeNull();
  });

  const segs = (...d: number[]): Segment[] => d.map((duration, i) => ({ uri: `seg_${i}.ts`, duration }));

  it('maps the copy’s segment starts back to source keyframes', () => {
    expect(cutKeyframes(segs(4, 4, 2), [0, 2, 4, 6, 8], 0.041)).toEqual([0, 4, 8]);
    // Within a frame of a keyframe: snapped to it.
    expect(cutKeyframes(segs(4.021, 4, 2), [0, 2, 4, 6, 8], 0.041)).toEqual([0, 4, 8]);
    expect(cutKeyframes(segs(6.006, 2.1021, 3.3), [0.3, 3.303, 6.306, 8.4081, 12.045], 0.034)).toEqual([0.3, 6.306, 8.4081]);
    expect(cutKeyframes(segs(5), [0, 2], 0.041)).toEqual([0]);
    // A segment start with no keyframe near it (ffmpeg 4.1 miscounts a first segment whose video starts late).
    expect(cutKeyframes(segs(3, 3), [0, 2, 4], 0.041)).toBeNull();
    expect(cutKeyframes(segs(4.257, 1.386), [0.321, 1.523, 4.626], 0.034)).toBeNull();
  });

  it('forces keyframes a quarter frame early, so rounding to 1/fps never picks the frame before', () => {
    expect(forcedKeyframeTimes([0, 4, 8.4081], 25)).toEqual([0, 3.99, 8.398]);
    expect(forcedKeyframeTimes([2.002], 30000 / 1001)).toEqual([1.994]);
  });

  it('calls renditions aligned when every segment starts within the tolerance', () => {
    expect(segmentsAligned(segs(4, 4, 2), segs(4, 4, 2.5), 0.041)).toBe(true);
    expect(segmentsAligned(segs(4, 4, 2), segs(4.02, 3.98, 2), 0.041)).toBe(true);
    expect(segmentsAligned(segs(4, 4, 2), segs(4.3, 4, 2), 0.041)).toBe(false);
    expect(segmentsAligned(segs(4, 4, 2), segs(8, 2), 0.041)).toBe(false);
  });
});

describe('ffmpeg arguments for the copy and for the renditions beside it', () => {
  it('copies the probed video stream and AAC audio into HLS segments, reading only the probed demuxer', () => {
    const args = buildRemuxArgs({ input: '/data/src', container: 'matroska', outDir: '/tmp/out/v0', videoStreamIndex: 2, hasAudio: true, copyAudio: true, audioBitrate: 128_000, segmentSeconds: 4 });
    expect(arg(args, '-f')).toBe('matroska');
    expect(arg(args, '-format_whitelist')).toBe('mov,matroska,avi');
    expect(arg(args, '-i')).toBe('file:/data/src');
    expect(args.filter((a, i) => args[i - 1] === '-map')).toEqual(['0:2', '0:a:0']);
    expect(arg(args, '-c:v')).toBe('copy');
    expect(arg(args, '-c:a')).toBe('copy');
    expect(arg(args, '-map_metadata')).toBe('-1');
    expect(arg(args, '-hls_time')).toBe('4');
    expect(arg(args, '-hls_segment_filename')).toBe('/tmp/out/v0/seg_%05d.ts');
    expect(args.at(-1)).toBe('/tmp/out/v0/index.m3u8');
    expect(args).not.toContain('libx264');
    const encodedAudio = buildRemuxArgs({ input: '/s', container: 'mov', outDir: '/o', videoStreamIndex: 0, hasAudio: true, copyAudio: false, audioBitrate: 96_000 });
    expect(arg(encodedAudio, '-c:a')).toBe('aac');
    expect(arg(encodedAudio, '-b:a')).toBe('96000');
    expect(buildRemuxArgs({ input: '/s', container: 'mov', outDir: '/o', videoStreamIndex: 0, hasAudio: false, copyAudio: false, audioBitrate: 0 })).not.toContain('-c:a');
  });

  it('keys the encoded renditions only where the copy’s segments start, and cuts a segment at each', () => {
    const lower = buildLadder({ width: 1280, height: 720, fps: 25 }).slice(1);
    const args = buildHlsArgs({ input: '/s', container: 'mov', outDir: '/o/lower', renditions: lower, hasAudio: true, sourceFps: 25, segmentSeconds: 4, keyframesAt: [0, 3.99, 9.99, 13.99] });
    expect(arg(args, '-force_key_frames')).toBe('0,3.99,9.99,13.99');
    // No keyframe of x264's own within the longest segment (three segment lengths, or a longer given gap).
    expect(Number(arg(args, '-g'))).toBe(25 * 16);
    expect(arg(args, '-sc_threshold')).toBe('0');
    expect(arg(args, '-hls_time')).toBe('1');
    expect(arg(args, '-vsync')).toBe('vfr');
    expect(arg(args, '-enc_time_base:v')).toBe('-1');
    // Without given keyframes: the fixed grid, as before.
    const grid = buildHlsArgs({ input: '/s', container: 'mov', outDir: '/o', renditions: lower, hasAudio: true, sourceFps: 25 });
    expect(arg(grid, '-force_key_frames')).toBe('expr:gte(t,n_forced*4)');
    expect(grid).not.toContain('-vsync');
  });
});

/* ------------------------------------------------------------------------------------------------------------ */

let t: MediaTestApp;
let clips: string;

beforeAll(async () => {
  t = await buildMediaTestApp();
  clips = tempDir();
});
afterAll(async () => {
  await t.close();
  rmSync(clips, { recursive: true, force: true });
});

const row = (id: string) => t.db.select().from(videos).where(eq(videos.id, id)).get()!;
const ffprobeJson = (file: string, extra: string[] = []) =>
  JSON.parse(execFileSync(binaries.ffprobe, ['-v', 'error', ...extra, '-show_streams', '-of', 'json', file]).toString()) as {
    streams: { codec_type: string; codec_name: string; profile?: string; level?: number; width?: number; height?: number; nb_read_packets?: string }[];
  };

interface LogEntry {
  level: string;
  msg?: string;
  obj: Record<string, unknown>;
}

/** The transcode job as the worker runs it, with its log captured. */
async function transcode(clip: string, opts: { binaries?: MediaBinaries; segmentSeconds?: number; previousError?: string } = {}) {
  const course = makeCourse(t);
  const lesson = makeLesson(t, { courseId: course.id, kind: 'video' });
  const id = `v-${Math.random().toString(36).slice(2, 10)}`;
  const copy = path.join(clips, `${id}.src`);
  copyFileSync(clip, copy);
  await t.storage.put(sourceKey(id), { file: copy });
  const now = t.clock();
  t.db.insert(videos).values({ id, lessonId: lesson.id, status: 'uploaded', sourceKey: sourceKey(id), createdAt: now, updatedAt: now }).run();
  const job = queueTranscode(t.db, t.queue, now, id);
  if (opts.previousError) t.db.$client.prepare('UPDATE jobs SET last_error = ? WHERE id = ?').run(opts.previousError, job.id);
  t.clock.advance(1000);
  const entries: LogEntry[] = [];
  const capture = (level: string) => (obj: object, msg?: string) => void entries.push({ level, msg, obj: obj as Record<string, unknown> });
  const log = { info: capture('info'), warn: capture('warn'), error: capture('error') };
  // veryfast, the production preset: ultrafast would encode below the High profile the playlist declares.
  const handler = createTranscodeHandler({ db: t.db, storage: t.storage, binaries: opts.binaries ?? binaries, clock: t.clock, niceness: 0, preset: 'veryfast', segmentSeconds: opts.segmentSeconds });
  const claimed = t.queue.claim('test', { leaseMs: 60_000, kinds: [TRANSCODE] })!;
  expect(claimed.id).toBe(job.id);
  await handler.run(claimed, { signal: new AbortController().signal, tmpDir: path.join(t.storage.tmpDir, claimed.id), log });
  t.queue.complete(claimed);
  const ready = row(id);
  expect(ready.status).toBe('ready');
  const root = t.storage.localPath(`videos/${id}/${versionOf(ready)}`)!;
  const master = readFileSync(path.join(root, 'master.m3u8'), 'utf8');
  const segments = (name: string) => parseMediaPlaylist(readFileSync(path.join(root, name, 'index.m3u8'), 'utf8'));
  const logged = (msg: string) => entries.find((e) => e.msg === msg)?.obj;
  return { renditions: ready.renditions as StoredRendition[], root, master, segments, logged, entries };
}

/** Same number of segments, the same durations (the last one, where the streams end, within a frame). */
function expectAligned(top: Segment[], other: Segment[], fps: number) {
  expect(other.length).toBe(top.length);
  top.forEach((s, i) => expect(Math.abs(other[i].duration - s.duration)).toBeLessThanOrEqual(i === top.length - 1 ? 1 / fps + 1e-3 : 1e-3));
}

const codecsLine = (master: string, name: string) => {
  const lines = master.split('\n');
  return /CODECS="([^"]+)"/.exec(lines[lines.indexOf(`${name}/index.m3u8`) - 1])?.[1];
};

describe('remuxing the top rendition (real ffmpeg)', () => {
  it('copies a 720p H.264 upload with a 2 s GOP, and encodes the lower renditions on its segment boundaries', async () => {
    const clip = makeClip(clips, { width: 1280, height: 720, seconds: 6, name: 'h264-720p.mp4', extraArgs: ['-preset', 'veryfast', '-g', '50', '-b:v', '1500k'] });
    const src = ffprobeJson(clip).streams.find((s) => s.codec_type === 'video')!;
    expect([src.profile, src.level]).toEqual(['High', 31]);

    const { renditions, root, master, segments, logged } = await transcode(clip);
    // The plan, and the time the copy took, are in the job log.
    expect(logged('top rendition remuxed')).toMatchObject({ plan: 'remux', rendition: '720p', copyAudio: true });
    expect(logged('top rendition remuxed')?.remuxMs).toEqual(expect.any(Number));
    expect(logged('top rendition remuxed')?.keyframeProbeMs).toEqual(expect.any(Number));
    expect(logged('video ready')).toMatchObject({ plan: 'remux' });
    expect(renditions.map((r) => r.name)).toEqual(['720p', '480p', '360p']);

    // The top rendition is the source's stream: same profile and level, every frame of it.
    const seg0 = ffprobeJson(path.join(root, '720p', 'seg_00000.ts')).streams.find((s) => s.codec_type === 'video')!;
    expect([seg0.codec_name, seg0.profile, seg0.level, seg0.width, seg0.height]).toEqual(['h264', src.profile, src.level, 1280, 720]);
    const frames = segments('720p').reduce((n, s) => {
      const v = ffprobeJson(path.join(root, '720p', s.uri), ['-count_packets']).streams.find((x) => x.codec_type === 'video')!;
      return n + Number(v.nb_read_packets);
    }, 0);
    expect(frames).toBe(150);

    // Segments start at the same instants in every rendition: 4 s (the first keyframe at or after 4 s), then the rest.
    expect(segments('720p').map((s) => s.duration)).toEqual([4, 2]);
    for (const name of ['480p', '360p']) expectAligned(segments('720p'), segments(name), 25);

    // CODECS: the source's own profile and level for the copy, ours for the encoded ones.
    expect(codecsLine(master, '720p')).toBe('avc1.64001f,mp4a.40.2');
    expect(renditions[0].codecs).toBe('avc1.64001f,mp4a.40.2');
    expect(codecsLine(master, '480p')).toBe('avc1.64001e,mp4a.40.2');
    const seg480 = ffprobeJson(path.join(root, '480p', 'seg_00000.ts')).streams.find((s) => s.codec_type === 'video')!;
    expect([seg480.profile, seg480.level]).toEqual(['High', 30]);
  }, 60_000);

  it('keeps segments aligned when the video starts after the audio, at 29.97 fps with irregular keyframes (Matroska)', async () => {
    const clip = path.join(clips, 'late-video.mkv');
    execFileSync(binaries.ffmpeg, [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-itsoffset', '0.3', '-f', 'lavfi', '-i', 'testsrc=size=854x480:rate=30000/1001',
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', '6', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-b:v', '800k',
      '-g', '300', '-sc_threshold', '0', '-force_key_frames', '0,1.5,4.6', '-c:a', 'aac', clip,
    ], { stdio: 'pipe', timeout: 30_000 });
    const { renditions, segments, logged } = await transcode(clip);
    expect(logged('video ready')).toMatchObject({ plan: 'remux' });
    expect(renditions.map((r) => r.name)).toEqual(['480p', '360p']);
    expect(segments('480p').length).toBe(2);
    expectAligned(segments('480p'), segments('360p'), 30000 / 1001);
  }, 60_000);

  it('works the same with the static ffmpeg 4.1 shipped by npm', async () => {
    const staticBins = resolveBinaries({}, '/nonexistent');
    const clip = makeClip(clips, { width: 854, height: 480, seconds: 6, name: 'h264-480p.mp4', extraArgs: ['-preset', 'veryfast', '-g', '50'] });
    const { renditions, master, segments, logged } = await transcode(clip, { binaries: staticBins });
    expect(logged('video ready')).toMatchObject({ plan: 'remux' });
    expect(renditions.map((r) => r.name)).toEqual(['480p', '360p']);
    expect(codecsLine(master, '480p')).toBe('avc1.64001e,mp4a.40.2');
    expect(segments('480p').map((s) => s.duration)).toEqual([4, 2]);
    expectAligned(segments('480p'), segments('360p'), 25);
  }, 60_000);

  it('encodes every rendition of a source whose keyframes are too far apart, on the fixed grid', async () => {
    // 2 s segments allow keyframe gaps up to 4 s; this clip has one of 5 s.
    const clip = makeClip(clips, { width: 854, height: 480, seconds: 6, name: 'long-gop.mp4', extraArgs: ['-g', '125', '-keyint_min', '125', '-sc_threshold', '0'] });
    const { renditions, master, segments, logged } = await transcode(clip, { segmentSeconds: 2 });
    const plan = logged('encoding every rendition');
    expect(plan).toMatchObject({ plan: 'encode' });
    expect(plan?.why).toEqual(['keyframe gap of 5.0 s (at most 4 s)']);
    expect(plan?.keyframeProbeMs).toEqual(expect.any(Number));
    expect(logged('top rendition remuxed')).toBeUndefined();
    expect(logged('video ready')).toMatchObject({ plan: 'encode' });
    expect(renditions.map((r) => r.name)).toEqual(['480p', '360p']);
    expect(codecsLine(master, '480p')).toBe('avc1.64001e,mp4a.40.2');
    expect(segments('480p').map((s) => s.duration)).toEqual([2, 2, 2]);
    expectAligned(segments('480p'), segments('360p'), 25);
  }, 60_000);
});

describe('remux after a failed attempt', () => {
  it('encodes instead, so a copy ffmpeg refuses costs one retry and not the video', async () => {
    const clip = makeClip(clips, { width: 320, height: 240, seconds: 2, name: 'retry.mp4', extraArgs: ['-preset', 'veryfast', '-g', '25'] });
    const first = await transcode(clip);
    expect(first.logged('video ready')).toMatchObject({ plan: 'remux' });
    const retry = await transcode(clip, { previousError: 'ffmpeg exited with 1: Timestamps are unset in a packet' });
    expect(retry.logged('encoding every rendition')).toMatchObject({ plan: 'encode', why: ['an earlier attempt failed'] });
    expect(retry.logged('video ready')).toMatchObject({ plan: 'encode' });
  }, 60_000);
});

describe('probeKeyframes (real ffprobe)', () => {
  it('lists the keyframes and the decoder configuration of a clip', async () => {
    const clip = makeClip(clips, { width: 320, height: 240, seconds: 3, name: 'kf.mp4', extraArgs: ['-preset', 'veryfast', '-g', '25'] });
    const info = await probe(binaries.ffprobe, clip);
    expect(info).toMatchObject({ videoStreamIndex: 0, videoLevel: 13, fieldOrder: 'progressive', startTime: 0, audioProfile: 'LC', audioChannels: 1 });
    const kf = await probeKeyframes(binaries.ffprobe, clip, info);
    expect(kf).toMatchObject({ times: [0, 1, 2], openGop: false, packets: 75, start: 0, avc: { profileIdc: 0x64, constraints: 0, levelIdc: 13 } });
  });

  it('finds open GOPs', async () => {
    const clip = makeClip(clips, { width: 320, height: 240, seconds: 3, audio: false, name: 'open-gop.mp4', extraArgs: ['-preset', 'veryfast', '-g', '25', '-x264-params', 'open-gop=1'] });
    const info = await probe(binaries.ffprobe, clip);
    expect((await probeKeyframes(binaries.ffprobe, clip, info)).openGop).toBe(true);
  });

  it('keeps the locks of probe(): a playlist named .mp4 is refused, without opening what it names', async () => {
    const fifo = path.join(clips, 'trap.ts');
    execFileSync('mkfifo', [fifo]);
    const playlist = path.join(clips, 'trap.mp4');
    writeFileSync(playlist, `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:2,\n${fifo}\n#EXT-X-ENDLIST\n`);
    const started = Date.now();
    const err = await runProcess(binaries.ffprobe, keyframeArgs(playlist, 'mov', 0), { timeoutMs: 10_000 }).then(() => null, (e: { reason: string }) => e);
    expect(err?.reason).toBe('exit');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
