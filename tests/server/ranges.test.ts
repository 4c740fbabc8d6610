import { describe, expect, it } from 'vitest';
import {
  capRanges,
  clampPosition,
  GAP_TOLERANCE,
  keepFirstSeconds,
  MAX_PLAYBACK_RATE,
  MAX_SECONDS,
  MAX_STORED_RANGES,
  mergeRanges,
  PLAY_BURST_SECONDS,
  playAllowance,
  positionProblem,
  rangesProblem,
  reachesThreshold,
  totalSeconds,
  type Range,
} from '../../server/progress/ranges.ts';

describe('mergeRanges', () => {
  it('joins overlapping ranges into unique seconds', () => {
    const merged = mergeRanges([[0, 10]], [[5, 15], [12, 20]]);
    expect(merged).toEqual([[0, 20]]);
    expect(totalSeconds(merged)).toBe(20);
  });

  it('sorts ranges that arrive out of order', () => {
    expect(mergeRanges([], [[30, 40], [0, 10], [10, 20]])).toEqual([[0, 20], [30, 40]]);
    expect(mergeRanges([[30, 40]], [[0, 10]])).toEqual([[0, 10], [30, 40]]);
  });

  it('joins adjacent ranges and bridges only timeupdate-sized gaps', () => {
    expect(mergeRanges([[0, 10]], [[10, 20]])).toEqual([[0, 20]]);
    expect(mergeRanges([[0, 10]], [[10 + GAP_TOLERANCE, 20]])).toEqual([[0, 20]]);
    expect(mergeRanges([[0, 10]], [[11, 20]])).toEqual([[0, 10], [11, 20]]);
  });

  it('does not count a seek as watched', () => {
    // Played 0-10, jumped to 50, played 50-60.
    const merged = mergeRanges([], [[0, 10], [50, 60]]);
    expect(totalSeconds(merged)).toBe(20);
  });

  it('counts seconds watched twice only once', () => {
    let ranges: Range[] = [];
    for (let i = 0; i < 5; i++) ranges = mergeRanges(ranges, [[0, 30]]);
    expect(totalSeconds(ranges)).toBe(30);
  });

  it('clamps ranges beyond the duration', () => {
    expect(mergeRanges([], [[90, 130]], 100)).toEqual([[90, 100]]);
    expect(mergeRanges([], [[110, 130]], 100)).toEqual([]);
    expect(totalSeconds(mergeRanges([], [[0, 500]], 100))).toBe(100);
  });

  it('drops empty ranges and keeps millisecond precision', () => {
    expect(mergeRanges([], [[5, 5], [1.23456, 2.5]])).toEqual([[1.235, 2.5]]);
  });

  it('never keeps more than MAX_STORED_RANGES pieces', () => {
    const many: Range[] = Array.from({ length: 100 }, (_, i) => [i * 10, i * 10 + 1] as Range);
    let ranges: Range[] = [];
    for (let k = 0; k < 8; k++) ranges = mergeRanges(ranges, many.map(([a, b]) => [a + k * 1000, b + k * 1000] as Range));
    expect(ranges.length).toBeLessThanOrEqual(MAX_STORED_RANGES);
    expect(ranges[0][0]).toBe(0);
  });
});

describe('capRanges', () => {
  it('bridges the smallest gaps first', () => {
    const r: Range[] = [[0, 1], [2, 3], [10, 11], [11.5, 12]];
    expect(capRanges(r, 3)).toEqual([[0, 1], [2, 3], [10, 12]]);
    expect(capRanges(r, 2)).toEqual([[0, 3], [10, 12]]);
    expect(capRanges(r, 10)).toBe(r);
  });
});

describe('rangesProblem (what a client may send)', () => {
  it('accepts sane input', () => {
    expect(rangesProblem([])).toBeNull();
    expect(rangesProblem([[0, 15], [15, 15]])).toBeNull();
  });

  it.each([
    ['negative start', [[-1, 5]], '/0/0'],
    ['NaN', [[Number.NaN, 5]], '/0/0'],
    ['Infinity', [[0, Number.POSITIVE_INFINITY]], '/0/1'],
    ['to before from', [[0, 5], [10, 3]], '/1'],
    ['beyond 24 h', [[0, MAX_SECONDS + 1]], '/0/1'],
    ['a string', [['0', 5]], '/0/0'],
    ['not a pair', [[1, 2, 3]], '/0'],
    ['not an array', 'nope', ''],
  ])('refuses %s', (_name, input, pointer) => {
    expect(rangesProblem(input)?.pointer).toBe(pointer);
  });

  it('refuses more than 100 ranges', () => {
    expect(rangesProblem(Array.from({ length: 101 }, () => [0, 1]))?.message).toMatch(/at most 100/);
  });

  it('checks positions', () => {
    expect(positionProblem(12.5)).toBeNull();
    expect(positionProblem(-1)).not.toBeNull();
    expect(positionProblem(Number.NaN)).not.toBeNull();
    expect(positionProblem(MAX_SECONDS * 2)).not.toBeNull();
  });
});

describe('thresholds and positions', () => {
  it('completes at the course percentage of the duration', () => {
    expect(reachesThreshold(89, 100, 90)).toBe(false);
    expect(reachesThreshold(90, 100, 90)).toBe(true);
    expect(reachesThreshold(99.96, 100, 100)).toBe(true);
    expect(reachesThreshold(50, 100, 50)).toBe(true);
  });

  it('never completes when the duration is unknown', () => {
    expect(reachesThreshold(1000, null, 90)).toBe(false);
    expect(reachesThreshold(1000, 0, 90)).toBe(false);
  });

  it('keeps the resume position inside the video', () => {
    expect(clampPosition(130, 100)).toBe(100);
    expect(clampPosition(42.1234, 100)).toBe(42.123);
    expect(clampPosition(42, null)).toBe(42);
  });
});

describe('play allowance (seconds played against wall time)', () => {
  it('starts full, grows at the fastest playback rate, and never beyond the burst', () => {
    expect(playAllowance(undefined, 0)).toBe(PLAY_BURST_SECONDS);
    expect(playAllowance({ seconds: 0, at: 1_000 }, 1_000)).toBe(0);
    expect(playAllowance({ seconds: 0, at: 1_000 }, 16_000)).toBe(15 * MAX_PLAYBACK_RATE);
    expect(playAllowance({ seconds: 100, at: 0 }, 3_600_000)).toBe(PLAY_BURST_SECONDS);
    // A clock that went backwards gives nothing, and takes nothing.
    expect(playAllowance({ seconds: 10, at: 5_000 }, 1_000)).toBe(10);
  });
  it('keeps the earliest seconds of a normalised list', () => {
    const r: Range[] = [[0, 10], [20, 30], [40, 50]];
    expect(keepFirstSeconds(r, 15)).toEqual([[0, 10], [20, 25]]);
    expect(keepFirstSeconds(r, 30)).toEqual(r);
    expect(keepFirstSeconds(r, 100)).toEqual(r);
    expect(keepFirstSeconds(r, 0)).toEqual([]);
    expect(keepFirstSeconds(r, -5)).toEqual([]);
    expect(totalSeconds(keepFirstSeconds([[0.5, 1.25], [3, 9]], 2.5))).toBe(2.5);
  });
});
