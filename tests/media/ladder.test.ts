import { describe, expect, it } from 'vitest';
import { avcCodecString, buildLadder, h264Level, outputFps } from '../../media/ladder.ts';

const sizes = (src: Parameters<typeof buildLadder>[0]) => buildLadder(src).map((r) => `${r.name}:${r.width}x${r.height}`);

describe('buildLadder', () => {
  it('gives a 1080p landscape source all four renditions, top first', () => {
    expect(sizes({ width: 1920, height: 1080, fps: 25 })).toEqual(['1080p:1920x1080', '720p:1280x720', '480p:854x480', '360p:640x360']);
  });

  it('never upscales', () => {
    expect(sizes({ width: 1280, height: 720, fps: 30 })).toEqual(['720p:1280x720', '480p:854x480', '360p:640x360']);
    expect(sizes({ width: 640, height: 360, fps: 30 })).toEqual(['360p:640x360']);
    for (const r of buildLadder({ width: 1000, height: 700, fps: 25 })) {
      expect(r.width).toBeLessThanOrEqual(1000);
      expect(r.height).toBeLessThanOrEqual(700);
    }
  });

  it('follows the short side for portrait video', () => {
    expect(sizes({ width: 1080, height: 1920, fps: 30 })).toEqual(['1080p:1080x1920', '720p:720x1280', '480p:480x854', '360p:360x640']);
  });

  it('keeps other aspect ratios, with even sizes', () => {
    expect(sizes({ width: 1440, height: 1080, fps: 25 })).toEqual(['1080p:1440x1080', '720p:960x720', '480p:640x480', '360p:480x360']);
    for (const r of buildLadder({ width: 1917, height: 1063, fps: 25 })) {
      expect(r.width % 2).toBe(0);
      expect(r.height % 2).toBe(0);
    }
  });

  it('treats a source just under a rung as that rung, at the source size', () => {
    expect(sizes({ width: 1916, height: 1076, fps: 25 })[0]).toBe('1080p:1916x1076');
  });

  it('makes one rendition at source size for tiny sources', () => {
    expect(sizes({ width: 320, height: 240, fps: 25 })).toEqual(['240p:320x240']);
  });

  it('scales bitrate with pixels and frame rate, and caps it near the source bitrate', () => {
    const [hd] = buildLadder({ width: 1920, height: 1080, fps: 25 });
    const [hd60] = buildLadder({ width: 1920, height: 1080, fps: 60 });
    const [sq] = buildLadder({ width: 1440, height: 1080, fps: 25 });
    expect(hd.videoBitrate).toBe(5_000_000);
    expect(hd60.videoBitrate).toBe(7_500_000);
    expect(sq.videoBitrate).toBeLessThan(hd.videoBitrate);
    expect(hd.maxrate).toBeGreaterThan(hd.videoBitrate);
    const capped = buildLadder({ width: 1920, height: 1080, fps: 25, videoCodec: 'h264', videoBitrate: 1_000_000 });
    expect(Math.max(...capped.map((r) => r.videoBitrate))).toBeLessThanOrEqual(1_250_000);
    // A codec we do not know the efficiency of is not capped.
    expect(buildLadder({ width: 1920, height: 1080, fps: 25, videoCodec: 'prores', videoBitrate: 1_000_000 })[0].videoBitrate).toBe(5_000_000);
  });

  it('brings very high frame rates down to at most 60', () => {
    expect(outputFps(120)).toBe(60);
    expect(outputFps(29.97)).toBe(29.97);
    expect(buildLadder({ width: 1280, height: 720, fps: 240 })[0].fps).toBe(60);
  });
});

describe('H.264 levels and codec strings', () => {
  it('picks the lowest level that fits', () => {
    expect(h264Level(640, 360, 30, 880_000)).toBe('3.0');
    expect(h264Level(1280, 720, 30, 3_080_000)).toBe('3.1');
    expect(h264Level(1920, 1080, 30, 5_500_000)).toBe('4.0');
    expect(h264Level(1920, 1080, 60, 8_250_000)).toBe('4.2');
    expect(h264Level(1080, 1920, 30, 5_500_000)).toBe('4.0');
  });

  it('writes RFC 6381 strings for High profile', () => {
    expect(avcCodecString('3.0')).toBe('avc1.64001e');
    expect(avcCodecString('3.1')).toBe('avc1.64001f');
    expect(avcCodecString('4.0')).toBe('avc1.640028');
  });
});
