import { csvLine } from '../progress/csv.ts';
import { BREAKDOWN_FIGURES, COUNT_FIGURES, DEFINITIONS_VERSION, MIN_CELL, RATE_FIGURES, SERIES_FIGURES, SUPPRESSION_RULE } from './definitions.ts';
import type { BreakdownRow, Report, ReportRow, SeriesPoint } from './report.ts';
import type { StatsCourse, StatsInstitution } from './snapshot.ts';

/** The open statistics as JSON bodies and as CSV, sliced from one report. */

export const CSV_SUPPRESSED = 'suppressed';

const institutionRef = (i: StatsInstitution) => ({ id: i.id, shortName: i.shortName, nameNl: i.nameNl, nameEn: i.nameEn });
export const courseRef = (baseUrl: string, c: Pick<StatsCourse, 'id' | 'slug' | 'title'>) => ({ id: c.id, slug: c.slug, title: c.title, url: `${baseUrl}/courses/${encodeURIComponent(c.slug)}` });

function meta(r: Report) {
  return {
    definitionsVersion: DEFINITIONS_VERSION,
    generatedAt: new Date(r.builtAt).toISOString(),
    period: { from: r.from, to: r.to },
    suppression: { threshold: MIN_CELL, rule: SUPPRESSION_RULE },
  };
}

const rowBody = (row: ReportRow) => ({ figures: row.figures, byCountry: row.byCountry, byHomeInstitution: row.byHomeInstitution });

export function statisticsBody(r: Report) {
  return {
    ...meta(r),
    platform: rowBody(r.instance),
    institutions: r.institutions.map((i) => ({ institution: institutionRef(i.institution), ...rowBody(i) })),
  };
}

export function coursesBody(r: Report, baseUrl: string, institution: number | null) {
  return {
    ...meta(r),
    courses: r.courses
      .filter((c) => institution === null || c.course.institution === institution)
      .map((c) => ({
        course: courseRef(baseUrl, c.course),
        institution: c.course.institution >= 0 ? institutionRef(r.institutions.find((i) => i.index === c.course.institution)!.institution) : null,
        ...rowBody(c),
      })),
  };
}

export type Scope =
  | { level: 'platform' }
  | { level: 'institution'; institution: number }
  | { level: 'course'; course: number };

export function scopeRow(r: Report, scope: Scope): ReportRow | null {
  if (scope.level === 'platform') return r.instance;
  if (scope.level === 'institution') return r.institutions.find((i) => i.index === scope.institution) ?? null;
  return r.courses.find((c) => c.index === scope.course) ?? null;
}

export function timeseriesBody(r: Report, baseUrl: string, scope: Scope, row: ReportRow) {
  return {
    ...meta(r),
    granularity: 'month' as const,
    scope: {
      level: scope.level,
      ...(scope.level === 'institution' ? { institution: institutionRef((r.institutions.find((i) => i.index === scope.institution)!).institution) } : {}),
      ...(scope.level === 'course' ? { course: courseRef(baseUrl, r.courses.find((c) => c.index === scope.course)!.course) } : {}),
    },
    series: row.series,
  };
}

/** Bodies are built once per report (a report lives as long as its snapshot) and key. */
const memo = new WeakMap<Report, Map<string, string>>();
function cached(r: Report, key: string, make: () => string): string {
  let m = memo.get(r);
  if (!m) memo.set(r, (m = new Map()));
  let v = m.get(key);
  if (v === undefined) m.set(key, (v = make()));
  return v;
}

// ---- CSV ------------------------------------------------------------------------------------------------------

type Cell = string | number | null;
const FIGURE_COLUMNS = [...COUNT_FIGURES, ...RATE_FIGURES];

function csv(columns: readonly string[], rows: { cells: Record<string, Cell>; suppressed: string[] }[]): string {
  return (
    csvLine(columns) +
    rows.map(({ cells, suppressed }) => csvLine(columns.map((c) => (suppressed.includes(c) ? CSV_SUPPRESSED : (cells[c] ?? null))))).join('')
  );
}

const figureCells = (f: ReportRow['figures']) => Object.fromEntries(FIGURE_COLUMNS.map((k) => [k, f[k]])) as Record<string, Cell>;
const breakdownCells = (b: BreakdownRow, dimension: string) => ({
  dimension,
  category: b.value,
  ...Object.fromEntries(BREAKDOWN_FIGURES.map((k) => [k, b[k]])),
});

function rowsOf(prefix: Record<string, Cell>, row: ReportRow) {
  return [
    { cells: { ...prefix, ...figureCells(row.figures) }, suppressed: row.figures.suppressed },
    ...row.byCountry.map((b) => ({ cells: { ...prefix, ...breakdownCells(b, 'country') }, suppressed: b.suppressed })),
    ...row.byHomeInstitution.map((b) => ({ cells: { ...prefix, ...breakdownCells(b, 'homeInstitution') }, suppressed: b.suppressed })),
  ];
}

const tail = (r: Report) => ({ from: r.from, to: r.to, definitionsVersion: DEFINITIONS_VERSION, generatedAt: new Date(r.builtAt).toISOString() });
const TAIL = ['from', 'to', 'definitionsVersion', 'generatedAt'];

export function statisticsCsv(r: Report): string {
  return cached(r, 'statistics', () => statisticsCsvOf(r));
}
function statisticsCsvOf(r: Report): string {
  const columns = ['level', 'institutionId', 'institution', 'dimension', 'category', ...FIGURE_COLUMNS, ...TAIL];
  return csv(columns, [
    ...rowsOf({ level: 'platform', ...tail(r) }, r.instance),
    ...r.institutions.flatMap((i) => rowsOf({ level: 'institution', institutionId: i.institution.id, institution: i.institution.shortName, ...tail(r) }, i)),
  ]);
}

export function coursesCsv(r: Report, institution: number | null): string {
  return cached(r, `courses:${institution}`, () => coursesCsvOf(r, institution));
}
function coursesCsvOf(r: Report, institution: number | null): string {
  const columns = ['level', 'courseId', 'courseSlug', 'course', 'institution', 'dimension', 'category', ...FIGURE_COLUMNS, ...TAIL];
  return csv(
    columns,
    r.courses
      .filter((c) => institution === null || c.course.institution === institution)
      .flatMap((c) =>
        rowsOf(
          {
            level: 'course',
            courseId: c.course.id,
            courseSlug: c.course.slug,
            course: c.course.title,
            institution: c.course.institution >= 0 ? (r.institutions.find((i) => i.index === c.course.institution)?.institution.shortName ?? null) : null,
            ...tail(r),
          },
          c,
        ),
      ),
  );
}

export function timeseriesCsv(r: Report, series: SeriesPoint[], scope: { level: string; name: string | null }): string {
  const columns = ['month', ...SERIES_FIGURES, 'level', 'scope', 'definitionsVersion', 'generatedAt'];
  const t = tail(r);
  return csv(
    columns,
    series.map((p) => ({
      cells: { ...(p as unknown as Record<string, Cell>), level: scope.level, scope: scope.name, definitionsVersion: t.definitionsVersion, generatedAt: t.generatedAt },
      suppressed: p.suppressed,
    })),
  );
}
