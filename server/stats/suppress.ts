import { MIN_CELL } from './definitions.ts';

/**
 * Small-cell suppression over a set of cells (learner counts) and additive groups (a total and the parts that
 * add up to it). Pure; see definitions.ts SUPPRESSION_RULE for the published rule.
 *
 * Primary: every count from 1 to min - 1 is suppressed. Secondary: a group with exactly one suppressed cell would
 * give that cell away by subtraction, so one more is suppressed: the smallest non-zero part still shown, or, when
 * there is none, the total. Suppressing a cell can open another group that contains it, so groups are re-checked
 * until none has exactly one suppressed cell. A suppressed zero is never chosen: a suppressed cell is known to be
 * at least 1, so hiding a 0 would protect nothing.
 */
export class CellTable {
  readonly values: number[] = [];
  readonly groups: number[][] = [];

  cell(value: number): number {
    return this.values.push(value) - 1;
  }

  /** `total` = sum of `parts`. Zero cells are left out: they never take part in suppression. */
  group(total: number, parts: readonly number[]) {
    const g = [total, ...parts.filter((p) => this.values[p] !== 0 && p !== total)];
    if (g.length > 1) this.groups.push(g);
  }

  suppress(min = MIN_CELL): Uint8Array {
    const { values, groups } = this;
    const out = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) if (values[i] > 0 && values[i] < min) out[i] = 1;
    const memberOf: number[][] = Array.from({ length: values.length }, () => []);
    groups.forEach((g, k) => g.forEach((c) => memberOf[c].push(k)));
    const queued = new Uint8Array(groups.length).fill(1);
    const queue = groups.map((_, k) => k);
    while (queue.length) {
      const k = queue.pop()!;
      queued[k] = 0;
      const g = groups[k];
      let hidden = 0;
      for (const c of g) hidden += out[c];
      if (hidden !== 1) continue;
      let pick = -1;
      for (let j = 1; j < g.length; j++) {
        const c = g[j];
        if (!out[c] && values[c] > 0 && (pick < 0 || values[c] < values[pick])) pick = c;
      }
      if (pick < 0 && !out[g[0]] && values[g[0]] > 0) pick = g[0];
      if (pick < 0) continue;
      out[pick] = 1;
      for (const other of memberOf[pick]) {
        if (!queued[other]) {
          queued[other] = 1;
          queue.push(other);
        }
      }
    }
    return out;
  }
}
