// The MarketData API the engine reads: bars, trades, book and funding/mark events of many symbols merged into one
// stream in exact time order, stable on ties. Hands out (source, row) positions into the columns; must never
// allocate an object per event on the hot path.
import { InputError } from '../core/errors.js';
import type { BarColumns, BookTickerColumns, DepthColumns, FundingColumns, MarkPriceColumns, TradeColumns } from './columns.js';
import { alignToBars, type AlignedSeries } from './resample.js';

/**
 * One input series. Its time column must be non-decreasing. The time an event is ordered by:
 * - bars / markBars: openTimeMs + intervalMs, the instant the bar is complete (a bar never precedes its own trades);
 * - trades, bookTicker, funding, markPrice: their timeMs; depth: eventTimeMs.
 */
export type MarketSource =
  | { readonly kind: 'bars'; readonly symbol: string; readonly intervalMs: number; readonly columns: BarColumns }
  | { readonly kind: 'trades'; readonly symbol: string; readonly columns: TradeColumns }
  | { readonly kind: 'bookTicker'; readonly symbol: string; readonly columns: BookTickerColumns }
  | { readonly kind: 'depth'; readonly symbol: string; readonly columns: DepthColumns }
  | { readonly kind: 'funding'; readonly symbol: string; readonly columns: FundingColumns }
  | { readonly kind: 'markPrice'; readonly symbol: string; readonly columns: MarkPriceColumns }
  | { readonly kind: 'markBars'; readonly symbol: string; readonly intervalMs: number; readonly columns: BarColumns };

export type MarketSourceKind = MarketSource['kind'];

interface TimeKey {
  readonly times: Float64Array;
  readonly offsetMs: number;
  readonly length: number;
}

function timeKeyOf(s: MarketSource): TimeKey {
  switch (s.kind) {
    case 'bars':
    case 'markBars':
      return { times: s.columns.openTimeMs, offsetMs: s.intervalMs, length: s.columns.length };
    case 'trades':
    case 'bookTicker':
    case 'funding':
    case 'markPrice':
      return { times: s.columns.timeMs, offsetMs: 0, length: s.columns.length };
    case 'depth':
      return { times: s.columns.eventTimeMs, offsetMs: 0, length: s.columns.eventCount };
  }
}

/**
 * A set of sources to replay. Construction checks every source once (time order, bar intervals) and throws an
 * InputError naming the source and row; after that, iteration cannot fail.
 */
export class MarketData {
  readonly sources: readonly MarketSource[];
  /** Total number of events over all sources. */
  readonly eventCount: number;
  private readonly keys: readonly TimeKey[];
  private readonly aligned = new Map<string, AlignedSeries>();

  constructor(sources: readonly MarketSource[]) {
    this.sources = sources;
    this.keys = sources.map((s, i) => {
      if ((s.kind === 'bars' || s.kind === 'markBars') && !(Number.isInteger(s.intervalMs) && s.intervalMs > 0)) {
        throw new InputError('INVALID_OPTION', `source ${i} (${s.kind} ${s.symbol})`, `interval ${s.intervalMs} ms`, 'Give the bar interval in whole milliseconds, e.g. 60000 for 1m');
      }
      const key = timeKeyOf(s);
      for (let r = 1; r < key.length; r++) {
        if ((key.times[r] as number) < (key.times[r - 1] as number)) {
          throw new InputError('INVALID_DATA', `source ${i} (${s.kind} ${s.symbol}): row ${r + 1}`, `time ${key.times[r]} is before the previous row's ${key.times[r - 1]}`, 'Sort the series by time (run microfut data verify on its file)');
        }
      }
      return key;
    });
    this.eventCount = this.keys.reduce((n, k) => n + k.length, 0);
  }

  /** A fresh cursor positioned before the first event. */
  cursor(): MarketCursor {
    return new MarketCursor(this.keys);
  }

  /** The indices of the sources of one symbol, optionally of one kind, in input order. */
  sourcesOf(symbol: string, kind?: MarketSourceKind): number[] {
    const out: number[] = [];
    this.sources.forEach((s, i) => {
      if (s.symbol === symbol && (kind === undefined || s.kind === kind)) out.push(i);
    });
    return out;
  }

  /**
   * A funding, markPrice or markBars source aligned to a bars source without lookahead (see alignToBars): the
   * funding rate, mark price (markPrice) or mark close (markBars) in force at each bar's close. Computed once.
   */
  alongside(barsSource: number, seriesSource: number): AlignedSeries {
    const cacheKey = `${barsSource}:${seriesSource}`;
    const cached = this.aligned.get(cacheKey);
    if (cached) return cached;
    const bars = this.sources[barsSource];
    const series = this.sources[seriesSource];
    if (!bars || bars.kind !== 'bars') {
      throw new InputError('INVALID_OPTION', `source ${barsSource}`, 'is not a bars source', 'Pass the index of a bars source');
    }
    let result: AlignedSeries;
    switch (series?.kind) {
      case 'funding':
        result = alignToBars(bars.columns.openTimeMs, bars.intervalMs, series.columns.timeMs, series.columns.rate);
        break;
      case 'markPrice':
        result = alignToBars(bars.columns.openTimeMs, bars.intervalMs, series.columns.timeMs, series.columns.markPrice);
        break;
      case 'markBars':
        result = alignToBars(bars.columns.openTimeMs, bars.intervalMs, series.columns.openTimeMs, series.columns.close, series.intervalMs - 1);
        break;
      case 'bars':
      case 'trades':
      case 'bookTicker':
      case 'depth':
      case undefined:
        throw new InputError('INVALID_OPTION', `source ${seriesSource}`, `is ${series ? `a ${series.kind}` : 'not a'} source`, 'Pass the index of a funding, markPrice or markBars source');
    }
    this.aligned.set(cacheKey, result);
    return result;
  }
}

/**
 * Walks the merged stream. After `next()` returns true, `source` is the index of the event's source, `index` its
 * row in that source's columns (the event index for depth) and `timeMs` its ordering time; they are meaningful
 * only while the last `next()` returned true. Order: by time; on equal times by source index, then by row: the
 * merge is stable and exactly reproducible. A binary heap over the sources' heads, kept in typed arrays:
 * O(log sources) per event and no allocation per event.
 */
export class MarketCursor {
  source = 0;
  index = 0;
  timeMs = 0;
  private readonly times: readonly Float64Array[];
  private readonly offsets: Float64Array;
  private readonly lengths: Uint32Array;
  private readonly pos: Uint32Array;
  private readonly heap: Int32Array;
  private size = 0;

  constructor(keys: readonly TimeKey[]) {
    const n = keys.length;
    this.times = keys.map((k) => k.times);
    this.offsets = Float64Array.from(keys, (k) => k.offsetMs);
    this.lengths = Uint32Array.from(keys, (k) => k.length);
    this.pos = new Uint32Array(n);
    this.heap = new Int32Array(n);
    for (let s = 0; s < n; s++) if ((this.lengths[s] as number) > 0) this.push(s);
  }

  private head(s: number): number {
    return ((this.times[s] as Float64Array)[this.pos[s] as number] as number) + (this.offsets[s] as number);
  }

  private less(a: number, b: number): boolean {
    const ta = this.head(a);
    const tb = this.head(b);
    return ta < tb || (ta === tb && a < b);
  }

  private push(s: number): void {
    let i = this.size++;
    const h = this.heap;
    h[i] = s;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i] as number, h[p] as number)) break;
      const t = h[p] as number;
      h[p] = h[i] as number;
      h[i] = t;
      i = p;
    }
  }

  private siftDown(): void {
    const h = this.heap;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) return;
      const r = l + 1;
      const c = r < this.size && this.less(h[r] as number, h[l] as number) ? r : l;
      if (!this.less(h[c] as number, h[i] as number)) return;
      const t = h[c] as number;
      h[c] = h[i] as number;
      h[i] = t;
      i = c;
    }
  }

  /** Moves to the next event; false when the stream is exhausted. */
  next(): boolean {
    if (this.size === 0) return false;
    const s = this.heap[0] as number;
    const row = this.pos[s] as number;
    this.source = s;
    this.index = row;
    this.timeMs = this.head(s);
    this.pos[s] = row + 1;
    if (row + 1 < (this.lengths[s] as number)) {
      this.siftDown();
    } else {
      this.size -= 1;
      this.heap[0] = this.heap[this.size] as number;
      this.siftDown();
    }
    return true;
  }
}
