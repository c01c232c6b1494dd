// The backtest's event loops: market events go to the simulated venue first and then to the engine, so a strategy
// sees an event only after the venue processed it, and an order decided at a bar's close can meet the market no
// earlier than the next event. Must never reorder events or look past the one being processed.
import type { Engine } from '../engine/engine.js';
import type { EngineBars } from '../engine/engine.js';
import type { MarkBarColumns } from '../venues/simulated/bar-fill-model.js';
import type { SimulatedVenue } from '../venues/simulated/simulated-venue.js';
import type { LoadedQuotes } from './load-quotes.js';
import type { LoadedTrades } from './load-trades.js';

/** Events between progress callbacks: a power of two, so the loops test it with a mask. */
export const PROGRESS_EVERY = 1 << 16;

export type Progress = ((done: number, total: number) => void) | undefined;

/**
 * Bar model: each bar to the venue (fills, funding, liquidation), then to the engine (books, equity, strategy).
 * `bars.mark`, when present, carries each bar's mark-price kline for the venue's liquidation check.
 */
export function driveBars(venue: SimulatedVenue, engine: Engine, bars: EngineBars & { readonly mark?: MarkBarColumns }, progress: Progress): void {
  const n = bars.length;
  for (let i = 0; i < n; i++) {
    venue.onBar(0, bars, i);
    engine.onBar(i);
    if (progress !== undefined && (i & (PROGRESS_EVERY - 1)) === PROGRESS_EVERY - 1) progress(i + 1, n);
  }
  progress?.(n, n);
}

/**
 * Trade model: every trade to the venue, then to the strategy's onTrade. A bar (built from the same tape) closes
 * when the first trade at or after its end arrives, before that trade reaches the venue, so orders decided at the
 * close meet the tape from the next trade on; the last bar closes after the last trade.
 */
export function driveTrades(venue: SimulatedVenue, engine: Engine, data: LoadedTrades, progress: Progress): void {
  const bars = data.bars;
  const tape = data.trades;
  const ticks = data.tickTrades;
  const interval = data.intervalMs;
  const n = tape.length;
  let bar = 0;
  let barEndMs = bars.length > 0 ? bars.openTimeMs[0]! + interval : Number.POSITIVE_INFINITY;
  for (let j = 0; j < n; j++) {
    const t = tape.timeMs[j]!;
    while (t >= barEndMs) {
      engine.onBar(bar);
      bar++;
      barEndMs = bar < bars.length ? bars.openTimeMs[bar]! + interval : Number.POSITIVE_INFINITY;
    }
    venue.onTrade(0, ticks, j);
    engine.onTrade(tape, j);
    if (progress !== undefined && (j & (PROGRESS_EVERY - 1)) === PROGRESS_EVERY - 1) progress(j + 1, n);
  }
  while (bar < bars.length) engine.onBar(bar++);
  progress?.(n, n);
}

/**
 * Quote model: every best bid / ask update to the venue (market orders cross it), then to the strategy's onQuote. A
 * bar (the mid, built from the same quotes) closes when the first quote at or after its end arrives, before that
 * quote reaches the venue, so an order decided at the close meets the first quote after the decision; the last bar
 * closes after the last quote.
 */
export function driveQuotes(venue: SimulatedVenue, engine: Engine, data: LoadedQuotes, progress: Progress): void {
  const bars = data.bars;
  const quotes = data.tickQuotes;
  const interval = data.intervalMs;
  const n = quotes.length;
  let bar = 0;
  let barEndMs = bars.length > 0 ? bars.openTimeMs[0]! + interval : Number.POSITIVE_INFINITY;
  for (let j = 0; j < n; j++) {
    const t = quotes.timeMs[j]!;
    while (t >= barEndMs) {
      engine.onBar(bar);
      bar++;
      barEndMs = bar < bars.length ? bars.openTimeMs[bar]! + interval : Number.POSITIVE_INFINITY;
    }
    venue.onQuote(0, quotes, j);
    engine.onQuote(data.quotes, j);
    if (progress !== undefined && (j & (PROGRESS_EVERY - 1)) === PROGRESS_EVERY - 1) progress(j + 1, n);
  }
  while (bar < bars.length) engine.onBar(bar++);
  progress?.(n, n);
}
