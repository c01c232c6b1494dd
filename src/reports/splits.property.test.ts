import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asMoney, moneyFromText } from '../core/money.js';
import type { BarColumns } from '../data/columns.js';
import type { ExitReason, RoundTrip } from '../domain/round-trip.js';
import { regimeSeries } from './regimes.js';
import { SPLIT_DIMENSIONS, splitTrades } from './splits.js';

const MIN = 60_000;
const T0 = Date.parse('2025-01-06T00:00:00Z');

// A deterministic wavy market of 600 one-minute bars, so that trend and volatility labels both change.
function wave(): BarColumns {
  const n = 600;
  const close = Float64Array.from({ length: n }, (_, i) => 100 + 5 * Math.sin(i / 40) + 2 * Math.sin(i / 7) * (1 + (i % 97) / 50));
  const open = Float64Array.from({ length: n }, (_, i) => (i === 0 ? 100 : close[i - 1]!));
  return {
    length: n,
    openTimeMs: Float64Array.from({ length: n }, (_, i) => T0 + i * MIN),
    open,
    high: Float64Array.from({ length: n }, (_, i) => Math.max(open[i]!, close[i]!) + 0.3 + (i % 13) / 20),
    low: Float64Array.from({ length: n }, (_, i) => Math.min(open[i]!, close[i]!) - 0.3 - (i % 11) / 20),
    close,
    volume: new Float64Array(n).fill(1),
  };
}

const REGIMES = new Map([
  [
    'BINANCE:BTCUSDT' as const,
    regimeSeries(wave(), {
      trend: { kind: 'adx', period: 7, threshold: 25 },
      volatility: { atrPeriod: 5, windowMs: 60 * MIN, thresholdPct: 80 },
      returnZWindowMs: 30 * MIN,
    }),
  ],
]);

const EXIT_REASONS: readonly ExitReason[] = ['take-profit', 'stop-loss', 'signal', 'liquidation'];

const tradeArb = fc.record({
  // From before the bars to after them (unknown regimes), across weekdays.
  entryOffsetMin: fc.integer({ min: -100, max: 4 * 1440 }),
  net: fc.integer({ min: -1e9, max: 1e9 }),
  long: fc.boolean(),
  exit: fc.constantFrom(...EXIT_REASONS),
  tag: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
  eth: fc.boolean(),
});

const trades = fc.array(tradeArb, { maxLength: 80 }).map((rows) =>
  rows.map(
    (r, i): RoundTrip => ({
      id: i + 1,
      runId: 'p',
      source: 'backtest',
      instrument: r.eth ? 'BINANCE:ETHUSDT' : 'BINANCE:BTCUSDT',
      side: r.long ? 'long' : 'short',
      entryTimeMs: T0 + r.entryOffsetMin * MIN,
      exitTimeMs: T0 + (r.entryOffsetMin + 5) * MIN,
      entryPrice: 1,
      exitPrice: 1,
      maxLots: 1,
      maxContracts: '1',
      entries: 1,
      exits: 1,
      grossPnl: asMoney(r.net),
      fees: asMoney(0),
      funding: asMoney(0),
      netPnl: asMoney(r.net),
      exitReason: r.exit,
      ...(r.tag === undefined ? {} : { entryTag: r.tag }),
      mae: asMoney(0),
      mfe: asMoney(0),
      barsHeld: 5,
    }),
  ),
);

describe('splits sum back to the whole', () => {
  it('puts every trade in exactly one bucket of every dimension, and the totals add up exactly', () => {
    fc.assert(
      fc.property(trades, (ts) => {
        const report = splitTrades(ts, REGIMES, { minTrades: 3 });
        const allIds = ts.map((t) => t.id).sort((a, b) => a - b);
        const whole = ts.reduce((s, t) => s + t.netPnl, 0);
        for (const split of report.splits) {
          const ids = split.buckets.flatMap((b) => b.tradeIds).sort((a, b) => a - b);
          expect(ids, `${split.dimension}: each trade once`).toEqual(allIds);
          const total = split.buckets.reduce((s, b) => s + moneyFromText(b.totalNet)!, 0);
          expect(total, `${split.dimension}: bucket totals add to the whole`).toBe(whole);
          expect(split.buckets.reduce((s, b) => s + b.wins, 0), `${split.dimension}: wins add up`).toBe(report.whole.wins);
        }
        expect(report.splits.map((s) => s.dimension)).toEqual(SPLIT_DIMENSIONS);
      }),
      { numRuns: 150 },
    );
  });
});
