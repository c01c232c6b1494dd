import { describe, expect, it } from 'vitest';
import { BTC_1M, loadKlines } from '../../test/support/kline-columns.js';
import { barAt, indicatorContract, type IndicatorContractCase } from './contract.js';
import type { BarInput } from './indicator.js';
import { VolumeProfile, volumeProfileBatch, type VolumeProfileConfig } from './volume-profile.js';

const MON = Date.UTC(2025, 4, 5);
const MIN = 60_000;
const at = (i: number, price: number, volume: number): BarInput => ({ openTimeMs: MON + i * MIN, open: price, high: price, low: price, close: price, volume });

/**
 * A profile on a 1.0 tick, one bucket per price, each bar's volume at its close:
 *   price  100 101 102 103 104 105 106 107 108 109 110
 *   volume  10 100  20  50  70  70 150  90  80  40  20   (total 700, mean 63.64)
 * POC 106 (150). Value area (70 % = 490), from 106: 107 (90 > 70) -> 240; 108 (80 > 70) -> 320;
 * 105 (70 > 40) -> 390; 104 (70 > 40) -> 460; 103 (50 > 40) -> 510 >= 490. VAH 108, VAL 103.
 * High-volume nodes (peaks >= 1.5 x mean = 95.45): 101 and 106. Low-volume node (trough <= 0.5 x mean = 31.8): 102.
 */
const volumes: [number, number][] = [
  [100, 10],
  [101, 100],
  [102, 20],
  [103, 50],
  [104, 70],
  [105, 70],
  [106, 150],
  [107, 90],
  [108, 80],
  [109, 40],
  [110, 20],
];

const closeConfig: VolumeProfileConfig = { tickSize: '1', allocation: { kind: 'at-price', source: 'close' } };

describe('VolumeProfile on a constructed profile', () => {
  it('finds the point of control and the 70 % value area written out above', () => {
    const p = new VolumeProfile(closeConfig);
    volumes.forEach(([price, v], i) => p.add(at(i, price, v)));
    expect(p.output(0), 'POC').toBe(106);
    expect(p.output(1), 'VAH').toBe(108);
    expect(p.output(2), 'VAL').toBe(103);
  });

  it('finds the high and low volume nodes', () => {
    const p = new VolumeProfile(closeConfig);
    volumes.forEach(([price, v], i) => p.add(at(i, price, v)));
    const nodes = p.nodes();
    expect(nodes.high).toEqual([
      { lowPrice: 101, volume: 100 },
      { lowPrice: 106, volume: 150 },
    ]);
    expect(nodes.low).toEqual([{ lowPrice: 102, volume: 20 }]);
    expect(p.buckets().reduce((s, b) => s + b.volume, 0), 'all volume is in the buckets').toBe(700);
  });

  it('spreads a bar evenly over its range and breaks POC ties toward the middle', () => {
    // Tick 0.5, bucket 2 ticks = 1.0: a bar from 100.0 to 102.5 covers buckets 100, 101, 102 with 3 each.
    const p = new VolumeProfile({ tickSize: '0.5', bucketTicks: 2 });
    p.add({ openTimeMs: MON, open: 101, high: 102.5, low: 100, close: 101, volume: 9 });
    expect(p.buckets()).toEqual([
      { lowPrice: 100, volume: 3 },
      { lowPrice: 101, volume: 3 },
      { lowPrice: 102, volume: 3 },
    ]);
    expect(p.value, 'three equal buckets: the middle one').toBe(101);
    expect(p.bucketPrice).toBe(1);
  });

  it('keeps only the last N bars in window mode', () => {
    const p = new VolumeProfile({ ...closeConfig, scope: { kind: 'window', bars: 2 } });
    p.add(at(0, 100, 5));
    expect(p.add(at(1, 101, 3)), '100 holds 5 of 8').toBe(100);
    expect(p.add(at(2, 102, 4)), 'the bar at 100 left the window; 102 holds 4 of 7').toBe(102);
    expect(p.buckets(), 'the emptied bucket drops out of the range').toEqual([
      { lowPrice: 101, volume: 3 },
      { lowPrice: 102, volume: 4 },
    ]);
  });

  it('restarts at each UTC day in session mode', () => {
    const p = new VolumeProfile(closeConfig);
    p.add(at(0, 100, 50));
    expect(p.add({ ...at(0, 90, 1), openTimeMs: MON + 86_400_000 }), 'only the new day counts').toBe(90);
  });

  it('refuses a bad tick size, value area or replaced bar time, naming them', () => {
    expect(() => new VolumeProfile({ tickSize: '0' })).toThrow(/tick size/);
    expect(() => new VolumeProfile({ tickSize: '1', valueAreaPct: 0 })).toThrow(/value area/);
    const p = new VolumeProfile(closeConfig);
    p.add(at(0, 100, 1));
    expect(() => p.replace(at(1, 100, 1))).toThrow(/open bar/);
  });
});

describe('VolumeProfile on real BTCUSDT 1m bars', () => {
  it('keeps VAL <= POC <= VAH inside the session range with at least 70 % of the volume in the value area', () => {
    const k = loadKlines(BTC_1M, 2000);
    const p = new VolumeProfile({ tickSize: '0.1', bucketTicks: 50 });
    let lo = Infinity;
    let hi = -Infinity;
    let day = -1;
    for (let i = 0; i < k.length; i++) {
      const b = barAt(k, i);
      if (Math.floor(b.openTimeMs / 86_400_000) !== day) {
        day = Math.floor(b.openTimeMs / 86_400_000);
        lo = Infinity;
        hi = -Infinity;
      }
      lo = Math.min(lo, b.low);
      hi = Math.max(hi, b.high);
      p.add(b);
      const [poc, vah, val] = [p.output(0)!, p.output(1)!, p.output(2)!];
      expect(val <= poc && poc <= vah, `ordered at bar ${i}`).toBe(true);
      expect(val >= lo - 5 && vah <= hi, `inside the session's range at bar ${i}`).toBe(true);
      if (i % 200 === 0) {
        const buckets = p.buckets();
        const total = buckets.reduce((s, x) => s + x.volume, 0);
        const inArea = buckets.filter((x) => x.lowPrice >= val && x.lowPrice <= vah).reduce((s, x) => s + x.volume, 0);
        expect(inArea / total, `value-area share at bar ${i}`).toBeGreaterThanOrEqual(0.7);
        expect(Math.abs(total - volumeOfDaySoFar(k, i)) / total, 'the buckets hold the session volume').toBeLessThan(1e-9);
      }
    }
  });
});

function volumeOfDaySoFar(k: ReturnType<typeof loadKlines>, i: number): number {
  const day = Math.floor(k.openTimeMs[i]! / 86_400_000);
  let v = 0;
  for (let j = i; j >= 0 && Math.floor(k.openTimeMs[j]! / 86_400_000) === day; j--) v += k.volume[j]!;
  return v;
}

const profileCase = (name: string, config: VolumeProfileConfig): IndicatorContractCase => ({
  name,
  kind: 'bar',
  expectedLookback: 0,
  create: () => new VolumeProfile(config),
  batch: (b, outputs) => volumeProfileBatch(b, config, outputs),
});

describe('volume profile indicator contract on BTCUSDT 1m', () => {
  const bars = loadKlines(BTC_1M, 1500);
  for (const c of [
    profileCase('volume profile(session, $5 buckets)', { tickSize: '0.1', bucketTicks: 50 }),
    profileCase('volume profile(window 60, $1 buckets, at hlc3)', { tickSize: '0.1', bucketTicks: 10, scope: { kind: 'window', bars: 60 }, allocation: { kind: 'at-price', source: 'hlc3' } }),
  ]) {
    for (const check of indicatorContract(c, bars)) it(check.title, check.run);
  }
});
