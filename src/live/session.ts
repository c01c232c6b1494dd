// A paper or live session: drives the engine in real time from live trades (1m bars closed only after their end),
// with the risk guard and the journal in front of the venue port. Paper feeds the same trades to a SimulatedVenue
// (simulated fills on live data); live polls a real venue port. Must never read the wall clock itself (the clock is
// injected) nor send an order except through the guarded port.
import type { Money } from '../core/money.js';
import type { Clock } from '../core/time.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import { Engine, type EngineResult } from '../engine/engine.js';
import type { EngineResume } from '../engine/engine-resume.js';
import type { StrategyDefinition } from '../engine/strategy.js';
import type { JournalWriter } from '../journal/journal-writer.js';
import type { GuardLimits } from '../risk/guard.js';
import type { SimulatedVenue } from '../venues/simulated/simulated-venue.js';
import type { VenueEvent, VenuePort } from '../venues/venue.js';
import { GuardedVenue } from './guarded-venue.js';
import { JournalIds } from './journal-ids.js';
import { LiveBarBuilder, LiveBars } from './live-bars.js';
import type { LiveTrade } from './trade-stream.js';
import { countFromFloat, countToFloat } from '../core/grid.js';
import type { EngineQuotes } from '../engine/market-views.js';

/** A best bid / ask update in the instrument's grid (Binance's bookTicker, binance-ws.ts), venue time in ms. */
export interface LiveQuote {
  readonly bidTicks: number;
  readonly bidLots: number;
  readonly askTicks: number;
  readonly askLots: number;
  readonly tsVenue: number;
}

const MS_PER_DAY = 86_400_000;

export interface SessionOptions {
  readonly spec: InstrumentSpec;
  readonly strategy: StrategyDefinition;
  /** Parameters already validated against the strategy's schema. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Paper: the simulated venue the session feeds with the live trades. Live: a real port (e.g. CcxtVenue). */
  readonly venue: { readonly kind: 'paper'; readonly port: SimulatedVenue } | { readonly kind: 'live'; readonly port: VenuePort };
  readonly journal: JournalWriter;
  readonly runId: string;
  /** Client ids: `<idTag><n>` counting from `firstId` (journal-ids.ts makes both from the journal). */
  readonly idTag: string;
  readonly firstId: number;
  readonly limits: GuardLimits;
  readonly startingBalance: Money;
  readonly leverage: number;
  readonly barIntervalMs: number;
  /** Most bars the session can hold (the engine sizes its equity curve once). */
  readonly capacityBars: number;
  readonly clock: Clock;
  readonly seed: number;
  readonly log: (line: string) => void;
  /**
   * A resumed run (restart.ts): the venue's position and adopted orders the engine starts from, and the events
   * already journaled on the restart's path (the adopted orders'), which the guarded port passes on unjournaled.
   */
  readonly resume?: { readonly engine: EngineResume; readonly journaledElsewhere: (e: VenueEvent) => boolean };
  /** Round trips the run journaled before this process (a resumed run): the engine counts from 1 again. Default 0. */
  readonly earlierTrips?: number;
}

/** One running session. Feed it trades (`onTrade`) and clock ticks (`onClock`); `finish` ends it. */
export class LiveSession {
  readonly engine: Engine;
  readonly guarded: GuardedVenue;
  readonly bars: LiveBars;
  private readonly builder: LiveBarBuilder;
  private readonly one = { timeMs: new Float64Array(1), price: new Float64Array(1), qty: new Float64Array(1), isBuyerMaker: new Uint8Array(1) };
  private readonly oneTicks = { timeMs: this.one.timeMs, priceTicks: new Float64Array(1), qtyLots: new Float64Array(1) };
  /** The one quote the engine reads (index 0), rewritten in place per quote: no allocation on the quote path. */
  private readonly quote: EngineQuotes = { timeMs: new Float64Array(1), bid: new Float64Array(1), bidQty: new Float64Array(1), ask: new Float64Array(1), askQty: new Float64Array(1) };
  private quotesSeen = 0;
  private lastTicks: number | undefined;
  private tripsJournaled = 0;
  private day = -1;
  private dayStartEquity: Money;
  /** Sources of market data that can go stale (the trade stream, the order book): each says why it is stale now. */
  private readonly freshness: (() => string | undefined)[] = [];

  constructor(private readonly o: SessionOptions) {
    this.bars = new LiveBars(o.capacityBars);
    this.dayStartEquity = o.startingBalance;
    this.guarded = new GuardedVenue({
      inner: o.venue.port,
      spec: o.spec,
      journal: o.journal,
      runId: o.runId,
      limits: o.limits,
      clock: o.clock,
      account: () => this.account(),
      lastTicks: () => this.lastTicks,
      blocked: () => this.blockedReason(),
      log: o.log,
      ...(o.resume === undefined ? {} : { journaledElsewhere: o.resume.journaledElsewhere }),
    });
    this.engine = new Engine({
      venue: this.guarded,
      instruments: [o.spec],
      bars: this.bars,
      barIntervalMs: o.barIntervalMs,
      strategy: o.strategy,
      params: o.params,
      startingBalance: o.startingBalance,
      seed: o.seed,
      ids: new JournalIds(o.idTag, o.firstId),
      runId: o.runId,
      source: o.venue.kind,
      ...(o.resume === undefined ? {} : { resume: o.resume.engine }),
    });
    this.builder = new LiveBarBuilder(this.bars, o.barIntervalMs, o.spec.tick, (i) => {
      this.engine.onBar(i);
      this.journalTrips();
    });
  }

  /** The instrument the session trades. */
  get spec(): InstrumentSpec {
    return this.o.spec;
  }

  /**
   * Adds a market-data source whose staleness blocks entries: `reason` answers why it is stale now, or undefined when
   * it is fresh. Exits and reduce-only orders are never blocked (guarded-venue.ts).
   */
  watchFreshness(reason: () => string | undefined): void {
    this.freshness.push(reason);
  }

  /** Why entries are refused now (the first stale source, in the order they were added), or undefined. */
  blockedReason(): string | undefined {
    for (const reason of this.freshness) {
      const r = reason();
      if (r !== undefined) return r;
    }
    return undefined;
  }

  /** A live trade: closes a finished bar first, then the trade meets the paper venue, then the strategy's onTrade. */
  onTrade(t: LiveTrade): void {
    this.builder.onTrade(t.timeMs, t.price, t.qty);
    const ticks = countFromFloat(t.price, this.o.spec.tick, 'nearest');
    const lots = countFromFloat(t.qty, this.o.spec.lot, 'nearest');
    if (ticks === undefined || lots === undefined) return;
    this.lastTicks = ticks;
    this.one.timeMs[0] = t.timeMs;
    this.one.price[0] = t.price;
    this.one.qty[0] = t.qty;
    this.one.isBuyerMaker[0] = t.isBuyerMaker ? 1 : 0;
    this.oneTicks.priceTicks[0] = ticks;
    this.oneTicks.qtyLots[0] = lots;
    if (this.o.venue.kind === 'paper') this.o.venue.port.onTrade(0, this.oneTicks, 0);
    // The strategy's view of time never goes back: a trade stamped before what it saw last (another socket's quote,
    // a bar closed by the clock, a venue event) is shown at that time. The venue above had its own time.
    this.one.timeMs[0] = Math.max(t.timeMs, this.engine.nowMs);
    this.engine.onTrade(this.one, 0);
    this.journalTrips();
  }

  /**
   * A best bid / ask update: closes a finished bar first (so onBar never comes after a later quote), then hands it
   * to the strategy's onQuote with prices and quantities as floats of the grid (countToFloat) and ctx.time at the
   * venue's time, or at the last time the strategy saw when the quote was stamped before it (it arrived on another
   * socket than the trades): ctx.time is monotonic. A crossed or empty quote (bid >= ask, a side at 0) is skipped.
   * The paper venue does not fill on quotes (its fill model is the trades). Allocation-free.
   */
  onQuote(q: LiveQuote): void {
    if (q.bidTicks <= 0 || q.askTicks <= q.bidTicks) return;
    if (this.builder.closeUntil(q.tsVenue)) this.journalTrips();
    const c = this.quote;
    c.timeMs[0] = Math.max(q.tsVenue, this.engine.nowMs);
    c.bid[0] = countToFloat(q.bidTicks, this.o.spec.tick);
    c.bidQty[0] = countToFloat(q.bidLots, this.o.spec.lot);
    c.ask[0] = countToFloat(q.askTicks, this.o.spec.tick);
    c.askQty[0] = countToFloat(q.askLots, this.o.spec.lot);
    this.quotesSeen++;
    this.engine.onQuote(c, 0);
    this.journalTrips();
  }

  /** Quotes handed to the engine so far. */
  get quotes(): number {
    return this.quotesSeen;
  }

  /** The clock moved (ms, venue time estimate): closes the bar in progress when its end has passed with no trade. */
  onClock(nowMs: number): void {
    if (this.builder.closeUntil(nowMs)) this.journalTrips();
  }

  /** Records round trips closed since the last call (after fills arrive from a live venue's poll, too). */
  journalTrips(): void {
    const trips = this.engine.trips;
    // Trip numbers are unique within a run in the journal: a resumed run's continue after the earlier process's.
    const offset = this.o.earlierTrips ?? 0;
    while (this.tripsJournaled < trips.length) {
      const trip = trips[this.tripsJournaled++]!;
      this.o.journal.recordRoundTrip(offset === 0 ? trip : { ...trip, id: trip.id + offset });
    }
  }

  finish(): EngineResult {
    this.journalTrips();
    return this.engine.finish();
  }

  private account(): { equity: Money; dayStartEquity: Money; consecutiveLosses: number; positionSignedLots: number; leverage: number } {
    const equity = Math.round(this.engine.ledger.equityUnits()) as Money;
    const day = Math.floor(this.o.clock.nowMs() / MS_PER_DAY);
    if (day !== this.day) {
      this.day = day;
      this.dayStartEquity = equity;
    }
    let losses = 0;
    for (let i = this.engine.trips.length - 1; i >= 0 && this.engine.trips[i]!.netPnl < 0; i--) losses++;
    return { equity, dayStartEquity: this.dayStartEquity, consecutiveLosses: losses, positionSignedLots: this.engine.books[0]!.signedLots, leverage: this.o.leverage };
  }
}
