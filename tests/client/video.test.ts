import { describe, expect, it, vi } from 'vitest';
import { emitPlayback, onPlayback, playedRanges, type PlaybackEvent } from '../../client/src/features/video/events.ts';
import { formatTime, isBusy, lessonVideo } from '../../client/src/features/video/model.ts';
import { captionProblemText } from '../../client/src/features/video/studio.tsx';
import { en, nl } from '../../client/src/i18n/video.ts';
import { lang } from '../../client/src/i18n/core.ts';
import { CAPTION_PROBLEMS, CaptionError, srtToVtt } from '../../server/videos/captions.ts';

const video = (status: string, id = 'v1') => ({ id, status }) as never;

describe('video model', () => {
  it('reads the lesson video as { current, pending }, and a bare video by its status', () => {
    expect(lessonVideo({})).toEqual({ current: null, pending: null });
    expect(lessonVideo({ video: null })).toEqual({ current: null, pending: null });
    expect(lessonVideo({ video: { current: video('ready'), pending: video('queued', 'v2') } })).toEqual({ current: video('ready'), pending: video('queued', 'v2') });
    expect(lessonVideo({ video: { current: video('ready') } })).toEqual({ current: video('ready'), pending: null });
    expect(lessonVideo({ video: video('ready') })).toEqual({ current: video('ready'), pending: null });
    expect(lessonVideo({ video: video('processing') })).toEqual({ current: null, pending: video('processing') });
  });

  it('knows which states are still on their way', () => {
    expect(['uploaded', 'queued', 'processing', 'ready', 'failed'].filter((s) => isBusy(s as never))).toEqual(['uploaded', 'queued', 'processing']);
  });

  it('formats times as m:ss or h:mm:ss', () => {
    expect(formatTime(0)).toBe('0:00');
    expect(formatTime(4.9)).toBe('0:04');
    expect(formatTime(75)).toBe('1:15');
    expect(formatTime(3725)).toBe('1:02:05');
    expect(formatTime(Number.NaN)).toBe('0:00');
    expect(formatTime(-3)).toBe('0:00');
  });
});

describe('playback events', () => {
  const event: PlaybackEvent = { type: 'pause', lessonId: 'l', videoId: 'v', currentTime: 3, duration: 10, played: [[0, 3]] };

  it('reaches every subscriber until it unsubscribes, and a failing listener does not stop the others', () => {
    const a = vi.fn();
    const b = vi.fn();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const offBad = onPlayback(() => {
      throw new Error('boom');
    });
    const offA = onPlayback(a);
    const offB = onPlayback(b);
    emitPlayback(event);
    expect(a).toHaveBeenCalledWith(event);
    expect(b).toHaveBeenCalledWith(event);
    expect(error).toHaveBeenCalledTimes(1);
    offA();
    emitPlayback(event);
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(2);
    offB();
    offBad();
    error.mockRestore();
  });

  it('turns TimeRanges into pairs', () => {
    const ranges = { length: 2, start: (i: number) => [0, 8][i], end: (i: number) => [5, 9.5][i] } as TimeRanges;
    expect(playedRanges(ranges)).toEqual([
      [0, 5],
      [8, 9.5],
    ]);
  });
});

describe('caption file problems in the lecturer\'s language', () => {
  it('has an nl and an en sentence for every code the parser can raise', () => {
    for (const code of CAPTION_PROBLEMS) {
      expect(nl[`video.caption.${code}`], code).toBeTruthy();
      expect(en[`video.caption.${code}`], code).toBeTruthy();
    }
  });
  it('words a parser error with its line and text, and falls back to the English for an unknown code', () => {
    let error: CaptionError | null = null;
    try {
      srtToVtt('1\n00:00:05,000 --> 00:00:04,000\nbackwards\n');
    } catch (err) {
      error = err as CaptionError;
    }
    const problem = { pointer: '/body/file', message: error!.message, code: error!.code, params: error!.params };
    lang.value = 'nl';
    expect(captionProblemText(problem)).toBe('Regel 2: de ondertitel eindigt voor hij begint in "00:00:05,000 --> 00:00:04,000".');
    lang.value = 'en';
    expect(captionProblemText(problem)).toBe('Line 2: the subtitle ends before it starts in "00:00:05,000 --> 00:00:04,000".');
    expect(captionProblemText({ pointer: '/body/file', message: 'Something new', code: 'CAPTION_FROM_THE_FUTURE' })).toBe('Something new');
  });
});
