// Live public trades from Bybit, BingX, MEXC and WEEX through ccxt's websocket layer (ccxt.pro `watchTrades`), as a
// session's trade feed: exact ticks and lots on the instrument's grid, replayed trades dropped, a drop or a stall
// reported (entries wait) and the stream resubscribed. Must never hold API keys, nor hand on a trade off the grid.
import { Agent } from 'node:http';
import ccxt, { type Exchange, type Trade } from 'ccxt';
import { formatUnits } from '../core/decimal.js';
import { countFromText, describeGridProblem, type Lots, type Ticks } from '../core/grid.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import type { CcxtExchangeId } from '../venues/ccxt/venue-profile.js';
import type { LiveTrade, TradeFeed } from './trade-stream.js';

/** A live trade as the feed hands it on: the session's `LiveTrade` plus its exact grid counts and the venue's id. */
export interface GridTrade extends LiveTrade {
  readonly priceTicks: Ticks;
  readonly qtyLots: Lots;
  /** The venue's trade id, or ccxt's identity of a trade the venue sends without one; undefined when neither. */
  readonly tradeId: string | undefined;
}

/** What the feed has seen since it opened. */
export interface CcxtTradeStats {
  /** Trades handed on. */
  trades: number;
  /** Trades dropped because one with the same identity was handed on already (a venue or ccxt replay). */
  duplicates: number;
  /** Trades dropped because their price or size is not on the instrument's grid (the spec may be out of date). */
  offGrid: number;
  /** Times the stream went down (a closed socket, a failed subscription, a stall). */
  drops: number;
  /** Of those, stalls: no trade for `stallMs`. */
  stalls: number;
}

export interface CcxtTradeFeed extends TradeFeed {
  readonly stats: CcxtTradeStats;
  /** Resolves once `close` has ended the loop and the sockets: nothing of the feed is left running. */
  readonly closed: Promise<void>;
}

export interface CcxtTradeStreamOptions {
  /** A ccxt.pro client of the venue, used by this feed alone (`ccxtTradeClient`); the feed closes it. */
  readonly exchange: Exchange;
  readonly spec: InstrumentSpec;
  readonly onTrade: (trade: GridTrade) => void;
  /** Told once per down spell (the feed resubscribes by itself); trades flowing again end the spell. */
  readonly onDrop?: (reason: string) => void;
  /** Told when the first trade after a drop arrives. */
  readonly onResume?: () => void;
  readonly log?: (line: string) => void;
  /** First wait before resubscribing after a drop, ms (doubles per failed attempt up to 30 s). Default 500. */
  readonly reconnectMs?: number;
  /** No trade for this long (ms) is a stall: the socket is replaced. Default 30 000 (liquid perpetuals trade every second). */
  readonly stallMs?: number;
  /** How far back (ms) trade identities are remembered; an older trade cannot be told from a replay and is dropped. Default 60 000. */
  readonly dedupeWindowMs?: number;
}

const MAX_RECONNECT_MS = 30_000;

/**
 * A public-data ccxt.pro client for `ccxtId` trading `spec`: no keys; prices and sizes kept as the venue's decimal
 * strings (`exchange.number = String`, so the grid conversion is exact); ccxt's own reconnect backoff off (the feed
 * paces its resubscriptions and can cancel them on close); the market set from the spec, so the feed needs no REST
 * call at all. `wsOrigin` (e.g. ws://127.0.0.1:PORT) replaces the host of every websocket URL, keeping the paths.
 */
export function ccxtTradeClient(ccxtId: CcxtExchangeId, spec: InstrumentSpec, wsOrigin?: string): Exchange {
  const exchange: Exchange = new ccxt.pro[ccxtId]({ enableRateLimit: true, options: { ws: { backoff: { base: 0 } } } });
  exchange.number = String as unknown as Exchange['number'];
  exchange.setMarkets([marketOf(spec) as never]);
  if (wsOrigin !== undefined) pointWsAt(exchange, wsOrigin);
  return exchange;
}

/**
 * The fields of ccxt's unified market (https://docs.ccxt.com/#/README?id=market-structure) that `watchTrades`
 * reads to subscribe and parse: the venue's symbol as id, the unified symbol, and the contract's kind.
 */
function marketOf(spec: InstrumentSpec): Record<string, unknown> {
  const linear = spec.contractType === 'linear';
  const perpetual = spec.expiry.kind === 'perpetual';
  return {
    id: spec.symbol,
    symbol: spec.ccxtSymbol,
    base: spec.base,
    quote: spec.quote,
    settle: spec.settle,
    type: perpetual ? 'swap' : 'future',
    spot: false,
    swap: perpetual,
    future: !perpetual,
    contract: true,
    linear,
    inverse: !linear,
    active: true,
    contractSize: Number(formatUnits(spec.contractSize.units, spec.contractSize.scale)),
    precision: { amount: spec.lot.stepFloat, price: spec.tick.stepFloat },
    limits: {},
    info: {},
  };
}

/** Rewrites the host of every websocket URL of `exchange` to `wsOrigin` (ws:// or wss://), keeping the paths. */
export function pointWsAt(exchange: Exchange, wsOrigin: string): void {
  const origin = new URL(wsOrigin).origin;
  const rewrite = (node: Record<string, unknown>): void => {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === 'string') node[k] = v.replace(/^wss?:\/\/[^/]+/, origin);
      else if (v !== null && typeof v === 'object') rewrite(v as Record<string, unknown>);
    }
  };
  rewrite(exchange.urls['api']['ws'] as Record<string, unknown>);
  // ccxt opens plain ws:// only through an explicit http agent (its proxy path); loopback rehearsals need it.
  if (origin.startsWith('ws:')) exchange.httpAgent ??= new Agent();
}

/**
 * Watches `spec.ccxtSymbol` on `o.exchange` until `close`. Every trade is converted with the instrument's grid
 * exactly (countFromText 'exact' on the venue's decimal text); sizes are in the venue's quantity unit, which is
 * the spec's lot unit (contracts: MEXC 0.0001 BTC, Bybit inverse 1 USD; coins elsewhere). A trade is handed on
 * once: by its id, else by (time, side, price, size) as ccxt identifies id-less trades.
 */
export function openCcxtTradeStream(o: CcxtTradeStreamOptions): CcxtTradeFeed {
  const ex = o.exchange;
  const stallMs = o.stallMs ?? 30_000;
  const windowMs = o.dedupeWindowMs ?? 60_000;
  const baseReconnectMs = o.reconnectMs ?? 500;
  const stats: CcxtTradeStats = { trades: 0, duplicates: 0, offGrid: 0, drops: 0, stalls: 0 };
  const seen = new Map<string, number>();
  let newestMs = Number.NEGATIVE_INFINITY;
  let down: string | undefined;
  let closing = false;
  let stallTimer: NodeJS.Timeout | undefined;
  let wake: { timer: NodeJS.Timeout; resolve: () => void } | undefined;

  const goDown = (reason: string): void => {
    if (down !== undefined) return;
    down = reason;
    stats.drops++;
    o.onDrop?.(reason);
  };
  // ccxt's own keepalive timeout takes the same path: reject the waiting watch, drop the client, kill the socket.
  const onStall = (): void => {
    stallTimer = undefined;
    if (closing) return;
    stats.stalls++;
    goDown(`trade stream ${ex.id} stalled: no trade for ${stallMs} ms; resubscribing`);
    for (const client of Object.values(ex.clients ?? {})) {
      client.onError(new ccxt.RequestTimeout(`no trade for ${stallMs} ms`));
      (client.connection as { terminate?: () => void } | undefined)?.terminate?.();
    }
  };
  const armStall = (): void => {
    if (stallTimer !== undefined) clearTimeout(stallTimer);
    stallTimer = closing ? undefined : setTimeout(onStall, stallMs);
  };
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      wake = { timer: setTimeout(resolve, ms), resolve };
    });

  const deliver = (t: Trade): void => {
    const timeMs = t.timestamp;
    // ccxt leaves a field undefined when the venue's message lacks it; such a message is not a trade we can place.
    if (typeof timeMs !== 'number' || t.price === undefined || t.amount === undefined) return;
    const priceText = String(t.price);
    const qtyText = String(t.amount);
    const id = t.id ?? `${timeMs}|${t.side}|${priceText}|${qtyText}`;
    if (seen.has(id) || timeMs < newestMs - windowMs) {
      stats.duplicates++;
      return;
    }
    seen.set(id, timeMs);
    if (timeMs > newestMs) newestMs = timeMs;
    // Insertion order is nearly time order: forgetting from the front until an identity is inside the window is O(1) a trade.
    for (const [k, ms] of seen) {
      if (ms >= newestMs - windowMs) break;
      seen.delete(k);
    }
    const ticks = countFromText(priceText, o.spec.tick, 'exact');
    const lots = countFromText(qtyText, o.spec.lot, 'exact');
    if (!ticks.ok || !lots.ok) {
      if (stats.offGrid++ === 0) {
        const problem = !ticks.ok ? `price ${describeGridProblem(ticks.error)}` : `size ${lots.ok ? '' : describeGridProblem(lots.error)}`;
        o.log?.(`trade stream ${ex.id}: a ${o.spec.id} trade is off the instrument's grid (${problem}); such trades are dropped: check the spec against the venue`);
      }
      return;
    }
    stats.trades++;
    o.onTrade({
      timeMs,
      price: Number(priceText),
      qty: Number(qtyText),
      isBuyerMaker: t.side === 'sell',
      priceTicks: ticks.value as Ticks,
      qtyLots: lots.value as Lots,
      tradeId: t.id,
    });
  };

  const loop = async (): Promise<void> => {
    let waitMs = baseReconnectMs;
    armStall();
    while (!closing) {
      let batch: Trade[];
      try {
        batch = await ex.watchTrades(o.spec.ccxtSymbol);
      } catch (e) {
        if (closing) break;
        goDown(`trade stream ${ex.id} down: ${e instanceof Error ? e.message : String(e)}; resubscribing`);
        await sleep(waitMs);
        waitMs = Math.min(waitMs * 2, MAX_RECONNECT_MS);
        // A new subscription that stays silent is a stall too.
        armStall();
        continue;
      }
      if (closing) break;
      if (batch.length > 0) {
        armStall();
        waitMs = baseReconnectMs;
        if (down !== undefined) {
          down = undefined;
          o.onResume?.();
        }
      }
      // Outside the try: an error in the session's handler is a bug that must stop the run, not a dropped stream.
      for (const t of batch) deliver(t);
    }
  };

  const running = loop();
  let closeRun: Promise<void> | undefined;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const close = (): Promise<void> => {
    closeRun ??= (async () => {
      closing = true;
      if (stallTimer !== undefined) clearTimeout(stallTimer);
      if (wake !== undefined) {
        clearTimeout(wake.timer);
        wake.resolve();
      }
      const sockets = Object.values(ex.clients ?? {}).map((c) => c.connection as { terminate?: () => void } | undefined);
      // A peer that never answers the close frame would hold the socket for ws's 30 s close timeout.
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([ex.close().catch(() => undefined), new Promise<void>((resolve) => (grace = setTimeout(resolve, 1000)))]);
      clearTimeout(grace);
      for (const s of sockets) s?.terminate?.();
      await running;
      resolveClosed();
    })();
    return closeRun;
  };
  return { stats, close: () => void close(), closed };
}
