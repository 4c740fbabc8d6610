/**
 * Watched ranges of a video, in seconds: pure functions, no I/O. A stored list is always sorted, non-overlapping
 * and clamped to [0, duration], so its total length is the number of unique seconds watched; a seek leaves a gap
 * because only what the player actually played is ever reported.
 */
export type Range = [number, number];

/** No lecture is longer than a day; anything past that is a broken or hostile client. */
export const MAX_SECONDS = 24 * 3600;
/** One heartbeat covers ~15 s of play; a hundred separate pieces is already far beyond a real player. */
export const MAX_RANGES_PER_BEAT = 100;
/**
 * Players report progress on `timeupdate` (every ~250 ms), so two pieces of one continuous play can be reported
 * with a gap of up to that much between them (across a pause or a heartbeat boundary). Such gaps are bridged.
 */
export const GAP_TOLERANCE = 0.25;
/**
 * Bound on what one learner's row holds. A real viewer who seeks around produces tens of pieces; past this the
 * smallest gaps are bridged so a hostile client cannot make every later merge (and the row) grow without end.
 */
export const MAX_STORED_RANGES = 500;

export interface RangeProblem {
  /** JSON pointer relative to the ranges array, e.g. "/3/1" */
  pointer: string;
  message: string;
}

const finiteIn = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_SECONDS;

/** Checks what a client sent; the first problem, or null. Zero-length ranges are allowed (and ignored). */
export function rangesProblem(input: unknown): RangeProblem | null {
  if (!Array.isArray(input)) return { pointer: '', message: 'must be an array of [from, to] pairs' };
  if (input.length > MAX_RANGES_PER_BEAT) return { pointer: '', message: `must have at most ${MAX_RANGES_PER_BEAT} ranges` };
  for (let i = 0; i < input.length; i++) {
    const r: unknown = input[i];
    if (!Array.isArray(r) || r.length !== 2) return { pointer: `/${i}`, message: 'must be a [from, to] pair' };
    if (!finiteIn(r[0])) return { pointer: `/${i}/0`, message: `must be a number of seconds from 0 to ${MAX_SECONDS}` };
    if (!finiteIn(r[1])) return { pointer: `/${i}/1`, message: `must be a number of seconds from 0 to ${MAX_SECONDS}` };
    if (r[1] < r[0]) return { pointer: `/${i}`, message: 'must not end before it starts' };
  }
  return null;
}

export function positionProblem(position: unknown): string | null {
  return finiteIn(position) ? null : `must be a number of seconds from 0 to ${MAX_SECONDS}`;
}

/** Millisecond precision is plenty and keeps the stored JSON short. */
const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Merges valid ranges (see rangesProblem) into a normalised list: clamped to [0, duration] when the duration is
 * known, sorted, overlapping, touching and near-touching pieces joined, empty pieces dropped.
 */
export function mergeRanges(existing: readonly Range[], incoming: readonly Range[], durationSeconds: number | null = null): Range[] {
  const limit = durationSeconds !== null && durationSeconds > 0 ? Math.min(durationSeconds, MAX_SECONDS) : MAX_SECONDS;
  const all: Range[] = [];
  for (const list of [existing, incoming]) {
    for (const [a, b] of list) {
      const from = round(Math.max(0, Math.min(a, limit)));
      const to = round(Math.max(0, Math.min(b, limit)));
      if (to > from) all.push([from, to]);
    }
  }
  all.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: Range[] = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + GAP_TOLERANCE) {
      if (r[1] > last[1]) last[1] = r[1];
    } else {
      out.push([r[0], r[1]]);
    }
  }
  return capRanges(out, MAX_STORED_RANGES);
}

/** Joins the smallest gaps until at most `max` ranges remain. Input must be normalised. */
export function capRanges(ranges: Range[], max: number): Range[] {
  if (ranges.length <= max) return ranges;
  const gaps = ranges.slice(1).map((r, i) => r[0] - ranges[i][1]);
  const bridge = ranges.length - max;
  const threshold = [...gaps].sort((a, b) => a - b)[bridge - 1];
  // Ties at the threshold may bridge a few more than strictly needed, which only makes the list shorter.
  const out: Range[] = [[ranges[0][0], ranges[0][1]]];
  for (let i = 1; i < ranges.length; i++) {
    if (gaps[i - 1] <= threshold) out[out.length - 1][1] = ranges[i][1];
    else out.push([ranges[i][0], ranges[i][1]]);
  }
  return out;
}

/** Unique seconds covered by a normalised list. */
export function totalSeconds(ranges: readonly Range[]): number {
  let sum = 0;
  for (const [a, b] of ranges) sum += b - a;
  return round(sum);
}

/** Whether enough of the video has been watched to count it as done. Unknown duration: never. */
export function reachesThreshold(watchedSeconds: number, durationSeconds: number | null, percent: number): boolean {
  if (durationSeconds === null || !(durationSeconds > 0)) return false;
  const p = Math.min(100, Math.max(0, percent));
  // A hair of tolerance: a player that stops 10 ms before the end of a 100 % course should still complete.
  return watchedSeconds + 0.05 >= (durationSeconds * p) / 100;
}

/** The resume point, kept within the video when its length is known. */
export function clampPosition(position: number, durationSeconds: number | null): number {
  const p = round(Math.max(0, Math.min(position, MAX_SECONDS)));
  if (durationSeconds === null || !(durationSeconds > 0)) return p;
  return Math.min(p, round(durationSeconds));
}

// ---- plausibility: no more play than wall time allows ------------------------------------------------------

/** The player's fastest speed (its menu stops at 2x): an honest player plays at most this much per wall second. */
export const MAX_PLAYBACK_RATE = 2;
/**
 * Play a learner may report with no wall time behind it: the first beat of a lesson, a beat the network held
 * back, the pagehide beat after a stretch without connection. Bigger than any gap between two beats (15 s at 2x).
 */
export const PLAY_BURST_SECONDS = 120;

/** What is left of a learner's allowance for one lesson after their last beat. */
export interface PlayBudget {
  seconds: number;
  at: number;
}

/**
 * A token bucket: the allowance grows by MAX_PLAYBACK_RATE seconds of play per second of wall time, up to
 * PLAY_BURST_SECONDS, and a full bucket is where every learner starts. A client claiming an hour of watching in one
 * request, or firing beats faster than time passes, gets the burst and then real time at 2x, no more.
 */
export function playAllowance(budget: PlayBudget | undefined, now: number): number {
  if (!budget) return PLAY_BURST_SECONDS;
  const grown = budget.seconds + (Math.max(0, now - budget.at) / 1000) * MAX_PLAYBACK_RATE;
  return Math.min(PLAY_BURST_SECONDS, grown);
}

/** The first `seconds` of a normalised list (the earliest part of the video), the rest dropped. */
export function keepFirstSeconds(ranges: readonly Range[], seconds: number): Range[] {
  const out: Range[] = [];
  let left = Math.max(0, seconds);
  for (const [a, b] of ranges) {
    if (left <= 0) break;
    const to = round(Math.min(b, a + left));
    if (to > a) out.push([a, to]);
    left -= to - a;
  }
  return out;
}
