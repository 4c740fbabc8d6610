import {
  ADDITIVE_FIGURES,
  ADDITIVE_SERIES,
  BREAKDOWN_FIGURES,
  COUNT_FIGURES,
  MIN_CELL,
  SERIES_FIGURES,
  type BreakdownFigure,
  type CountFigure,
  type SeriesFigure,
} from './definitions.ts';
import { monthLabel } from './months.ts';
import { K_COH, K_EV, countIn, countPerBit, type Snapshot, type StatsCourse, type StatsInstitution } from './snapshot.ts';
import { CellTable } from './suppress.ts';

/**
 * Every figure of one period, for the platform, each institution and each course, with breakdowns and the
 * monthly series, computed from a snapshot in two passes over the enrolments; then, for the open statistics,
 * small-cell suppression solved over all of it at once, so every endpoint that shows a cell of this period shows
 * the same thing (see definitions.ts).
 */
export interface ReportOptions {
  /** Months, inclusive. */
  from: number;
  to: number;
  /** Only catalogue courses (the open statistics); staff dashboards see every course. */
  publicOnly: boolean;
  suppress: boolean;
}

export type Figures = Record<CountFigure | 'completionRateOfShows' | 'completionRateOfEnrolments', number | null> & { suppressed: string[] };
export type BreakdownRow = Record<BreakdownFigure, number | null> & { value: string; kind: 'declared' | 'other' | 'notDeclared'; suppressed: string[] };
export type SeriesPoint = Record<SeriesFigure, number | null> & { month: string; suppressed: string[] };

export interface ReportRow {
  figures: Figures;
  byCountry: BreakdownRow[];
  byHomeInstitution: BreakdownRow[];
  series: SeriesPoint[];
}

export interface Report {
  from: string;
  to: string;
  builtAt: number;
  suppressed: boolean;
  instance: ReportRow;
  institutions: (ReportRow & { institution: StatsInstitution; index: number })[];
  courses: (ReportRow & { course: StatsCourse; index: number })[];
}

type Dim = 'country' | 'home';
const DIMS: Dim[] = ['country', 'home'];

/** Cell ids of one row while it is being built. */
interface Work {
  fig: Record<CountFigure, number>;
  /** [dim][category][figure] */
  bd: Record<Dim, Record<BreakdownFigure, number>[]>;
  /** [figure][month] */
  ser: Record<SeriesFigure, number[]>;
  serTotal: Record<(typeof COHORT_SERIES)[number], number>;
}

/** Series whose sum over the period is a published period figure. */
const COHORT_SERIES = ['enrolments', 'newLearners'] as const;

export function computeReport(s: Snapshot, opts: ReportOptions): Report {
  const from = opts.from;
  const to = opts.to;
  const months = Math.max(0, to - from + 1);
  const inScope = (c: number) => !opts.publicOnly || s.courses[c].public;
  const scoped = opts.publicOnly ? s.open : s.all;
  // Bits of the period in the snapshot's month patterns, and the months of the period the snapshot covers.
  const lo = from - s.firstMonth;
  const hi = to - s.firstMonth;
  const M = s.lastMonth - s.firstMonth + 1;
  const mFrom = Math.max(0, lo);
  const mTo = Math.min(M - 1, hi);

  // ---- which courses and institutions are rows ---------------------------------------------------------------
  const hasLearners = (c: number) => s.perCourse[c].coh.some((v) => v > 0);
  const courseRows = s.courses.map((_, c) => c).filter((c) => inScope(c) && (opts.publicOnly || hasLearners(c) || s.courses[c].status !== 'draft'));
  const instRows = [...new Set(courseRows.map((c) => s.courses[c].institution).filter((i) => i >= 0))].sort((a, b) => a - b);

  // Categories: values declared by at least MIN_CELL learners of the period stand alone; the rest is "other".
  const cats = {} as Record<Dim, { labels: { value: string; kind: BreakdownRow['kind'] }[]; of: Int32Array }>;
  for (const d of DIMS) {
    const names = d === 'country' ? s.countries : s.homes;
    const learners = scoped[d].map((p) => countIn(p, lo, hi));
    const listed = learners.map((n, v) => [v, n]).filter(([, n]) => n >= MIN_CELL).sort((a, b) => b[1] - a[1] || names[a[0]].localeCompare(names[b[0]]));
    const of = new Int32Array(s.bdBase).fill(listed.length); // "other"
    listed.forEach(([v], k) => (of[v] = k));
    of[s.bdBase - 1] = listed.length + 1; // "notDeclared"
    cats[d] = {
      labels: [...listed.map(([v]) => ({ value: names[v], kind: 'declared' as const })), { value: 'other', kind: 'other' as const }, { value: 'notDeclared', kind: 'notDeclared' as const }],
      of,
    };
  }

  // ---- courses: sums over the period's months of the snapshot's counters ---------------------------------------
  type Acc = { fig: Record<CountFigure, number>; bd: Record<Dim, Record<BreakdownFigure, number>[]>; ser: Record<SeriesFigure, Int32Array> };
  const newAcc = (): Acc => ({
    fig: Object.fromEntries(COUNT_FIGURES.map((f) => [f, 0])) as Acc['fig'],
    bd: {
      country: cats.country.labels.map(() => ({ enrolments: 0, shows: 0, completions: 0 })),
      home: cats.home.labels.map(() => ({ enrolments: 0, shows: 0, completions: 0 })),
    },
    ser: Object.fromEntries(SERIES_FIGURES.map((f) => [f, new Int32Array(months)])) as Acc['ser'],
  });
  const addAcc = (into: Acc, a: Acc) => {
    for (const f of ADDITIVE_FIGURES) into.fig[f] += a.fig[f];
    for (const d of DIMS) a.bd[d].forEach((row, k) => BREAKDOWN_FIGURES.forEach((f) => (into.bd[d][k][f] += row[f])));
    for (const f of ADDITIVE_SERIES) for (let m = 0; m < months; m++) into.ser[f][m] += a.ser[f][m];
  };
  const NEW = opts.publicOnly ? 7 : 8;

  const courseAcc = courseRows.map((c) => {
    const a = newAcc();
    const { coh, ev, act, bd } = s.perCourse[c];
    for (let m = mFrom; m <= mTo; m++) {
      const o = m * K_COH;
      a.fig.enrolments += coh[o];
      a.fig.currentlyEnrolled += coh[o + 1];
      a.fig.unenrolled += coh[o + 2];
      a.fig.shows += coh[o + 3];
      a.fig.noShows += coh[o + 4];
      a.fig.completions += coh[o + 5];
      a.fig.certificates += coh[o + 6];
      a.fig.newLearners += coh[o + NEW];
      const sm = m - lo;
      a.ser.enrolments[sm] = coh[o];
      a.ser.newLearners[sm] = coh[o + NEW];
      const e = m * K_EV;
      a.ser.completions[sm] = ev[e];
      a.ser.unenrolments[sm] = ev[e + 1];
      a.ser.certificates[sm] = ev[e + 2];
      a.ser.activeLearners[sm] = ev[e + 3];
    }
    a.fig.uniqueLearners = a.fig.enrolments;
    a.fig.activeLearners = countIn(act, lo, hi);
    const B = s.bdBase;
    for (const [key, cell] of bd) {
      const value = key % B;
      const md = (key - value) / B;
      const dim = md % 2;
      const m = (md - dim) / 2;
      if (m < mFrom || m > mTo) continue;
      const d = DIMS[dim];
      const row = a.bd[d][cats[d].of[value]];
      row.enrolments += cell[0];
      row.shows += cell[1];
      row.completions += cell[2];
    }
    return a;
  });

  const instAcc = instRows.map((i) => {
    const a = newAcc();
    courseRows.forEach((c, k) => {
      if (s.courses[c].institution === i) addAcc(a, courseAcc[k]);
    });
    const g = scoped.institutions[i];
    a.fig.uniqueLearners = countIn(g.cohort, lo, hi);
    a.fig.activeLearners = countIn(g.act, lo, hi);
    a.ser.activeLearners = countPerBit(g.act, lo, hi);
    return a;
  });
  const allAcc = newAcc();
  instAcc.forEach((a) => addAcc(allAcc, a));
  courseRows.forEach((c, k) => {
    if (s.courses[c].institution < 0) addAcc(allAcc, courseAcc[k]);
  });
  allAcc.fig.uniqueLearners = countIn(scoped.platform.cohort, lo, hi);
  allAcc.fig.activeLearners = countIn(scoped.platform.act, lo, hi);
  allAcc.ser.activeLearners = countPerBit(scoped.platform.act, lo, hi);

  const t = new CellTable();
  const newWork = (): Work => ({
    fig: Object.fromEntries(COUNT_FIGURES.map((f) => [f, -1])) as Work['fig'],
    bd: { country: [], home: [] },
    ser: Object.fromEntries(SERIES_FIGURES.map((f) => [f, []])) as unknown as Work['ser'],
    serTotal: { enrolments: -1, newLearners: -1 },
  });

  // ---- cells and groups -------------------------------------------------------------------------------------
  const toWork = (a: Acc, isCourse = false): Work => {
    const w = newWork();
    for (const f of COUNT_FIGURES) w.fig[f] = t.cell(a.fig[f]);
    // A course's learners are its enrolments: one cell, so they are never shown and hidden at once.
    if (isCourse) w.fig.uniqueLearners = w.fig.enrolments;
    for (const d of DIMS) w.bd[d] = a.bd[d].map((row) => ({ enrolments: t.cell(row.enrolments), shows: t.cell(row.shows), completions: t.cell(row.completions) }));
    for (const f of SERIES_FIGURES) w.ser[f] = Array.from(a.ser[f], (v) => t.cell(v));
    // The period's enrolments and new learners are the sums of their months: the same cells, not copies.
    w.serTotal.enrolments = w.fig.enrolments;
    w.serTotal.newLearners = w.fig.newLearners;
    // The other series (completions, unenrolments, certificates by month) have no published total: the period
    // figures count the cohort instead. A total that is shown nowhere protects nothing and is no group.
    t.group(w.fig.enrolments, [w.fig.currentlyEnrolled, w.fig.unenrolled]);
    t.group(w.fig.enrolments, [w.fig.shows, w.fig.noShows]);
    for (const d of DIMS) for (const f of BREAKDOWN_FIGURES) t.group(w.fig[f], w.bd[d].map((row) => row[f]));
    for (const f of COHORT_SERIES) t.group(w.serTotal[f], w.ser[f]);
    return w;
  };
  const linkChildren = (parent: Work, children: Work[]) => {
    if (!children.length) return;
    for (const f of ADDITIVE_FIGURES) t.group(parent.fig[f], children.map((c) => c.fig[f]));
    for (const d of DIMS) {
      parent.bd[d].forEach((row, k) => {
        for (const f of BREAKDOWN_FIGURES) t.group(row[f], children.map((c) => c.bd[d][k][f]));
      });
    }
    for (const f of ADDITIVE_SERIES) {
      for (let m = 0; m < months; m++) t.group(parent.ser[f][m], children.map((c) => c.ser[f][m]));
    }
  };
  const courseWork = courseAcc.map((a) => toWork(a, true));
  const instWork = instAcc.map((a) => toWork(a));
  const allWork = toWork(allAcc);
  instRows.forEach((i, k) => linkChildren(instWork[k], courseRows.map((c, j) => (s.courses[c].institution === i ? courseWork[j] : null)).filter((w): w is Work => !!w)));
  linkChildren(allWork, [...instWork, ...courseRows.map((c, j) => (s.courses[c].institution < 0 ? courseWork[j] : null)).filter((w): w is Work => !!w)]);

  const hidden = opts.suppress ? t.suppress() : new Uint8Array(t.values.length);

  // ---- out ----------------------------------------------------------------------------------------------------
  const val = (cell: number) => (hidden[cell] ? null : t.values[cell]);
  const rate = (num: number, den: number) => (hidden[num] || hidden[den] || t.values[den] === 0 ? null : Math.round((t.values[num] / t.values[den]) * 10_000) / 10_000);
  const out = (w: Work): ReportRow => {
    const figures = {} as Figures;
    const suppressed: string[] = [];
    for (const f of COUNT_FIGURES) {
      figures[f] = val(w.fig[f]);
      if (hidden[w.fig[f]]) suppressed.push(f);
    }
    figures.completionRateOfShows = rate(w.fig.completions, w.fig.shows);
    figures.completionRateOfEnrolments = rate(w.fig.completions, w.fig.enrolments);
    if (figures.completionRateOfShows === null && (hidden[w.fig.completions] || hidden[w.fig.shows])) suppressed.push('completionRateOfShows');
    if (figures.completionRateOfEnrolments === null && (hidden[w.fig.completions] || hidden[w.fig.enrolments])) suppressed.push('completionRateOfEnrolments');
    figures.suppressed = suppressed;
    const breakdown = (d: Dim): BreakdownRow[] =>
      w.bd[d]
        .map((row, k) => ({ row, label: cats[d].labels[k] }))
        .filter(({ row }) => BREAKDOWN_FIGURES.some((f) => t.values[row[f]] !== 0))
        .map(({ row, label }) => ({
          value: label.value,
          kind: label.kind,
          enrolments: val(row.enrolments),
          shows: val(row.shows),
          completions: val(row.completions),
          suppressed: BREAKDOWN_FIGURES.filter((f) => hidden[row[f]]),
        }));
    const series: SeriesPoint[] = Array.from({ length: months }, (_, m) => {
      const point = { month: monthLabel(from + m), suppressed: [] as string[] } as SeriesPoint;
      for (const f of SERIES_FIGURES) {
        point[f] = val(w.ser[f][m]);
        if (hidden[w.ser[f][m]]) point.suppressed.push(f);
      }
      return point;
    });
    return { figures, byCountry: breakdown('country'), byHomeInstitution: breakdown('home'), series };
  };

  return {
    from: monthLabel(from),
    to: monthLabel(to),
    builtAt: s.builtAt,
    suppressed: opts.suppress,
    instance: out(allWork),
    institutions: instRows.map((i, k) => ({ ...out(instWork[k]), institution: s.institutions[i], index: i })),
    courses: courseRows.map((c, k) => ({ ...out(courseWork[k]), course: s.courses[c], index: c })),
  };
}
