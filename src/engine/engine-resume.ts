// Seeding an engine with what a restarted session inherits: the venue's open position (side, lots, average entry)
// and the working orders it adopts, so the strategy carries on from them instead of flat. Runs once before the first
// event; must never send anything to the venue nor touch the balance (the ledger starts from the reconciled one).
import { asLots } from '../core/grid.js';
import type { Money } from '../core/money.js';
import type { OrderSpec } from '../domain/order.js';
import type { TrackedOrder } from './order-tracker.js';
import type { OrderTracker } from './order-tracker.js';
import type { EventLog } from './event-log.js';
import type { InstrumentBook } from './ledger.js';
import { legOf } from './ledger.js';
import type { OrderRole } from './strategy.js';

/** A position the venue holds at the restart. */
export interface ResumedPosition {
  readonly instrument: string;
  /** Positive long, negative short, in lots. */
  readonly signedLots: number;
  /** Average entry price in ticks (may be fractional: an average of fills). */
  readonly entryTicks: number;
  /** Hedge mode: the leg; undefined in one-way mode. */
  readonly positionSide?: 'long' | 'short';
  /** When the position is taken to have opened (epoch ms): the entry time of its round trip. */
  readonly sinceMs: number;
}

/** A working order on the venue that the engine adopts as its own: its later events are booked like any other. */
export interface ResumedOrder {
  readonly spec: OrderSpec;
  readonly venueOrderId: string;
  /** Lots already filled before the restart (already part of the resumed position). */
  readonly filledLots: number;
  /** What the order is for: a reduce-only order defaults to `exit`, anything else to `entry`. */
  readonly role?: OrderRole;
}

export interface EngineResume {
  readonly positions: readonly ResumedPosition[];
  readonly orders: readonly ResumedOrder[];
}

const NO_ENTRY_INFO = { tag: undefined, plannedStopTicks: undefined, plannedTargetTicks: undefined } as const;

/**
 * Books each resumed position as an opening fill at its average entry with no fee and no realised P&L (its round
 * trip opens then), and tracks each adopted order as accepted (and partly filled by `filledLots`). Throws
 * RangeError for an instrument the engine does not trade, or a position of 0 lots.
 */
export function seedResume(books: readonly InstrumentBook[], tracker: OrderTracker, log: EventLog, resume: EngineResume): void {
  const bookOf = (instrument: string): InstrumentBook => {
    const b = books.find((x) => x.spec.id === instrument);
    if (b === undefined) throw new RangeError(`a resumed position or order on ${instrument}, which the engine does not trade`);
    return b;
  };
  for (const p of resume.positions) {
    if (p.signedLots === 0 || !Number.isSafeInteger(p.signedLots)) throw new RangeError(`a resumed position of ${p.signedLots} lots (a non-zero whole number expected)`);
    const book = bookOf(p.instrument);
    const leg = legOf(p.positionSide);
    const pos = book.legs[leg]!;
    const before = pos.signedLots;
    pos.applyFill(p.signedLots, p.entryTicks);
    book.builders[leg]!.onFill(before, p.signedLots, p.entryTicks, p.sinceMs, 0, 0 as Money, 0 as Money, 'signal', NO_ENTRY_INFO);
    book.refreshHeld();
  }
  for (const o of resume.orders) {
    const book = bookOf(o.spec.instrument);
    const role: OrderRole = o.role ?? (o.spec.effect === 'reduce-only' ? 'exit' : 'entry');
    const t: TrackedOrder = tracker.add(o.spec, book.index, role, undefined);
    t.logRef = log.orderRef(o.spec.clientId);
    tracker.applyTo(t, { kind: 'accepted', venueOrderId: o.venueOrderId });
    if (o.filledLots > 0) tracker.applyTo(t, { kind: 'fill', lots: asLots(o.filledLots), priceTicks: 0 });
  }
}
