// Which market data a paper or live session reads, by venue profile: Binance USD-M's own `<symbol>@trade` socket
// (fakex's too) and its order book; ccxt.pro `watchTrades` for Bybit, BingX, MEXC and WEEX, with no book there.
// Must refuse (with the reason and the fix) before anything opens, and never open a stream before the session asks.
import ccxt from 'ccxt';
import { InputError } from '../core/errors.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import { VENUE_PROFILES, venueProfile } from '../venues/ccxt/venue-profiles.js';
import { ccxtTradeClient, openCcxtTradeStream } from './ccxt-trade-stream.js';
import type { DepthWatch } from './depth-feed.js';
import { binanceWsBase, openTradeStream, type LiveTrade, type TradeFeed } from './trade-stream.js';

/** What a session does with a trade feed's news. */
export interface TradeHandlers {
  readonly onTrade: (trade: LiveTrade) => void;
  readonly onDrop: (reason: string) => void;
}

/** Opens the session's trade feed when called (session-runner.ts `feedFromTrades`). */
export type OpenTradeFeed = (handlers: TradeHandlers) => TradeFeed;

export interface TradeStreamChoice {
  /** Profile name (`--venue`), e.g. binanceusdm, bybit-linear, mexc. */
  readonly venue: string;
  readonly spec: InstrumentSpec;
  /**
   * `--base-url`: market data from this host instead of the venue's, http -> ws, https -> wss (fakex for binanceusdm; a
   * mirror or a loopback rehearsal server elsewhere, on the venue's websocket paths).
   */
  readonly baseUrl?: string | undefined;
  readonly log: (line: string) => void;
  /** Passed to the ccxt feed (ccxt-trade-stream.ts); defaults there. */
  readonly stallMs?: number;
  readonly reconnectMs?: number;
}

/**
 * The trade feed of `venue` for `spec`. Throws InputError when the profile is unknown, does not trade the instrument,
 * or ccxt cannot stream its public trades (`has.watchTrades`), each with the fix.
 */
export function tradeStreamFor(o: TradeStreamChoice): OpenTradeFeed {
  const profile = venueProfile(o.venue);
  if (!profile.trades(o.spec)) {
    const right = VENUE_PROFILES.find((p) => p.trades(o.spec));
    throw new InputError('CONFLICTING_OPTIONS', '--instrument', `${o.spec.id} is not traded through --venue ${o.venue}`, right === undefined ? 'choose an instrument of that venue' : `use --venue ${right.name}, or an instrument of ${o.venue}`);
  }
  if (profile.ccxtId === 'binanceusdm') {
    const wsBase = binanceWsBase(o.baseUrl);
    return (h) => openTradeStream({ wsBase, symbol: o.spec.symbol, onTrade: h.onTrade, onDrop: h.onDrop });
  }
  const ccxtId = profile.ccxtId;
  if (new ccxt.pro[ccxtId]().has['watchTrades'] !== true) {
    const streaming = VENUE_PROFILES.filter((p) => new ccxt.pro[p.ccxtId]().has['watchTrades'] === true).map((p) => p.name);
    throw new InputError('INVALID_OPTION', '--venue', `ccxt ${ccxt.version} cannot stream ${o.venue}'s public trades (no watchTrades)`, `use a venue it streams: ${streaming.join(', ')}`);
  }
  const wsOrigin = o.baseUrl?.replace(/^http/, 'ws');
  return (h) =>
    openCcxtTradeStream({
      exchange: ccxtTradeClient(ccxtId, o.spec, wsOrigin),
      spec: o.spec,
      onTrade: h.onTrade,
      onDrop: h.onDrop,
      log: o.log,
      ...(o.stallMs === undefined ? {} : { stallMs: o.stallMs }),
      ...(o.reconnectMs === undefined ? {} : { reconnectMs: o.reconnectMs }),
    });
}

/**
 * The order book a session on `venue` keeps: the requested one on binanceusdm (depth-feed.ts reads Binance's depth
 * stream); none elsewhere, said once in the log, so entries there are gated by the trade stream alone.
 */
export function depthFor(venue: string, depth: DepthWatch | undefined, log: (line: string) => void): DepthWatch | undefined {
  if (depth === undefined || venue === 'binanceusdm') return depth;
  log(`order book: kept for binanceusdm only; on ${venue} entries wait for the trade stream alone (--depth off silences this)`);
  return undefined;
}
