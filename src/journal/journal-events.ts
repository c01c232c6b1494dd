// The journal's append-only event vocabulary: what backtest, paper and live runs record, as plain readonly data.
// Events are facts and are never edited or deleted; projections (runs, trades, orders) are derived from them.
import type { Money } from '../core/money.js';
import type { InstrumentId } from '../domain/instrument.js';
import type { OrderAction, OrderType } from '../domain/order.js';
import type { RoundTrip, TradeSource } from '../domain/round-trip.js';
import type { Side } from '../domain/side.js';

/** One instrument a run trades, with its grids, so the journal can print exact prices without the spec registry. */
export interface RunInstrument {
  readonly id: InstrumentId;
  /** Price tick and lot step as decimal strings, e.g. "0.1" and "0.001". */
  readonly tickSize: string;
  readonly lotSize: string;
  /** The asset money amounts of this instrument are in (USDT, USD, BTC). */
  readonly settle: string;
}

/** What a run is, given to `startRun`. `config` is redacted (see redact.ts) before it is written. */
export interface RunMeta {
  /** Unique within the journal; the caller's id (deterministic backtests) or one made by the writer. */
  readonly runId?: string;
  readonly source: TradeSource;
  /** The strategy's name, e.g. "vwap-bounce". */
  readonly strategy: string;
  readonly instruments: readonly RunInstrument[];
  /** When the run started, epoch ms UTC (for a backtest: the wall clock when it was launched). */
  readonly startedMs: number;
  /** The run's parameters as JSON-compatible data. Keys that look like secrets are redacted before writing. */
  readonly config?: Readonly<Record<string, unknown>>;
}

/** How a run ended. `metrics` are the metric library's figures (JSON-compatible), redacted like the config. */
export interface RunSummary {
  readonly finishedMs: number;
  readonly status: 'completed' | 'failed' | 'aborted';
  readonly endEquity?: Money;
  readonly message?: string;
  readonly metrics?: Readonly<Record<string, unknown>>;
}

/** What the plan said before entry, beyond the stop and target the round trip already carries. */
export interface TradePlanExtra {
  /** The planned entry price (the actual one is the round trip's average entry). */
  readonly plannedEntry?: number;
  /** Why the trade was taken, in the strategy's or trader's words. */
  readonly reason?: string;
  /** Tags the strategy attaches at close; a trader adds more with `journal tag`. */
  readonly tags?: readonly string[];
}

interface Stamped {
  readonly runId: string;
  /** The venue's timestamp (simulated time in a backtest) and ours, epoch ms UTC. */
  readonly tsVenue: number;
  readonly tsLocal: number;
}

/** Recorded before an order is sent: live trading uses the client id to find, never resubmit, an order after a crash. */
export interface OrderIntentEvent extends Stamped {
  readonly type: 'OrderIntent';
  readonly clientId: string;
  readonly instrument: InstrumentId;
  readonly action: OrderAction;
  readonly orderType: OrderType;
  readonly qtyLots: number;
  readonly limitTicks?: number;
  readonly triggerTicks?: number;
  readonly reduceOnly: boolean;
  /** What the order is for, e.g. "entry", "stop", "target", "add-2". */
  readonly purpose?: string;
}

export interface OrderAcceptedEvent extends Stamped {
  readonly type: 'OrderAccepted';
  readonly clientId: string;
  readonly instrument: InstrumentId;
  readonly venueOrderId?: string;
}

export interface OrderRejectedEvent extends Stamped {
  readonly type: 'OrderRejected';
  readonly clientId: string;
  readonly instrument: InstrumentId;
  readonly reason: string;
}

export interface OrderCancelledEvent extends Stamped {
  readonly type: 'OrderCancelled';
  readonly clientId: string;
  readonly instrument: InstrumentId;
  readonly reason?: string;
}

/** A resting stop or limit moved; the review flags a stop moved wider (away from the position). */
export interface OrderModifiedEvent extends Stamped {
  readonly type: 'OrderModified';
  readonly clientId: string;
  readonly instrument: InstrumentId;
  readonly limitTicks?: number;
  readonly triggerTicks?: number;
}

export interface FillEvent extends Stamped {
  readonly type: 'Fill';
  readonly clientId: string;
  readonly instrument: InstrumentId;
  readonly action: OrderAction;
  readonly qtyLots: number;
  readonly priceTicks: number;
  /** Fee paid (negative = rebate), in the instrument's settle asset. */
  readonly fee: Money;
  readonly liquidity: 'maker' | 'taker';
}

export interface FundingEvent extends Stamped {
  readonly type: 'Funding';
  readonly instrument: InstrumentId;
  /** Funding received (negative = paid), in the settle asset. */
  readonly amount: Money;
  /** The funding rate as a fraction, e.g. 0.0001. */
  readonly rate: number;
}

export interface LiquidationEvent extends Stamped {
  readonly type: 'Liquidation';
  readonly instrument: InstrumentId;
  readonly side: Side;
  readonly qtyLots: number;
  readonly markPriceTicks: number;
  readonly fee: Money;
}

/** The pre-trade risk guard refused an order; `code` is the guard's code, `detail` its numbers in words. */
export interface RiskDeniedEvent extends Stamped {
  readonly type: 'RiskDenied';
  readonly instrument: InstrumentId;
  readonly code: string;
  readonly detail: string;
}

export interface RunStartedEvent {
  readonly type: 'RunStarted';
  readonly runId: string;
  readonly meta: RunMeta & { readonly runId: string };
}

export interface RunFinishedEvent {
  readonly type: 'RunFinished';
  readonly runId: string;
  readonly summary: RunSummary;
}

export interface RoundTripClosedEvent {
  readonly type: 'RoundTripClosed';
  readonly runId: string;
  readonly trip: RoundTrip;
  readonly plan: TradePlanExtra;
}

export interface NoteAddedEvent {
  readonly type: 'NoteAdded';
  readonly runId: string;
  readonly tradeId: number;
  readonly text: string;
  readonly tsLocal: number;
}

export interface TagAddedEvent {
  readonly type: 'TagAdded';
  readonly runId: string;
  readonly tradeId: number;
  readonly tags: readonly string[];
  readonly tsLocal: number;
}

/** Events a running engine appends through `append`. */
export type RunEvent =
  | OrderIntentEvent
  | OrderAcceptedEvent
  | OrderRejectedEvent
  | OrderCancelledEvent
  | OrderModifiedEvent
  | FillEvent
  | FundingEvent
  | LiquidationEvent
  | RiskDeniedEvent;

/** Every event the journal stores. */
export type JournalEvent = RunEvent | RunStartedEvent | RunFinishedEvent | RoundTripClosedEvent | NoteAddedEvent | TagAddedEvent;

export type JournalEventType = JournalEvent['type'];

export const JOURNAL_EVENT_TYPES: readonly JournalEventType[] = [
  'RunStarted',
  'RunFinished',
  'OrderIntent',
  'OrderAccepted',
  'OrderRejected',
  'OrderCancelled',
  'OrderModified',
  'Fill',
  'Funding',
  'Liquidation',
  'RiskDenied',
  'RoundTripClosed',
  'NoteAdded',
  'TagAdded',
];

/** The instrument an event concerns, when it concerns one (used to find a trade's events). */
export function eventInstrument(e: JournalEvent): InstrumentId | undefined {
  switch (e.type) {
    case 'OrderIntent':
    case 'OrderAccepted':
    case 'OrderRejected':
    case 'OrderCancelled':
    case 'OrderModified':
    case 'Fill':
    case 'Funding':
    case 'Liquidation':
    case 'RiskDenied':
      return e.instrument;
    case 'RoundTripClosed':
      return e.trip.instrument;
    case 'RunStarted':
    case 'RunFinished':
    case 'NoteAdded':
    case 'TagAdded':
      return undefined;
  }
}

/** The event's time, epoch ms UTC: venue time for market events, the trip's exit for a round trip. */
export function eventTimeMs(e: JournalEvent): number {
  switch (e.type) {
    case 'OrderIntent':
    case 'OrderAccepted':
    case 'OrderRejected':
    case 'OrderCancelled':
    case 'OrderModified':
    case 'Fill':
    case 'Funding':
    case 'Liquidation':
    case 'RiskDenied':
      return e.tsVenue;
    case 'RoundTripClosed':
      return e.trip.exitTimeMs;
    case 'RunStarted':
      return e.meta.startedMs;
    case 'RunFinished':
      return e.summary.finishedMs;
    case 'NoteAdded':
    case 'TagAdded':
      return e.tsLocal;
  }
}

/** The trade an event is attached to after the fact (notes and tags); undefined for run events. */
export function eventTradeId(e: JournalEvent): number | undefined {
  return e.type === 'NoteAdded' || e.type === 'TagAdded' ? e.tradeId : undefined;
}
