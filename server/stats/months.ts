/**
 * Calendar months (UTC) as small integers: year * 12 + month (0-based). "2026-01" <-> 24312.
 */
export const monthOf = (ms: number) => {
  const d = new Date(ms);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
};
export const monthLabel = (m: number) => `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
export const parseMonth = (s: string) => Number(s.slice(0, 4)) * 12 + Number(s.slice(5, 7)) - 1;
export const monthStart = (m: number) => Date.UTC(Math.floor(m / 12), m % 12, 1);

/**
 * A fast ms -> month lookup over a span of days: millions of timestamps go through it while a snapshot is built,
 * and `new Date()` per timestamp would dominate the build.
 */
export function monthIndexer(firstMonth: number, lastMonth: number) {
  const firstDay = Math.floor(monthStart(firstMonth) / 86_400_000);
  const lastDay = Math.floor(monthStart(lastMonth + 1) / 86_400_000) - 1;
  const table = new Int32Array(lastDay - firstDay + 1);
  for (let m = firstMonth; m <= lastMonth; m++) {
    const from = Math.floor(monthStart(m) / 86_400_000) - firstDay;
    const to = Math.floor(monthStart(m + 1) / 86_400_000) - firstDay;
    table.fill(m, from, to);
  }
  /** Clamped into [firstMonth, lastMonth]. */
  return (ms: number) => {
    const d = Math.floor(ms / 86_400_000) - firstDay;
    return d < 0 ? firstMonth : d >= table.length ? lastMonth : table[d];
  };
}
