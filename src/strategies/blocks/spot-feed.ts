// The spot leg's prices as a strategy reads them: the spot close of the bar that closed with the run's bar, looked
// up by the run's bar open time. Must never answer with a spot bar that closes after the run's bar (no lookahead).

/** Spot closes aligned to the run's bars (built by src/backtest/load-data.ts `alignSpot`, or by a test). */
export interface SpotFeed {
  /** Where the prices come from (a file name), for notes and reports. */
  readonly source: string;
  /** The spot close (quote asset) known at the close of the run's bar that opened at `openTimeMs`; undefined before the first spot bar. */
  closeAt(openTimeMs: number): number | undefined;
}

/**
 * A feed over aligned columns: `openTimeMs[i]` is the run's bar i and `close[i]` the latest spot close at or before
 * that bar's close (forward-filled across missing spot bars; 0 = none yet, read as undefined).
 */
export function feedFromColumns(source: string, openTimeMs: Float64Array, close: Float64Array): SpotFeed {
  let cursor = 0;
  return {
    source,
    closeAt(t) {
      // Bars are asked in time order: a moving cursor keeps the lookup O(1) per bar; a jump back rescans.
      if (cursor >= openTimeMs.length || openTimeMs[cursor]! > t) cursor = 0;
      while (cursor < openTimeMs.length && openTimeMs[cursor]! < t) cursor++;
      if (cursor >= openTimeMs.length || openTimeMs[cursor] !== t) return undefined;
      const c = close[cursor]!;
      return c > 0 ? c : undefined;
    },
  };
}
