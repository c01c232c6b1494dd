// Two-phase writes of cache partitions: stage each month as a fsynced temp file beside its final path, then
// rename them all (commit) or remove them all (discard). Must never leave a half-written `.mfc` in place.
import { renameSync, rmSync } from 'node:fs';
import { type ColumnArray, stagePartition } from './cache-format.js';

/** One month ready to be written. */
export interface PartitionPlan {
  readonly month: string;
  readonly path: string;
  readonly cols: Record<string, ColumnArray>;
  readonly length: number;
  readonly alreadyCached: number;
  /** Trades only: the decimal scale of `priceUnits`. */
  readonly priceScale: number | undefined;
}

/** A month written to `tmp`, waiting to be renamed onto `path`. */
export interface StagedPartition {
  readonly tmp: string;
  readonly path: string;
  readonly month: string;
  readonly rows: number;
  readonly alreadyCached: number;
}

/** Writes one plan to a fsynced temp file; `meta` gets the plan's month (and `priceScale` for trades). */
export function stagePlan(series: string, plan: PartitionPlan, meta: Readonly<Record<string, unknown>>): StagedPartition {
  const extra = plan.priceScale === undefined ? {} : { priceScale: plan.priceScale };
  const tmp = stagePartition(plan.path, series, plan.length, plan.cols, { ...meta, month: plan.month, ...extra });
  return { tmp, path: plan.path, month: plan.month, rows: plan.length, alreadyCached: plan.alreadyCached };
}

/** Removes staged temp files (missing ones are fine); the cache is left as it was. */
export function discardStaged(staged: readonly StagedPartition[]): void {
  for (const s of staged) rmSync(s.tmp, { force: true });
}

/**
 * Renames every staged file into place. Renames do not fail for lack of space; one that fails (a crash, a
 * directory in the way) removes the temp files not yet renamed and rethrows.
 */
export function commitStaged(staged: readonly StagedPartition[]): void {
  let committed = 0;
  try {
    for (const s of staged) {
      renameSync(s.tmp, s.path);
      committed++;
    }
  } catch (e) {
    discardStaged(staged.slice(committed));
    throw e;
  }
}

/** Stages every plan, then renames them all; on any failure removes the staged files. */
export function commitPartitions(series: string, plans: readonly PartitionPlan[], meta: Readonly<Record<string, unknown>>): void {
  const staged: StagedPartition[] = [];
  try {
    for (const p of plans) staged.push(stagePlan(series, p, meta));
  } catch (e) {
    discardStaged(staged);
    throw e;
  }
  commitStaged(staged);
}
