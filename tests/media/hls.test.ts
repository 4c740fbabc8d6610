import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMON_ARGS, parseProgressLine, resolveBinaries } from '../../media/ffmpeg.ts';
import { buildHlsArgs, buildPosterArgs, masterPlaylist, measureBandwidth, parseMediaPlaylist, type Variant } from '../../media/hls.ts';
import { buildLadder } from '../../media/ladder.ts';
import { tempDir } from '../helpers/media.ts';

const arg = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('buildHlsArgs', () => {
  const ladder = buildLadder({ width: 1920, height: 1080, fps: 25 });
  const args = buildHlsArgs({ input: '/data/src', container: 'mov', outDir: '/tmp/out', renditions: ladder, hasAudio: true, sourceFps: 25 });

  it('decodes once and splits the picture for every rendition', () => {
    expect(args.filter((a) => a === '-i')).toHaveLength(1);
    const graph = arg(args, '-filter_complex');
    expect(graph.startsWith('[0:v]split=4[s0][s1][s2][s3];')).toBe(true);
    expect(graph).toContain('[s0]scale=w=1920:h=1080');
    expect(graph).toContain('[s3]scale=w=640:h=360');
    expect(args.filter((a) => a === '-map')).toHaveLength(8);
  });

  it('reads only the demuxer probing found, from a file: URL', () => {
    expect(arg(args, '-f')).toBe('mov');
    expect(arg(args, '-format_whitelist')).toBe('mov,matroska,avi');
    expect(arg(args, '-i')).toBe('file:/data/src');
    expect(COMMON_ARGS).toEqual(expect.arrayContaining(['-nostdin', '-protocol_whitelist', 'file,pipe', '-progress', 'pipe:1']));
    expect(arg(COMMON_ARGS, '-protocol_whitelist')).toBe('file,pipe');
  });

  it('aligns keyframes on segment boundaries in every rendition', () => {
    expect(arg(args, '-g')).toBe('100');
    expect(arg(args, '-keyint_min')).toBe('100');
    expect(arg(args, '-sc_threshold')).toBe('0');
    expect(arg(args, '-force_key_frames')).toBe('expr:gte(t,n_forced*4)');
    expect(arg(args, '-hls_time')).toBe('4');
  });

  it('encodes H.264 High + AAC with per-rendition rates and levels, all threads', () => {
    expect(arg(args, '-c:v')).toBe('libx264');
    expect(arg(args, '-profile:v')).toBe('high');
    expect(arg(args, '-c:a')).toBe('aac');
    expect(arg(args, '-b:v:0')).toBe('5000000');
    expect(arg(args, '-level:v:0')).toBe('4.0');
    expect(arg(args, '-b:v:3')).toBe('800000');
    expect(arg(args, '-b:a:3')).toBe('96000');
    expect(arg(args, '-threads')).toBe('0');
    expect(arg(args, '-var_stream_map')).toBe('v:0,a:0 v:1,a:1 v:2,a:2 v:3,a:3');
    expect(arg(args, '-map_metadata')).toBe('-1');
    expect(args.at(-1)).toBe('/tmp/out/v%v/index.m3u8');
    expect(args).not.toContain('-master_pl_name');
  });

  it('leaves audio out when the source has none', () => {
    const silent = buildHlsArgs({ input: '/s', container: 'matroska', outDir: '/o', renditions: ladder.slice(2), hasAudio: false, sourceFps: 25 });
    expect(silent).not.toContain('0:a:0');
    expect(silent).not.toContain('-c:a');
    expect(arg(silent, '-var_stream_map')).toBe('v:0 v:1');
  });

  it('skips split for a single rendition and adds an fps filter for high frame rates', () => {
    const one = buildHlsArgs({ input: '/s', container: 'mov', outDir: '/o', renditions: buildLadder({ width: 640, height: 360, fps: 120 }), hasAudio: true, sourceFps: 120 });
    expect(arg(one, '-filter_complex')).toBe('[0:v]fps=fps=60,scale=w=640:h=360:flags=bicubic,setsar=1,format=yuv420p[v0]');
    expect(arg(one, '-g')).toBe('240');
  });

  it('has no argument a shell would interpret (none is used, but paths stay single arguments)', () => {
    const spaced = buildHlsArgs({ input: '/a b/c;d', container: 'mov', outDir: '/o', renditions: ladder, hasAudio: true, sourceFps: 25 });
    expect(spaced).toContain('file:/a b/c;d');
  });

  it('takes the poster a little in, at the given size', () => {
    const p = buildPosterArgs({ input: '/s', container: 'mov', output: '/o/poster.jpg', durationSeconds: 30, width: 1280, height: 720 });
    expect(arg(p, '-ss')).toBe('3');
    expect(arg(p, '-frames:v')).toBe('1');
    expect(p.indexOf('-ss')).toBeLessThan(p.indexOf('-i'));
  });
});

describe('masterPlaylist', () => {
  const v = (name: string, w: number, h: number, bw: number): Variant => ({
    uri: `${name}/index.m3u8`, width: w, height: h, fps: 25, bandwidth: bw, averageBandwidth: Math.round(bw * 0.8), codecs: 'avc1.64001f,mp4a.40.2',
  });

  it('writes every attribute players need, 720p first, then high to low', () => {
    const text = masterPlaylist([v('360p', 640, 360, 900_000), v('1080p', 1920, 1080, 5_600_000), v('720p', 1280, 720, 3_000_000), v('480p', 854, 480, 1_500_000)]);
    const lines = text.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS']);
    expect(lines[3]).toBe('#EXT-X-STREAM-INF:BANDWIDTH=3000000,AVERAGE-BANDWIDTH=2400000,RESOLUTION=1280x720,FRAME-RATE=25.000,CODECS="avc1.64001f,mp4a.40.2"');
    expect(lines[4]).toBe('720p/index.m3u8');
    expect(lines.filter((l) => !l.startsWith('#'))).toEqual(['720p/index.m3u8', '1080p/index.m3u8', '480p/index.m3u8', '360p/index.m3u8']);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('starts portrait video at 720 on the short side too', () => {
    const text = masterPlaylist([v('1080p', 1080, 1920, 5_000_000), v('720p', 720, 1280, 2_800_000)]);
    expect(text.split('\n')[4]).toBe('720p/index.m3u8');
  });

  it('refuses an empty ladder', () => {
    expect(() => masterPlaylist([])).toThrow();
  });
});

describe('playlist measurement', () => {
  it('parses our media playlists', () => {
    const segs = parseMediaPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.000000,\nseg_00000.ts\n#EXTINF:1.5,\nseg_00001.ts\n#EXT-X-ENDLIST\n');
    expect(segs).toEqual([{ uri: 'seg_00000.ts', duration: 4 }, { uri: 'seg_00001.ts', duration: 1.5 }]);
  });

  it('reports the peak segment bitrate and the average, a short tail counted as 1 s', () => {
    const bw = measureBandwidth([{ duration: 4, bytes: 500_000 }, { duration: 4, bytes: 1_000_000 }, { duration: 0.04, bytes: 50_000 }]);
    expect(bw.peak).toBe(2_000_000);
    expect(bw.average).toBe(Math.ceil((1_550_000 * 8) / 8.04));
  });
});

describe('ffmpeg plumbing', () => {
  it('reads progress in microseconds from both key names', () => {
    expect(parseProgressLine('out_time_us=1500000')).toBe(1.5);
    expect(parseProgressLine('out_time_ms=2000000')).toBe(2);
    expect(parseProgressLine('out_time=00:00:01.500000')).toBeNull();
    expect(parseProgressLine('progress=continue')).toBeNull();
  });

  it('resolves binaries from config, then PATH, then the npm packages', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'bin'));
    for (const name of ['ffmpeg', 'ffprobe']) {
      writeFileSync(path.join(dir, 'bin', name), '#!/bin/sh\n');
      chmodSync(path.join(dir, 'bin', name), 0o755);
    }
    expect(resolveBinaries({ ffmpegPath: '/opt/ff', ffprobePath: '/opt/fp' })).toEqual({ ffmpeg: '/opt/ff', ffprobe: '/opt/fp' });
    expect(resolveBinaries({}, path.join(dir, 'bin'))).toEqual({ ffmpeg: path.join(dir, 'bin', 'ffmpeg'), ffprobe: path.join(dir, 'bin', 'ffprobe') });
    const fallback = resolveBinaries({}, path.join(dir, 'empty'));
    expect(fallback.ffmpeg).toContain('@ffmpeg-installer');
    expect(fallback.ffprobe).toContain('@ffprobe-installer');
    rmSync(dir, { recursive: true, force: true });
  });
});
