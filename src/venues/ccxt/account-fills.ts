// The account's fills as the venue lists them (ccxt fetchMyTrades), mapped to our OrderFilled events with the
// venue's trade id: one trade at a time for the live venue, and a paginated, bounded read since a time for
// reconciliation after a restart. Reads only; must never place, cancel or re-send anything.
import type { Exchange, Order as CcxtOrder, Trade as CcxtTrade } from 'ccxt';
import { countFromFloat, type Lots, type Ticks } from '../../core/grid.js';
import { moneyFromFloat } from '../../core/money.js';
import { MS_PER_DAY, type Clock } from '../../core/time.js';
import type { InstrumentSpec } from '../../domain/instrument.js';
import type { VenueEvent } from '../venue.js';

export type OrderFilledEvent = Extract<VenueEvent, { type: 'OrderFilled' }>;

/** One venue trade of the account: its ids and the event it becomes. */
export interface AccountFill {
  /** The venue's trade id (Binance userTrades `id`, the user stream's `t`), the key for dedupe; see tradeKeys where the venue gives none. */
  readonly tradeId: string;
  readonly venueOrderId: string;
  readonly event: OrderFilledEvent;
}

export interface FillsSince {
  /** In venue time order, each trade once, none before `sinceMs`. */
  readonly fills: readonly AccountFill[];
  /** False when the page bound was reached first (read again from the last fill's time) or a trade could not be mapped. */
  readonly complete: boolean;
}

export interface FillsSinceSource {
  readonly exchange: Exchange;
  readonly clock: Clock;
  /** Client id of a venue order id when this process knows it; otherwise the order is read from the venue. */
  readonly clientIdOf: (venueOrderId: string) => string | undefined;
  /** Per-order query params (e.g. none for Binance regular orders). */
  readonly orderParams?: Record<string, unknown>;
  /** The profile's repair of ccxt's order (MEXC: the client id is `externalOid`, which ccxt does not read). */
  readonly repairOrder?: (o: CcxtOrder) => CcxtOrder;
  /**
   * The action of a venue order this process knows. The order, not the trade, says buy or sell: BingX's
   * allFillOrders rows have no side, and ccxt reads MEXC's position-effect sides 2-4 as sell, '3' and '4'.
   */
  readonly actionOf?: (venueOrderId: string) => 'buy' | 'sell' | undefined;
  /** The venue's page: its row limit and the params that end a window (default Binance: 1000, ccxt's `until`). */
  readonly page?: FillsPage;
}

/** How a venue pages the account's trades through ccxt fetchMyTrades (VenueProfile `fillsPage`). */
export interface FillsPage {
  readonly limit: number;
  untilParams(untilMs: number): Record<string, unknown>;
  /** The venue fills a page from the start of the window (Binance); false where that is not known. Default true. */
  readonly oldestFirst?: boolean;
}

/** Binance userTrades: startTime..endTime at most 7 days apart, at most 1000 rows a page (ccxt enforces both too). */
const WINDOW_MS = 7 * MS_PER_DAY;
export const FILLS_PAGE_LIMIT = 1000;
export const FILLS_MAX_PAGES = 50;

/**
 * The event for one ccxt trade of an order, or undefined when its quantity or price is off the instrument's grid
 * (ccxt parses the venue's decimal text to a float; `nearest` recovers the exact step count).
 */
export function fillFromTrade(trade: CcxtTrade, spec: InstrumentSpec, clientId: string, action: 'buy' | 'sell', positionSide: 'long' | 'short' | undefined, nowMs: number): OrderFilledEvent | undefined {
  const lots = countFromFloat(trade.amount ?? 0, spec.lot, 'nearest') ?? 0;
  const priceTicks = countFromFloat(trade.price ?? Number.NaN, spec.tick, 'nearest');
  if (lots <= 0 || priceTicks === undefined) return undefined;
  return {
    type: 'OrderFilled',
    clientId,
    instrument: spec.id,
    action,
    lots: lots as Lots,
    priceTicks: priceTicks as Ticks,
    liquidity: trade.takerOrMaker === 'maker' ? 'maker' : 'taker',
    fee: moneyFromFloat(trade.fee?.cost ?? 0, 'nearest'),
    ...(positionSide === undefined ? {} : { positionSide }),
    tsVenue: trade.timestamp ?? nowMs,
    tsLocal: nowMs,
  };
}

/**
 * The dedupe key of each trade in one venue answer: the venue's trade id where it gives one; else (BingX's
 * allFillOrders has none) `order:time:qty:price`, with `#n` added to the n-th repeat inside the answer, so two equal
 * fills of one order in one millisecond stay two. The same answer read again gives the same keys.
 */
export function tradeKeys(trades: readonly CcxtTrade[]): string[] {
  const repeats = new Map<string, number>();
  return trades.map((t) => {
    if (t.id !== undefined && t.id !== null && String(t.id) !== '') return String(t.id);
    const base = `${String(t.order)}:${t.timestamp ?? ''}:${t.amount ?? ''}:${t.price ?? ''}`;
    const n = repeats.get(base) ?? 0;
    repeats.set(base, n + 1);
    return n === 0 ? base : `${base}#${n}`;
  });
}

/** The hedge-mode leg Binance reports on a trade (`positionSide` LONG/SHORT), undefined in one-way mode (BOTH). */
function legOf(trade: CcxtTrade): 'long' | 'short' | undefined {
  const ps = (trade.info as { positionSide?: unknown } | undefined)?.positionSide;
  return ps === 'LONG' ? 'long' : ps === 'SHORT' ? 'short' : undefined;
}

/**
 * Every fill of the account on `spec` from `sinceMs` (venue ms, inclusive) to now, read in 7-day windows of up to
 * `page.limit` trades, at most `maxPages` requests. After a full page the rest of its window is read too: after its
 * last millisecond where the venue lists oldest first (Binance); where the order is not known (ccxt sorts every
 * answer by time, so a page does not show it), both before its first and after its last millisecond. Client ids
 * and actions of orders this process does not know are read from the venue (fetchOrder by venue order id), once per
 * order. Throws what ccxt throws; the caller maps it.
 */
export async function readFillsSince(src: FillsSinceSource, spec: InstrumentSpec, sinceMs: number, maxPages = FILLS_MAX_PAGES): Promise<FillsSince> {
  const nowMs = src.clock.nowMs();
  const limit = src.page?.limit ?? FILLS_PAGE_LIMIT;
  const oldestFirst = src.page?.oldestFirst ?? true;
  const seen = new Set<string>();
  const trades: { trade: CcxtTrade; key: string }[] = [];
  let pages = 0;
  let complete = true;
  windows: for (let windowFromMs = sinceMs; windowFromMs <= nowMs; windowFromMs += WINDOW_MS) {
    const windowToMs = Math.min(windowFromMs + WINDOW_MS - 1, nowMs);
    const pending = [{ fromMs: windowFromMs, toMs: windowToMs }];
    for (let w = pending.pop(); w !== undefined; w = pending.pop()) {
      if (pages >= maxPages) {
        complete = false;
        break windows;
      }
      const page = await src.exchange.fetchMyTrades(spec.ccxtSymbol, w.fromMs, limit, src.page?.untilParams(w.toMs) ?? { until: w.toMs });
      pages += 1;
      const keys = tradeKeys(page);
      let minMs = w.toMs;
      let maxMs = w.fromMs;
      page.forEach((t, i) => {
        const ts = t.timestamp ?? 0;
        minMs = Math.min(minMs, ts);
        maxMs = Math.max(maxMs, ts);
        const key = keys[i] ?? String(t.id);
        if (ts < sinceMs || ts > windowToMs || seen.has(key)) return;
        seen.add(key);
        trades.push({ trade: t, key });
      });
      if (page.length < limit) continue;
      // A full page may stop inside a millisecond: the next page includes that millisecond, and keys dedupe it.
      const after = { fromMs: maxMs > w.fromMs ? maxMs : maxMs + 1, toMs: w.toMs };
      if (oldestFirst) {
        if (after.fromMs <= after.toMs) pending.push(after);
        continue;
      }
      // Only windows smaller than this one: a millisecond holding a full page cannot be read apart.
      if (maxMs > w.fromMs) pending.push(after);
      if (minMs < w.toMs) pending.push({ fromMs: w.fromMs, toMs: minMs });
      if (maxMs <= w.fromMs && minMs >= w.toMs) complete = false;
    }
  }
  trades.sort((a, b) => (a.trade.timestamp ?? 0) - (b.trade.timestamp ?? 0) || Number(a.trade.id) - Number(b.trade.id) || 0);
  const orders = new Map<string, { readonly clientId: string | undefined; readonly action: 'buy' | 'sell' | undefined }>();
  const fills: AccountFill[] = [];
  for (const { trade: t, key } of trades) {
    const venueOrderId = String(t.order);
    if (!orders.has(venueOrderId)) {
      const clientId = src.clientIdOf(venueOrderId);
      orders.set(venueOrderId, clientId === undefined ? await orderFromVenue(src, spec, venueOrderId) : { clientId, action: src.actionOf?.(venueOrderId) });
    }
    const order = orders.get(venueOrderId)!;
    const action = order.action ?? (t.side === 'sell' ? 'sell' : 'buy');
    const event = order.clientId === undefined ? undefined : fillFromTrade(t, spec, order.clientId, action, legOf(t), nowMs);
    if (event !== undefined) fills.push({ tradeId: key, venueOrderId, event });
    else complete = false;
  }
  return { fills, complete };
}

async function orderFromVenue(src: FillsSinceSource, spec: InstrumentSpec, venueOrderId: string): Promise<{ readonly clientId: string | undefined; readonly action: 'buy' | 'sell' | undefined }> {
  const raw = await src.exchange.fetchOrder(venueOrderId, spec.ccxtSymbol, src.orderParams ?? {});
  const o = src.repairOrder?.(raw) ?? raw;
  return { clientId: o.clientOrderId === undefined || o.clientOrderId === '' ? undefined : o.clientOrderId, action: o.side === 'buy' || o.side === 'sell' ? o.side : undefined };
}
