// The venue port: the one interface the engine talks to, implemented alike by the simulated venue (backtest, paper)
// and by exchange adapters (live). Commands go in without waiting; everything the venue does comes back as events
// through the sink, each stamped with the venue's time and ours. Must never import the engine or a concrete venue.
import type { Lots, Ticks } from '../core/grid.js';
import type { Money } from '../core/money.js';
import type { Liquidity } from '../domain/fees.js';
import type { InstrumentId } from '../domain/instrument.js';
import type { OrderAction, OrderSpec, OrderType, TimeInForce } from '../domain/order.js';
import type { Side } from '../domain/side.js';

/** Position mode: one net position per instrument, or separate long and short legs. */
export type PositionMode = 'one-way' | 'hedge';
/** Margin mode: margin set aside per position (isolated) or the whole balance shared (cross). */
export type MarginMode = 'isolated' | 'cross';

/** What a venue can do; anything else is refused before sending, with the reason. */
export interface VenueCapabilities {
  readonly orderTypes: ReadonlySet<OrderType>;
  readonly timeInForce: ReadonlySet<TimeInForce>;
  readonly reduceOnly: boolean;
  readonly positionModes: ReadonlySet<PositionMode>;
  readonly marginModes: ReadonlySet<MarginMode>;
  /** Whether bracket exits rest on the venue natively, or the venue emulates them (attach on entry fill, OCO). */
  readonly brackets: 'native' | 'emulated';
  readonly clientOrderIds: boolean;
  /** Whether the venue prices bracket exits from the entry fill itself (`BracketSpec.exitsFromFill`); absent = no. */
  readonly bracketExitsFromFill?: boolean;
}

/** Why a venue refused an order: the venue's reasons, mapped to one small code set (live adapters map their codes). */
export type RejectCode =
  | 'MIN_NOTIONAL'
  | 'MIN_QTY'
  | 'MAX_QTY'
  | 'OFF_GRID'
  | 'INSUFFICIENT_MARGIN'
  | 'REDUCE_ONLY_WOULD_INCREASE'
  | 'POST_ONLY_WOULD_TAKE'
  | 'FOK_NOT_FILLABLE'
  | 'IOC_NOT_FILLABLE'
  | 'UNSUPPORTED'
  | 'UNKNOWN_ORDER'
  | 'DUPLICATE_CLIENT_ID'
  | 'PRICE_OUT_OF_BOUNDS'
  | 'VENUE_ERROR';

/** A bracket: an entry whose fill attaches a take-profit and a stop-loss as an OCO pair, sized to the filled quantity. */
export interface BracketSpec {
  readonly entry: OrderSpec;
  /** Optional take-profit exit (a limit or take-profit order with the opposite action, reduce-only). */
  readonly takeProfit?: OrderSpec;
  /** The stop-loss exit (stop-market or stop-limit, opposite action, reduce-only). Non-negotiable. */
  readonly stopLoss: OrderSpec;
  /**
   * Optional: price the exits from the entry's first fill instead of the prices written in the exit specs (which
   * are then placeholders). Percent distances (0.2 = 0.2 %): long TP = fill x (1 + takeProfitPct/100), stop = fill x
   * (1 - stopLossPct/100), mirrored for a short, each rounded to the nearest tick (issue 5; `bracketExitTicks` in
   * venues/simulated/bracket-prices.ts); a stop-limit / take-profit-limit keeps its limit at the trigger. A venue
   * without `capabilities.bracketExitsFromFill` gets the same effect from the engine (a ModifyOrder on the entry fill).
   */
  readonly exitsFromFill?: { readonly takeProfitPct?: number; readonly stopLossPct: number };
}

export type VenueCommand =
  | { readonly type: 'SubmitOrder'; readonly order: OrderSpec; readonly tsLocal: number }
  | { readonly type: 'SubmitBracket'; readonly bracket: BracketSpec; readonly tsLocal: number }
  | { readonly type: 'SubmitOco'; readonly orders: readonly OrderSpec[]; readonly tsLocal: number }
  | {
      readonly type: 'ModifyOrder';
      readonly clientId: string;
      readonly qtyLots?: Lots;
      readonly limitTicks?: Ticks;
      readonly triggerTicks?: Ticks;
      readonly tsLocal: number;
    }
  | { readonly type: 'CancelOrder'; readonly clientId: string; readonly tsLocal: number }
  | { readonly type: 'CancelAll'; readonly instrument: InstrumentId; readonly tsLocal: number };

interface Stamped {
  /** When the venue says it happened (ms). */
  readonly tsVenue: number;
  /** When we learned of it (ms): equal to tsVenue in a backtest without latency. */
  readonly tsLocal: number;
}

export type VenueEvent =
  | (Stamped & { readonly type: 'OrderAccepted'; readonly clientId: string; readonly venueOrderId: string })
  | (Stamped & { readonly type: 'OrderRejected'; readonly clientId: string; readonly code: RejectCode; readonly reason: string })
  | (Stamped & { readonly type: 'OrderTriggered'; readonly clientId: string })
  | (Stamped & {
      readonly type: 'OrderFilled';
      readonly clientId: string;
      readonly instrument: InstrumentId;
      readonly action: OrderAction;
      readonly lots: Lots;
      readonly priceTicks: Ticks;
      readonly liquidity: Liquidity;
      /** Fee charged for this fill in the settle asset (negative for a maker rebate). */
      readonly fee: Money;
      /** In hedge mode, the leg; undefined in one-way mode. */
      readonly positionSide?: Side;
    })
  | (Stamped & { readonly type: 'OrderModified'; readonly clientId: string; readonly order: OrderSpec })
  | (Stamped & { readonly type: 'OrderCancelled'; readonly clientId: string; readonly reason: string })
  | (Stamped & { readonly type: 'OrderExpired'; readonly clientId: string; readonly reason: string })
  | (Stamped & { readonly type: 'CancelRejected'; readonly clientId: string; readonly code: RejectCode; readonly reason: string })
  /** A ModifyOrder the venue refused; the order is unchanged. */
  | (Stamped & { readonly type: 'ModifyRejected'; readonly clientId: string; readonly code: RejectCode; readonly reason: string })
  | (Stamped & {
      readonly type: 'FundingSettled';
      readonly instrument: InstrumentId;
      /** The funding rate applied (fraction). */
      readonly rate: number;
      readonly markTicks: Ticks;
      readonly signedLots: number;
      /** Cash flow to the account: negative when the position paid. */
      readonly amount: Money;
      readonly positionSide?: Side;
    })
  | (Stamped & {
      readonly type: 'PositionLiquidated';
      readonly instrument: InstrumentId;
      readonly side: Side;
      readonly lots: Lots;
      /** The price the position was closed at (the liquidation price, per the venue's rules). */
      readonly priceTicks: Ticks;
      readonly markTicks: Ticks;
      readonly realisedPnl: Money;
      readonly fee: Money;
    });

/** Where a venue delivers its events. The engine implements it; a venue never knows who listens. */
export interface VenueEventSink {
  onVenueEvent(event: VenueEvent): void;
  /**
   * Optional opt-in: true when the sink reads each event inside `onVenueEvent` and keeps no reference to the event
   * object once it returns (objects nested in it, such as an OrderModified's `order`, may be kept: they are never
   * reused). A venue may then hand it the same mutable event object again for a later event of the same type,
   * saving an allocation per event on the backtest's per-trade path. Absent or false: every event must be a fresh
   * object the sink may keep (recorders, wrappers). A venue is free to ignore it (live adapters do).
   */
  readonly eventsMayBeReused?: boolean;
}

/** One position as the venue reports it. */
export interface VenuePosition {
  readonly instrument: InstrumentId;
  /** Signed lots in one-way mode; the leg's lots with `positionSide` in hedge mode. */
  readonly signedLots: number;
  readonly positionSide?: Side;
  /** Average entry price in ticks (a float: an average need not be on the grid). */
  readonly entryTicks: number;
  readonly isolatedMargin?: Money;
}

/** One working order as the venue reports it (for reconciliation after a restart or an unknown outcome). */
export interface VenueOpenOrder {
  readonly clientId: string;
  readonly venueOrderId: string;
  readonly order: OrderSpec;
  readonly filledLots: Lots;
}

/** The venue's account state, for start-up checks and reconciliation. */
export interface VenueSnapshot {
  readonly tsVenue: number;
  readonly settleAsset: string;
  /** Wallet balance: deposits + realised P&L - fees +/- funding. */
  readonly balance: Money;
  readonly positions: readonly VenuePosition[];
  readonly openOrders: readonly VenueOpenOrder[];
  readonly positionMode: PositionMode;
  readonly marginMode: MarginMode;
}

/**
 * The port. `send` never blocks and never throws for a venue-side refusal: refusals come back as events
 * (OrderRejected, CancelRejected). It throws only for a bug (a command the capabilities rule out should have been
 * refused by the risk guard before). `snapshot` asks the venue for the truth (reconciliation).
 */
export interface VenuePort {
  readonly name: string;
  readonly capabilities: VenueCapabilities;
  connect(sink: VenueEventSink): void;
  send(command: VenueCommand): void;
  snapshot(): Promise<VenueSnapshot>;
}
