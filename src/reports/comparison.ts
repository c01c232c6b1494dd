// Several runs side by side, as data: one row per summary field with each run's value and the best run where a
// direction makes sense. Must never recompute a run's metrics or rank runs on fields with no direction.
import { moneyFromText } from '../core/money.js';
import { SUMMARY_FIELDS, type Better, type FieldUnit } from './summary-fields.js';
import type { SummaryMetrics } from './summary-metrics.js';

export interface NamedSummary {
  readonly name: string;
  readonly summary: SummaryMetrics;
}

export interface ComparisonRow {
  readonly key: string;
  readonly label: string;
  readonly unit: FieldUnit;
  readonly better: Better;
  /** One value per run, in the order given; undefined where a run has none. */
  readonly values: readonly (string | number | undefined)[];
  /** Indices of the runs with the best value (several on a tie); empty for 'none' or when no run has a value. */
  readonly best: readonly number[];
}

export interface Comparison {
  readonly runs: readonly string[];
  readonly rows: readonly ComparisonRow[];
}

/** A comparable number: money strings are read exactly into 1e-8 units (an integer), so ties are exact. */
function comparable(value: string | number | undefined, unit: FieldUnit): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  return unit === 'money' ? moneyFromText(value) : undefined;
}

/** The side-by-side table of the runs' summaries. */
export function compareRuns(runs: readonly NamedSummary[]): Comparison {
  const rows = SUMMARY_FIELDS.map((field): ComparisonRow => {
    const values = runs.map((r) => field.read(r.summary));
    let best: number[] = [];
    if (field.better !== 'none') {
      let bestValue: number | undefined;
      values.forEach((v, i) => {
        const x = comparable(v, field.unit);
        if (x === undefined) return;
        const better = bestValue === undefined || (field.better === 'higher' ? x > bestValue : x < bestValue);
        if (better) {
          bestValue = x;
          best = [i];
        } else if (x === bestValue) {
          best.push(i);
        }
      });
    }
    return { key: field.key, label: field.label, unit: field.unit, better: field.better, values, best };
  });
  return { runs: runs.map((r) => r.name), rows };
}
