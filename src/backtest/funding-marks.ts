// The mark price at each funding settlement, from mark-price klines (Binance markPriceKlines, Bybit mark klines):
// the kline that opens at a settlement time has that settlement's mark as its open. Must never write anything, nor
// stand in a price for a settlement the klines do not cover (those keep the venue's documented proxy).
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import type { BarColumns, FundingColumns } from '../data/columns.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import type { FundingSeries } from '../venues/simulated/sim-market.js';
import { findFiles, ofThisMarket, parseVerified, sha256Of, type DataFileInfo, type VerifySummary } from './load-data.js';

/** A mark kline is taken for a settlement when it opens at most this long before it (Binance stamps settlements a few ms late). */
const MATCH_WINDOW_MS = 60_000;

export interface FundingMarks {
  /** The funding series with `markTicks` filled where a mark kline opens at the settlement. */
  readonly funding: FundingSeries & FundingColumns;
  /** Settlements with a mark from the klines, out of all settlements. */
  readonly known: number;
  /** The mark kline files that gave a mark (names only), for the run metadata. */
  readonly source: string;
}

export interface FundingMarksRequest {
  readonly spec: InstrumentSpec;
  readonly funding: FundingColumns;
  /** --mark-file: a mark-price kline file; its problems stop the run. */
  readonly markFile?: string;
  /** --data: a file or a ../shared/data-like directory; mark klines are looked for beside the klines (markPriceKlines/). */
  readonly data?: string;
}

/**
 * The settlement marks for `req.funding`, or undefined when no mark klines are found (the venue's proxy stays).
 * Marks are rounded to the nearest tick (the venue's events carry integer ticks): the funding notional differs from the
 * exchange's by at most half a tick's share of the price, e.g. 0.05 / 100,000 = 5e-7 of the payment for BTCUSDT.
 * Binance: "Funding Fee = Notional Value x Funding Rate", the notional at the mark price
 * (https://www.binance.com/es/support/announcement/what-fees-are-generated-in-binance-futures-trading-98488a516eb84e3eb34605683dffd554).
 */
export async function loadFundingMarks(req: FundingMarksRequest, files: DataFileInfo[], verify: VerifySummary[], warnings: string[]): Promise<FundingMarks | undefined> {
  const candidates = await markFiles(req);
  if (candidates.length === 0) return undefined;
  const f = req.funding;
  const markTicks = new Float64Array(f.length);
  const scale = 10 ** req.spec.tick.scale / req.spec.tick.stepUnits;
  const used: string[] = [];
  let known = 0;
  for (const file of candidates) {
    const { cols, summary, rows } = await parseVerified(file, req.spec.symbol, 'bars');
    let hits = 0;
    for (let i = 0; i < f.length; i++) {
      if (markTicks[i]! > 0) continue;
      const open = markAt(cols as BarColumns, f.timeMs[i]!);
      if (open === undefined) continue;
      markTicks[i] = Math.round(open * scale);
      hits++;
    }
    // Only files that gave a mark are inputs of the run (and of its checksums).
    if (hits === 0) continue;
    known += hits;
    used.push(basename(file));
    verify.push(summary);
    files.push({ path: file, sha256: await sha256Of(file), rows });
  }
  const source = used.join(', ');
  if (known === 0) {
    if (req.markFile !== undefined) throw new InputError('NOT_FOUND', '--mark-file', `${req.markFile} has no kline opening at any of the run's ${f.length} funding settlements`, "pass mark-price klines covering the run's period");
    return undefined;
  }
  if (known < f.length) warnings.push(`mark price: ${f.length - known} of ${f.length} funding settlements have no mark kline (${source}); those use the bar open as the mark proxy`);
  return { funding: { ...f, markTicks }, known, source };
}

/** The open of the latest kline opening within MATCH_WINDOW_MS at or before `timeMs`; undefined when none. */
function markAt(k: BarColumns, timeMs: number): number | undefined {
  let lo = 0;
  let hi = k.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (k.openTimeMs[mid]! <= timeMs) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && timeMs - k.openTimeMs[lo - 1]! < MATCH_WINDOW_MS ? k.open[lo - 1]! : undefined;
}

/** Mark-price kline files for a run: --mark-file, else the markPriceKlines files of this market under (or beside) --data. */
export async function markFiles(req: Pick<FundingMarksRequest, 'spec' | 'markFile' | 'data'>): Promise<string[]> {
  const symbol = req.spec.symbol;
  if (req.markFile !== undefined) {
    if (!existsSync(req.markFile)) throw new InputError('NOT_FOUND', '--mark-file', `${req.markFile} does not exist`, 'pass a mark-price kline file, e.g. markPriceKlines/BTCUSDT-markPrice-8h-....csv');
    return [resolve(req.markFile)];
  }
  if (req.data === undefined || !existsSync(req.data)) return [];
  const root = resolve(req.data);
  if (statSync(root).isDirectory()) return ofThisMarket(findFiles(root, symbol, 'markPrice', 'markPriceKlines'), root, req.spec);
  const beside = join(dirname(dirname(root)), 'markPriceKlines');
  return existsSync(beside) ? findFiles(beside, symbol, 'markPrice', '') : [];
}
