// Resampling: candles to longer UTC-aligned candles, trades to time, volume and tick bars, and funding or mark
// series aligned to bar closes. Works on columns only; must never look ahead (a value is used only once known).
import { InputError } from '../core/errors.js';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_SECOND } from '../core/time.js';
import { BarBuilder, tradePrice, type BarColumns, type TradeColumns } from './columns.js';

/** The decimal places needed to write every value of `values` exactly (0..12), or undefined beyond that. */
export function decimalPlaces(values: Float64Array, from = 0, to = values.length): number | undefined {
  let k = 0;
  let scale = 1;
  for (let i = from; i < to; i++) {
    const x = values[i] as number;
    for (;;) {
      const y = x * scale;
      const r = Math.round(y);
      // A double holds 15-16 significant digits: a scaled exchange decimal lands within a few ulps of an integer.
      if (Math.abs(y - r) <= Math.max(1, Math.abs(r)) * 1e-15 * 4) break;
      if (k === 12) return undefined;
      k += 1;
      scale *= 10;
    }
  }
  return k;
}

/**
 * Sums exchange decimals exactly: each value becomes an integer count of 10^-places units, the integers are summed,
 * and the total is divided back once, giving the double nearest to the exact decimal sum (what parsing the sum's
 * decimal text would give); `absolute` sums magnitudes (signed trade quantities). Falls back to compensated
 * (Neumaier) float summation when `places` is undefined or the integer total would leave the safe-integer range.
 */
function exactSum(values: Float64Array, from: number, to: number, places: number | undefined, absolute = false): number {
  if (places !== undefined) {
    const scale = 10 ** places;
    let units = 0;
    for (let i = from; i < to; i++) units += Math.round((absolute ? Math.abs(values[i] as number) : (values[i] as number)) * scale);
    if (Number.isSafeInteger(units)) return units / scale;
  }
  let sum = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    const x = absolute ? Math.abs(values[i] as number) : (values[i] as number);
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + c;
}

const ADDITIVE = ['quoteVolume', 'trades', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const;

export interface BarResample {
  readonly bars: BarColumns;
  /** Open times (ms) of target buckets left out because some of their source bars are missing (a gap, or the edges of the data). */
  readonly incompleteBuckets: readonly number[];
}

/**
 * Candles of `sourceIntervalMs` to candles of `targetIntervalMs` aligned to UTC (bucket = openTime - openTime mod
 * target, so 4h bars open at 00, 04, 08 UTC and 1d bars at 00:00 UTC). Per bucket: open of the first, max high,
 * min low, close of the last, exact decimal sum of volume and of the additive 12-column extras (quote volume,
 * trade count, taker-buy volumes), kept only when the input has them. This is how Binance's own klines relate
 * across intervals. A bucket missing any source bar is left out (listed in `incompleteBuckets`) unless
 * `keepIncomplete`, since its OHLCV would differ from the exchange's bar. Source bars must be strictly increasing
 * and aligned to their interval; the target must be a multiple of the source that divides a day (up to 1d).
 */
export function resampleBars(input: BarColumns, sourceIntervalMs: number, targetIntervalMs: number, options: { readonly keepIncomplete?: boolean; readonly label?: string } = {}): BarResample {
  const label = options.label ?? 'bars';
  if (!(targetIntervalMs > sourceIntervalMs && targetIntervalMs % sourceIntervalMs === 0 && MS_PER_DAY % targetIntervalMs === 0)) {
    throw new InputError('INVALID_OPTION', 'interval', `cannot resample ${sourceIntervalMs} ms bars to ${targetIntervalMs} ms`, 'Pick a longer interval that is a multiple of the source and divides a day (3m, 5m, 15m, 1h, 4h, 1d from 1m)');
  }
  const t = input.openTimeMs;
  const n = input.length;
  for (let i = 0; i < n; i++) {
    const ti = t[i] as number;
    if (ti % sourceIntervalMs !== 0 || (i > 0 && ti <= (t[i - 1] as number))) {
      throw new InputError('INVALID_DATA', `${label}: row ${i + 1}`, `open time ${ti} is not after the previous bar or not on the ${sourceIntervalMs} ms grid`, 'Run microfut data verify on the file and fix gaps, duplicates or ordering first');
    }
  }
  const extras = ADDITIVE.filter((f) => input[f] !== undefined);
  const builder = new BarBuilder(extras.length === ADDITIVE.length, Math.ceil((n * sourceIntervalMs) / targetIntervalMs) + 1);
  const volumePlaces = decimalPlaces(input.volume);
  const extraPlaces = extras.map((f) => decimalPlaces(input[f] as Float64Array));
  const perBucket = targetIntervalMs / sourceIntervalMs;
  const incompleteBuckets: number[] = [];
  let i = 0;
  while (i < n) {
    const bucket = (t[i] as number) - ((t[i] as number) % targetIntervalMs);
    let j = i;
    let high = -Infinity;
    let low = Infinity;
    while (j < n && (t[j] as number) < bucket + targetIntervalMs) {
      if ((input.high[j] as number) > high) high = input.high[j] as number;
      if ((input.low[j] as number) < low) low = input.low[j] as number;
      j++;
    }
    if (j - i === perBucket || options.keepIncomplete) {
      builder.push(bucket, input.open[i] as number, high, low, input.close[j - 1] as number, exactSum(input.volume, i, j, volumePlaces));
      if (builder.extras) {
        const x = builder.extras;
        extras.forEach((f, k) => x[f].push(exactSum(input[f] as Float64Array, i, j, extraPlaces[k])));
      }
    }
    if (j - i !== perBucket) incompleteBuckets.push(bucket);
    i = j;
  }
  return { bars: builder.finish(), incompleteBuckets };
}

/** Bars built from trades whose close is not on a clock (volume and tick bars). */
export interface TradeBars {
  /** openTimeMs is the first trade's time; extras: quote volume (sum of price x qty), trade count, taker-buy volumes. */
  readonly bars: BarColumns;
  /** Time of each bar's last trade (ms): the earliest instant the bar is known. */
  readonly closeTimeMs: Float64Array;
  /** False when the last bar stopped at the end of the data before reaching its size. */
  readonly lastBarComplete: boolean;
}

function checkTradeOrder(trades: TradeColumns, label: string): void {
  const t = trades.timeMs;
  for (let i = 1; i < trades.length; i++) {
    if ((t[i] as number) < (t[i - 1] as number)) {
      throw new InputError('INVALID_DATA', `${label}: trade ${i + 1}`, `time ${t[i]} is before the previous trade's ${t[i - 1]}`, 'Trades must be in time order; run microfut data verify on the file');
    }
  }
}

/** Appends the bar made of trades [from, to) to `b`; volumes summed exactly in `qtyPlaces` units. */
function pushTradeBar(b: BarBuilder, trades: TradeColumns, from: number, to: number, openTimeMs: number, qtyPlaces: number | undefined): void {
  let high = -Infinity;
  let low = Infinity;
  let quote = 0;
  let takerQuote = 0;
  const qtyScale = qtyPlaces === undefined ? 1 : 10 ** qtyPlaces;
  let takerUnits = 0;
  for (let i = from; i < to; i++) {
    const p = tradePrice(trades, i);
    const signed = trades.signedQty[i] as number;
    const q = Math.abs(signed);
    if (p > high) high = p;
    if (p < low) low = p;
    quote += p * q;
    if (1 / signed > 0) {
      takerUnits += qtyPlaces === undefined ? q : Math.round(q * qtyScale);
      takerQuote += p * q;
    }
  }
  b.push(openTimeMs, tradePrice(trades, from), high, low, tradePrice(trades, to - 1), exactSum(trades.signedQty, from, to, qtyPlaces, true));
  const x = b.extras;
  if (!x) return;
  x.quoteVolume.push(quote);
  x.trades.push(to - from);
  x.takerBuyVolume.push(qtyPlaces === undefined ? takerUnits : takerUnits / qtyScale);
  x.takerBuyQuoteVolume.push(takerQuote);
}

/**
 * Trades to time bars of `intervalMs` (1 s .. 1 h, dividing an hour), aligned to UTC. Only intervals with trades
 * get a bar (a recorder's hole must not look like a quiet market); `emptyIntervals: 'carry-close'` instead writes
 * O=H=L=C = previous close and zero volume for intervals without trades after the first, as Binance klines do.
 * Base volume is an exact decimal sum; quote volumes (price x qty) are float sums.
 */
export function tradesToTimeBars(trades: TradeColumns, intervalMs: number, options: { readonly emptyIntervals?: 'skip' | 'carry-close'; readonly label?: string } = {}): BarColumns {
  if (!(intervalMs >= MS_PER_SECOND && intervalMs % MS_PER_SECOND === 0 && MS_PER_HOUR % intervalMs === 0)) {
    throw new InputError('INVALID_OPTION', 'interval', `${intervalMs} ms is not a bar interval from 1 s to 1 h that divides an hour`, 'Use e.g. 1s, 5s, 15s, 1m, 5m, 15m or 1h');
  }
  checkTradeOrder(trades, options.label ?? 'trades');
  const n = trades.length;
  const b = new BarBuilder(true, 1024);
  const places = decimalPlaces(trades.signedQty);
  const carry = options.emptyIntervals === 'carry-close';
  let i = 0;
  while (i < n) {
    const ti = trades.timeMs[i] as number;
    const bucket = ti - (ti % intervalMs);
    if (carry && b.length > 0) {
      const prevClose = b.close.at(b.length - 1);
      for (let e = b.openTimeMs.at(b.length - 1) + intervalMs; e < bucket; e += intervalMs) {
        b.push(e, prevClose, prevClose, prevClose, prevClose, 0);
        for (const f of ADDITIVE) b.extras?.[f].push(0);
      }
    }
    let j = i + 1;
    while (j < n && (trades.timeMs[j] as number) < bucket + intervalMs) j++;
    pushTradeBar(b, trades, i, j, bucket, places);
    i = j;
  }
  return b.finish();
}

/** Closes a bar each time the summed integer `size` of its trades reaches `threshold`; trades are never split. */
function tradesToSizedBars(trades: TradeColumns, size: (i: number) => number, threshold: number, label: string): TradeBars {
  checkTradeOrder(trades, label);
  const n = trades.length;
  const b = new BarBuilder(true, 1024);
  const places = decimalPlaces(trades.signedQty);
  const closes: number[] = [];
  let from = 0;
  let acc = 0;
  let lastBarComplete = true;
  for (let i = 0; i < n; i++) {
    acc += size(i);
    const full = acc >= threshold;
    if (full || i === n - 1) {
      lastBarComplete = full;
      pushTradeBar(b, trades, from, i + 1, trades.timeMs[from] as number, places);
      closes.push(trades.timeMs[i] as number);
      from = i + 1;
      acc = 0;
    }
  }
  return { bars: b.finish(), closeTimeMs: Float64Array.from(closes), lastBarComplete };
}

/**
 * Volume bars: each bar takes whole trades until its base volume reaches `volumePerBar` (the trade that crosses
 * the threshold stays whole in the bar it completes; trades are never split). Volumes are compared in exact
 * decimal units of the quantities, so 0.1 + 0.2 reaches a threshold of 0.3.
 */
export function tradesToVolumeBars(trades: TradeColumns, volumePerBar: number, label = 'trades'): TradeBars {
  if (!(volumePerBar > 0 && Number.isFinite(volumePerBar))) {
    throw new InputError('INVALID_OPTION', 'volume per bar', `${volumePerBar} is not a positive volume`, 'Give a positive base-asset volume, e.g. 10');
  }
  const scale = 10 ** (decimalPlaces(trades.signedQty) ?? 12);
  return tradesToSizedBars(trades, (i) => Math.round(Math.abs(trades.signedQty[i] as number) * scale), Math.round(volumePerBar * scale), label);
}

/** Tick bars: each bar holds `tradesPerBar` consecutive trades (the last may hold fewer: see `lastBarComplete`). */
export function tradesToTickBars(trades: TradeColumns, tradesPerBar: number, label = 'trades'): TradeBars {
  if (!(Number.isInteger(tradesPerBar) && tradesPerBar > 0)) {
    throw new InputError('INVALID_OPTION', 'trades per bar', `${tradesPerBar} is not a positive whole number`, 'Give a whole number of trades, e.g. 100');
  }
  return tradesToSizedBars(trades, () => 1, tradesPerBar, label);
}

/**
 * A series aligned to bars without lookahead: for bar i, `knownCount[i]` is how many series events happened at or
 * before the bar's close (openTime + interval - 1 ms, Binance's close_time), so the value in force at the close is
 * event knownCount[i] - 1, copied to `values[i]`. Where knownCount[i] is 0 nothing is known yet and values[i] is 0
 * and must not be read. knownCount[i] - knownCount[i - 1] counts the events inside bar i (e.g. funding settlements).
 */
export interface AlignedSeries {
  readonly knownCount: Uint32Array;
  readonly values: Float64Array;
}

/**
 * Aligns a series (event times `seriesTimeMs` + `seriesTimeOffsetMs`, ascending) to bars of `barIntervalMs`.
 * Funding: times = settlement times, offset 0. Mark-price klines: times = their open times, offset = their interval
 * - 1 ms, so an 8h mark candle counts only once it has closed. The per-second mark stream: its event times, offset 0.
 */
export function alignToBars(barOpenTimeMs: Float64Array, barIntervalMs: number, seriesTimeMs: Float64Array, seriesValues: Float64Array, seriesTimeOffsetMs = 0): AlignedSeries {
  const n = barOpenTimeMs.length;
  const m = seriesTimeMs.length;
  const knownCount = new Uint32Array(n);
  const values = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < n; i++) {
    const close = (barOpenTimeMs[i] as number) + barIntervalMs - 1;
    while (j < m && (seriesTimeMs[j] as number) + seriesTimeOffsetMs <= close) j++;
    knownCount[i] = j;
    if (j > 0) values[i] = seriesValues[j - 1] as number;
  }
  return { knownCount, values };
}
