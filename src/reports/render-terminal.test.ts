import { describe, expect, it } from 'vitest';
import { moneyFromFloat } from '../core/money.js';
import type { RoundTrip } from '../domain/round-trip.js';
import { compareRuns } from './comparison.js';
import { biggestLeaks } from './leaks.js';
import { formatDurationMs, renderComparison, renderLeaks, renderSplits, renderSummary, renderTextTable } from './render-terminal.js';
import { splitTrades } from './splits.js';
import { summaryMetrics } from './summary-metrics.js';

function trip(id: number, hour: number, net: number): RoundTrip {
  const entry = Date.parse('2025-05-05T00:00:00Z') + hour * 3_600_000 + id * 1000;
  const m = moneyFromFloat(net, 'nearest');
  const zero = moneyFromFloat(0, 'nearest');
  return {
    id,
    runId: 'r',
    source: 'backtest',
    instrument: 'BINANCE:BTCUSDT',
    side: 'long',
    entryTimeMs: entry,
    exitTimeMs: entry + 60_000,
    entryPrice: 1,
    exitPrice: 1,
    maxLots: 1,
    maxContracts: '1',
    entries: 1,
    exits: 1,
    grossPnl: m,
    fees: zero,
    funding: zero,
    netPnl: m,
    exitReason: 'signal',
    mae: zero,
    mfe: zero,
    barsHeld: 1,
  };
}

const NIGHT = [-10, -12, -8, -11, -9, -10, -13, -7, -10, -10].map((n, i) => trip(i + 1, 3, n));
const DAYTIME = [5, 8, -3, 12, 6, -2, 9, 4, 7, 10].map((n, i) => trip(i + 11, 15, n));
const TRADES = [...NIGHT, ...DAYTIME];
const CURVE = { timeMs: Float64Array.from([Date.parse('2025-05-05T00:00:00Z'), Date.parse('2025-05-05T23:00:00Z')]), equity: Float64Array.from([1000, 956]) };

describe('terminal rendering', () => {
  it('aligns numbers right and text left', () => {
    expect(renderTextTable(['k', 'v'], [['a', '1.5'], ['bb', '-10.25']])).toBe('k   v\n--  ------\na      1.5\nbb  -10.25\n');
  });

  it('writes durations as days, hours and minutes', () => {
    expect(formatDurationMs(2 * 86_400_000 + 3 * 3_600_000 + 5 * 60_000)).toBe('2d 3h 5m');
    expect(formatDurationMs(45 * 60_000)).toBe('45m');
    expect(formatDurationMs(12_000)).toBe('12s');
  });

  it('marks the significantly worse hour in the split table', () => {
    const text = renderSplits(splitTrades(TRADES, undefined, { dimensions: ['hour'] }));
    const night = text.split('\n').find((l) => l.startsWith('03'))!;
    const day = text.split('\n').find((l) => l.startsWith('15'))!;
    expect(night, 'hour 03 loses every trade').toMatch(/10\s+0\.0%\s+-10\.00\s+-100\.00\s+0\.000\s+! worse$/);
    expect(day, 'hour 15 is not flagged').not.toMatch(/!/);
    expect(text).toMatch(/Welch one-sided t-test on net P&L per trade, p < 0\.05/);
  });

  it('prints the summary with the settle asset and "-" where a metric is undefined', () => {
    const text = renderSummary(summaryMetrics(TRADES, CURVE), 'USDT');
    expect(text).toMatch(/^net P&L\s+-44\.00 USDT$/m);
    expect(text, 'one day is one return: no spread to divide by').toMatch(/^Sharpe\s+-$/m);
    expect(text).toMatch(/^start\s+2025-05-05 00:00Z$/m);
    expect(text).toMatch(/^drawdown length\s+not recovered$/m);
  });

  it('lists leaks with the trades behind them', () => {
    // Hour 03 lost 100; the ten other trades average 56 / 10 = 5.6, so it did 100 + 56 = 156 worse than them.
    expect(renderLeaks(biggestLeaks(TRADES, undefined, { dimensions: ['hour'] }))).toBe(
      '1. by hour of entry (UTC) = 03: skipping 10 trades adds 100.00 (win rate 0.0%, average -10.00, -156.00 below the rest) ! worse (p 0.000); trades 1, 2, 3, 4, 5, 6, 7, 8, 9, 10\n',
    );
  });

  it('stars the best run of each comparison row', () => {
    const a = summaryMetrics([], { timeMs: Float64Array.from([0, 1]), equity: Float64Array.from([100, 110]) });
    const b = summaryMetrics([], { timeMs: Float64Array.from([0, 1]), equity: Float64Array.from([100, 90]) });
    const text = renderComparison(compareRuns([{ name: 'fast', summary: a }, { name: 'slow', summary: b }]));
    expect(text).toMatch(/^end equity\s+110\.00 \*\s+90\.00$/m);
  });
});
