import { describe, expect, it } from 'vitest';
import { CaptionError, parseTimestamp, srtToVtt, toWebVtt, validateVtt } from '../../server/videos/captions.ts';

const SRT = `1
00:00:01,000 --> 00:00:04,500
Hello <font color="red">world</font>

2
00:00:05,000 --> 00:01:02,003 X1:10 X2:20
{\\an8}Second line
and its <i>second</i> line
`;

describe('SRT to WebVTT', () => {
  it('converts timings, keeps WebVTT tags and drops the others', () => {
    expect(srtToVtt(SRT)).toBe(
      'WEBVTT\n\n00:00:01.000 --> 00:00:04.500\nHello world\n\n00:00:05.000 --> 00:01:02.003\nSecond line\nand its <i>second</i> line\n',
    );
  });

  it('accepts CRLF, a BOM and Windows-1252 text', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SRT.replace(/\n/g, '\r\n'))]);
    expect(toWebVtt(bytes)).toContain('00:00:01.000 --> 00:00:04.500\nHello world');
    const latin = Buffer.from('1\n00:00:01,000 --> 00:00:02,000\nCaf\xe9 cr\xe8me\n', 'latin1');
    expect(toWebVtt(latin)).toContain('Café crème');
  });

  it('names the line of a bad timestamp', () => {
    const bad = '1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:03,000 --> 00:0x:04,000\nbroken\n';
    expect(() => srtToVtt(bad)).toThrow(CaptionError);
    expect(() => srtToVtt(bad)).toThrow(/^Line 6: bad timestamp/);
    expect(() => srtToVtt('1\n00:00:05,000 --> 00:00:04,000\nbackwards\n')).toThrow(/^Line 2: the cue ends before it starts/);
    expect(() => srtToVtt('1\nno timing here\ntext\n')).toThrow(/^Line 2: expected a timing line/);
    expect(() => srtToVtt('00:00:01,000 --> 00:00:61,000\nx\n')).toThrow(/^Line 1: bad timestamp/);
  });

  it('refuses files without cues or with binary content', () => {
    expect(() => srtToVtt('\n\n')).toThrow(/No subtitles/);
    expect(() => toWebVtt(Buffer.from([0x00, 0x01, 0x02, 0x00]))).toThrow(/not a text file/);
  });

  it('keeps "-->" out of cue text', () => {
    expect(srtToVtt('1\n00:00:01,000 --> 00:00:02,000\na --> b\n')).toContain('a -> b');
  });
});

describe('WebVTT input', () => {
  it('passes valid files through with normalised line ends', () => {
    const vtt = 'WEBVTT - lecture 1\r\n\r\nintro\r\n00:01.000 --> 00:02.000 align:start\r\nHi';
    expect(toWebVtt(Buffer.from(vtt))).toBe('WEBVTT - lecture 1\n\nintro\n00:01.000 --> 00:02.000 align:start\nHi\n');
  });

  it('names the line of a bad timing', () => {
    expect(() => validateVtt('WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\n00:03.000 --> nonsense\nx\n')).toThrow(/^Line 6: bad timestamp/);
    expect(() => validateVtt('WEBVTTX\n')).toThrow(/^Line 1/);
  });

  it('parses timestamps with and without hours', () => {
    expect(parseTimestamp('01:02:03.456')).toBe(3_723_456);
    expect(parseTimestamp('02:03,4')).toBe(123_400);
    expect(parseTimestamp('1:60:00,000')).toBeNull();
  });
});
