// What an engine run is given (EngineConfig) and what it leaves behind (EngineResult), and the end-of-run collection
// of the result: the strategy's final notes and the positions still open. Types and cold code only; must never run
// on the per-event path.
import type { IdGenerator } from '../core/ids.js';
import type { Money } from '../core/money.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import type { RoundTrip, TradeSource } from '../domain/round-trip.js';
import type { VenuePort } from '../venues/venue.js';
import type { AlignedSpotSeries, FundingSeries } from './context-series.js';
import type { EngineResume } from './engine-resume.js';
import type { EventLog } from './event-log.js';
import type { Funnel } from './funnel.js';
import type { InstrumentBook, Ledger } from './ledger.js';
import type { EngineBars } from './market-views.js';
import type { OpenTrip } from './round-trips.js';
import type { StrategyDefinition } from './strategy.js';

export interface EngineConfig {
  readonly venue: VenuePort;
  /** The run's instruments; the first is the primary one whose bars drive the strategy and the equity curve. */
  readonly instruments: readonly InstrumentSpec[];
  readonly bars: EngineBars;
  readonly barIntervalMs: number;
  readonly strategy: StrategyDefinition;
  /** Parameters already validated against the strategy's schema. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The balance the venue starts with (Money of the primary instrument's settle asset). */
  readonly startingBalance: Money;
  readonly seed: number;
  readonly ids?: IdGenerator;
  readonly runId: string;
  readonly source: TradeSource;
  /** The spot series aligned to `bars`, for a strategy that declares `data.spot` (ctx.spot). */
  readonly spot?: AlignedSpotSeries;
  /** The primary instrument's funding-rate history (ctx.funding); without it ctx.funding knows only the schedule. */
  readonly funding?: FundingSeries;
  /** The run's leverage (ctx.leverage). */
  readonly leverage?: number;
  /** A restarted session's inherited position and adopted working orders, booked before the first event (engine-resume.ts). */
  readonly resume?: EngineResume;
}

/** What a run leaves behind. */
export interface EngineResult {
  readonly bars: number;
  /** Closed round trips, in the order they closed. */
  readonly trips: readonly RoundTrip[];
  /** Positions still open at the end, valued at the last close (exit reason end-of-data), reported apart. */
  readonly openTrips: readonly OpenTrip[];
  /** Equity (settle asset, float) at each bar's close, after the venue processed the bar. */
  readonly equity: Float64Array;
  readonly log: EventLog;
  readonly funnel: Funnel;
  readonly ledger: Ledger;
  /** The notes the strategy made in onEnd (its final summary), in order. */
  readonly endNotes: readonly string[];
}

/** The engine's state at the end of a run, as collectResult reads it. */
export interface RunEnd {
  readonly barsDone: number;
  readonly nowMs: number;
  readonly books: readonly InstrumentBook[];
  readonly trips: readonly RoundTrip[];
  /** The equity at each bar's close, written up to `barsDone`. */
  readonly equityCurve: Float64Array;
  readonly log: EventLog;
  readonly funnel: Funnel;
  readonly ledger: Ledger;
  /** The log row where onEnd began (+Infinity before it ran): notes from there on are its final notes. */
  readonly endNoteFrom: number;
}

/** The result of a finished run: open positions valued at each book's last close (exit reason end-of-data). */
export function collectResult(s: RunEnd): EngineResult {
  const endNotes: string[] = [];
  let i = 0;
  if (s.endNoteFrom < s.log.length) for (const e of s.log.events()) if (i++ >= s.endNoteFrom && e.kind === 'note' && e.text !== undefined) endNotes.push(e.text);
  const openTrips: OpenTrip[] = [];
  for (const book of s.books) {
    for (let leg = 0; leg < book.legs.length; leg++) {
      const pos = book.legs[leg]!;
      const open = book.builders[leg]!.openTrip(pos.signedLots, book.lastCloseTicks, s.nowMs, s.barsDone, pos.unrealisedPnl(book.lastCloseTicks));
      if (open !== undefined) openTrips.push(open);
    }
  }
  return { bars: s.barsDone, trips: s.trips, openTrips, equity: s.equityCurve.subarray(0, s.barsDone), log: s.log, funnel: s.funnel, ledger: s.ledger, endNotes };
}
