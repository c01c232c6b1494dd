// The local order book of a paper or live session: Binance USD-M depth (REST snapshot + diffs under the exchange's
// sequence rules, binance-ws.ts) kept beside the trade stream, and why it is stale (a gap being resynced, a silent
// stall, a dropped socket, no snapshot yet), which blocks the session's entries. Must never call a book fresh that
// the stream cannot vouch for, and never block an exit (the guarded port exempts them).
import { InputError } from '../core/errors.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import { BinanceMarketStream, type BookStaleness, type BookTickerUpdate, type MarketStreamStats } from '../venues/ccxt/binance-ws.js';

/** Binance USD-M's REST base, where the real exchange's depth snapshots come from. */
export const BINANCE_USDM_REST = 'https://fapi.binance.com';
/** A healthy combined stream carries a message at least every few seconds (markPrice every 3 s, depth every 100 ms). */
export const DEFAULT_DEPTH_STALL_MS = 5000;

/** Keep a local book for the session. Absent: no book, nothing blocks entries but the trade stream. */
export interface DepthWatch {
  /** REST base for GET /fapi/v1/depth snapshots: the venue, or fakex's http://127.0.0.1:PORT. */
  readonly restBase: string;
  /** No market-data message for longer than this (ms) is a stall: the book is stale and its socket replaced. */
  readonly stallMs: number;
}

/**
 * The book setting from the session flags: `--depth on|off` and `--depth-stall-ms` (a whole number of ms, at least
 * 100: the depth stream's own update interval). Throws InputError naming the flag.
 */
export function depthWatchOf(flags: { readonly depth: string; readonly depthStallMs: string }, restBaseUrl: string | undefined): DepthWatch | undefined {
  if (flags.depth !== 'on' && flags.depth !== 'off') throw new InputError('INVALID_OPTION', '--depth', `"${flags.depth}" is neither on nor off`, 'use --depth on (entries wait for a fresh order book) or --depth off');
  const stallMs = Number(flags.depthStallMs);
  if (!Number.isSafeInteger(stallMs) || stallMs < 100) {
    throw new InputError('INVALID_OPTION', '--depth-stall-ms', `"${flags.depthStallMs}" is not a whole number of milliseconds of at least 100`, `give a stall time such as ${DEFAULT_DEPTH_STALL_MS}`);
  }
  return flags.depth === 'off' ? undefined : { restBase: restBaseUrl ?? BINANCE_USDM_REST, stallMs };
}

/** A running book. */
export interface DepthFeed {
  readonly stream: BinanceMarketStream;
  /** "order book stale: ..." while entries must wait, undefined while the book is fresh. */
  reason(): string | undefined;
  readonly stats: MarketStreamStats;
  close(): void;
}

/** The reason a person (and the journal's BLOCKED detail) reads. */
export function describeStaleness(s: BookStaleness, stallMs: number): string {
  switch (s.cause) {
    case 'disconnected':
      return 'order book stale: the depth stream is disconnected; reconnecting';
    case 'stall':
      return `order book stale: no market data for ${s.silentMs} ms (stall limit ${stallMs} ms); replacing the socket`;
    case 'gap':
      return `order book stale: depth sequence gap after update ${s.afterU ?? 'none'} (next event's pu ${s.pu ?? 'none'}); resyncing from a snapshot`;
    case 'syncing':
      return 'order book stale: not synced yet (waiting for a depth snapshot that fits the diffs)';
  }
}

/**
 * Starts the book of `spec` on the websocket base `wsBase`; every stale spell and resync is logged once. `onQuote`
 * gets every bookTicker update of the same stream (Binance's own best bid / ask, real time, not the book's top: see
 * docs/live.md), in arrival order; the update object is rewritten per quote, so read it inside the call.
 */
export function openDepthFeed(o: {
  readonly wsBase: string;
  readonly watch: DepthWatch;
  readonly spec: InstrumentSpec;
  readonly log: (line: string) => void;
  readonly onQuote?: ((q: BookTickerUpdate) => void) | undefined;
}): DepthFeed {
  const stallMs = o.watch.stallMs;
  const reason = (): string | undefined => {
    const s = stream.staleness();
    return s === undefined ? undefined : describeStaleness(s, stallMs);
  };
  const stream = new BinanceMarketStream({
    wsBaseUrl: o.wsBase,
    restBaseUrl: o.watch.restBase,
    symbol: o.spec.symbol,
    tick: o.spec.tick,
    lot: o.spec.lot,
    stallMs,
    handlers: {
      onStale: () => o.log(`${reason() ?? 'order book stale'}; entries blocked until it is resynced`),
      onResync: (lastUpdateId) => o.log(`order book resynced from snapshot ${lastUpdateId}; entries allowed`),
      ...(o.onQuote === undefined ? {} : { onBookTicker: o.onQuote }),
    },
  });
  stream.start();
  return {
    stream,
    reason,
    stats: stream.stats,
    close: () => {
      stream.stop();
      const s = stream.stats;
      o.log(`order book: ${s.gaps} gaps, ${s.stalls} stalls, ${s.reconnects} reconnects, ${s.resyncs} syncs from ${s.snapshots} snapshots`);
    },
  };
}
