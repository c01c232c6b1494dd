import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { parseDecimal, unitsAtScale } from '../core/decimal.js';
import { sharedData } from '../../test/support/shared-data.js';
import { BarBuilder, TradeBuilder, type BarColumns, type TradeColumns } from './columns.js';
import { alignToBars, decimalPlaces, resampleBars, tradesToTickBars, tradesToTimeBars, tradesToVolumeBars } from './resample.js';

const MIN = 60_000;
const HOUR = 3_600_000;

/** The rows of a shared CSV as text fields (header dropped). Independent of the project's parsers on purpose. */
const csvRows = (relative: string): string[][] => {
  const raw = readFileSync(sharedData(relative));
  const text = (relative.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  return text
    .split('\n')
    .slice(1)
    .filter((l) => l.length > 0)
    .map((l) => l.split(','));
};

const barsOf = (rows: readonly string[][]): BarColumns => {
  const twelve = (rows[0]?.length ?? 0) >= 12;
  const b = new BarBuilder(twelve, rows.length);
  for (const r of rows) {
    b.push(Number(r[0]), Number(r[1]), Number(r[2]), Number(r[3]), Number(r[4]), Number(r[5]));
    if (b.extras) {
      b.extras.quoteVolume.push(Number(r[7]));
      b.extras.trades.push(Number(r[8]));
      b.extras.takerBuyVolume.push(Number(r[9]));
      b.extras.takerBuyQuoteVolume.push(Number(r[10]));
    }
  }
  return b.finish();
};

/** Exact decimal sum of text fields with bigint, as an independent reference for the resampler's sums. */
const bigSum = (texts: readonly string[], scale: number): bigint => texts.reduce((s, t) => s + unitsAtScale(parseDecimal(t) ?? { units: 0n, scale: 0 }, scale), 0n);
const units = (x: number, scale: number): bigint => BigInt(Math.round(x * 10 ** scale));

/**
 * Golden: 1h bars built from data.binance.vision 1m files equal Binance's own 1h klines of the same hours.
 * OHLC compared as numbers parsed from each file's decimal text (equal decimals give equal doubles; "2.4180" and
 * "2.418" are the same price); volume compared as integers of 10^-scale units, where scale is the larger number of
 * decimals either file writes, and summed independently with bigint from the 1m file's text.
 */
const goldenHourly = (
  symbol: string,
  months: readonly string[],
  hourlyFile: string,
  volumeDisagreements: ReadonlyMap<number, { readonly minuteSum: string; readonly hourlyFile: string }> = new Map(),
): { hours: number } => {
  const minuteRows = months.flatMap((m) => csvRows(`binance/futures-um/klines/${symbol}-1m-${m}.csv.gz`));
  const { bars, incompleteBuckets } = resampleBars(barsOf(minuteRows), MIN, HOUR, { label: symbol });
  expect(incompleteBuckets, 'whole months of 1m data make whole hours').toEqual([]);
  const hourly = new Map(csvRows(hourlyFile).map((r) => [Number(r[0]), r]));
  const scale = Math.max(...minuteRows.slice(0, 500).map((r) => (r[5]?.split('.')[1] ?? '').length), 1);
  for (let i = 0; i < bars.length; i++) {
    const t = bars.openTimeMs[i] as number;
    const ref = hourly.get(t);
    expect(ref, `the 1h file has the hour ${new Date(t).toISOString()}`).toBeDefined();
    if (!ref) continue;
    const at = `${symbol} ${new Date(t).toISOString()}`;
    expect([bars.open[i], bars.high[i], bars.low[i], bars.close[i]], `${at} OHLC`).toEqual([Number(ref[1]), Number(ref[2]), Number(ref[3]), Number(ref[4])]);
    const minuteVolumes = minuteRows.slice(i * 60, i * 60 + 60).map((r) => r[5] ?? '');
    const known = volumeDisagreements.get(t);
    if (known) {
      expect(ref[5], `${at}: the 1h file still disagrees with the 1m file`).toBe(known.hourlyFile);
      expect(bars.volume[i], `${at}: the resampled volume is the sum of the minutes`).toBe(Number(known.minuteSum));
      continue;
    }
    const reference = unitsAtScale(parseDecimal(ref[5] ?? '') ?? { units: -1n, scale: 0 }, scale);
    expect(units(bars.volume[i] as number, scale), `${at} volume in 1e-${scale} units`).toBe(reference);
    expect(bigSum(minuteVolumes, scale), `${at} bigint sum of the 60 minute volumes`).toBe(reference);
    expect(bars.volume[i], `${at} volume is the double of the exact decimal`).toBe(Number(ref[5]));
  }
  return { hours: bars.length };
};

describe('resampleBars', () => {
  it('builds a 3m bar from three 1m bars by hand: first open, max high, min low, last close, summed volume', () => {
    const b = new BarBuilder(false);
    const t0 = Date.UTC(2025, 4, 5, 0, 0);
    b.push(t0, 10, 12, 9, 11, 0.1);
    b.push(t0 + MIN, 11, 15, 10, 14, 0.2);
    b.push(t0 + 2 * MIN, 14, 14, 8, 9, 0.3);
    b.push(t0 + 3 * MIN, 9, 10, 9, 10, 1);
    const { bars, incompleteBuckets } = resampleBars(b.finish(), MIN, 3 * MIN);
    expect(bars.length, 'the lone 00:03 minute is an incomplete bucket').toBe(1);
    expect([bars.open[0], bars.high[0], bars.low[0], bars.close[0]]).toEqual([10, 15, 8, 9]);
    expect(bars.volume[0], '0.1 + 0.2 + 0.3 summed as decimals is 0.6, not 0.6000000000000001').toBe(0.6);
    expect(incompleteBuckets).toEqual([t0 + 3 * MIN]);
  });

  it('keeps an incomplete bucket when asked and aligns buckets to UTC', () => {
    const b = new BarBuilder(false);
    const t = Date.UTC(2025, 4, 4, 15, 33);
    for (let i = 0; i < 30; i++) b.push(t + i * MIN, 1, 2, 0.5, 1.5, 1);
    const { bars } = resampleBars(b.finish(), MIN, HOUR, { keepIncomplete: true });
    expect(Array.from(bars.openTimeMs), '15:33..16:02 falls in the 15:00 and 16:00 UTC hours').toEqual([Date.UTC(2025, 4, 4, 15), Date.UTC(2025, 4, 4, 16)]);
    expect(Array.from(bars.volume)).toEqual([27, 3]);
  });

  it('refuses out-of-order bars and intervals that do not nest', () => {
    const b = new BarBuilder(false);
    b.push(2 * MIN, 1, 1, 1, 1, 1);
    b.push(MIN, 1, 1, 1, 1, 1);
    expect(() => resampleBars(b.finish(), MIN, 5 * MIN, { label: 'x.csv' })).toThrow(/x\.csv: row 2: open time 60000 is not after the previous bar/);
    expect(() => resampleBars(new BarBuilder(false).finish(), 5 * MIN, 7 * MIN)).toThrow(/cannot resample/);
  });

  it('gives FILUSDT 1h bars equal to the real 1h file for 2023-08..2023-11, field by field', () => {
    // One hour of 2,928 differs between the sources in volume only: the data.binance.vision 1m file sums to
    // 4773536.1 FIL for 2023-11-14 11:00 UTC, the REST-sourced 1h file says 4976591.3 (same OHLC). Checked with
    // Python's decimal module too; it is a disagreement in the exchange's own data, kept visible here.
    const disagreements = new Map([[Date.UTC(2023, 10, 14, 11), { minuteSum: '4773536.1', hourlyFile: '4976591.3' }]]);
    expect(goldenHourly('FILUSDT', ['2023-08', '2023-09', '2023-10', '2023-11'], 'binance/futures-um/klines/FILUSDT-1h-2020-10-16_2026-06-07.csv.gz', disagreements).hours).toBe(2928);
  });

  it('gives NEARUSDT 1h bars equal to the real 1h file for 2023-08..2023-10 and 2025-06, field by field', () => {
    expect(goldenHourly('NEARUSDT', ['2023-08', '2023-09', '2023-10'], 'binance/futures-um/klines/NEARUSDT-1h-2020-10-15_2026-06-07.csv.gz').hours).toBe(2208);
    expect(goldenHourly('NEARUSDT', ['2025-06'], 'binance/futures-um/klines/NEARUSDT-1h-2020-10-15_2026-06-07.csv.gz').hours).toBe(720);
  });

  it('sums the 12-column extras exactly: quote volume, trade count and taker-buy volumes of FILUSDT 4h bars', () => {
    // The 1h reference files carry only OHLCV, so the extras are checked against bigint sums of the 1m file's text.
    const rows = csvRows('binance/futures-um/klines/FILUSDT-1m-2023-09.csv.gz');
    const { bars } = resampleBars(barsOf(rows), MIN, 4 * HOUR);
    expect(bars.length).toBe(180);
    for (const [field, col, scale] of [['quoteVolume', 7, 4], ['trades', 8, 0], ['takerBuyVolume', 9, 1], ['takerBuyQuoteVolume', 10, 4]] as const) {
      const out = bars[field] as Float64Array;
      for (let i = 0; i < bars.length; i++) {
        const texts = rows.slice(i * 240, i * 240 + 240).map((r) => r[col] ?? '');
        expect(units(out[i] as number, scale), `${field} of 4h bar ${i}`).toBe(bigSum(texts, scale));
      }
    }
  });
});

const tape = (rows: readonly (readonly [number, number, number, boolean])[]): TradeColumns => {
  const b = new TradeBuilder(false);
  for (const [t, p, q, m] of rows) b.push(t, p, q, m);
  return b.finish();
};

describe('trades to bars', () => {
  const t0 = Date.UTC(2024, 6, 18, 23, 58);
  const trades = tape([
    [t0 + 100, 100, 0.1, false],
    [t0 + 900, 101, 0.2, true],
    [t0 + 1500, 99, 0.3, false],
    [t0 + 3200, 102, 0.4, false],
  ]);

  it('builds 1s bars by hand, with taker-buy volume from trades whose buyer was not the maker', () => {
    const bars = tradesToTimeBars(trades, 1000);
    expect(Array.from(bars.openTimeMs)).toEqual([t0, t0 + 1000, t0 + 3000]);
    expect([bars.open[0], bars.high[0], bars.low[0], bars.close[0], bars.volume[0]]).toEqual([100, 101, 100, 101, 0.3]);
    expect(Array.from(bars.trades ?? [])).toEqual([2, 1, 1]);
    expect(bars.takerBuyVolume?.[0], 'only the first trade was a market buy').toBe(0.1);
    expect(bars.quoteVolume?.[0]).toBeCloseTo(100 * 0.1 + 101 * 0.2, 9);
  });

  it('fills seconds without trades with the previous close when asked', () => {
    const bars = tradesToTimeBars(trades, 1000, { emptyIntervals: 'carry-close' });
    expect(Array.from(bars.openTimeMs)).toEqual([t0, t0 + 1000, t0 + 2000, t0 + 3000]);
    expect([bars.open[2], bars.close[2], bars.volume[2]], 'the empty second carries 99 with no volume').toEqual([99, 99, 0]);
  });

  it('closes volume bars on the trade that reaches the size, without splitting it', () => {
    const { bars, closeTimeMs, lastBarComplete } = tradesToVolumeBars(trades, 0.3);
    expect(Array.from(bars.volume), '0.1 + 0.2 reaches 0.3 exactly; 0.3 alone; 0.4 alone').toEqual([0.3, 0.3, 0.4]);
    expect(Array.from(closeTimeMs)).toEqual([t0 + 900, t0 + 1500, t0 + 3200]);
    expect(lastBarComplete).toBe(true);
  });

  it('makes tick bars of n trades and flags a short last bar', () => {
    const { bars, lastBarComplete } = tradesToTickBars(trades, 3);
    expect(Array.from(bars.trades ?? [])).toEqual([3, 1]);
    expect(lastBarComplete).toBe(false);
  });

  it('keeps every trade and the exact total volume of a real capture in 1s, volume and tick bars', () => {
    const rows = csvRows('binance/futures-um/trades/BTCUSDT-trades-2024-07-18T2357.csv.gz');
    const real = tape(rows.map((r) => [Number(r[3]), Number(r[1]), Number(r[2]), r[4] === 'true'] as const));
    const total = bigSum(rows.map((r) => r[2] ?? ''), 3);
    for (const bars of [tradesToTimeBars(real, 1000), tradesToVolumeBars(real, 5).bars, tradesToTickBars(real, 250).bars]) {
      const count = (bars.trades ?? new Float64Array()).reduce((s, x) => s + x, 0);
      expect(count, 'every trade is in exactly one bar').toBe(rows.length);
      expect(Array.from(bars.volume).reduce((s, v) => s + units(v, 3), 0n), 'volume in 0.001 BTC units is conserved').toBe(total);
      for (let i = 0; i < bars.length; i++) {
        expect((bars.high[i] as number) >= Math.max(bars.open[i] as number, bars.close[i] as number) && (bars.low[i] as number) <= Math.min(bars.open[i] as number, bars.close[i] as number)).toBe(true);
      }
    }
  });

  it('conserves trades and volume for any tape (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 999 }), fc.boolean()), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 50 }),
        (raw, size) => {
          let t = 1_700_000_000_000;
          const rows = raw.map(([dt, p, q, m]) => [(t += dt), p / 10, q / 1000, m] as const);
          const trades = tape(rows);
          const total = rows.reduce((s, r) => s + Math.round(r[2] * 1000), 0);
          const check = (bars: BarColumns): boolean =>
            (bars.trades ?? new Float64Array()).reduce((s, x) => s + x, 0) === rows.length && Array.from(bars.volume).reduce((s, v) => s + Math.round(v * 1000), 0) === total;
          return check(tradesToTimeBars(trades, 1000)) && check(tradesToVolumeBars(trades, size / 100).bars) && check(tradesToTickBars(trades, size).bars);
        },
      ),
    );
  });
});

describe('alignToBars', () => {
  it('shows a funding settlement only from the bar whose close is at or after it (no lookahead), on real BTCUSDT data', () => {
    const funding = csvRows('binance/futures-um/fundingRate/BTCUSDT-fundingRate-2025-03-06_2025-06-24.csv');
    const times = Float64Array.from(funding.map((r) => Number(r[0])));
    const rates = Float64Array.from(funding.map((r) => Number(r[1])));
    // The settlement of 2025-05-04 16:00 UTC was stamped 1746374400002 (2 ms of Binance jitter).
    const bars = Float64Array.from([Date.UTC(2025, 4, 4, 15, 59), Date.UTC(2025, 4, 4, 16, 0), Date.UTC(2025, 4, 4, 16, 1)]);
    const { knownCount, values } = alignToBars(bars, MIN, times, rates);
    const idx = funding.findIndex((r) => r[0] === '1746374400002');
    expect(Array.from(knownCount), 'the 15:59 bar closes at 15:59:59.999, before the settlement').toEqual([idx, idx + 1, idx + 1]);
    expect(values[0]).toBe(Number(funding[idx - 1]?.[1]));
    expect(values[1]).toBe(3.745e-5);
  });

  it('uses an 8h mark-price candle only after it has closed', () => {
    const mark = new Float64Array([0, 8 * HOUR]);
    const close = new Float64Array([100, 200]);
    const bars = Float64Array.from([8 * HOUR - MIN, 8 * HOUR, 16 * HOUR - MIN]);
    const { knownCount, values } = alignToBars(bars, MIN, mark, close, 8 * HOUR - 1);
    expect(Array.from(knownCount)).toEqual([1, 1, 2]);
    expect(Array.from(values)).toEqual([100, 100, 200]);
  });

  it('reports nothing known before the first event', () => {
    const { knownCount } = alignToBars(new Float64Array([0]), MIN, new Float64Array([MIN]), new Float64Array([1]));
    expect(knownCount[0]).toBe(0);
  });
});

describe('decimalPlaces', () => {
  it('finds the decimals an exchange wrote', () => {
    expect(decimalPlaces(new Float64Array([16.536, 28.313, 1]))).toBe(3);
    expect(decimalPlaces(new Float64Array([25259.1, 107451.0165]))).toBe(4);
    expect(decimalPlaces(new Float64Array([Math.PI])), 'pi has no short decimal form').toBeUndefined();
  });
});
