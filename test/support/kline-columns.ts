// Reads a real kline CSV (6- or 12-column Binance format, plain or gzipped) from ../shared/data into columns, for
// indicator tests. Test support only: the product reads files through src/data. Never copies the data.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { sharedData } from './shared-data.js';

export interface KlineColumns {
  readonly length: number;
  readonly openTimeMs: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** Loads `relative` (a path under ../shared/data); `limit` keeps only the first rows. */
export function loadKlines(relative: string, limit = Infinity): KlineColumns {
  const file = sharedData(relative);
  const raw = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const lines = text.split('\n');
  const rows = Math.min(limit, lines.length - 1);
  const cols = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(rows));
  let n = 0;
  for (let i = 1; i < lines.length && n < rows; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const f = line.split(',');
    for (let c = 0; c < 6; c++) {
      const v = Number(f[c]);
      if (!Number.isFinite(v)) throw new Error(`${relative} line ${i + 1}: column ${c} is "${f[c]}", expected a number`);
      cols[c]![n] = v;
    }
    n++;
  }
  const [openTimeMs, open, high, low, close, volume] = cols.map((c) => c.subarray(0, n)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  return { length: n, openTimeMs, open, high, low, close, volume };
}

/** The 51-day contiguous BTCUSDT perpetual 1m file (6 columns). */
export const BTC_1M = 'binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz';
/** A 12-column data.binance.vision FILUSDT 1m month (small prices, tick 0.001). */
export const FIL_1M = 'binance/futures-um/klines/FILUSDT-1m-2023-08.csv.gz';
