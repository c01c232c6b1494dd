// Builds what a strategy sees of the engine: its context (instrument, account, orders, side series, clock, seeded
// randomness) and the view of each of its fills. Must never hand the strategy the venue, the engine or the wall clock.
import type { InstrumentId, InstrumentSpec } from '../domain/instrument.js';
import type { OrderSpec } from '../domain/order.js';
import type { VenueEvent } from '../venues/venue.js';
import { FundingSeriesView, SpotSeriesView, type AlignedSpotSeries, type FundingSeries } from './context-series.js';
import { indicatorFactory } from './indicator-factory.js';
import type { OrderApi } from './order-api.js';
import type { TrackedOrder } from './order-tracker.js';
import { SeededRandom } from './seeded-random.js';
import type { AccountView, FillView, PositionView, StrategyContext } from './strategy.js';

/** What the engine lends the context: its state is read through these functions, so the context never goes stale. */
export interface ContextSources {
  readonly spec: InstrumentSpec;
  readonly account: AccountView;
  readonly orders: OrderApi;
  readonly seed: number;
  readonly leverage: number | undefined;
  /** Already filtered: present only when the strategy declared `data.spot`. */
  readonly spot: AlignedSpotSeries | undefined;
  readonly funding: FundingSeries | undefined;
  position(instrument?: InstrumentId): PositionView;
  now(): number;
  /** Bars the engine has closed (ctx.spot answers for no later bar). */
  barsClosed(): number;
  note(text: string): void;
  setTimer(atMs: number): void;
}

export function buildStrategyContext(s: ContextSources): StrategyContext {
  const funding = s.spec.funding;
  const context: StrategyContext = {
    instrument: s.spec,
    leverage: s.leverage,
    spot: s.spot === undefined ? undefined : new SpotSeriesView(s.spot, s.barsClosed),
    funding: new FundingSeriesView(s.funding, funding.kind === 'periodic' ? funding.intervalHours * 3_600_000 : undefined, s.now),
    indicators: indicatorFactory,
    position: s.position,
    account: s.account,
    orders: s.orders,
    note: s.note,
    time: 0,
    random: new SeededRandom(s.seed),
    setTimer: s.setTimer,
  };
  // `time` reads the engine's clock on every access.
  Object.defineProperty(context, 'time', { get: s.now, enumerable: true });
  return context;
}

/** The strategy's view of one fill (an object per fill: fills are rare). Prices and quantities are the lossy float views. */
export function fillViewOf(e: Extract<VenueEvent, { type: 'OrderFilled' }>, t: TrackedOrder, spec: InstrumentSpec): FillView {
  const g = spec.tick;
  return {
    clientId: e.clientId,
    instrument: e.instrument,
    action: e.action,
    role: t.role,
    lots: e.lots,
    qty: e.lots * spec.lot.stepFloat,
    price: (e.priceTicks * g.stepUnits) / 10 ** g.scale,
    liquidity: e.liquidity,
    fee: e.fee / 1e8,
    timeMs: e.tsVenue,
    ...(t.tag !== undefined ? { tag: t.tag } : {}),
  };
}

/**
 * The price a modify sets, for the event log: the limit of a limit order, the activation price of a trailing stop,
 * the trigger of every other conditional order; undefined for a market order (or a trailing stop without activation).
 */
export function modifiedPriceTicks(o: OrderSpec): number | undefined {
  switch (o.type) {
    case 'market':
      return undefined;
    case 'limit':
      return o.limitTicks;
    case 'trailing-stop':
      return o.activationTicks;
    case 'stop-market':
    case 'stop-limit':
    case 'take-profit-market':
    case 'take-profit-limit':
      return o.triggerTicks;
    default: {
      const unknown: never = o;
      return unknown;
    }
  }
}
