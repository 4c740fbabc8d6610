import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Heartbeat } from '../../client/src/api.ts';
import { createHeartbeatTracker, subtractRanges, unionRanges, type Range } from '../../client/src/features/progress/heartbeat.ts';
import type { PlaybackEvent, PlaybackEventType } from '../../client/src/features/video/events.ts';

const ev = (type: PlaybackEventType, currentTime: number, played: Range[], lessonId = 'l1'): PlaybackEvent => ({
  type,
  lessonId,
  videoId: 'v1',
  currentTime,
  duration: 60,
  played,
});

describe('range arithmetic', () => {
  it('unites ranges into a sorted, non-overlapping list', () => {
    expect(unionRanges([[5, 8], [0, 2]], [[1, 3], [8, 9], [20, 20]])).toEqual([[0, 3], [5, 9]]);
  });
  it('subtracts what is known, leaving the new pieces', () => {
    expect(subtractRanges([[0, 10]], [])).toEqual([[0, 10]]);
    expect(subtractRanges([[0, 10]], [[0, 4]])).toEqual([[4, 10]]);
    expect(subtractRanges([[0, 10], [20, 30]], [[2, 4], [6, 8], [25, 40]])).toEqual([[0, 2], [4, 6], [8, 10], [20, 25]]);
    expect(subtractRanges([[0, 10]], [[0, 10]])).toEqual([]);
    // slivers are seek noise
    expect(subtractRanges([[0, 10.01]], [[0, 10]])).toEqual([]);
  });
});

describe('heartbeat tracker', () => {
  let sent: Heartbeat[];
  let beacons: Heartbeat[];
  let fail: boolean;
  const make = () =>
    createHeartbeatTracker({
      lessonId: 'l1',
      send: async (b) => {
        if (fail) throw new Error('offline');
        sent.push(b);
      },
      beacon: (b) => beacons.push(b),
      intervalMs: 15_000,
      seekDelayMs: 1_000,
    });
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    beacons = [];
    fail = false;
  });
  afterEach(() => vi.useRealTimers());

  it('beats every 15 s while playing, with only the newly played ranges', async () => {
    const tr = make();
    tr.handle(ev('play', 0, []));
    tr.handle(ev('timeupdate', 14, [[0, 14]]));
    await vi.advanceTimersByTimeAsync(15_000);
    expect(sent).toEqual([{ lessonId: 'l1', position: 14, ranges: [[0, 14]] }]);
    tr.handle(ev('timeupdate', 29, [[0, 29]]));
    await vi.advanceTimersByTimeAsync(15_000);
    expect(sent[1]).toEqual({ lessonId: 'l1', position: 29, ranges: [[14, 29]] });
    // nothing new, nothing sent
    await vi.advanceTimersByTimeAsync(15_000);
    expect(sent).toHaveLength(2);
    tr.dispose();
  });

  it('beats at once on pause and end, and stops the interval', async () => {
    const tr = make();
    tr.handle(ev('play', 0, []));
    tr.handle(ev('pause', 5, [[0, 5]]));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([{ lessonId: 'l1', position: 5, ranges: [[0, 5]] }]);
    tr.handle(ev('timeupdate', 5, [[0, 5]]));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toHaveLength(1);
    tr.handle(ev('play', 5, [[0, 5]]));
    tr.handle(ev('ended', 60, [[0, 60]]));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent[1]).toEqual({ lessonId: 'l1', position: 60, ranges: [[5, 60]] });
  });

  it('leaves out what a seek jumped over, and sends one beat after a burst of seeks', async () => {
    const tr = make();
    tr.handle(ev('play', 0, []));
    tr.handle(ev('seeked', 20, [[0, 3]]));
    await vi.advanceTimersByTimeAsync(500);
    tr.handle(ev('seeked', 40, [[0, 3]]));
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([{ lessonId: 'l1', position: 40, ranges: [[0, 3]] }]);
    tr.handle(ev('pause', 45, [[0, 3], [40, 45]]));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent[1]).toEqual({ lessonId: 'l1', position: 45, ranges: [[40, 45]] });
    tr.dispose();
  });

  it('a failed beat is carried by the next one', async () => {
    const tr = make();
    tr.handle(ev('play', 0, []));
    fail = true;
    tr.handle(ev('pause', 5, [[0, 5]]));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(0);
    fail = false;
    tr.handle(ev('play', 5, [[0, 5]]));
    tr.handle(ev('pause', 9, [[0, 9]]));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([{ lessonId: 'l1', position: 9, ranges: [[0, 9]] }]);
  });

  it('sends what is left by beacon when the page hides, once, and ignores other lessons', async () => {
    const tr = make();
    tr.handle(ev('play', 0, []));
    tr.handle(ev('timeupdate', 7, [[0, 7]], 'other'));
    tr.handle(ev('timeupdate', 6, [[0, 6]]));
    tr.hide();
    tr.hide();
    expect(beacons).toEqual([{ lessonId: 'l1', position: 6, ranges: [[0, 6]] }]);
    tr.handle(ev('timeupdate', 8, [[0, 8]]));
    tr.dispose();
    expect(beacons[1]).toEqual({ lessonId: 'l1', position: 8, ranges: [[6, 8]] });
    // after dispose: no more timers, no more beats
    tr.handle(ev('timeupdate', 20, [[0, 20]]));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toHaveLength(0);
    expect(beacons).toHaveLength(2);
  });
});
