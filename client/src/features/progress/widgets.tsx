import { useEffect, useRef, useState } from 'preact/hooks';

let seq = 0;

/**
 * A labelled progress bar (role=progressbar). The fill's width is set through the CSSOM, which the strict
 * style-src policy allows (a style attribute would be refused).
 */
export function ProgressBar({ label, value, valueText, labelHidden = false, compact = false }: {
  label: string;
  /** 0..100 */
  value: number;
  valueText: string;
  /** The label is read but not shown (a table cell that already has a column header, say). */
  labelHidden?: boolean;
  compact?: boolean;
}) {
  const [id] = useState(() => `pb${++seq}`);
  const fill = useRef<HTMLSpanElement>(null);
  const v = Math.max(0, Math.min(100, Number.isFinite(value) ? value : 0));
  useEffect(() => {
    fill.current?.style.setProperty('width', `${v}%`);
  }, [v]);
  return (
    <div class={`pbar${compact ? ' pbar--compact' : ''}`}>
      <div class={labelHidden ? 'visually-hidden' : 'pbar__label'}>
        <span id={id}>{label}</span>
      </div>
      <div class="pbar__row">
        <span class="pbar__track" role="progressbar" aria-labelledby={id} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(v)} aria-valuetext={valueText}>
          <span ref={fill} class="pbar__fill" />
        </span>
        <span class="pbar__value" aria-hidden="true">
          {valueText}
        </span>
      </div>
    </div>
  );
}

/** 75 -> "1:15", 3725 -> "1:02:05". */
export function formatTime(seconds: number): string {
  const s = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
