import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../../media/ffmpeg.ts';
import { ffprobeArgs, interpretProbe, probe, ProbeError, sniffContainer } from '../../media/probe.ts';
import { binaries, makeClip, tempDir } from '../helpers/media.ts';

let dir: string;
let clip: string;

beforeAll(() => {
  dir = tempDir();
  clip = makeClip(dir, { width: 320, height: 240, seconds: 2 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function refusal(file: string): Promise<ProbeError> {
  const err = await probe(binaries.ffprobe, file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProbeError);
  return err as ProbeError;
}

describe('probe (real ffprobe)', () => {
  it('describes a good clip', async () => {
    const info = await probe(binaries.ffprobe, clip);
    expect(info).toMatchObject({ container: 'mov', width: 320, height: 240, fps: 25, videoCodec: 'h264', hasAudio: true, audioCodec: 'aac' });
    expect(info.durationSeconds).toBeGreaterThan(1.9);
    expect(info.durationSeconds).toBeLessThan(2.2);
  });

  it('takes Matroska/WebM and video without sound', async () => {
    const mkv = makeClip(dir, { width: 160, height: 120, seconds: 1, audio: false, name: 'c.mkv' });
    const info = await probe(binaries.ffprobe, mkv);
    expect(info.container).toBe('matroska');
    expect(info.hasAudio).toBe(false);
  });

  it('refuses a text file renamed .mp4, and an empty file', async () => {
    const txt = path.join(dir, 'notes.mp4');
    writeFileSync(txt, 'These are my lecture notes, not a video.\n'.repeat(20));
    expect((await refusal(txt)).kind).toBe('unsupported');
    const empty = path.join(dir, 'empty.mp4');
    writeFileSync(empty, '');
    expect((await refusal(empty)).message).toMatch(/empty/);
  });

  it('refuses a truncated mp4', async () => {
    const cut = path.join(dir, 'cut.mp4');
    const bytes = readFileSync(clip);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect((await refusal(cut)).kind).toBe('invalid');
  });

  it('refuses an audio file with cover art as "no video"', async () => {
    const m4a = path.join(dir, 'song.m4a');
    execFileSync(binaries.ffmpeg, ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'aac', m4a]);
    expect((await refusal(m4a)).message).toMatch(/no video stream/);
  });

  describe('files that would make ffmpeg read other files', () => {
    it('refuses an HLS playlist and an ffconcat list at the first bytes', async () => {
      const playlist = path.join(dir, 'lecture.mp4');
      writeFileSync(playlist, `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:2,\n${clip}\n#EXT-X-ENDLIST\n`);
      expect((await refusal(playlist)).kind).toBe('unsupported');
      const concat = path.join(dir, 'concat.mp4');
      writeFileSync(concat, `ffconcat version 1.0\nfile '${clip}'\n`);
      expect((await refusal(concat)).kind).toBe('unsupported');
    });

    it('and ffprobe, run with our arguments, refuses them too (second lock), without opening what they name', async () => {
      // The playlist names a FIFO with no writer: opening it would block ffprobe until its time limit.
      const fifo = path.join(dir, 'trap.ts');
      execFileSync('mkfifo', [fifo]);
      const playlist = path.join(dir, 'trap.m3u8');
      writeFileSync(playlist, `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:2,\n${fifo}\n#EXT-X-ENDLIST\n`);
      const concat = path.join(dir, 'trap.ffconcat');
      writeFileSync(concat, `ffconcat version 1.0\nfile '${fifo}'\n`);
      for (const file of [playlist, concat]) {
        const started = Date.now();
        const err = await runProcess(binaries.ffprobe, ffprobeArgs(file), { timeoutMs: 10_000 }).then(() => null, (e: { reason: string; stderr: string }) => e);
        expect(err?.reason).toBe('exit');
        expect(Date.now() - started).toBeLessThan(5_000);
      }
      // Control: without the whitelist ffprobe does treat the playlist as HLS (the danger is real).
      const open = path.join(dir, 'open.m3u8');
      writeFileSync(open, `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:2,\n${clip}\n#EXT-X-ENDLIST\n`);
      const out = execFileSync(binaries.ffprobe, ['-v', 'quiet', '-show_entries', 'format=format_name', '-of', 'csv=p=0', open], { timeout: 10_000 }).toString();
      expect(out.trim()).toBe('hls');
    });
  });
});

describe('probe rules (pure)', () => {
  const base = {
    format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '10.0' },
    streams: [{ codec_type: 'video', codec_name: 'h264', width: 1920, height: 1080, avg_frame_rate: '30000/1001', sample_aspect_ratio: '1:1' }],
  };

  it('recognises containers by their magic numbers only', () => {
    expect(sniffContainer(Buffer.from('\0\0\0\x20ftypisom\0\0\0\0', 'latin1'))).toBe('mov');
    expect(sniffContainer(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x01]))).toBe('matroska');
    expect(sniffContainer(Buffer.from('RIFF\x10\0\0\0AVI LIST', 'latin1'))).toBe('avi');
    expect(sniffContainer(Buffer.from('#EXTM3U\n#EXTINF:1,\n/etc/passwd'))).toBeNull();
    expect(sniffContainer(Buffer.from('ffconcat version 1.0\n'))).toBeNull();
    expect(sniffContainer(Buffer.from('RIFF\x10\0\0\0WAVEfmt ', 'latin1'))).toBeNull();
  });

  it('reads frame rate, and swaps sides for rotated phone video', () => {
    const info = interpretProbe(base, 'mov', 1);
    expect(info.fps).toBeCloseTo(29.97, 2);
    const rotated = interpretProbe({ ...base, streams: [{ ...base.streams[0], side_data_list: [{ rotation: -90 }] }] }, 'mov', 1);
    expect([rotated.width, rotated.height, rotated.rotation]).toEqual([1080, 1920, 270]);
    const oldStyle = interpretProbe({ ...base, streams: [{ ...base.streams[0], tags: { rotate: '90' } }] }, 'mov', 1);
    expect([oldStyle.width, oldStyle.height]).toEqual([1080, 1920]);
  });

  it('applies non-square pixels', () => {
    const dv = interpretProbe({ ...base, streams: [{ ...base.streams[0], width: 720, height: 576, sample_aspect_ratio: '64:45' }] }, 'mov', 1);
    expect([dv.width, dv.height]).toEqual([1024, 576]);
  });

  it('refuses zero, missing and over-long durations, and absurd sizes', () => {
    const dur = (d: string | undefined) => () => interpretProbe({ ...base, format: { ...base.format, duration: d } }, 'mov', 1);
    expect(dur('0')).toThrow(/no duration/);
    expect(dur(undefined)).toThrow(/no duration/);
    expect(dur(String(6 * 3600 + 1))).toThrow(/limit is 6 hours/);
    expect(dur(String(6 * 3600))).not.toThrow();
    expect(() => interpretProbe({ ...base, streams: [{ ...base.streams[0], width: 8, height: 8 }] }, 'mov', 1)).toThrow(/outside/);
    expect(() => interpretProbe({ ...base, streams: [{ ...base.streams[0], width: 10_000 }] }, 'mov', 1)).toThrow(/outside/);
  });

  it('refuses formats outside the list even if ffprobe found them', () => {
    expect(() => interpretProbe({ ...base, format: { format_name: 'hls', duration: '1' } }, 'mov', 1)).toThrow(/Not a supported/);
  });
});
