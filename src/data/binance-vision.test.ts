import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { hasDailyFiles, parseChecksumFile, planVisionFiles, visionPath, type VisionRequest } from './binance-vision.js';

const req = (over: Partial<VisionRequest>): VisionRequest => ({
  market: 'um',
  kind: 'klines',
  symbol: 'BTCUSDT',
  interval: '1m',
  fromDate: '2025-05-05',
  toDate: '2025-05-07',
  ...over,
});

const inputError = (f: () => unknown): InputError => {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
};

describe('visionPath', () => {
  it('builds the paths of the binance-public-data README examples', () => {
    // https://github.com/binance/binance-public-data README "Where do I access it":
    // https://data.binance.vision/data/spot/monthly/klines/BNBUSDT/1m/BNBUSDT-1m-2019-01.zip
    // https://data.binance.vision/data/spot/monthly/trades/BNBUSDT/BNBUSDT-trades-2019-01.zip
    expect(visionPath('spot', 'klines', 'BNBUSDT', '1m', 'monthly', '2019-01').path).toBe('data/spot/monthly/klines/BNBUSDT/1m/BNBUSDT-1m-2019-01.zip');
    expect(visionPath('spot', 'trades', 'BNBUSDT', undefined, 'monthly', '2019-01').path).toBe('data/spot/monthly/trades/BNBUSDT/BNBUSDT-trades-2019-01.zip');
  });

  it('names futures files by market and keeps the kind out of kline-like file names', () => {
    expect(visionPath('um', 'klines', 'BTCUSDT', '1m', 'daily', '2025-05-05').path).toBe('data/futures/um/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2025-05-05.zip');
    expect(visionPath('um', 'markPriceKlines', 'BTCUSDT', '1h', 'monthly', '2024-01').path).toBe('data/futures/um/monthly/markPriceKlines/BTCUSDT/1h/BTCUSDT-1h-2024-01.zip');
    expect(visionPath('cm', 'fundingRate', 'BTCUSD_PERP', undefined, 'monthly', '2024-01').path).toBe('data/futures/cm/monthly/fundingRate/BTCUSD_PERP/BTCUSD_PERP-fundingRate-2024-01.zip');
    expect(visionPath('um', 'bookDepth', 'BTCUSDT', undefined, 'daily', '2024-03-01').fileName).toBe('BTCUSDT-bookDepth-2024-03-01.zip');
  });
});

describe('planVisionFiles', () => {
  it('uses a monthly file for each whole month and daily files for the days left over', () => {
    const plan = planVisionFiles(req({ fromDate: '2025-04-29', toDate: '2025-06-02' }));
    expect(plan.map((f) => `${f.period}:${f.date}`)).toEqual(['daily:2025-04-29', 'daily:2025-04-30', 'monthly:2025-05', 'daily:2025-06-01', 'daily:2025-06-02']);
  });

  it('asks for daily files only when the range is inside one month', () => {
    const plan = planVisionFiles(req({}));
    expect(plan.map((f) => f.fileName)).toEqual(['BTCUSDT-1m-2025-05-05.zip', 'BTCUSDT-1m-2025-05-06.zip', 'BTCUSDT-1m-2025-05-07.zip']);
    expect(plan[0]?.startMs).toBe(Date.UTC(2025, 4, 5));
    expect(plan[2]?.endMs).toBe(Date.UTC(2025, 4, 8));
  });

  it('covers funding with the monthly files of every month touched, since the archive has no daily funding files', () => {
    const plan = planVisionFiles(req({ kind: 'fundingRate', interval: undefined, fromDate: '2025-04-30', toDate: '2025-05-02' }));
    expect(plan.map((f) => f.path)).toEqual([
      'data/futures/um/monthly/fundingRate/BTCUSDT/BTCUSDT-fundingRate-2025-04.zip',
      'data/futures/um/monthly/fundingRate/BTCUSDT/BTCUSDT-fundingRate-2025-05.zip',
    ]);
  });

  it('uses daily files only for bookDepth and metrics, and monthly files only for weekly klines', () => {
    const depth = planVisionFiles(req({ kind: 'bookDepth', interval: undefined, fromDate: '2025-05-01', toDate: '2025-05-31' }));
    expect(depth).toHaveLength(31);
    expect(depth.every((f) => f.period === 'daily')).toBe(true);
    const weekly = planVisionFiles(req({ interval: '1w', fromDate: '2025-05-10', toDate: '2025-05-12' }));
    expect(weekly.map((f) => `${f.period}:${f.date}`)).toEqual(['monthly:2025-05']);
  });

  it('knows which series have daily files', () => {
    expect(hasDailyFiles(req({}))).toBe(true);
    expect(hasDailyFiles(req({ interval: '1mo' })), '1mo candles are monthly only').toBe(false);
    expect(hasDailyFiles(req({ kind: 'fundingRate', interval: undefined }))).toBe(false);
    expect(hasDailyFiles(req({ kind: 'metrics', interval: undefined }))).toBe(true);
  });

  it('covers every day of the range exactly once, in order, for kinds with daily and monthly files (property)', () => {
    const day = 86_400_000;
    const start = Date.UTC(2019, 0, 1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2500 }), fc.integer({ min: 0, max: 500 }), (a, len) => {
        const from = new Date(start + a * day).toISOString().slice(0, 10);
        const to = new Date(start + (a + len) * day).toISOString().slice(0, 10);
        const plan = planVisionFiles(req({ fromDate: from, toDate: to }));
        let t = start + a * day;
        for (const f of plan) {
          if (f.startMs !== t) return false;
          t = f.endMs;
        }
        return t === start + (a + len + 1) * day;
      }),
    );
  });

  it('refuses what the archive does not publish and names the flag', () => {
    expect(inputError(() => planVisionFiles(req({ market: 'spot', kind: 'fundingRate', interval: undefined }))).input).toBe('--kind');
    expect(inputError(() => planVisionFiles(req({ interval: undefined }))).input).toBe('--interval');
    expect(inputError(() => planVisionFiles(req({ kind: 'trades' }))).code).toBe('CONFLICTING_OPTIONS');
    expect(inputError(() => planVisionFiles(req({ interval: '1s' }))).problem).toMatch(/spot only/);
    expect(inputError(() => planVisionFiles(req({ symbol: 'btc/usdt' }))).input).toBe('--symbol');
  });

  it('refuses dates that are not calendar days or run backwards', () => {
    const bad = inputError(() => planVisionFiles(req({ fromDate: '2025-02-30' })));
    expect(bad.input, 'February has no 30th').toBe('--from');
    expect(inputError(() => planVisionFiles(req({ toDate: '2025/05/07' }))).input).toBe('--to');
    const backwards = inputError(() => planVisionFiles(req({ fromDate: '2025-05-07', toDate: '2025-05-05' })));
    expect(backwards.code).toBe('OUT_OF_RANGE');
    expect(backwards.message).toContain('2025-05-05 is before --from 2025-05-07');
  });
});

describe('parseChecksumFile', () => {
  const hex = 'a'.repeat(64);
  it('reads sha256sum lines and refuses other files or formats', () => {
    expect(parseChecksumFile(`${hex}  BTCUSDT-1m-2025-05-05.zip\n`, 'BTCUSDT-1m-2025-05-05.zip')).toBe(hex);
    expect(parseChecksumFile(`${hex.toUpperCase()}`, 'x.zip'), 'a bare digest is accepted').toBe(hex);
    expect(parseChecksumFile(`${hex}  ETHUSDT-1m-2025-05-05.zip`, 'BTCUSDT-1m-2025-05-05.zip'), 'another file name').toBeUndefined();
    expect(parseChecksumFile('<Error>NoSuchKey</Error>', 'x.zip')).toBeUndefined();
  });
});
