// One instrument inside the simulated venue: its order book, event buffer, account part, funding schedule and the
// venue's record of every working order. Plain state shared by the venue's parts; must never decide anything.
import type { Money } from '../../core/money.js';
import type { OrderSpec } from '../../domain/order.js';
import type { VenueCommand } from '../venue.js';
import type { InstrumentAccount } from './instrument-account.js';
import { SimEvents } from './sim-events.js';
import { awaitingTrigger, limitWorking, triggerDirection } from './order-actions.js';
import { isWorkingStatus, SimOrderBook, STATUS_PENDING, TYPE_TRAILING_STOP } from './sim-order-book.js';

/**
 * Where the mark price comes from: the instrument's mark-price series fed through `onMark`, or a proxy from the
 * traded prices (bars: the close for equity, the adverse extreme for liquidation, the open for funding; trades: the
 * last trade; quotes: the mid). With `price-proxy`, bars that carry their mark-price kline (TickBarColumns.mark) use
 * it instead of the proxy.
 */
export type MarkSource = 'mark-series' | 'price-proxy';

/**
 * Funding settlements of one instrument, from the real funding-rate history: times (epoch ms) and rates (fractions).
 * `markTicks`, when given, is the mark price at each settlement (ticks, same rows; 0 where the mark is unknown): the
 * funding notional is taken at it instead of the instrument's mark source.
 */
export interface FundingSeries {
  readonly timeMs: Float64Array;
  readonly rate: Float64Array;
  readonly markTicks?: Float64Array;
}

/** The venue's view of one order from arrival to its terminal event. A class, so every record has one shape. */
export class OrderRecord {
  /** The order's slot in the book; -1 once released. */
  slot: number;
  /** The order as it stands (after modifies and bracket resizes). */
  spec: OrderSpec;
  /** True once OrderAccepted was sent. */
  accepted = false;
  /** Initial margin reserved for the part of the order that may open a position. */
  reserved = 0 as Money;
  /**
   * For a bracket exit priced from its entry's fill (BracketSpec.exitsFromFill): its role and distance in percent
   * (two fields rather than an object per exit); undefined and 0 for every other order.
   */
  fromFillRole: 'take-profit' | 'stop-loss' | undefined = undefined;
  fromFillPct = 0;
  /** True once the venue changed the order's prices (exits from the fill) and has not reported it yet. */
  repriced = false;

  constructor(
    readonly clientId: string,
    readonly venueOrderId: string,
    readonly market: SimMarket,
    slot: number,
    spec: OrderSpec,
  ) {
    this.slot = slot;
    this.spec = spec;
  }
}

export class SimMarket {
  readonly book = new SimOrderBook(16);
  /**
   * Commands in arrival order with their arrival times (two parallel arrays, reused: a command allocates no queue
   * entry); those before `commandHead` are done, those from `commandEnd` on are stale slots kept for reuse (emptying
   * the arrays would free their storage and make the next command allocate it again).
   */
  private readonly commands: (VenueCommand | undefined)[] = [];
  private readonly arrivals: number[] = [];
  private commandHead = 0;
  private commandEnd = 0;
  readonly out = new SimEvents(64);
  /** Records by book slot. */
  records: (OrderRecord | undefined)[] = [];
  /** The next funding settlement to apply (index into `funding`), and its time (+Infinity when none is left). */
  fundingIndex = 0;
  nextFundingMs = Number.POSITIVE_INFINITY;
  /** The last traded price seen (ticks): the market reference for validation and the funding proxy; 0 before any. */
  lastPriceTicks = 0;
  /**
   * The quiet band of the book: no working order can fire while prices stay strictly above `reachLowTicks` and
   * strictly below `reachHighTicks`, unless `mustWalk` (a trailing stop, which follows every price, or an order
   * still to arrive). Lets a quiet bar skip the fill model; refreshed whenever the book changes.
   */
  /** Bars processed, and those of them with a mark-price kline (TickBarColumns.mark), for the run metadata. */
  bars = 0;
  markBars = 0;
  reachLowTicks = Number.NEGATIVE_INFINITY;
  reachHighTicks = Number.POSITIVE_INFINITY;
  mustWalk = false;

  constructor(
    readonly ia: InstrumentAccount,
    readonly markSource: MarkSource,
    readonly funding: FundingSeries | undefined,
  ) {
    if (funding !== undefined && funding.timeMs.length > 0) this.nextFundingMs = funding.timeMs[0]!;
  }

  /** Moves the funding cursor past every settlement at or before `timeMs` without applying it (funding off). */
  skipFundingTo(timeMs: number): void {
    const f = this.funding;
    if (f === undefined) return;
    while (this.fundingIndex < f.timeMs.length && f.timeMs[this.fundingIndex]! <= timeMs) this.fundingIndex++;
    this.nextFundingMs = this.fundingIndex < f.timeMs.length ? f.timeMs[this.fundingIndex]! : Number.POSITIVE_INFINITY;
  }

  /** Queues a command arriving at `arrivalMs`, keeping arrival order (stable for equal times). */
  enqueue(command: VenueCommand, arrivalMs: number): void {
    const c = this.commands;
    const a = this.arrivals;
    let i = this.commandEnd;
    while (i > this.commandHead && a[i - 1]! > arrivalMs) i--;
    if (this.commandEnd === c.length) {
      c.push(undefined);
      a.push(0);
    }
    for (let k = this.commandEnd; k > i; k--) {
      c[k] = c[k - 1];
      a[k] = a[k - 1]!;
    }
    c[i] = command;
    a[i] = arrivalMs;
    this.commandEnd++;
  }

  /** True when a queued command has arrived by `timeMs`: the one check per event on the quiet path. */
  hasArrived(timeMs: number): boolean {
    return this.commandHead < this.commandEnd && this.arrivals[this.commandHead]! <= timeMs;
  }

  /** The arrival time of the command `takeArrived` returns next (read it first). */
  nextArrivalMs(): number {
    return this.arrivals[this.commandHead]!;
  }

  /** Takes the next arrived command; the queue starts over at slot 0 once every command is taken. */
  takeArrived(): VenueCommand {
    const h = this.commandHead++;
    const q = this.commands[h]!;
    // The slot is cleared so the queue never keeps a command (and what it holds) alive after it is done.
    this.commands[h] = undefined;
    if (this.commandHead === this.commandEnd) {
      this.commandHead = 0;
      this.commandEnd = 0;
    }
    return q;
  }

  /**
   * Recomputes the quiet band from the working orders, with the fill models' own firing rules: a buy limit fills on
   * the way down to its price, a sell limit on the way up; a stop or take-profit triggers when price reaches its
   * trigger in its direction. The band is conservative: touching a price counts as reaching it.
   */
  refreshReach(): void {
    const b = this.book;
    let low = Number.NEGATIVE_INFINITY;
    let high = Number.POSITIVE_INFINITY;
    let walk = false;
    for (let i = 0; i < b.liveCount; i++) {
      const s = b.live[i]!;
      const st = b.status[s]!;
      if (st === STATUS_PENDING) walk = true;
      if (!isWorkingStatus(st)) continue;
      const t = b.type[s]!;
      let price: number;
      let down: boolean;
      if (t === TYPE_TRAILING_STOP) {
        walk = true;
        continue;
      } else if (limitWorking(t, st)) {
        price = b.limitTicks[s]!;
        down = b.action[s]! > 0;
      } else if (awaitingTrigger(t, st)) {
        price = b.triggerTicks[s]!;
        down = triggerDirection(t, b.action[s]!) < 0;
      } else {
        walk = true;
        continue;
      }
      if (down) low = Math.max(low, price);
      else high = Math.min(high, price);
    }
    this.reachLowTicks = low;
    this.reachHighTicks = high;
    this.mustWalk = walk;
  }

  record(slot: number, rec: OrderRecord): void {
    while (this.records.length <= slot) this.records.push(undefined);
    this.records[slot] = rec;
  }
}
