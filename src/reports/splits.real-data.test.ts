import { beforeAll, describe, expect, it } from 'vitest';
import { sharedData } from '../../test/support/shared-data.js';
import { moneyFromFloat, moneyFromText, subMoney } from '../core/money.js';
import type { BarColumns } from '../data/columns.js';
import { parseFile } from '../data/parse-file.js';
import type { RoundTrip } from '../domain/round-trip.js';
import { biggestLeaks } from './leaks.js';
import { regimeSeries } from './regimes.js';
import { renderLeaks, renderSplits } from './render-terminal.js';
import { splitTrades } from './splits.js';
import { summaryMetrics } from './summary-metrics.js';

const FILE = 'binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz';
const QTY_BTC = 0.01;
const TAKER_FEE = 0.0005;

/**
 * A trivial deterministic rule, not the engine: every 30 bars, go with the last 30 minutes' move (long if the close
 * is above the close 30 bars back, else short) at the next bar's open, and exit 15 bars later at that bar's close.
 * 0.01 BTC, 0.05 % taker fees both ways, a planned stop 0.3 % away for R. MAE/MFE from the bars' highs and lows.
 */
function momentumTrades(b: BarColumns): RoundTrip[] {
  const out: RoundTrip[] = [];
  for (let i = 30; i + 16 < b.length; i += 30) {
    const side = b.close[i]! > b.close[i - 30]! ? 'long' : 'short';
    const sign = side === 'long' ? 1 : -1;
    const entry = b.open[i + 1]!;
    const last = i + 15;
    const exit = b.close[last]!;
    let worst = 0;
    let best = 0;
    for (let k = i + 1; k <= last; k++) {
      worst = Math.min(worst, sign * ((sign > 0 ? b.low[k]! : b.high[k]!) - entry) * QTY_BTC);
      best = Math.max(best, sign * ((sign > 0 ? b.high[k]! : b.low[k]!) - entry) * QTY_BTC);
    }
    const gross = moneyFromFloat(sign * (exit - entry) * QTY_BTC, 'nearest');
    const fees = moneyFromFloat(TAKER_FEE * (entry + exit) * QTY_BTC, 'nearest');
    out.push({
      id: out.length + 1,
      runId: 'real-momentum',
      source: 'backtest',
      instrument: 'BINANCE:BTCUSDT',
      side,
      entryTimeMs: b.openTimeMs[i + 1]!,
      exitTimeMs: b.openTimeMs[last]! + 60_000,
      entryPrice: entry,
      exitPrice: exit,
      maxLots: 10,
      maxContracts: '0.01',
      entries: 1,
      exits: 1,
      grossPnl: gross,
      fees,
      funding: moneyFromFloat(0, 'nearest'),
      netPnl: subMoney(gross, fees),
      exitReason: 'time-stop',
      entryTag: `momentum-30:${side}`,
      plannedStop: entry * (1 - sign * 0.003),
      initialRisk: moneyFromFloat(entry * 0.003 * QTY_BTC, 'nearest'),
      mae: moneyFromFloat(worst, 'nearest'),
      mfe: moneyFromFloat(best, 'nearest'),
      barsHeld: 15,
    });
  }
  return out;
}

describe('splits of a real BTCUSDT 1m run', () => {
  let bars: BarColumns;
  let trades: RoundTrip[];
  beforeAll(async () => {
    const parsed = await parseFile(sharedData(FILE));
    if (parsed.series !== 'bars') throw new Error('expected bars');
    bars = parsed.bars;
    trades = momentumTrades(bars);
  });

  it('sums the regime and hour-of-day splits back to the whole, trade for trade', () => {
    const regimes = new Map([['BINANCE:BTCUSDT' as const, regimeSeries(bars)]]);
    const report = splitTrades(trades, regimes, { dimensions: ['regime', 'trend', 'volatility', 'hour', 'volatility-spike', 'return-spike'] });
    expect(trades.length, 'one trade every 30 minutes over 51 days').toBeGreaterThan(2400);
    const ids = trades.map((t) => t.id);
    const whole = moneyFromText(report.whole.totalNet)!;
    for (const split of report.splits) {
      const seen = split.buckets.flatMap((b) => b.tradeIds).sort((a, b) => a - b);
      expect(seen, `${split.dimension}: every trade exactly once`).toEqual(ids);
      const total = split.buckets.reduce((s, b) => s + moneyFromText(b.totalNet)!, 0);
      expect(total, `${split.dimension}: bucket totals are the whole total, to the 1e-8`).toBe(whole);
      expect(split.buckets.reduce((s, b) => s + b.count, 0)).toBe(trades.length);
    }
    const regime = report.splits.find((s) => s.dimension === 'regime')!;
    expect(regime.buckets.map((b) => b.key), 'all four regimes occur, plus the warm-up day').toEqual([
      'trending-volatile',
      'trending-calm',
      'ranging-volatile',
      'ranging-calm',
      'unknown',
    ]);
    const unknown = regime.buckets.find((b) => b.key === 'unknown')!;
    expect(unknown.count, 'the first day has no ATR percentile yet: 1454 bars / 30').toBeLessThanOrEqual(49);
    expect(report.splits.find((s) => s.dimension === 'hour')!.buckets.map((b) => b.key)).toHaveLength(24);
    expect(renderSplits(report)).toMatch(/by hour of entry \(UTC\)/);
  });

  it('finds leaks whose trades are disjoint and each lost what it says', () => {
    const regimes = new Map([['BINANCE:BTCUSDT' as const, regimeSeries(bars)]]);
    const leaks = biggestLeaks(trades, regimes);
    expect(leaks.length, 'fees alone make losing buckets on 15-minute BTC trades').toBe(3);
    const byId = new Map(trades.map((t) => [t.id, t]));
    const seen = new Set<number>();
    for (const leak of leaks) {
      const lost = leak.tradeIds.reduce((s, id) => s + byId.get(id)!.netPnl, 0);
      expect(-lost, `${leak.dimension} ${leak.key}: gain equals the loss of its trades`).toBe(moneyFromText(leak.gain));
      for (const id of leak.tradeIds) {
        expect(seen.has(id), `trade ${id} in one leak only`).toBe(false);
        seen.add(id);
      }
    }
    expect(renderLeaks(leaks)).toMatch(/^1\. /);
  });

  it('summarises the run with its R-multiples and the market move', () => {
    // Equity at the start, after each exit, and at the open of the last bar (the run ends with the data).
    const curveTimes = [bars.openTimeMs[0]!, ...trades.map((t) => t.exitTimeMs), bars.openTimeMs[bars.length - 1]!];
    let equity = 1000;
    const curveEquity = [equity, ...trades.map((t) => (equity += t.netPnl / 1e8)), equity];
    const s = summaryMetrics(trades, { timeMs: Float64Array.from(curveTimes), equity: Float64Array.from(curveEquity) }, { bars });
    expect(s.trades).toBe(trades.length);
    expect(s.tradesWithR, 'every trade has a planned stop').toBe(trades.length);
    // BTCUSDT perpetual: first open 2025-05-04 15:33 and last close 2025-06-24 10:34 of the file.
    expect(s.marketChangePct!).toBeCloseTo(100 * (bars.close[bars.length - 1]! / bars.open[0]! - 1), 10);
    expect(s.exposurePct!, '15 of every 30 minutes').toBeGreaterThan(45);
    expect(s.exposurePct!).toBeLessThan(55);
  });
});
