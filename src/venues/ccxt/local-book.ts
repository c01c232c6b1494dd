// The local order book of one Binance USD-M symbol from the REST snapshot and the diff stream, under the exchange's
// sequence rules: diffs buffered until a snapshot, stale ones dropped, the chain checked by `pu`, a gap or a stall
// turning the book stale until a resync. Pure (no I/O, no clock of its own); must never serve a book it cannot vouch for.
import { countFromText, type Grid } from '../../core/grid.js';
import { OrderBook, type BookView } from '../../indicators/order-book.js';

/** One `<symbol>@depth` event: first and last update ids, the previous event's last id, and absolute levels. */
export interface DepthDiff {
  readonly U: number;
  readonly u: number;
  readonly pu: number;
  readonly bids: readonly (readonly [string, string])[];
  readonly asks: readonly (readonly [string, string])[];
}

/** GET /fapi/v1/depth. */
export interface DepthSnapshot {
  readonly lastUpdateId: number;
  readonly bids: readonly (readonly [string, string])[];
  readonly asks: readonly (readonly [string, string])[];
}

/** What one diff did: applied, waiting for a snapshot, or a broken chain (resync needed). */
export type DiffOutcome = 'applied' | 'buffered' | 'gap';

/**
 * What a snapshot did: the book is `live`; the snapshot is ahead of every buffered diff (`wait` for more diffs and
 * offer it again); or events between it and the buffer are lost (`refetch` a newer snapshot).
 */
export type SnapshotOutcome = 'live' | 'wait' | 'refetch';

/**
 * The sync state machine, per "How to manage a local order book correctly" (USD-M futures,
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/How-to-manage-a-local-order-book-correctly):
 * buffer events, get a snapshot, drop events with u < lastUpdateId, the first event must have
 * U <= lastUpdateId + 1 and u >= lastUpdateId (the USD-M page says U <= lastUpdateId AND u >= lastUpdateId; the
 * +1 also accepts the spot wording), and every later event's pu must equal the previous event's u. Prices are
 * integer ticks, quantities integer lots of the instrument's grids.
 */
export class LocalBook {
  readonly book = new OrderBook();
  private buffered: DepthDiff[] = [];
  private lastU: number | undefined;

  /** The `u` of the last diff applied; undefined while not live. */
  get lastAppliedU(): number | undefined {
    return this.synced ? this.lastU : undefined;
  }
  private synced = false;
  /** Gaps found (a `pu` that is not the previous `u`, or no first event fitting the snapshot). */
  gaps = 0;
  resyncs = 0;

  constructor(
    private readonly tick: Grid,
    private readonly lot: Grid,
    /** Diffs kept while waiting for a snapshot; more means the snapshot is hopelessly late. */
    private readonly maxBuffered = 10_000,
  ) {}

  /** Whether the book follows the stream (a snapshot taken and the chain unbroken since). */
  get live(): boolean {
    return this.synced;
  }

  /** The book for readers; undefined while it is not live (never a stale view). */
  view(): BookView | undefined {
    return this.synced ? this.book : undefined;
  }

  /** Applies or buffers one diff. A `gap` leaves the book not live and the caller must fetch a new snapshot. */
  onDiff(d: DepthDiff): DiffOutcome {
    if (!this.synced) {
      this.buffered.push(d);
      if (this.buffered.length > this.maxBuffered) this.buffered.shift();
      return 'buffered';
    }
    if (d.pu !== this.lastU) return this.breakChain();
    this.apply(d);
    return 'applied';
  }

  /**
   * Starts the book from a snapshot and replays the buffered diffs after it (events with u < lastUpdateId are
   * dropped). The buffer is kept when the book does not go live.
   */
  onSnapshot(s: DepthSnapshot): SnapshotOutcome {
    if (this.synced) return 'live';
    const pending = this.buffered.filter((d) => d.u >= s.lastUpdateId);
    const first = pending[0];
    if (first === undefined) return 'wait';
    if (first.U > s.lastUpdateId + 1) {
      // The snapshot is older than anything buffered: the events between are lost; a newer snapshot is needed.
      this.buffered = pending;
      return 'refetch';
    }
    this.book.clear();
    for (const [p, q] of s.bids) this.level('bid', p, q);
    for (const [p, q] of s.asks) this.level('ask', p, q);
    this.lastU = undefined;
    for (const d of pending) {
      if (this.lastU !== undefined && d.pu !== this.lastU) {
        this.buffered = pending.slice(pending.indexOf(d));
        this.gaps += 1;
        return 'refetch';
      }
      this.apply(d);
    }
    this.buffered = [];
    this.synced = true;
    this.resyncs += 1;
    return 'live';
  }

  /** Marks the book not live (a stall, a dropped socket): it stays so until the next good snapshot. */
  invalidate(): void {
    this.synced = false;
    this.buffered = [];
    this.lastU = undefined;
  }

  private breakChain(): DiffOutcome {
    this.gaps += 1;
    this.invalidate();
    return 'gap';
  }

  private apply(d: DepthDiff): void {
    for (const [p, q] of d.bids) this.level('bid', p, q);
    for (const [p, q] of d.asks) this.level('ask', p, q);
    this.lastU = d.u;
  }

  private level(side: 'bid' | 'ask', price: string, qty: string): void {
    const t = countFromText(price, this.tick, 'nearest');
    const l = countFromText(qty, this.lot, 'floor');
    if (t.ok && l.ok) this.book.setLevel(side, t.value, l.value);
  }
}
