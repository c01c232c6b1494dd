// Replays the real Binance USD-M websocket captures in ../shared/data (REST snapshot + diff depth + trades)
// through the order book and both detectors, and checks the book against the venue's own bookTicker.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test/support/shared-data.js';
import { countFromFloat, gridFromStep, type Grid } from '../core/grid.js';
import { IcebergDetector, type IcebergEvent } from './iceberg-detector.js';
import { OrderBook, type BookSide } from './order-book.js';
import { SpoofingDetector, type SpoofingEvent } from './spoofing-detector.js';

type Levels = [string, string][];
interface DepthEvent {
  readonly T: number;
  readonly U: number;
  readonly u: number;
  readonly pu: number;
  readonly b: Levels;
  readonly a: Levels;
}
interface Trade {
  readonly T: number;
  readonly p: string;
  readonly q: string;
  readonly m: boolean;
}
interface Ticker {
  readonly u: number;
  readonly b: string;
  readonly B: string;
  readonly a: string;
  readonly A: string;
}

/** Instrument grids from the venue's exchangeInfo in ../shared/data, not constants. */
function grids(symbol: string): { price: Grid; qty: Grid } {
  const info = JSON.parse(readFileSync(sharedData('binance/futures-um/meta/exchangeInfo-2025-03-06.json'), 'utf8')) as {
    symbols: { symbol: string; filters: { filterType: string; tickSize?: string; stepSize?: string }[] }[];
  };
  const s = info.symbols.find((x) => x.symbol === symbol)!;
  const price = gridFromStep(s.filters.find((f) => f.filterType === 'PRICE_FILTER')!.tickSize!)!;
  const qty = gridFromStep(s.filters.find((f) => f.filterType === 'LOT_SIZE')!.stepSize!)!;
  return { price, qty };
}

function readCapture(files: readonly string[]): { snapshot: { lastUpdateId: number; bids: Levels; asks: Levels }; depth: DepthEvent[]; trades: Trade[]; tickers: Ticker[] } {
  let snapshot: { lastUpdateId: number; bids: Levels; asks: Levels } | undefined;
  const depth: DepthEvent[] = [];
  const trades: Trade[] = [];
  const tickers: Ticker[] = [];
  for (const f of files) {
    for (const line of gunzipSync(readFileSync(sharedData(f))).toString('utf8').split('\n')) {
      if (line === '') continue;
      const msg = JSON.parse(line.slice(line.indexOf(' ') + 1)) as { stream?: string; data?: unknown; lastUpdateId?: number; bids?: Levels; asks?: Levels };
      if (msg.stream === undefined) snapshot ??= msg as { lastUpdateId: number; bids: Levels; asks: Levels };
      else if (msg.stream.endsWith('@depth@0ms')) depth.push(msg.data as DepthEvent);
      else if (msg.stream.endsWith('@trade')) trades.push(msg.data as Trade);
      else if (msg.stream.endsWith('@bookTicker')) tickers.push(msg.data as Ticker);
    }
  }
  if (snapshot === undefined) throw new Error(`${files[0]}: no REST snapshot line`);
  return { snapshot, depth, trades, tickers };
}

interface ReplayResult {
  readonly eventsApplied: number;
  readonly spoofing: SpoofingDetector['stats'];
  readonly sequenceBreaks: number;
  readonly crossedAfterEvent: number;
  readonly tickerChecks: number;
  readonly finalSpreadTicks: number | undefined;
  readonly icebergs: IcebergEvent[];
  readonly spoofs: SpoofingEvent[];
  readonly tradedLowTicks: number;
  readonly tradedHighTicks: number;
}

/**
 * Binance's documented way to keep a local book (https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/How-to-manage-a-local-order-book-correctly):
 * drop events with u < lastUpdateId, start at the first with U <= lastUpdateId <= u, then each pu must equal
 * the previous u. Trades and diffs are merged by transaction time T, trades first on a tie.
 */
function replay(symbol: string, files: readonly string[]): ReplayResult {
  const { price, qty } = grids(symbol);
  const ticks = (p: string): number => countFromFloat(Number(p), price, 'exact')!;
  const lots = (q: string): number => countFromFloat(Number(q), qty, 'exact')!;
  const { snapshot, depth, trades, tickers } = readCapture(files);
  const book = new OrderBook();
  const iceberg = new IcebergDetector();
  const spoofing = new SpoofingDetector(book);
  const icebergs: IcebergEvent[] = [];
  const spoofs: SpoofingEvent[] = [];
  for (const [p, q] of snapshot.bids) book.setLevel('bid', ticks(p), lots(q));
  for (const [p, q] of snapshot.asks) book.setLevel('ask', ticks(p), lots(q));

  let start = depth.findIndex((e) => e.U <= snapshot.lastUpdateId && snapshot.lastUpdateId <= e.u);
  expect(start, 'an event bridges the snapshot').toBeGreaterThanOrEqual(0);
  const synced = depth.slice(start);
  const tickerByU = new Map(tickers.map((t) => [t.u, t]));
  let crossed = 0;
  let breaks = 0;
  let tickerChecks = 0;
  let prevU: number | undefined;
  let ti = trades.findIndex((t) => t.T >= synced[0]!.T);
  start = ti < 0 ? trades.length : ti;
  let lo = Infinity;
  let hi = -Infinity;

  const applyTrade = (t: Trade): void => {
    const side: BookSide = t.m ? 'bid' : 'ask';
    const px = ticks(t.p);
    lo = Math.min(lo, px);
    hi = Math.max(hi, px);
    spoofing.onTrade(t.T, side, px);
    const e = iceberg.onTrade(t.T, side, px, lots(t.q));
    if (e) icebergs.push(e);
  };
  const applyLevels = (e: DepthEvent, side: BookSide, levels: Levels): void => {
    for (const [p, q] of levels) {
      const px = ticks(p);
      const n = lots(q);
      const previous = book.setLevel(side, px, n);
      const ie = iceberg.onLevelChange(e.T, side, px, previous, n);
      if (ie) icebergs.push(ie);
      const se = spoofing.onLevelChange(e.T, side, px, previous, n);
      if (se) spoofs.push(se);
    }
  };

  ti = start;
  for (const e of synced) {
    if (prevU !== undefined && e.pu !== prevU) breaks++;
    prevU = e.u;
    while (ti < trades.length && trades[ti]!.T <= e.T) applyTrade(trades[ti++]!);
    applyLevels(e, 'bid', e.b);
    applyLevels(e, 'ask', e.a);
    if (book.isCrossed()) crossed++;
    const t = tickerByU.get(e.u);
    if (t !== undefined) {
      tickerChecks++;
      expect(book.bestPriceTicks('bid'), `best bid at update ${e.u} equals bookTicker`).toBe(ticks(t.b));
      expect(book.bestPriceTicks('ask'), `best ask at update ${e.u} equals bookTicker`).toBe(ticks(t.a));
      expect(book.bestQty('bid'), `best bid qty at update ${e.u}`).toBe(lots(t.B));
      expect(book.bestQty('ask'), `best ask qty at update ${e.u}`).toBe(lots(t.A));
    }
  }
  return {
    spoofing: spoofing.stats,
    eventsApplied: synced.length,
    sequenceBreaks: breaks,
    crossedAfterEvent: crossed,
    tickerChecks,
    finalSpreadTicks: book.spreadTicks(),
    icebergs,
    spoofs,
    tradedLowTicks: lo,
    tradedHighTicks: hi,
  };
}

const sessions = [
  { symbol: 'BTCUSDT', files: ['BTCUSDT-wsRaw-2023-04-04T2358.txt.gz', 'BTCUSDT-wsRaw-2023-04-05T0000.txt.gz'] },
  { symbol: 'BTCUSDT', files: ['BTCUSDT-wsRaw-2024-07-18T2357.txt.gz', 'BTCUSDT-wsRaw-2024-07-19T0000.txt.gz'] },
  { symbol: 'BTCUSDT', files: ['BTCUSDT-wsRaw-2024-08-08T2354.txt.gz'] },
  { symbol: 'ETHUSDT', files: ['ETHUSDT-wsRaw-2024-07-18T2357.txt.gz', 'ETHUSDT-wsRaw-2024-07-19T0000.txt.gz'] },
  { symbol: 'ETHUSDT', files: ['ETHUSDT-wsRaw-2024-08-08T2354.txt.gz'] },
];

describe('order book and detectors on real Binance USD-M captures', () => {
  for (const s of sessions) {
    it(`${s.files[0]}: rebuilds a book that never crosses, matches bookTicker, and reports consistent evidence`, () => {
      const r = replay(
        s.symbol,
        s.files.map((f) => `binance/futures-um/stream/${f}`),
      );
      expect(r.eventsApplied, 'thousands of diff events are replayed').toBeGreaterThan(3000);
      expect(r.sequenceBreaks, "every diff event's pu equals the previous u: no gap").toBe(0);
      expect(r.crossedAfterEvent, 'the book is never crossed after a whole diff event').toBe(0);
      expect(r.tickerChecks, 'bookTicker messages share update ids with diff events').toBeGreaterThan(100);
      expect(r.finalSpreadTicks, 'the session ends with a one-tick spread (SOURCES.md)').toBe(1);
      for (const e of r.icebergs) {
        expect(e.refills, 'an iceberg refilled at least minRefills times').toBeGreaterThanOrEqual(3);
        expect(e.executedQty, 'it traded more than it ever showed').toBeGreaterThan(e.maxDisplayedQty);
        expect(e.detectedMs).toBeGreaterThanOrEqual(e.firstTradeMs);
        expect(e.priceTicks >= r.tradedLowTicks && e.priceTicks <= r.tradedHighTicks, 'an iceberg sits where trades happened').toBe(true);
      }
      expect(r.spoofing.patterns, 'every pattern is reported once').toBe(r.spoofs.length);
      expect(r.spoofing.wallsPulled, 'pulls are a subset of placements').toBeLessThanOrEqual(r.spoofing.wallsPlaced);
      for (const e of r.spoofs) {
        expect(e.sizeQty, 'a wall is at least 10 x the median level').toBeGreaterThanOrEqual(10 * e.medianLevelQty);
        expect(e.distanceTicks, 'placed at least 10 ticks behind the touch').toBeGreaterThanOrEqual(10);
        expect(e.lifetimeMs >= 1000 && e.lifetimeMs <= 10_000, 'rested 1-10 s before it was pulled').toBe(true);
        expect(e.distanceTicks, 'within maxDistanceTicks of the touch').toBeLessThanOrEqual(100);
        expect(e.pullsInWindow, 'part of a repeated pattern').toBeGreaterThanOrEqual(3);
      }
    });
  }
});
