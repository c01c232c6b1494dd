// Drives a strategy over hand-written bars through the real SimulatedVenue and Engine (the backtest's bar loop), for
// strategy scenario tapes. BINANCE:BTCUSDT by default: tick 0.1, lot 0.001 BTC, taker 0.05 %, maker 0.02 %.
import type { Money } from '../../src/core/money.js';
import { loadRegistry } from '../../src/data/spec-files.js';
import { Engine, type EngineBars } from '../../src/engine/engine.js';
import type { StrategyDefinition } from '../../src/engine/strategy.js';
import { parseParams } from '../../src/engine/strategy-params.js';
import { SimulatedVenue } from '../../src/venues/simulated/simulated-venue.js';

export const MINUTE = 60_000;
export type Ohlc = readonly [open: number, high: number, low: number, close: number];

/** Bars from OHLC rows at one-minute steps from `startMs`, ticks of 0.1. */
export function tapeBars(startMs: number, rows: readonly Ohlc[]): EngineBars {
  const col = (f: (b: Ohlc, i: number) => number): Float64Array => Float64Array.from(rows, f);
  return {
    length: rows.length,
    openTimeMs: col((_, i) => startMs + i * MINUTE),
    open: col((b) => b[0]),
    high: col((b) => b[1]),
    low: col((b) => b[2]),
    close: col((b) => b[3]),
    volume: col(() => 1),
    openTicks: col((b) => Math.round(b[0] * 10)),
    highTicks: col((b) => Math.round(b[1] * 10)),
    lowTicks: col((b) => Math.round(b[2] * 10)),
    closeTicks: col((b) => Math.round(b[3] * 10)),
  };
}

export interface TapeRunOptions {
  readonly instrument?: string;
  readonly params?: Record<string, string>;
  readonly equity?: string;
  readonly funding?: { readonly timeMs: Float64Array; readonly rate: Float64Array };
  readonly intervalMs?: number;
}

/** Runs `strategy` over `bars` (venue first, then engine, as the backtest does) and returns the engine's result. */
export function runTape(strategy: StrategyDefinition, bars: EngineBars, options: TapeRunOptions = {}) {
  const spec = loadRegistry().get(options.instrument ?? 'BINANCE:BTCUSDT');
  const equity = options.equity ?? '10000';
  const venue = new SimulatedVenue({
    instruments: [{ spec, ...(options.funding !== undefined ? { funding: { ...options.funding } } : {}) }],
    config: { fill: { kind: 'bar', intrabar: 'stop-first', limitFill: 'through' }, startingBalance: equity },
  });
  const params = parseParams(strategy.params, options.params ?? {});
  const engine = new Engine({ venue, instruments: [spec], bars, barIntervalMs: options.intervalMs ?? MINUTE, strategy, params, startingBalance: (Number(equity) * 1e8) as Money, seed: 1, runId: 'tape', source: 'backtest' });
  for (let i = 0; i < bars.length; i++) {
    venue.onBar(0, bars, i);
    engine.onBar(i);
  }
  return { result: engine.finish(), venue, spec };
}
