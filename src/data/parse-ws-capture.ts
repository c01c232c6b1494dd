// Parses raw Binance websocket captures (`<local receive time> <JSON>` per line, streams interleaved) into one
// column set per stream: trades, bookTicker, depth (REST snapshot + diff events) and markPrice.
// Must never reorder messages or repair the update-id chain: the file order is the receive order.
import {
  BookTickerBuilder,
  DEPTH_EVENT_DIFF,
  DEPTH_EVENT_SNAPSHOT,
  DepthBuilder,
  MarkPriceBuilder,
  SIDE_ASK,
  SIDE_BID,
  TradeBuilder,
} from './columns.js';
import { forEachLine } from './line-reader.js';
import type { ParseContext } from './parse-context.js';
import { addLevels } from './parse-depth.js';
import { UnitTracker, type ParsedData } from './parsed.js';
import { rowError } from './row-error.js';

const SPACE = 32;

type Json = Record<string, unknown>;

/** Receive time digits -> µs: 16 digits are µs (2023 captures), 19 are ns (2024 captures, floored). */
function localUs(buf: Buffer, start: number, end: number): number {
  const digits = end - start;
  const keep = digits >= 18 ? digits - 3 : digits;
  let m = 0;
  for (let i = start; i < start + keep; i++) m = m * 10 + ((buf[i] as number) - 48);
  return digits <= 14 ? m * 1000 : m;
}

const num = (v: unknown): number => (typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN);

/**
 * Streams are named as in the combined-stream envelope after the symbol (`depth@0ms`, `bookTicker`, `trade`,
 * `markPrice@1s`, `aggTrade`); a REST depth snapshot line (no envelope) counts as `restDepthSnapshot`.
 * `firstMs`/`lastMs` are the first and last venue event times (E) in the file.
 */
export async function parseWsCapture(chunks: AsyncIterable<Buffer>, ctx: ParseContext): Promise<ParsedData> {
  const trades = new TradeBuilder(true);
  const quotes = new BookTickerBuilder(true, true);
  const depth = new DepthBuilder(true);
  const mark = new MarkPriceBuilder(true);
  const streams: Record<string, number> = {};
  const units = new UnitTracker();
  let symbol: string | undefined;
  let firstMs: number | undefined;
  let lastMs: number | undefined;
  let messages = 0;
  await forEachLine(chunks, (buf, start, end, lineNo) => {
    const space = buf.indexOf(SPACE, start);
    if (space < 0 || space >= end || space === start) {
      throw rowError(ctx.file, lineNo, 'expected "<receive time> <JSON message>"', 'the file is not a websocket capture');
    }
    units.see(space - start);
    const local = localUs(buf, start, space);
    let msg: Json;
    try {
      msg = JSON.parse(buf.toString('utf8', space + 1, end)) as Json;
    } catch (e) {
      throw rowError(ctx.file, lineNo, `the message is not JSON (${(e as Error).message})`, 'the file is damaged: download it again');
    }
    messages++;
    const bad = (what: string): Error =>
      rowError(ctx.file, lineNo, `a ${what} message lacks a field or has a non-numeric one`, 'the file is damaged: download it again');
    const streamName = typeof msg.stream === 'string' ? msg.stream.slice(msg.stream.indexOf('@') + 1) : 'restDepthSnapshot';
    streams[streamName] = (streams[streamName] ?? 0) + 1;
    const d = (typeof msg.stream === 'string' ? msg.data : msg) as Json | undefined;
    if (!d || typeof d !== 'object') throw bad(streamName);
    const eventMs = typeof d.E === 'number' ? d.E : undefined;
    if (eventMs !== undefined) {
      firstMs ??= eventMs;
      lastMs = eventMs;
    }
    if (typeof d.s === 'string') {
      if (symbol === undefined) symbol = d.s;
      else if (d.s !== symbol) throw rowError(ctx.file, lineNo, `the symbol changes from ${symbol} to ${d.s}`, 'split the file by symbol');
    }
    const fallbackMs = Math.floor(local / 1000);
    if (streamName === 'restDepthSnapshot') {
      const id = d.lastUpdateId;
      if (typeof id !== 'number' || !Array.isArray(d.bids) || !Array.isArray(d.asks)) throw bad('depth snapshot');
      depth.beginEvent(DEPTH_EVENT_SNAPSHOT, typeof d.T === 'number' ? d.T : (eventMs ?? fallbackMs), id, id, id - 1);
      depth.localTimeUs?.push(local);
      addLevels(depth, SIDE_BID, d.bids, ctx.file, lineNo);
      addLevels(depth, SIDE_ASK, d.asks, ctx.file, lineNo);
      return;
    }
    const e = typeof d.e === 'string' ? d.e : streamName.startsWith('bookTicker') ? 'bookTicker' : undefined;
    switch (e) {
      case 'depthUpdate': {
        const U = d.U;
        const u = d.u;
        if (typeof U !== 'number' || typeof u !== 'number' || !Array.isArray(d.b) || !Array.isArray(d.a)) throw bad('depthUpdate');
        // Futures carry `pu` (the previous event's u); spot chains by U = previous u + 1.
        const pu = typeof d.pu === 'number' ? d.pu : U - 1;
        depth.beginEvent(DEPTH_EVENT_DIFF, typeof d.T === 'number' ? d.T : (eventMs ?? fallbackMs), U, u, pu);
        depth.localTimeUs?.push(local);
        addLevels(depth, SIDE_BID, d.b, ctx.file, lineNo);
        addLevels(depth, SIDE_ASK, d.a, ctx.file, lineNo);
        return;
      }
      case 'bookTicker': {
        const t = typeof d.T === 'number' ? d.T : fallbackMs;
        const bid = num(d.b);
        const bidQty = num(d.B);
        const ask = num(d.a);
        const askQty = num(d.A);
        const u = num(d.u);
        if (!Number.isFinite(bid + bidQty + ask + askQty + u)) throw bad('bookTicker');
        quotes.push(t, bid, bidQty, ask, askQty);
        quotes.updateId?.push(u);
        quotes.localTimeUs?.push(local);
        return;
      }
      case 'trade':
      case 'aggTrade': {
        const id = num(e === 'trade' ? d.t : d.a);
        const t = num(d.T);
        const p = num(d.p);
        const q = num(d.q);
        if (!Number.isFinite(id + t + p + q) || typeof d.m !== 'boolean') throw bad(e);
        trades.push(t, p, q, d.m);
        trades.id?.push(id);
        return;
      }
      case 'markPriceUpdate': {
        const p = num(d.p);
        const i = num(d.i);
        const P = num(d.P);
        const r = num(d.r);
        const T = num(d.T);
        if (eventMs === undefined || !Number.isFinite(p + i + P + r + T)) throw bad('markPriceUpdate');
        mark.timeMs.push(eventMs);
        mark.markPrice.push(p);
        mark.indexPrice.push(i);
        mark.estimatedSettlePrice.push(P);
        mark.fundingRate.push(r);
        mark.nextFundingTimeMs.push(T);
        mark.localTimeUs?.push(local);
        return;
      }
      default:
        // Other streams (klines, tickers) are counted in `streams` and otherwise ignored.
        return;
    }
  });
  return {
    series: 'stream',
    ...ctx.common,
    rows: messages,
    headerRow: false,
    timeUnit: units.unit,
    mixedTimeUnits: units.mixed,
    ...(symbol ? { contentSymbol: symbol } : {}),
    ...(firstMs !== undefined && lastMs !== undefined ? { firstMs, lastMs } : {}),
    capture: {
      messages,
      streams,
      trades: trades.finish(),
      bookTicker: quotes.finish(),
      depth: depth.finish(),
      markPrice: mark.finish(),
    },
  };
}
