// Scenario tapes through the real SimulatedVenue and Engine with a strategy built on the scalp desk: signals at
// chosen bars, hand-written bars, and the sizes, losses and refusals worked out by hand below.
// BINANCE:BTCUSDT (specs/binance-usdm.json): tick 0.1, lot 0.001 BTC, taker 0.05 %, maker 0.02 %.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Money } from '../../core/money.js';
import { loadRegistry } from '../../data/spec-files.js';
import { Engine, type EngineBars } from '../../engine/engine.js';
import { defineStrategy } from '../../engine/strategy.js';
import { SimulatedVenue } from '../../venues/simulated/simulated-venue.js';
import { ScalpDesk, type ScalpSignal } from './scalp-desk.js';
import { scalpParamsShape } from './scalp-params.js';

const SPEC = loadRegistry().get('BINANCE:BTCUSDT');
const MINUTE = 60_000;
const USDT = 100_000_000;
const T0 = Date.UTC(2025, 4, 10, 1, 0);

type Ohlc = readonly [open: number, high: number, low: number, close: number];
const FLAT: Ohlc = [100_000, 100_000, 100_000, 100_000];
/** Trades down to 99,800 and back: a stop at 99,900 resting from the open fills at 99,900. */
const DIP: Ohlc = [100_000, 100_000, 99_800, 100_000];

interface Observed {
  notes: string[];
  /** For every entry fill: whether a reduce-only stop covering the filled lots was already working. */
  stopRestingAtEntry: boolean[];
  /** Equity at each signal the desk took (to check the budget). */
  equityAtEntry: number[];
}

function run(bars: readonly Ohlc[], signals: ReadonlyMap<number, ScalpSignal>, paramsIn: Record<string, unknown>) {
  const n = bars.length;
  const col = (f: (b: Ohlc, i: number) => number): Float64Array => Float64Array.from(bars, f);
  const engineBars: EngineBars = {
    length: n,
    openTimeMs: col((_, i) => T0 + i * MINUTE),
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
  const venue = new SimulatedVenue({
    instruments: [{ spec: SPEC }],
    config: { fill: { kind: 'bar', intrabar: 'stop-first', limitFill: 'through' }, startingBalance: '10000', leverage: 10 },
  });
  const seen: Observed = { notes: [], stopRestingAtEntry: [], equityAtEntry: [] };
  const params = z.object(scalpParamsShape).parse({ volumeWindow: 2, minQuoteVolume: 0, entrySlippagePct: 0, ...paramsIn });
  const strategy = defineStrategy({
    name: 'desk-tape',
    params: z.object({}),
    data: { bars: '1m' },
    create(ctx) {
      const desk = new ScalpDesk(ctx, params, 'tape', { vwap: 'off', momentum: 'off' });
      return {
        onBar(bar) {
          desk.update(bar);
          const s = signals.get(bar.index);
          if (s === undefined || !desk.ready) return;
          const equity = ctx.account.equity;
          if (desk.enter(bar, s)) seen.equityAtEntry.push(equity);
        },
        onFill(fill) {
          if (fill.role === 'entry') {
            const stops = ctx.orders.open().filter((o) => o.type === 'stop-market' && o.action !== fill.action && o.lots >= fill.lots);
            seen.stopRestingAtEntry.push(stops.length === 1);
          }
          desk.onFill(fill);
        },
        onOrder: (u) => desk.onOrder(u),
      };
    },
  });
  const engine = new Engine({ venue, instruments: [SPEC], bars: engineBars, barIntervalMs: MINUTE, strategy, params: {}, startingBalance: (10_000 * USDT) as Money, seed: 1, runId: 'desk-tape', source: 'backtest' });
  for (let i = 0; i < n; i++) {
    venue.onBar(0, engineBars, i);
    engine.onBar(i);
  }
  const result = engine.finish();
  for (const e of result.log.events()) if (e.kind === 'note' && e.text !== undefined) seen.notes.push(e.text);
  return { result, seen };
}

const LONG: ScalpSignal = { side: 'long', stop: 99_900, reason: 'tape long' };

describe('the scalp desk on scenario tapes', () => {
  it('rests the stop from the first fill, keeps every loss within the risk budget, and trips the breaker after N losses', () => {
    // Bar 3: a setup with reward:risk 0.5 (target 100,050 against a stop 100 below): refused at reward-risk.
    // Bars 4, 6, 8: longs at 100,000 stopped out at 99,900 in the next bar. Bar 10: refused, the breaker is tripped.
    const bars: Ohlc[] = [FLAT, FLAT, FLAT, FLAT, FLAT, DIP, FLAT, DIP, FLAT, DIP, FLAT, FLAT, FLAT];
    const signals = new Map<number, ScalpSignal>([
      [3, { ...LONG, target: 100_050 }],
      [4, LONG],
      [6, LONG],
      [8, LONG],
      [10, LONG],
    ]);
    const { result, seen } = run(bars, signals, { maxConsecutiveLosses: 3 });

    expect(seen.notes.some((t) => t.startsWith('tape:long: tape long; checklist rejected: reward-risk (reward:risk 0.5')), 'the rejected setup names the failed item').toBe(true);
    expect(result.trips.map((t) => t.exitReason), 'three stop-outs, nothing after the breaker').toEqual(['stop-loss', 'stop-loss', 'stop-loss']);
    expect(seen.stopRestingAtEntry, 'a stop for the whole fill is working when each entry fill is reported').toEqual([true, true, true]);
    // Sizing by hand. Risk budget 1 % of equity; a lot (0.001 BTC) loses 0.1 at the stop plus fees 0.05 + 0.04995,
    // so the budget allows 100 / 0.19995 = 500 lots, but the margin cap (10 % of equity at 10x) allows notional up to
    // equity: trade 1: 10,000 / 100 per lot = 100 lots. Its loss: 10 + fees 5 + 4.995 = 19.995.
    // Trade 2: equity 9,980.005 -> 99 lots; loss 9.9 + 4.95 + 4.94505 = 19.79505. Trade 3: equity 9,960.20995 -> 99 lots.
    expect(result.trips.map((t) => t.maxContracts), 'sizes cut to the 10 % margin cap').toEqual(['0.1', '0.099', '0.099']);
    expect(result.trips.map((t) => t.netPnl), 'losses at the stop with fees, to the 1e-8').toEqual([-1_999_500_000, -1_979_505_000, -1_979_505_000]);
    result.trips.forEach((t, i) => {
      const budget = seen.equityAtEntry[i]! * 0.01 * USDT;
      expect(-t.netPnl, `trip ${i + 1} lost no more than 1 % of the equity at its decision`).toBeLessThanOrEqual(budget);
    });
    expect(seen.notes.some((t) => t.includes('circuit breaker tripped: 3 consecutive losing trades')), 'the journal says why entries stopped').toBe(true);
    expect(seen.equityAtEntry, 'the bar-10 setup was not taken').toHaveLength(3);
  });

  it('closes at market when the time stop runs out, after cancelling the bracket', () => {
    const bars: Ohlc[] = [FLAT, FLAT, FLAT, FLAT, FLAT, FLAT, FLAT, FLAT, FLAT, FLAT];
    // Entry decided at bar 2, filled in bar 3; held 3 bars at bar 6's close -> market close fills at bar 7's open.
    const { result, seen } = run(bars, new Map([[2, LONG]]), { timeStopBars: 3 });
    expect(result.trips, 'one trip, closed by the time stop').toHaveLength(1);
    expect(result.trips[0]).toMatchObject({ exitReason: 'signal', exitTimeMs: T0 + 7 * MINUTE, entryTag: 'tape:long' });
    expect(seen.notes.some((t) => t.startsWith('tape: time stop after 3 bars (limit 3)')), 'the time stop is journalled').toBe(true);
    expect(result.openTrips, 'nothing left open').toHaveLength(0);
  });

  it('lets an entry expire rather than chase when the next open is beyond the IOC limit', () => {
    // Decided at bar 2's close 100,000 with a 0.05 % limit (100,050); bar 3 opens at 100,100.
    const bars: Ohlc[] = [FLAT, FLAT, FLAT, [100_100, 100_200, 100_100, 100_150], FLAT];
    const { result, seen } = run(bars, new Map([[2, LONG]]), { entrySlippagePct: 0.05 });
    expect(result.trips, 'no trade').toHaveLength(0);
    expect(result.openTrips, 'no position').toHaveLength(0);
    expect(seen.notes.some((t) => t.startsWith('tape: entry expired')), 'the expiry is journalled').toBe(true);
  });
});
