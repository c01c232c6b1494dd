// The Strategy API: what a strategy module declares (name, parameter schema, data) and the handlers and context it
// works with. One API for backtest, paper and live; must never expose the venue, the wall clock or Math.random.
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import type { InstrumentId, InstrumentSpec } from '../domain/instrument.js';
import type { RoundTrip } from '../domain/round-trip.js';
import type { IndicatorFactory } from './indicator-factory.js';
import type { OrderApi } from './order-api.js';

/** Bar intervals a strategy can ask for. */
export const BAR_INTERVALS = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '1d'] as const;
export type BarInterval = (typeof BAR_INTERVALS)[number];

/** The market data a strategy needs: bars of one interval, and optionally the trade tape and best bid/ask. */
export interface StrategyData {
  /** The bar interval the strategy runs on by default (and always in paper and live). */
  readonly bars: BarInterval;
  /**
   * Other intervals a backtest may run it on (`--interval`): a list, or 'any' of BAR_INTERVALS. Absent: `bars` only.
   * Parameters counted in bars (indicator periods, time stops) keep their count: 14 bars are 14 minutes on 1m bars
   * and 42 minutes on 3m bars.
   */
  readonly acceptsBars?: 'any' | readonly BarInterval[];
  readonly trades?: boolean;
  readonly quotes?: boolean;
  /**
   * The same symbol's spot bars, aligned to the run's bars and read through `ctx.spot` (a backtest loads them from the
   * spot klines beside the perpetual's, or from `--spot-data`).
   */
  readonly spot?: boolean;
}

/**
 * The spot series of the run's symbol (`ctx.spot`), aligned to the run's bars by open time: the close of the spot bar
 * that opened with the run's bar (or the latest one before it, carried over gaps). Never answers for a bar the
 * engine has not closed yet.
 */
export interface SpotView {
  /** Where the prices come from (file names), for notes. */
  readonly source: string;
  /** The spot close (quote asset) at the last closed bar; undefined before the first spot bar. */
  readonly close: number | undefined;
  /** The spot close at the run's bar that opened at `openTimeMs`; undefined for a bar not closed yet or before the first spot bar. */
  closeAt(openTimeMs: number): number | undefined;
}

/** The primary instrument's funding as known at the event being handled (`ctx.funding`): no settlement from the future. */
export interface FundingView {
  /** The rate of the last settlement at or before now (fraction; > 0: longs pay shorts); undefined before the first. */
  readonly lastRate: number | undefined;
  /** When that settlement happened (epoch ms). */
  readonly lastTimeMs: number | undefined;
  /** The next settlement time (epoch ms) from the venue's schedule; undefined for an instrument without funding. */
  readonly nextTimeMs: number | undefined;
}

/**
 * The bar that just closed. One object per run, updated in place before each `onBar`: read its fields inside the
 * handler and never keep a reference to it. Prices are floats in the quote asset (the named lossy view of the tick
 * columns); `closeTimeMs` is the moment the bar closed (its open time + interval), which is also `ctx.time`.
 */
export interface BarView {
  /** Index of the bar in the run, from 0. */
  readonly index: number;
  readonly openTimeMs: number;
  readonly closeTimeMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Base-asset volume traded in the bar. */
  readonly volume: number;
}

/** One trade from the tape (reused object, like BarView). `isBuyerMaker` true = an aggressive sell. */
export interface TradeView {
  readonly timeMs: number;
  readonly price: number;
  readonly qty: number;
  readonly isBuyerMaker: boolean;
}

/** The best bid and ask (reused object, like BarView). */
export interface QuoteView {
  readonly timeMs: number;
  readonly bid: number;
  readonly bidQty: number;
  readonly ask: number;
  readonly askQty: number;
}

/** What an order or bracket leg is for; the exit reason of a round trip is the role of its closing order. */
export type OrderRole = 'entry' | 'take-profit' | 'stop-loss' | 'exit';

/** One fill of one of our orders, as the strategy sees it (an object per fill: fills are rare). */
export interface FillView {
  readonly clientId: string;
  readonly instrument: InstrumentId;
  readonly action: 'buy' | 'sell';
  readonly role: OrderRole;
  readonly lots: number;
  /** Filled quantity in contracts (lots x lot step) and price in the quote asset: floats for reading. */
  readonly qty: number;
  readonly price: number;
  readonly liquidity: 'maker' | 'taker';
  /** Fee in the settle asset (a float view of the exact Money the venue charged). */
  readonly fee: number;
  readonly timeMs: number;
  readonly tag?: string;
}

/** A change of an order's status (accepted, triggered, cancelled, rejected, expired, modified, filled). */
export interface OrderUpdateView {
  readonly clientId: string;
  readonly status: string;
  readonly timeMs: number;
  /** The venue's reason for a refusal, cancel or expiry. */
  readonly reason?: string;
}

/** The position in one instrument, read-only and updated in place by the engine. */
export interface PositionView {
  readonly instrument: InstrumentId;
  /** Signed size in lots (positive long, negative short, 0 flat); in hedge mode, the net of both legs. */
  readonly signedLots: number;
  /** Signed size in contracts (a float view of signedLots). */
  readonly signedQty: number;
  readonly isFlat: boolean;
  /** Average entry price (quote asset), undefined when flat. */
  readonly entryPrice: number | undefined;
  /** Unrealised P&L at the last close, in the settle asset (float). */
  readonly unrealisedPnl: number;
}

/** The account as the engine keeps it (settle asset, floats for reading; the exact figures are Money inside). */
export interface AccountView {
  readonly settleAsset: string;
  /** Wallet balance: start + realised P&L - fees + funding. */
  readonly balance: number;
  /** Balance + unrealised P&L at the last close. */
  readonly equity: number;
  readonly realisedPnl: number;
  readonly fees: number;
  readonly funding: number;
}

/** A seeded pseudo-random source: the only randomness a strategy may use, so runs repeat exactly. */
export interface RandomSource {
  /** A float in [0, 1). */
  next(): number;
}

/** Everything a strategy may touch. */
export interface StrategyContext {
  /** The primary instrument (the first one of the run), with the run's fee overrides (`--fee-maker`, `--fee-taker`) applied. */
  readonly instrument: InstrumentSpec;
  /** The run's leverage for initial margin (`--leverage`); undefined when the run did not set one. */
  readonly leverage: number | undefined;
  /** The spot series, when the strategy declared `data.spot` and the run has one; undefined otherwise. */
  readonly spot: SpotView | undefined;
  /** The primary instrument's funding, known up to now. */
  readonly funding: FundingView;
  readonly indicators: IndicatorFactory;
  position(instrument?: InstrumentId): PositionView;
  readonly account: AccountView;
  readonly orders: OrderApi;
  /** Keeps a journal note (a decision and why) in the event log, stamped with the event time. */
  note(text: string): void;
  /** The time of the event being handled (ms): a bar's close time in `onBar`. */
  readonly time: number;
  readonly random: RandomSource;
  /** Asks for one `onTimer` call at the first event at or after `atMs`. */
  setTimer(atMs: number): void;
}

/** The handlers a strategy returns; all optional. Each runs after the venue has processed the same event. */
export interface StrategyHandlers {
  onBar?(bar: BarView): void;
  onTrade?(trade: TradeView): void;
  onQuote?(quote: QuoteView): void;
  onFill?(fill: FillView): void;
  onOrder?(update: OrderUpdateView): void;
  onTimer?(timeMs: number): void;
  /** A round trip closed (the position went flat, or flipped); called after the closing fill's onFill. */
  onTradeClosed?(trip: RoundTrip, ctx: StrategyContext): void;
  /** The run is over (after the last event, before open positions are valued): for a final note. Orders sent here never fill. */
  onEnd?(ctx: StrategyContext): void;
}

/** Any zod object schema of parameters (every field with a default, so a strategy runs without --param). */
export type ParamSchema = z.ZodObject;

/** A strategy module's default export. */
export interface StrategyDefinition<S extends ParamSchema = ParamSchema> {
  readonly name: string;
  readonly description?: string;
  /** Parameters: a zod object whose fields carry defaults, min/max and descriptions (sweeps read them). */
  readonly params: S;
  readonly data: StrategyData;
  create(ctx: StrategyContext, params: z.infer<S>): StrategyHandlers;
}

const NAME = /^[a-z][a-z0-9-]{0,63}$/;

/**
 * Declares a strategy: checks the declaration once (name, interval, that every parameter has a default) and returns
 * it unchanged, typed. Throws InputError naming the strategy and field on a bad declaration.
 */
export function defineStrategy<S extends ParamSchema>(definition: StrategyDefinition<S>): StrategyDefinition<S> {
  const where = `strategy ${JSON.stringify(definition.name)}`;
  if (typeof definition.name !== 'string' || !NAME.test(definition.name)) {
    throw new InputError('INVALID_SPEC', `${where}: name`, 'must be kebab-case letters and digits', 'name it like "ema-cross"');
  }
  if (!(BAR_INTERVALS as readonly string[]).includes(definition.data.bars)) {
    throw new InputError('INVALID_SPEC', `${where}: data.bars`, `"${definition.data.bars}" is not a bar interval`, `use one of ${BAR_INTERVALS.join(', ')}`);
  }
  const accepts = definition.data.acceptsBars;
  if (accepts !== undefined && accepts !== 'any' && !(Array.isArray(accepts) && accepts.every((a) => (BAR_INTERVALS as readonly string[]).includes(a)))) {
    throw new InputError('INVALID_SPEC', `${where}: data.acceptsBars`, `${JSON.stringify(accepts)} is neither 'any' nor a list of bar intervals`, `use 'any', or a list drawn from ${BAR_INTERVALS.join(', ')}`);
  }
  const defaults = definition.params.safeParse({});
  if (!defaults.success) {
    throw new InputError('INVALID_SPEC', `${where}: params`, 'some parameters have no default', 'give every parameter a .default(...)');
  }
  return definition;
}

/** True when the strategy may run on bars of `interval`: its own `data.bars`, or one its `data.acceptsBars` lists. */
export function acceptsInterval(data: StrategyData, interval: BarInterval): boolean {
  if (interval === data.bars) return true;
  const accepts = data.acceptsBars;
  return accepts === 'any' || (accepts !== undefined && accepts.includes(interval));
}

/** True when `x` looks like a strategy definition (for loading user modules). */
export function isStrategyDefinition(x: unknown): x is StrategyDefinition {
  if (typeof x !== 'object' || x === null) return false;
  const d = x as Record<string, unknown>;
  // Duck-typed: a user's module may bring its own copy of zod, so instanceof would refuse a valid schema.
  const params = d.params as { safeParse?: unknown } | undefined;
  return typeof d.name === 'string' && typeof d.create === 'function' && typeof params?.safeParse === 'function' && typeof d.data === 'object';
}
