// Connects a CcxtVenue on Binance USD-M to its user data stream: order events become trades the venue reports at
// once (or REST read-backs), algo-order events its trigger and final states, account events go to the session, and
// every stream gap triggers the venue's REST resync. Glue only; must never emit venue events itself nor turn a trade
// it cannot parse exactly into a fill.
import { countFromText, type Grid, type Lots, type Ticks } from '../../core/grid.js';
import { moneyFromText, type Money } from '../../core/money.js';
import type { Liquidity } from '../../domain/fees.js';
import { BinanceUserStream, ccxtListenKeys, type ResyncReason, type StreamAlgoUpdate, type StreamOrderUpdate } from './binance-user-stream.js';
import type { CcxtVenueOptions } from './ccxt-venue-options.js';

/** A pushed trade in our units: the venue trade id, exact lots and ticks, the fee in the settle asset. */
export interface StreamTrade {
  readonly tradeId: string;
  readonly lots: Lots;
  readonly priceTicks: Ticks;
  readonly liquidity: Liquidity;
  readonly fee: Money;
  readonly tsVenue: number;
}

/** The grids a pushed trade is read on. */
export interface StreamGrids {
  readonly tick: Grid;
  readonly lot: Grid;
  readonly settle: string;
}

/** What the link drives on the venue. */
export interface StreamTarget {
  ingest(clientId: string, venueOrderId: string, trade: StreamTrade | undefined): Promise<void>;
  algoUpdate(update: StreamAlgoUpdate): Promise<void>;
  resync(reason: ResyncReason): Promise<void>;
}

/**
 * The trade of an ORDER_TRADE_UPDATE in our units; undefined when it carries none, or when its quantity or price is
 * off the grid or its fee is not in the settle asset (then the venue reads the order back by REST instead).
 */
export function streamTrade(u: StreamOrderUpdate, grids: StreamGrids | undefined): StreamTrade | undefined {
  const f = u.fill;
  if (f === undefined || grids === undefined || f.feeAsset !== grids.settle) return undefined;
  const lots = countFromText(f.qtyText, grids.lot, 'exact');
  const price = countFromText(f.priceText, grids.tick, 'exact');
  const fee = moneyFromText(f.feeText, 'nearest');
  if (!lots.ok || !price.ok || fee === undefined) return undefined;
  return { tradeId: f.tradeId, lots: lots.value as Lots, priceTicks: price.value as Ticks, liquidity: f.maker ? 'maker' : 'taker', fee, tsVenue: f.tsVenue };
}

/** The stream for `o.userStream` (Binance USD-M only; undefined otherwise). Started by the venue's connect(). */
export function linkUserStream(target: StreamTarget, o: CcxtVenueOptions): BinanceUserStream | undefined {
  const us = o.userStream === true ? {} : o.userStream === false ? undefined : o.userStream;
  if (us === undefined || o.profile.ccxtId !== 'binanceusdm') return undefined;
  const grids = new Map(o.instruments.map((s) => [s.symbol, { tick: s.tick, lot: s.lot, settle: s.settle }]));
  return new BinanceUserStream({
    wsBaseUrl: us.wsBaseUrl ?? 'wss://fstream.binance.com',
    listenKeys: ccxtListenKeys(o.exchange),
    ...(us.keepAliveMs === undefined ? {} : { keepAliveMs: us.keepAliveMs }),
    ...(us.backoffMs === undefined ? {} : { backoffMs: us.backoffMs }),
    handlers: {
      onOrderUpdate: (u) => {
        // NEW only acknowledges what the REST answer to the order already told.
        if (u.execution !== 'NEW') void target.ingest(u.clientId, u.venueOrderId, streamTrade(u, grids.get(u.symbol)));
      },
      // A conditional order's own lifecycle (trigger, cancel, expiry, rejection); its fills come as its child's trades.
      onAlgoUpdate: (u) => {
        if (grids.has(u.symbol)) void target.algoUpdate(u);
      },
      onAccountUpdate: (update) => o.onAccount?.({ kind: 'stream', update }),
      onResync: (reason) => void target.resync(reason),
    },
  });
}
