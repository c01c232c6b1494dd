import { describe, expect, it } from 'vitest';
import { moneyFromFloat } from '../core/money.js';
import type { RoundTrip } from '../domain/round-trip.js';
import { bucketKey, edgeBucketKeys, splitTrades, UNKNOWN_BUCKET } from './splits.js';

const at = (iso: string): number => Date.parse(iso);

function trip(id: number, entryIso: string, net: number, extra: Partial<RoundTrip> = {}): RoundTrip {
  const netPnl = moneyFromFloat(net, 'nearest');
  return {
    id,
    runId: 's',
    source: 'backtest',
    instrument: 'BINANCE:BTCUSDT',
    side: 'long',
    entryTimeMs: at(entryIso),
    exitTimeMs: at(entryIso) + 60_000,
    entryPrice: 1,
    exitPrice: 1,
    maxLots: 1,
    maxContracts: '1',
    entries: 1,
    exits: 1,
    grossPnl: netPnl,
    fees: moneyFromFloat(0, 'nearest'),
    funding: moneyFromFloat(0, 'nearest'),
    netPnl,
    exitReason: 'signal',
    mae: moneyFromFloat(0, 'nearest'),
    mfe: moneyFromFloat(0, 'nearest'),
    barsHeld: 1,
    ...extra,
  };
}

const NIGHT = [-10, -12, -8, -11, -9, -10, -13, -7, -10, -10];
const AFTERNOON = [5, 8, -3, 12, 6, -2, 9, 4, 7, 10];
const EVENING = [-1, 2];
// 2025-05-05 is a Monday.
const TRADES = [
  ...NIGHT.map((n, i) => trip(i + 1, `2025-05-05T03:${String(i).padStart(2, '0')}:00Z`, n, { side: 'short' })),
  ...AFTERNOON.map((n, i) => trip(i + 11, `2025-05-06T15:${String(i).padStart(2, '0')}:00Z`, n, { entryTag: 'vwap' })),
  ...EVENING.map((n, i) => trip(i + 21, `2025-05-10T20:0${i}:00Z`, n, { exitReason: 'stop-loss' })),
];

describe('bucket keys', () => {
  it('reads the hour and weekday of entry in UTC', () => {
    const t = trip(1, '2025-05-04T15:33:00Z', 1);
    expect(bucketKey('hour', t, undefined)).toBe('15');
    expect(bucketKey('weekday', t, undefined), '2025-05-04 was a Sunday').toBe('Sun');
    expect(bucketKey('hour', trip(2, '2025-05-04T23:59:59.999Z', 1), undefined)).toBe('23');
  });

  it('puts trades without a regime series in the unknown bucket, never dropping them', () => {
    const t = trip(1, '2025-05-04T15:33:00Z', 1);
    expect(bucketKey('regime', t, undefined)).toBe(UNKNOWN_BUCKET);
    expect(bucketKey('volatility-spike', t, undefined)).toBe(UNKNOWN_BUCKET);
    expect(bucketKey('entry-tag', t, undefined)).toBe('(none)');
  });

  it('buckets spikes by ascending edges, the lower edge inclusive', () => {
    expect(edgeBucketKeys([50, 80, 95])).toEqual(['<50', '50-80', '80-95', '>=95']);
    const entry = (atrPercentile: number, returnZ: number) => ({ barIndex: 1, trend: undefined, volatility: undefined, regime: undefined, atrPercentile, returnZ });
    const t = trip(1, '2025-05-04T15:33:00Z', 1);
    expect(bucketKey('volatility-spike', t, entry(80, 0))).toBe('80-95');
    expect(bucketKey('volatility-spike', t, entry(79.9, 0))).toBe('50-80');
    expect(bucketKey('return-spike', t, entry(0, -2.5)), 'the size of the move, either direction').toBe('2-3');
  });
});

describe('splitTrades', () => {
  const report = splitTrades(TRADES, undefined, { dimensions: ['hour', 'weekday', 'side', 'entry-tag', 'exit-reason'] });
  const hours = report.splits.find((s) => s.dimension === 'hour')!;

  it('gives each bucket its count, win rate, average and total', () => {
    expect(hours.buckets.map((b) => b.key), 'in hour order').toEqual(['03', '15', '20']);
    const night = hours.buckets[0]!;
    expect(night.count).toBe(10);
    expect(night.winRatePct).toBe(0);
    expect(night.totalNet, 'sum of -10 -12 -8 -11 -9 -10 -13 -7 -10 -10').toBe('-100.00');
    expect(night.averageNet).toBe('-10.00');
    const afternoon = hours.buckets[1]!;
    expect(afternoon.winRatePct, '8 of 10 win').toBe(80);
    expect(afternoon.totalNet, '5 + 8 - 3 + 12 + 6 - 2 + 9 + 4 + 7 + 10').toBe('56.00');
    expect(report.whole.totalNet, '-100 + 56 + 1').toBe('-43.00');
  });

  it("flags a bucket that Welch's one-sided test finds worse than the rest at p < 0.05", () => {
    // scipy 1.17.1: ttest_ind(night, afternoon + evening, equal_var=False, alternative='less'):
    // t -9.730403470034183, df 14.28661480149904, p 5.487875317759186e-08.
    const night = hours.buckets[0]!.test;
    expect(night.kind).toBe('tested');
    if (night.kind !== 'tested') return;
    expect(night.t).toBeCloseTo(-9.730403470034183, 9);
    expect(night.df).toBeCloseTo(14.28661480149904, 9);
    expect(night.pValue).toBeCloseTo(5.487875317759186e-8, 12);
    expect(night.significantlyWorse).toBe(true);
    const afternoon = hours.buckets[1]!.test;
    expect(afternoon.kind === 'tested' && afternoon.significantlyWorse, 'the winning hour is not worse').toBe(false);
  });

  it('does not test a bucket below the minimum trade count', () => {
    expect(hours.buckets[2]!.test, 'two evening trades').toEqual({ kind: 'too-few-trades' });
  });

  it('orders weekdays Monday first and keeps tagless trades in their own bucket', () => {
    expect(report.splits.find((s) => s.dimension === 'weekday')!.buckets.map((b) => b.key)).toEqual(['Mon', 'Tue', 'Sat']);
    expect(report.splits.find((s) => s.dimension === 'entry-tag')!.buckets.map((b) => [b.key, b.count])).toEqual([
      ['(none)', 12],
      ['vwap', 10],
    ]);
  });

  it('says how significance was judged', () => {
    expect(report.method).toEqual({ test: 'welch-t-one-sided', alpha: 0.05, minTrades: 10 });
  });
});
