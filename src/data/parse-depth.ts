// Parses order-book files into DepthColumns (events + levels): Binance depth rows (REST snapshot `snap` and
// diff `set` rows), Tardis book_snapshot_N and incremental_book_L2, and Bybit orderbook JSON lines.
// Must never apply the events to a book (no sequence repair): consumers rebuild the book and check the chain.
import { DEPTH_EVENT_DIFF, DEPTH_EVENT_SNAPSHOT, DepthBuilder, SIDE_ASK, SIDE_BID } from './columns.js';
import type { ByteCursor } from './byte-cursor.js';
import { forEachLine } from './line-reader.js';
import { parseCsvRows, type ParseContext } from './parse-context.js';
import { UnitTracker, type ParsedData } from './parsed.js';
import { rowError } from './row-error.js';

const DEPTH_ROWS = ['symbol', 'timestamp', 'first_update_id', 'last_update_id', 'side', 'update_type', 'price', 'qty', 'pu'];
const TARDIS_L2 = ['exchange', 'symbol', 'timestamp', 'local_timestamp', 'is_snapshot', 'side', 'price', 'amount'];
const SNAP = Buffer.from('snap');
const LOWER_A = 97;
const LOWER_B = 98;
const LOWER_T = 116;
const LOWER_F = 102;

type DepthResult = { depth: ReturnType<DepthBuilder['finish']>; rows: number; headerRow: boolean; symbol?: string };

/** Dispatches on ctx.format to one of the four depth layouts. */
export async function parseDepth(chunks: AsyncIterable<Buffer>, ctx: ParseContext): Promise<ParsedData> {
  const units = new UnitTracker();
  const r: DepthResult =
    ctx.format === 'binance-depth-rows'
      ? await depthRows(chunks, ctx, units)
      : ctx.format === 'tardis-book-snapshot'
        ? await tardisSnapshots(chunks, ctx, units)
        : ctx.format === 'tardis-incremental-l2'
          ? await tardisIncremental(chunks, ctx, units)
          : await bybitOrderbook(chunks, ctx, units);
  const t = r.depth.eventTimeMs;
  return {
    series: 'depth',
    ...ctx.common,
    rows: r.rows,
    headerRow: r.headerRow,
    timeUnit: units.unit,
    mixedTimeUnits: units.mixed,
    ...(r.symbol ? { contentSymbol: r.symbol } : {}),
    ...(t.length ? { firstMs: t[0] as number, lastMs: t[t.length - 1] as number } : {}),
    depth: r.depth,
  };
}

/** Tracks one symbol per file; a row naming another symbol is an error. */
class SymbolGuard {
  symbol: string | undefined;
  private bytes: Buffer | undefined;
  constructor(private readonly file: string) {}
  check(c: ByteCursor, lineNo: number): void {
    if (this.bytes === undefined) {
      this.symbol = c.text();
      this.bytes = Buffer.from(this.symbol, 'latin1');
    } else if (!c.fieldEquals(this.bytes)) {
      throw rowError(this.file, lineNo, `the symbol changes from ${this.symbol} within the file`, 'split the file by symbol');
    }
  }
}

/** Consecutive rows with the same time, update ids and type form one event. */
async function depthRows(chunks: AsyncIterable<Buffer>, ctx: ParseContext, units: UnitTracker): Promise<DepthResult> {
  const b = new DepthBuilder(false);
  const guard = new SymbolGuard(ctx.file);
  let lastKey = '';
  const row = (c: ByteCursor, _n: number, _buf: Buffer, lineNo: number): boolean => {
    guard.check(c, lineNo);
    const t = c.epochMs();
    units.see(c.lastDigits);
    const first = c.int();
    const last = c.int();
    const side = c.flagByte();
    const kind = c.fieldEquals(SNAP) ? DEPTH_EVENT_SNAPSHOT : DEPTH_EVENT_DIFF;
    const price = c.num();
    const qty = c.num();
    const pu = c.signedInt();
    if (!Number.isFinite(t + first + last + price + qty + pu) || (side !== LOWER_A && side !== LOWER_B)) return false;
    const key = `${t}|${first}|${last}|${kind}`;
    if (key !== lastKey) {
      b.beginEvent(kind, t, first, last, kind === DEPTH_EVENT_SNAPSHOT || pu < 0 ? first - 1 : pu);
      lastKey = key;
    }
    b.level(side === LOWER_B ? SIDE_BID : SIDE_ASK, price, qty);
    return true;
  };
  const { headerRow, rows } = await parseCsvRows(chunks, ctx, [DEPTH_ROWS], row);
  return { depth: b.finish(), rows, headerRow, ...(guard.symbol ? { symbol: guard.symbol } : {}) };
}

/** One snapshot event per row; `asks[i].price, asks[i].amount, bids[i].price, bids[i].amount` per depth level. */
async function tardisSnapshots(chunks: AsyncIterable<Buffer>, ctx: ParseContext, units: UnitTracker): Promise<DepthResult> {
  const b = new DepthBuilder(true);
  const guard = new SymbolGuard(ctx.file);
  const layouts = [5, 10, 20, 25, 50].map((n) => {
    const names = ['exchange', 'symbol', 'timestamp', 'local_timestamp'];
    for (let i = 0; i < n; i++) names.push(`asks[${i}].price`, `asks[${i}].amount`, `bids[${i}].price`, `bids[${i}].amount`);
    return names;
  });
  let seq = 0;
  const row = (c: ByteCursor, columns: number, _buf: Buffer, lineNo: number): boolean => {
    c.skip();
    guard.check(c, lineNo);
    const us = c.epochUs();
    units.see(c.lastDigits);
    const local = c.epochUs();
    if (!Number.isFinite(us + local)) return false;
    // Tardis snapshots carry no venue update id; the row number keeps events ordered and the chain gap-free.
    seq++;
    b.beginEvent(DEPTH_EVENT_SNAPSHOT, Math.floor(us / 1000), seq, seq, seq - 1);
    b.localTimeUs?.push(local);
    const levels = (columns - 4) / 4;
    for (let i = 0; i < levels; i++) {
      for (const side of [SIDE_ASK, SIDE_BID]) {
        // A thin book leaves trailing levels empty.
        if (c.nextIsEmpty()) {
          c.skip();
          c.skip();
          continue;
        }
        const price = c.num();
        const qty = c.num();
        if (!Number.isFinite(price + qty)) return false;
        b.level(side, price, qty);
      }
    }
    return true;
  };
  const { headerRow, rows } = await parseCsvRows(chunks, ctx, layouts, row);
  return { depth: b.finish(), rows, headerRow, ...(guard.symbol ? { symbol: guard.symbol } : {}) };
}

/** Consecutive rows with the same timestamp and is_snapshot flag form one event. */
async function tardisIncremental(chunks: AsyncIterable<Buffer>, ctx: ParseContext, units: UnitTracker): Promise<DepthResult> {
  const b = new DepthBuilder(true);
  const guard = new SymbolGuard(ctx.file);
  let lastKey = '';
  let seq = 0;
  const row = (c: ByteCursor, _n: number, _buf: Buffer, lineNo: number): boolean => {
    c.skip();
    guard.check(c, lineNo);
    const us = c.epochUs();
    units.see(c.lastDigits);
    const local = c.epochUs();
    const snap = c.flagByte();
    const side = c.flagByte();
    const price = c.num();
    const qty = c.num();
    if (!Number.isFinite(us + local + price + qty) || (snap !== LOWER_T && snap !== LOWER_F)) return false;
    if (side !== LOWER_A && side !== LOWER_B) return false;
    const kind = snap === LOWER_T ? DEPTH_EVENT_SNAPSHOT : DEPTH_EVENT_DIFF;
    const key = `${us}|${kind}`;
    if (key !== lastKey) {
      seq++;
      b.beginEvent(kind, Math.floor(us / 1000), seq, seq, seq - 1);
      b.localTimeUs?.push(local);
      lastKey = key;
    }
    b.level(side === LOWER_B ? SIDE_BID : SIDE_ASK, price, qty);
    return true;
  };
  const { headerRow, rows } = await parseCsvRows(chunks, ctx, [TARDIS_L2], row);
  return { depth: b.finish(), rows, headerRow, ...(guard.symbol ? { symbol: guard.symbol } : {}) };
}

interface BybitMessage {
  type?: unknown;
  ts?: unknown;
  data?: { s?: unknown; b?: unknown; a?: unknown; u?: unknown; seq?: unknown };
}

/**
 * Bybit orderbook history (https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook): `snapshot` or
 * `delta`, `u` the update id (consecutive per symbol), size "0" deletes a level.
 */
async function bybitOrderbook(chunks: AsyncIterable<Buffer>, ctx: ParseContext, units: UnitTracker): Promise<DepthResult> {
  const b = new DepthBuilder(false);
  let symbol: string | undefined;
  let rows = 0;
  await forEachLine(chunks, (buf, start, end, lineNo) => {
    let msg: BybitMessage;
    try {
      msg = JSON.parse(buf.toString('utf8', start, end)) as BybitMessage;
    } catch (e) {
      throw rowError(ctx.file, lineNo, `not a JSON message (${(e as Error).message})`, 'the file is damaged: download it again');
    }
    const d = msg.data;
    const kind = msg.type === 'snapshot' ? DEPTH_EVENT_SNAPSHOT : msg.type === 'delta' ? DEPTH_EVENT_DIFF : undefined;
    if (kind === undefined || typeof msg.ts !== 'number' || !d || typeof d.u !== 'number' || !Array.isArray(d.b) || !Array.isArray(d.a)) {
      throw rowError(ctx.file, lineNo, 'expected {"type":"snapshot"|"delta","ts":ms,"data":{"s","b","a","u"}}', 'the file is not a Bybit orderbook history file');
    }
    if (typeof d.s === 'string') {
      if (symbol === undefined) symbol = d.s;
      else if (d.s !== symbol) throw rowError(ctx.file, lineNo, `the symbol changes from ${symbol} to ${d.s}`, 'split the file by symbol');
    }
    units.see(String(msg.ts).length);
    b.beginEvent(kind, msg.ts, d.u, d.u, d.u - 1);
    addLevels(b, SIDE_BID, d.b, ctx.file, lineNo);
    addLevels(b, SIDE_ASK, d.a, ctx.file, lineNo);
    rows++;
  });
  return { depth: b.finish(), rows, headerRow: false, ...(symbol ? { symbol } : {}) };
}

/** Adds `[[price, qty], ...]` string pairs (Binance and Bybit JSON) as levels of the current event. */
export function addLevels(b: DepthBuilder, side: number, levels: unknown[], file: string, lineNo: number): void {
  for (const level of levels) {
    const pair = level as [unknown, unknown];
    const price = Number(pair[0]);
    const qty = Number(pair[1]);
    if (typeof pair[0] !== 'string' || typeof pair[1] !== 'string' || !Number.isFinite(price + qty)) {
      throw rowError(file, lineNo, `a book level is ${JSON.stringify(level)}, expected ["price","qty"]`, 'the file is damaged: download it again');
    }
    b.level(side, price, qty);
  }
}
