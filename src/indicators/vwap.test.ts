import { describe, expect, it } from 'vitest';
import { BTC_1M, FIL_1M, loadKlines, type KlineColumns } from '../../test/support/kline-columns.js';
import { indicatorContract, type IndicatorContractCase } from './contract.js';
import type { BarInput } from './indicator.js';
import { RollingVwap, rollingVwapBatch } from './rolling-vwap.js';
import { periodAt, Vwap, vwapBatch, type VwapConfig } from './vwap.js';

const MIN = 60_000;
const DAY = 86_400_000;
/** 2025-05-05 00:00 UTC, a Monday. */
const MON = Date.UTC(2025, 4, 5);

const bar = (openTimeMs: number, high: number, low: number, close: number, volume: number, open = close): BarInput => ({ openTimeMs, open, high, low, close, volume });

describe('anchor periods', () => {
  it('start at 00:00 UTC, at the session hour, and on Mondays', () => {
    expect(periodAt({ kind: 'utc-day' }, MON + 5 * MIN)).toEqual({ startMs: MON, endMs: MON + DAY });
    expect(periodAt({ kind: 'session', startHourUtc: 13 }, MON + 12 * 60 * MIN), '12:00 belongs to the session opened the day before').toEqual({
      startMs: MON - 11 * 60 * MIN,
      endMs: MON + 13 * 60 * MIN,
    });
    expect(periodAt({ kind: 'week' }, MON - MIN)?.startMs, 'Sunday 23:59 belongs to the week of Monday 2025-04-28').toBe(MON - 7 * DAY);
    expect(periodAt({ kind: 'week' }, MON + 3 * DAY)?.startMs, 'Thursday belongs to the week of Monday 05-05').toBe(MON);
    expect(periodAt({ kind: 'custom', startMs: MON }, MON - 1), 'before a custom anchor there is no period').toBeUndefined();
  });
});

describe('anchored VWAP by hand', () => {
  // Typical prices (H+L+C)/3: bar 1 (102+98+100)/3 = 100 x 2, bar 2 (106+100+103)/3 = 103 x 1,
  // bar 3 (104+98+101)/3 = 101 x 1; then the next UTC day opens with (110+108+109)/3 = 109 x 5.
  const bars = [bar(MON, 102, 98, 100, 2), bar(MON + MIN, 106, 100, 103, 1), bar(MON + 2 * MIN, 104, 98, 101, 1), bar(MON + DAY, 110, 108, 109, 5)];

  it('weights typical prices by volume and restarts at 00:00 UTC', () => {
    const v = new Vwap();
    expect(v.add(bars[0]!), '100 x 2 / 2').toBe(100);
    expect(v.add(bars[1]!), '(200 + 103) / 3').toBe(101);
    expect(v.add(bars[2]!), '(200 + 103 + 101) / 4 = 404 / 4').toBe(101);
    // Deviations from 101: -1 (x2), +2, 0 -> variance (2 + 4 + 0) / 4 = 1.5.
    expect(v.output(1), 'stdev = sqrt(1.5)').toBeCloseTo(Math.sqrt(1.5), 12);
    expect(v.output(2), 'upper1 = 101 + 1 x sqrt(1.5)').toBeCloseTo(101 + Math.sqrt(1.5), 12);
    expect(v.output(7), 'lower3 = 101 - 3 x sqrt(1.5)').toBeCloseTo(101 - 3 * Math.sqrt(1.5), 12);
    expect(v.add(bars[3]!), 'a new UTC day starts from its own first bar').toBe(109);
    expect(v.output(1), 'one price: no deviation').toBe(0);
    expect(v.periodStartMs).toBe(MON + DAY);
  });

  it('keeps accumulating across days with a weekly anchor', () => {
    const v = new Vwap({ anchor: { kind: 'week' } });
    for (const b of bars) v.add(b);
    expect(v.value, '(404 + 545) / 9').toBeCloseTo(949 / 9, 12);
  });

  it('restarts at the session hour', () => {
    const v = new Vwap({ anchor: { kind: 'session', startHourUtc: 13 }, source: 'close' });
    v.add(bar(MON + 12 * 60 * MIN + 59 * MIN, 1, 1, 50, 1));
    expect(v.add(bar(MON + 13 * 60 * MIN, 1, 1, 70, 1)), 'the 13:00 bar opens a new session').toBe(70);
    expect(v.add(bar(MON + 13 * 60 * MIN + MIN, 1, 1, 80, 3)), '(70 + 240) / 4').toBe(77.5);
  });

  it('has no value before a custom anchor, nor while its period has no volume', () => {
    const v = new Vwap({ anchor: { kind: 'custom', startMs: MON + MIN }, source: 'close' });
    expect(v.add(bar(MON, 1, 1, 10, 5))).toBeUndefined();
    expect(v.add(bar(MON + MIN, 1, 1, 20, 0)), 'no volume yet: no price has been weighted').toBeUndefined();
    expect(v.isStable).toBe(false);
    expect(v.add(bar(MON + 2 * MIN, 1, 1, 30, 2))).toBe(30);
    expect(v.add(bar(MON + DAY * 3, 1, 1, 60, 2)), 'a custom anchor never restarts').toBe(45);
  });

  it('refuses a session hour outside 0-23, naming it', () => {
    expect(() => new Vwap({ anchor: { kind: 'session', startHourUtc: 24 } })).toThrow(/session start hour/);
    expect(() => new Vwap({ bandMultipliers: [Number.NaN] })).toThrow(/band multiplier 1/);
  });
});

/** Independent recomputation: per UTC day, the plain sums of the definition and a two-pass deviation. */
function naiveDailyVwap(k: KlineColumns, upTo: number): { vwap: number[]; stdev: number[] } {
  const vwap: number[] = [];
  const stdev: number[] = [];
  let dayStart = 0;
  for (let i = 0; i < upTo; i++) {
    if (i === 0 || Math.floor(k.openTimeMs[i]! / DAY) !== Math.floor(k.openTimeMs[i - 1]! / DAY)) dayStart = i;
    let pv = 0;
    let v = 0;
    for (let j = dayStart; j <= i; j++) {
      const tp = (k.high[j]! + k.low[j]! + k.close[j]!) / 3;
      pv += tp * k.volume[j]!;
      v += k.volume[j]!;
    }
    const mean = pv / v;
    let dev2 = 0;
    for (let j = dayStart; j <= i; j++) {
      const d = (k.high[j]! + k.low[j]! + k.close[j]!) / 3 - mean;
      dev2 += d * d * k.volume[j]!;
    }
    vwap.push(mean);
    stdev.push(Math.sqrt(dev2 / v));
  }
  return { vwap, stdev };
}

describe('anchored VWAP on real BTCUSDT 1m bars', () => {
  const k = loadKlines(BTC_1M, 4000);

  it('equals a straightforward per-day recomputation (sums of the definition, two-pass deviation)', () => {
    const ref = naiveDailyVwap(k, k.length);
    const v = new Vwap();
    let resets = 0;
    for (let i = 0; i < k.length; i++) {
      const before = v.periodStartMs;
      v.add({ openTimeMs: k.openTimeMs[i]!, open: k.open[i]!, high: k.high[i]!, low: k.low[i]!, close: k.close[i]!, volume: k.volume[i]! });
      if (before !== undefined && v.periodStartMs !== before) resets++;
      const vw = v.value!;
      expect(Math.abs(vw - ref.vwap[i]!) / ref.vwap[i]!, `vwap at bar ${i}`).toBeLessThan(1e-12);
      // The deviation is ~1e-4 of the price; 1e-6 of itself is still far below a tick.
      expect(Math.abs(v.output(1)! - ref.stdev[i]!), `stdev at bar ${i}`).toBeLessThanOrEqual(1e-6 * ref.stdev[i]! + 1e-9);
    }
    expect(resets, '4000 bars from 2025-05-04 15:33 end 2025-05-07 10:12, past three UTC midnights').toBe(3);
  });

  it('gives the same bits in the vwap-only batch fast path as in the full batch', () => {
    const fast = new Float64Array(k.length);
    const full = Array.from({ length: 8 }, () => new Float64Array(k.length));
    vwapBatch(k, {}, [fast]);
    vwapBatch(k, {}, full);
    for (let i = 0; i < k.length; i++) expect(Object.is(fast[i], full[0]![i]), `bar ${i}`).toBe(true);
  });
});

describe('rolling VWAP', () => {
  it('weights the last N bars only', () => {
    const r = new RollingVwap(2, 'close');
    expect(r.add(bar(0, 1, 1, 10, 1)), 'warming up').toBeUndefined();
    expect(r.add(bar(MIN, 1, 1, 20, 3)), '(10 + 60) / 4').toBe(17.5);
    expect(r.add(bar(2 * MIN, 1, 1, 30, 1)), '(60 + 30) / 4: the first bar left').toBe(22.5);
  });

  it('equals the plain window sum on real bars', () => {
    const k = loadKlines(BTC_1M, 3000);
    const out = new Float64Array(k.length);
    rollingVwapBatch(k, 30, 'hlc3', out);
    for (let i = 29; i < k.length; i++) {
      let pv = 0;
      let v = 0;
      for (let j = i - 29; j <= i; j++) {
        pv += ((k.high[j]! + k.low[j]! + k.close[j]!) / 3) * k.volume[j]!;
        v += k.volume[j]!;
      }
      expect(Math.abs(out[i]! - pv / v) / (pv / v), `bar ${i}`).toBeLessThan(1e-12);
    }
  });
});

const vwapCase = (name: string, config: VwapConfig, bands: number): IndicatorContractCase => ({
  name,
  kind: 'bar',
  expectedLookback: 0,
  create: () => new Vwap(config),
  batch: (b, outputs) => vwapBatch(b, config, outputs.slice(0, 2 + 2 * bands)),
});

const cases: IndicatorContractCase[] = [
  vwapCase('VWAP(utc-day, hlc3, bands 1/2/3)', {}, 3),
  vwapCase('VWAP(week, close)', { anchor: { kind: 'week' }, source: 'close', bandMultipliers: [1.5] }, 1),
  vwapCase('VWAP(session 13:00, ohlc4)', { anchor: { kind: 'session', startHourUtc: 13 }, source: 'ohlc4', bandMultipliers: [] }, 0),
  { name: 'rolling VWAP(1)', kind: 'bar', expectedLookback: 0, create: () => new RollingVwap(1), batch: (b, [o]) => rollingVwapBatch(b, 1, 'hlc3', o!) },
  { name: 'rolling VWAP(20, hl2)', kind: 'bar', expectedLookback: 19, create: () => new RollingVwap(20, 'hl2'), batch: (b, [o]) => rollingVwapBatch(b, 20, 'hl2', o!) },
];

for (const { label, bars } of [
  { label: 'BTCUSDT 1m', bars: loadKlines(BTC_1M, 3000) },
  { label: 'FILUSDT 1m', bars: loadKlines(FIL_1M, 3000) },
]) {
  describe(`VWAP indicator contract on ${label}`, () => {
    for (const c of cases) for (const check of indicatorContract(c, bars)) it(check.title, check.run);
  });
}
