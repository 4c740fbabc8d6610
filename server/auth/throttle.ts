import type { Clock } from '../clock.ts';

/**
 * Failed logins per account in a sliding window (the per-IP limit is @fastify/rate-limit's). In memory: one
 * process is the embedded default; a multi-process install would move this next to the sessions in the DB.
 */
export function createLoginThrottle(clock: Clock, opts: { maxFailures: number; windowMs: number }) {
  const failures = new Map<string, number[]>();
  const recent = (key: string) => {
    const since = clock() - opts.windowMs;
    const list = (failures.get(key) ?? []).filter((t) => t > since);
    if (list.length) failures.set(key, list);
    else failures.delete(key);
    return list;
  };
  return {
    /** Seconds to wait before another try, or 0. */
    retryAfter(key: string): number {
      const list = recent(key);
      if (list.length < opts.maxFailures) return 0;
      return Math.max(1, Math.ceil((list[list.length - opts.maxFailures] + opts.windowMs - clock()) / 1000));
    },
    fail(key: string) {
      const list = recent(key);
      list.push(clock());
      failures.set(key, list);
      if (failures.size > 100_000) failures.delete(failures.keys().next().value as string);
    },
    succeed(key: string) {
      failures.delete(key);
    },
  };
}
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
