import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../clock.ts';
import { badRequest } from '../errors.ts';
import { flushPendingProgress } from '../progress/store.ts';
import { parseMonth } from './months.ts';
import { computeReport, type Report } from './report.ts';
import { buildSnapshot, type Snapshot } from './snapshot.ts';

/**
 * Statistics are computed from an in-memory snapshot of the learner enrolments (snapshot.ts), never by scanning
 * the tables per request. A snapshot older than `maxAgeMs` is rebuilt before answering; one older than half of it
 * is rebuilt in the background while the current one keeps answering, so with steady traffic no request waits.
 * The build reads in slices and yields to the event loop between them. Reports (one period, one audience) are
 * cached per snapshot. `maxAgeMs` 0 means always fresh (tests, tiny installs).
 */
export interface PeriodQuery {
  from?: string;
  to?: string;
}

export function createStatsService(deps: { db: Db; clock: Clock; maxAgeMs: number; log?: FastifyBaseLogger }) {
  const { db, clock, maxAgeMs } = deps;
  let current: Snapshot | null = null;
  let building: Promise<Snapshot> | null = null;
  const reports = new Map<string, Report>();
  const REPORTS_KEPT = 64;

  function rebuild(): Promise<Snapshot> {
    // Heartbeats accepted but not yet written would be missing from the picture.
    if (!building) flushPendingProgress(db);
    building ??= buildSnapshot(db, clock())
      .then((s) => {
        current = s;
        reports.clear();
        // The report everyone asks for first (every month, the open audience) is made ahead of the first request.
        if (maxAgeMs > 0) setImmediate(() => void report({}, { publicOnly: true, suppress: true }).catch(() => undefined));
        deps.log?.debug({ enrolments: s.n, buildMs: Math.round(s.buildMs), longestSliceMs: Math.round(s.longestSliceMs) }, 'statistics snapshot built');
        return s;
      })
      .finally(() => {
        building = null;
      });
    return building;
  }

  async function snapshot(): Promise<Snapshot> {
    const age = current ? clock() - current.builtAt : Infinity;
    if (current && maxAgeMs > 0 && age <= maxAgeMs) {
      if (age > maxAgeMs / 2 && !building) rebuild().catch((err) => deps.log?.error({ err }, 'statistics snapshot failed'));
      return current;
    }
    return rebuild();
  }

  /** Months of a period query, defaulting to all months with data; 400 on a period that ends before it starts. */
  function period(s: Snapshot, q: PeriodQuery): { from: number; to: number } {
    const from = q.from ? parseMonth(q.from) : s.firstMonth;
    const to = q.to ? parseMonth(q.to) : s.lastMonth;
    if (from > to) throw badRequest('The period ends before it starts: `to` must not be before `from`.', [{ pointer: '/querystring/to', message: 'must not be before from' }]);
    // Months without data add nothing but length: the series covers only months the snapshot knows.
    return { from: Math.max(from, Math.min(s.firstMonth, to)), to: Math.min(to, Math.max(s.lastMonth, from)) };
  }

  async function report(q: PeriodQuery, audience: { publicOnly: boolean; suppress: boolean }): Promise<Report> {
    const s = await snapshot();
    const { from, to } = period(s, q);
    const key = `${s.builtAt}:${from}:${to}:${audience.publicOnly}:${audience.suppress}`;
    let r = reports.get(key);
    if (!r) {
      r = computeReport(s, { from, to, ...audience });
      if (reports.size >= REPORTS_KEPT) reports.delete(reports.keys().next().value!);
      reports.set(key, r);
    }
    return r;
  }

  return {
    snapshot,
    /** The open statistics: catalogue courses only, small cells suppressed. */
    open: (q: PeriodQuery) => report(q, { publicOnly: true, suppress: true }),
    /** Staff dashboards: every course, exact figures. */
    internal: (q: PeriodQuery) => report(q, { publicOnly: false, suppress: false }),
  };
}
export type StatsService = ReturnType<typeof createStatsService>;
