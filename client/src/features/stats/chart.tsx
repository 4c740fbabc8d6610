import { useEffect, useMemo, useRef } from 'preact/hooks';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './stats.css';
import { t } from '../../i18n/analytics.ts';
import { formatNumber } from '../../i18n/core.ts';

/**
 * A chart drawn by uPlot on a canvas, always with the same data as a table (for screen readers, keyboards and
 * anyone who wants the numbers) and as a CSV download. x is categorical: periods, lessons or parts of a video.
 */
export interface ChartSeries {
  label: string;
  values: (number | null)[];
  /** Bars instead of a line. */
  bars?: boolean;
}

export interface ChartProps {
  id: string;
  title: string;
  /** The x axis: one label per point, and the header of that column in the table. */
  labels: string[];
  xHeader: string;
  series: ChartSeries[];
  /** Values are shares (0..1), shown as percentages. */
  percent?: boolean;
  /** File name without extension. */
  csvName: string;
  /** Extra columns for the table and the CSV only (e.g. the lesson title beside its number). */
  extra?: { header: string; values: string[] };
}

const COLOURS = ['--chart-1', '--chart-2', '--chart-3', '--chart-4'];

export function formatValue(v: number | null, percent = false): string {
  if (v === null) return '—';
  return percent ? `${formatNumber(Math.round(v * 1000) / 10)} %` : formatNumber(v);
}

/** RFC 4180, with the spreadsheet-formula guard the server uses too. */
export function toCsv(rows: (string | number | null)[][]): string {
  const cell = (v: string | number | null) => {
    if (v === null) return '';
    const raw = String(v);
    const text = typeof v === 'string' && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
    return /[",\r\n]/.test(text) || text !== raw ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** A link that downloads `rows` as CSV (a blob: address, made and released with the component). */
export function CsvLink({ rows, name, title }: { rows: (string | number | null)[][]; name: string; title: string }) {
  const url = useMemo(() => URL.createObjectURL(new Blob([toCsv(rows)], { type: 'text/csv;charset=utf-8' })), [rows]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return (
    <a class="button button--quiet csv-link" href={url} download={`${name}.csv`}>
      {t('chart.csv')}
      <span class="visually-hidden">: {title}</span>
    </a>
  );
}

export function Chart(p: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const n = p.labels.length;

  useEffect(() => {
    const el = box.current;
    if (!el || !n) return;
    let plot: uPlot | null = null;
    let observer: ResizeObserver | null = null;
    let cancelled = false;
    import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return;
      const css = getComputedStyle(el);
      const colour = (k: number) => css.getPropertyValue(COLOURS[k % COLOURS.length]).trim() || '#1d4e89';
      const grid = css.getPropertyValue('--chart-grid').trim() || '#d5dbe3';
      const ink = css.getPropertyValue('--chart-text').trim() || '#4a5563';
      const anyBars = p.series.some((s) => s.bars);
      const barCount = p.series.filter((s) => s.bars).length;
      let barIndex = 0;
      const opts: uPlot.Options = {
        width: Math.max(280, el.clientWidth),
        height: 260,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: false, range: anyBars ? [-0.5, n - 0.5] : [0, Math.max(1, n - 1)] },
          y: { range: p.percent ? [0, 1] : (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
        },
        axes: [
          {
            stroke: ink,
            grid: { show: false },
            ticks: { stroke: grid },
            incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500],
            values: (_u, splits) => splits.map((i) => (Number.isInteger(i) ? (p.labels[i] ?? '') : '')),
          },
          {
            stroke: ink,
            grid: { stroke: grid, width: 1 },
            ticks: { stroke: grid },
            values: (_u, splits) => splits.map((v) => (p.percent ? `${Math.round(v * 100)} %` : Number.isInteger(v) ? formatNumber(v) : '')),
          },
        ],
        series: [
          {},
          ...p.series.map((s, k) => {
            const c = colour(k);
            if (!s.bars) return { label: s.label, stroke: c, width: 2, points: { show: n < 40, size: 5, fill: c } };
            const align = barCount < 2 ? 0 : barIndex++ === 0 ? -1 : 1;
            return { label: s.label, stroke: c, fill: c, width: 0, paths: UPlot.paths.bars!({ size: [barCount < 2 ? 0.7 : 0.38, 60], align: align as -1 | 0 | 1 }), points: { show: false } };
          }),
        ],
      };
      const data: uPlot.AlignedData = [p.labels.map((_, i) => i), ...p.series.map((s) => s.values.map((v) => v))];
      plot = new UPlot(opts, data, el);
      observer = new ResizeObserver(() => plot?.setSize({ width: Math.max(280, el.clientWidth), height: 260 }));
      observer.observe(el);
    });
    return () => {
      cancelled = true;
      observer?.disconnect();
      plot?.destroy();
    };
  }, [p.labels, p.series, p.percent, n]);

  const header = [p.xHeader, ...(p.extra ? [p.extra.header] : []), ...p.series.map((s) => s.label)];
  const rows = p.labels.map((label, i) => [label, ...(p.extra ? [p.extra.values[i]] : []), ...p.series.map((s) => s.values[i])]);

  return (
    <figure class="chart" aria-labelledby={`${p.id}-title`}>
      <figcaption id={`${p.id}-title`} class="chart-title">
        {p.title}
      </figcaption>
      <ul class="chart-legend" aria-label={t('chart.legend')}>
        {p.series.map((s, k) => (
          <li key={s.label}>
            <span class={`swatch swatch--${(k % COLOURS.length) + 1}`} aria-hidden="true" />
            {s.label}
          </li>
        ))}
      </ul>
      <div ref={box} class="chart-canvas" role="img" aria-label={t('chart.label', { title: p.title })} />
      <details class="chart-data">
        <summary>{t('chart.table')}</summary>
        <div class="table-wrap" role="region" aria-label={t('chart.tableRegion', { title: p.title })} tabIndex={0}>
          <table class="data-table">
            <caption class="visually-hidden">{p.title}</caption>
            <thead>
              <tr>
                {header.map((h) => (
                  <th key={h} scope="col">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {p.labels.map((label, i) => (
                <tr key={`${label}-${i}`}>
                  <th scope="row">{label}</th>
                  {p.extra && <td>{p.extra.values[i]}</td>}
                  {p.series.map((s) => (
                    <td key={s.label} class="num">
                      {formatValue(s.values[i], p.percent)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
      <CsvLink rows={[header, ...rows]} name={p.csvName} title={p.title} />
    </figure>
  );
}
