import { describe, expect, it } from 'vitest';
import { BTC_1M, FIL_1M, loadKlines } from '../../test/support/kline-columns.js';
import { barAt, indicatorContract, type IndicatorContractCase } from './contract.js';
import { pivotLevelNames, PivotPoints, pivotsBatch, type PivotConfig, type PivotMethod } from './pivots.js';

/**
 * BTCUSDT perpetual, UTC day 2025-05-05 (1440 one-minute bars in ../shared/data): high 95165.1, low 93445.1,
 * close 94696.7; the next day opens at 94696.7. Range r = 1720. Levels worked out by hand from the formulas at
 * https://www.tradingview.com/support/solutions/43000521824/ :
 */
const P = 283306.9 / 3; // (95165.1 + 93445.1 + 94696.7) / 3 = 94435.6333...
const expected: Record<PivotMethod, Record<string, number>> = {
  traditional: {
    P,
    R1: 2 * P - 93445.1, // 95426.1667
    S1: 2 * P - 95165.1, // 93706.1667
    R2: P + 1720, // 96155.6333
    S2: P - 1720, // 92715.6333
    R3: 95165.1 + 2 * (P - 93445.1), // 97146.1667 (= 2P + (h - 2l))
    S3: 93445.1 - 2 * (95165.1 - P), // 91986.1667
  },
  // Classic differs from traditional only in R3/S3: P +/- 2r = 97875.6333 / 90995.6333.
  classic: { P, R1: 2 * P - 93445.1, S1: 2 * P - 95165.1, R2: P + 1720, S2: P - 1720, R3: P + 3440, S3: P - 3440 },
  // Fibonacci: 0.382 x 1720 = 657.04, 0.618 x 1720 = 1062.96.
  fibonacci: { P, R1: P + 657.04, R2: P + 1062.96, R3: P + 1720, S1: P - 657.04, S2: P - 1062.96, S3: P - 1720 },
  // Woodie: P = (95165.1 + 93445.1 + 2 x 94696.7) / 4 = 378003.6 / 4 = 94500.9.
  woodie: { P: 94500.9, R1: 95556.7, S1: 93836.7, R2: 96220.9, S2: 92780.9, R3: 97276.7, S3: 92116.7 },
  // Camarilla: 1.1 x 1720 = 1892; /12 = 157.6667, /6 = 315.3333, /4 = 473, /2 = 946, around the close 94696.7.
  camarilla: {
    P,
    R1: 94696.7 + 1892 / 12,
    R2: 94696.7 + 1892 / 6,
    R3: 95169.7,
    R4: 95642.7,
    S1: 94696.7 - 1892 / 12,
    S2: 94696.7 - 1892 / 6,
    S3: 94223.7,
    S4: 93750.7,
  },
};

describe('pivot points from a real BTCUSDT day', () => {
  const k = loadKlines(BTC_1M, 2100);
  // The file starts 2025-05-04 15:33; bar 507 opens 2025-05-05 00:00 and bar 1947 opens 2025-05-06 00:00.
  const firstFullDay = 507;
  const nextDay = firstFullDay + 1440;

  for (const method of ['traditional', 'classic', 'fibonacci', 'woodie', 'camarilla'] as const) {
    it(`${method}: emits the hand-computed levels when 2025-05-06 opens, not from the partial first day`, () => {
      const p = new PivotPoints({ method });
      for (let i = 0; i < nextDay; i++) {
        p.add(barAt(k, i));
        expect(p.value, `no levels yet at bar ${i}: the first day is partial`).toBeUndefined();
      }
      p.add(barAt(k, nextDay));
      expect(p.isNewPeriod, 'the 00:00 bar opens a new period').toBe(true);
      expect(p.periodStartMs).toBe(Date.UTC(2025, 4, 6));
      pivotLevelNames(method).forEach((name, i) => {
        expect(p.output(i), `${method} ${name}`).toBeCloseTo(expected[method][name]!, 6);
      });
      p.add(barAt(k, nextDay + 1));
      expect(p.isNewPeriod, 'levels hold for the whole day').toBe(false);
      expect(p.output(1)).toBeCloseTo(expected[method].R1!, 6);
    });
  }

  it('orders supports below the pivot and resistances above it', () => {
    for (const method of ['traditional', 'classic', 'fibonacci', 'woodie', 'camarilla'] as const) {
      const p = new PivotPoints({ method });
      for (let i = 0; i <= nextDay; i++) p.add(barAt(k, i));
      const [pp, r1, r2, r3, s1, s2, s3] = [0, 1, 2, 3, 4, 5, 6].map((i) => p.output(i)!);
      expect(s3! < s2! && s2! < s1! && r1! < r2! && r2! < r3!, `${method} levels are ordered`).toBe(true);
      if (method !== 'camarilla') expect(s1! < pp! && pp! < r1!, `${method}: S1 < P < R1`).toBe(true);
    }
  });

  it('takes weekly levels from the previous Monday-to-Sunday week', () => {
    const w = loadKlines(BTC_1M, 10700);
    const p = new PivotPoints({ method: 'traditional', period: { kind: 'week' } });
    // Week 2025-05-05 .. 05-11: high 105000.1, low 93327.0, close 104072.7 (10080 bars from bar 507).
    for (let i = 0; i < firstFullDay + 10080; i++) p.add(barAt(w, i));
    expect(p.value, 'the first full week has not ended').toBeUndefined();
    p.add(barAt(w, firstFullDay + 10080));
    expect(p.value, '(105000.1 + 93327.0 + 104072.7) / 3').toBeCloseTo(302399.8 / 3, 6);
    expect(p.output(1), 'R1 = 2P - low').toBeCloseTo((2 * 302399.8) / 3 - 93327.0, 6);
  });

  it('refuses a custom anchor, which has no previous period', () => {
    expect(() => new PivotPoints({ method: 'classic', period: { kind: 'custom', startMs: 0 } })).toThrow(/pivots period/);
  });
});

const pivotCase = (config: PivotConfig): IndicatorContractCase => ({
  name: `pivots(${config.method}, utc-day)`,
  kind: 'bar',
  expectedLookback: 1440, // one UTC day of 1m bars: the data starts at 00:00, so day 1 is complete
  create: () => new PivotPoints(config),
  batch: (b, outputs) => pivotsBatch(b, config, outputs),
});

describe('pivots indicator contract on FILUSDT 1m (starts 2023-08-01 00:00 UTC)', () => {
  const bars = loadKlines(FIL_1M, 3200);
  for (const method of ['traditional', 'camarilla', 'woodie'] as const) {
    for (const check of indicatorContract(pivotCase({ method }), bars)) it(check.title, check.run);
  }
});
