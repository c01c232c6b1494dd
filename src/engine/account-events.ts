// Books the venue's account events that belong to no order of ours (funding settlements, liquidations) into the
// engine's ledger, the leg's open round trip and the event log. Rare events, kept off the order path; must never
// send a command or call the strategy.
import type { VenueEvent } from '../venues/venue.js';
import { LOG_FUNDING, LOG_LIQUIDATION, type EventLog } from './event-log.js';
import { legOf, type InstrumentBook, type Ledger } from './ledger.js';

const NO_ENTRY_INFO = { tag: undefined, plannedStopTicks: undefined, plannedTargetTicks: undefined } as const;

/** A funding payment (negative: paid) on the leg it names: balance, the leg's open trip, one log row. */
export function bookFunding(ledger: Ledger, book: InstrumentBook, log: EventLog, e: Extract<VenueEvent, { type: 'FundingSettled' }>): void {
  ledger.onFunding(e.amount);
  book.builders[legOf(e.positionSide)]!.onFunding(e.amount);
  log.append(LOG_FUNDING, e.tsVenue, book.index, 0, '', e.markTicks, e.signedLots, e.amount, e.rate);
}

/**
 * A liquidation: the leg closes at the venue's price with its realised P&L and liquidation fee, the open trip ends
 * with exit reason `liquidation` (closed at bar `barsDone`), one log row. The caller refreshes what depends on
 * positions being held.
 */
export function bookLiquidation(ledger: Ledger, book: InstrumentBook, log: EventLog, e: Extract<VenueEvent, { type: 'PositionLiquidated' }>, barsDone: number): void {
  // One-way books hold the net leg; a hedge-mode liquidation names its leg by side.
  const leg = book.legs[0]!.signedLots !== 0 ? 0 : legOf(e.side);
  const pos = book.legs[leg]!;
  const before = pos.signedLots;
  const signedLots = e.side === 'long' ? -e.lots : e.lots;
  book.builders[leg]!.foldExtremes();
  pos.applyFill(signedLots, e.priceTicks);
  book.refreshHeld();
  ledger.onFill(e.realisedPnl, e.fee);
  ledger.liquidations++;
  book.builders[leg]!.onFill(before, signedLots, e.priceTicks, e.tsVenue, barsDone, e.fee, e.realisedPnl, 'liquidation', NO_ENTRY_INFO);
  log.append(LOG_LIQUIDATION, e.tsVenue, book.index, 0, e.side, e.priceTicks, signedLots, e.realisedPnl, e.fee);
}
