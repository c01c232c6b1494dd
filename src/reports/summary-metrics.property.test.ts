import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asMoney, type Money } from '../core/money.js';
import type { RoundTrip } from '../domain/round-trip.js';
import { drawdownEpisodes, underwaterPct } from './drawdown.js';
import { summaryMetrics } from './summary-metrics.js';

const equityCurve = fc
  .array(fc.double({ min: 1, max: 1e6, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 60 })
  .map((equity) => ({ timeMs: Float64Array.from(equity.map((_, i) => i * 3_600_000)), equity: Float64Array.from(equity) }));

const tradeOf = (id: number, netUnits: number): RoundTrip => ({
  id,
  runId: 'p',
  source: 'backtest',
  instrument: 'BINANCE:BTCUSDT',
  side: 'long',
  entryTimeMs: id * 60_000,
  exitTimeMs: id * 60_000 + 30_000,
  entryPrice: 1,
  exitPrice: 1,
  maxLots: 1,
  maxContracts: '1',
  entries: 1,
  exits: 1,
  grossPnl: asMoney(netUnits),
  fees: asMoney(0),
  funding: asMoney(0),
  netPnl: asMoney(netUnits) as Money,
  exitReason: 'signal',
  mae: asMoney(0),
  mfe: asMoney(0),
  barsHeld: 1,
});

const nets = fc.array(fc.integer({ min: -1e10, max: 1e10 }), { maxLength: 40 });
const CURVE = { timeMs: Float64Array.from([0, 86_400_000]), equity: Float64Array.from([1000, 1000]) };

describe('summary metrics properties', () => {
  it('never shows a positive drawdown, and the max drawdown is at or below zero', () => {
    fc.assert(
      fc.property(equityCurve, (curve) => {
        for (const x of underwaterPct(curve)) expect(x, 'underwater is at or below 0').toBeLessThanOrEqual(0);
        for (const e of drawdownEpisodes(curve)) {
          expect(e.pct, 'an episode is a fall').toBeLessThan(0);
          expect(e.amount).toBeLessThan(0);
        }
        expect(summaryMetrics([], curve).maxDrawdown?.pct ?? 0, 'max drawdown <= 0').toBeLessThanOrEqual(0);
      }),
    );
  });

  it('never raises the win rate by adding a losing trade', () => {
    fc.assert(
      fc.property(nets, fc.integer({ min: -1e10, max: -1 }), (existing, loss) => {
        const trades = existing.map((n, i) => tradeOf(i + 1, n));
        const before = summaryMetrics(trades, CURVE).winRatePct ?? 0;
        const after = summaryMetrics([...trades, tradeOf(trades.length + 1, loss)], CURVE).winRatePct!;
        expect(after, 'a loss adds to the count, not the wins').toBeLessThanOrEqual(before);
      }),
    );
  });

  it('keeps net P&L equal to the exact sum of the trades', () => {
    fc.assert(
      fc.property(nets, (xs) => {
        const s = summaryMetrics(
          xs.map((n, i) => tradeOf(i + 1, n)),
          CURVE,
        );
        const total = xs.reduce((a, b) => a + b, 0);
        expect(s.netPnl).toBe(summaryMetrics([tradeOf(1, total)], CURVE).netPnl);
        expect(s.wins + s.losses, 'break-even trades are neither').toBe(xs.filter((x) => x !== 0).length);
      }),
    );
  });
});
