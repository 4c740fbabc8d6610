import { useMemo } from 'preact/hooks';
import type { BreakdownRow, Dashboard as DashboardData, Figures } from '../../api.ts';
import { t } from '../../i18n/analytics.ts';
import { formatDateTime, lang } from '../../i18n/core.ts';
import { navigate } from '../../router.ts';
import { Chart, CsvLink, formatValue } from './chart.tsx';

/** The institution and platform dashboards: key figures, a monthly chart, figures per course (or institution), breakdowns. */

export const FIGURE_KEYS = [
  'enrolments',
  'currentlyEnrolled',
  'unenrolled',
  'uniqueLearners',
  'newLearners',
  'shows',
  'noShows',
  'activeLearners',
  'completions',
  'certificates',
  'completionRateOfShows',
  'completionRateOfEnrolments',
] as const;
type FigureKey = (typeof FIGURE_KEYS)[number];
const TABLE_KEYS: FigureKey[] = ['enrolments', 'newLearners', 'shows', 'activeLearners', 'completions', 'completionRateOfShows', 'certificates'];
const isRate = (k: string) => k.startsWith('completionRate');
const value = (f: Figures, k: FigureKey) => formatValue(f[k] as number | null, isRate(k));

const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

export function PeriodForm({ path, period }: { path: string; period: { from: string; to: string } }) {
  const onSubmit = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const q = new URLSearchParams();
    for (const k of ['from', 'to']) {
      const v = String(data.get(k) ?? '');
      if (MONTH.test(v)) q.set(k, v);
    }
    const s = q.toString();
    navigate(s ? `${path}?${s}` : path);
  };
  return (
    <form class="period-form" onSubmit={onSubmit} aria-label={t('dash.period')}>
      <div class="field">
        <label for="period-from">{t('dash.from')}</label>
        <input id="period-from" name="from" type="month" defaultValue={period.from} pattern="[0-9]{4}-[0-9]{2}" />
      </div>
      <div class="field">
        <label for="period-to">{t('dash.to')}</label>
        <input id="period-to" name="to" type="month" defaultValue={period.to} pattern="[0-9]{4}-[0-9]{2}" />
      </div>
      <button type="submit" class="button">
        {t('dash.apply')}
      </button>
    </form>
  );
}

export function KeyFigures({ figures }: { figures: Figures }) {
  return (
    <dl class="key-figures">
      {FIGURE_KEYS.map((k) => (
        <div key={k}>
          <dt>{t(`fig.${k}`)}</dt>
          <dd>{value(figures, k)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A table of rows with their figures, and the same as CSV (every figure, not only the columns shown). */
function FiguresTable({ id, title, nameHeader, rows }: { id: string; title: string; nameHeader: string; rows: { key: string; name: string; href?: string; note?: string; figures: Figures }[] }) {
  const csv: (string | number | null)[][] = [
    [nameHeader, ...FIGURE_KEYS.map((k) => t(`fig.${k}`))],
    ...rows.map((r) => [r.name, ...FIGURE_KEYS.map((k) => r.figures[k] as number | null)]),
  ];
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <div class="table-wrap" role="region" aria-label={t('chart.tableRegion', { title })} tabIndex={0}>
        <table class="data-table">
          <caption class="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{nameHeader}</th>
              {TABLE_KEYS.map((k) => (
                <th key={k} scope="col">
                  {t(`fig.${k}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">
                  {r.href ? <a href={r.href}>{r.name}</a> : r.name}
                  {r.note && <span class="muted"> ({r.note})</span>}
                </th>
                {TABLE_KEYS.map((k) => (
                  <td key={k} class="num">
                    {value(r.figures, k)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <CsvLink rows={csv} name={id} title={title} />
    </section>
  );
}

function Breakdown({ id, title, rows }: { id: string; title: string; rows: BreakdownRow[] }) {
  const names = useMemo(() => {
    const regions = new Intl.DisplayNames([lang.value === 'nl' ? 'nl-BE' : 'en-GB'], { type: 'region' });
    return (r: BreakdownRow) =>
      r.kind === 'other' ? t('dash.other') : r.kind === 'notDeclared' ? t('dash.notDeclared') : id === 'by-country' ? (regions.of(r.value) ?? r.value) : r.value;
  }, [lang.value, id]);
  if (!rows.length) return null;
  const keys = ['enrolments', 'shows', 'completions'] as const;
  const csv: (string | number | null)[][] = [[t('dash.value'), ...keys.map((k) => t(`fig.${k}`))], ...rows.map((r) => [r.value, ...keys.map((k) => r[k])])];
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <div class="table-wrap" role="region" aria-label={t('chart.tableRegion', { title })} tabIndex={0}>
        <table class="data-table">
          <caption class="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dash.value')}</th>
              {keys.map((k) => (
                <th key={k} scope="col">
                  {t(`fig.${k}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.kind}-${r.value}`}>
                <th scope="row">{names(r)}</th>
                {keys.map((k) => (
                  <td key={k} class="num">
                    {formatValue(r[k])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <CsvLink rows={csv} name={id} title={title} />
    </section>
  );
}

export function Dashboard({ data, path, groups }: { data: DashboardData; path: string; groups?: { title: string; nameHeader: string; rows: { key: string; name: string; figures: Figures }[] } }) {
  const labels = useMemo(() => data.series.map((p) => p.month), [data]);
  const series = useMemo(
    () => [
      { label: t('fig.enrolments'), values: data.series.map((p) => p.enrolments), bars: true },
      { label: t('fig.newLearners'), values: data.series.map((p) => p.newLearners) },
      { label: t('fig.activeLearners'), values: data.series.map((p) => p.activeLearners) },
      { label: t('fig.completions'), values: data.series.map((p) => p.completions) },
    ],
    [data, lang.value],
  );
  const status = (s: string) => (s === 'draft' || s === 'published' || s === 'archived' ? t(`status.${s}`) : s);
  return (
    <>
      <PeriodForm path={path} period={data.period} />
      <p class="muted">{t('dash.periodShown', { from: data.period.from, to: data.period.to, when: formatDateTime(data.generatedAt) })}</p>
      <section aria-labelledby="key-figures">
        <h2 id="key-figures">{t('dash.figures')}</h2>
        <KeyFigures figures={data.figures} />
      </section>
      <section aria-labelledby="per-month">
        <h2 id="per-month">{t('dash.series')}</h2>
        <Chart id="chart-months" title={t('dash.series')} labels={labels} xHeader={t('dash.month')} series={series} csvName="per-month" />
      </section>
      {groups && <FiguresTable id="per-institution" title={groups.title} nameHeader={groups.nameHeader} rows={groups.rows} />}
      <FiguresTable
        id="per-course"
        title={t('dash.courses')}
        nameHeader={t('dash.course')}
        rows={data.courses.map((c) => ({ key: c.course.id, name: c.course.title, href: `/studio/courses/${encodeURIComponent(c.course.id)}/analytics`, note: status(c.course.status), figures: c.figures }))}
      />
      <Breakdown id="by-country" title={t('dash.byCountry')} rows={data.byCountry} />
      <Breakdown id="by-home" title={t('dash.byHome')} rows={data.byHomeInstitution} />
      <p>
        <a href="/api/docs">{t('dash.openData')}</a>
      </p>
    </>
  );
}
