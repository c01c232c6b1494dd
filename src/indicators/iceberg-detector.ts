// Iceberg detection: a price level that keeps refilling after trades execute against it, until the volume
// executed there exceeds anything it ever displayed. Streaming over book-level changes and trades in exchange-time
// order; pure. It never reads venue messages and never guesses hidden size it has no evidence for.
import { InputError } from '../core/errors.js';
import type { BookSide } from './order-book.js';

/** Parameters of the iceberg detector (see docs/order-book.md). */
export interface IcebergParams {
  /** Refills needed before a level is reported. Default 3. */
  readonly minRefills: number;
  /**
   * The executed volume must exceed this multiple of the largest quantity the level displayed while tracked.
   * Default 1: more was traded there than was ever visible.
   */
  readonly executedOverDisplayed: number;
  /** A tracked level is forgotten after this long without a trade against it, in ms. Default 30 000. */
  readonly maxIdleMs: number;
  /**
   * A refill counts only when the level comes back by at least this fraction of the volume just executed against
   * it (guards against one small order joining the level). Default 0.5.
   */
  readonly minRefillFraction: number;
}

export const DEFAULT_ICEBERG_PARAMS: IcebergParams = {
  minRefills: 3,
  executedOverDisplayed: 1,
  maxIdleMs: 30_000,
  minRefillFraction: 0.5,
};

/** The evidence for one suspected iceberg. Quantities are in the unit the caller feeds (base asset or lots). */
export interface IcebergEvent {
  readonly type: 'IcebergDetected';
  /** The resting side holding the iceberg: `ask` for a hidden seller (buyers lift it), `bid` for a hidden buyer. */
  readonly side: BookSide;
  readonly priceTicks: number;
  /** Times the level came back after being traded against. */
  readonly refills: number;
  /** Total volume that traded against the level while it was tracked. */
  readonly executedQty: number;
  /** The largest quantity the level displayed while tracked. */
  readonly maxDisplayedQty: number;
  /** Total quantity that reappeared in refills. */
  readonly refilledQty: number;
  readonly trades: number;
  readonly firstTradeMs: number;
  readonly detectedMs: number;
}

interface LevelState {
  side: BookSide;
  priceTicks: number;
  executedQty: number;
  /** Executed since the last book change at this level: what the next change should have removed. */
  pendingQty: number;
  /** Executed since the last counted refill, and what has come back of it so far. */
  unrefilledQty: number;
  returnedQty: number;
  maxDisplayedQty: number;
  refills: number;
  refilledQty: number;
  trades: number;
  firstTradeMs: number;
  lastTradeMs: number;
  reported: boolean;
}

const SWEEP_ABOVE_LEVELS = 4096;

const levelKey = (side: BookSide, priceTicks: number): number => priceTicks * 2 + (side === 'bid' ? 0 : 1);

/**
 * Detects icebergs from two inputs fed in exchange-time order (trades before a book change carrying the same
 * timestamp, since the change reports their result):
 * - `onTrade`: a trade against the resting `makerSide` at `priceTicks` (a Binance trade with m = true hit the bid).
 * - `onLevelChange`: a level of the book went from `previousQty` to `newQty` (OrderBook.setLevel returns the
 *   previous quantity).
 * A refill: after trades at a level, its changes add back (above `previousQty - executed since the last change`)
 * at least `minRefillFraction` of what traded since the previous refill; this covers a refill in the same diff as
 * the fill (net unchanged) and one in a later diff. One event per level episode; an episode ends after
 * `maxIdleMs` without trades.
 * Quantities must all be in one unit. An L2 feed cannot tell an iceberg from new orders joining the same level
 * right after each fill; the thresholds make that coincidence unlikely, not impossible.
 */
export class IcebergDetector {
  private readonly params: IcebergParams;
  private readonly levels = new Map<number, LevelState>();

  constructor(params: Partial<IcebergParams> = {}) {
    this.params = { ...DEFAULT_ICEBERG_PARAMS, ...params };
    const p = this.params;
    requireParam('minRefills', p.minRefills, Number.isInteger(p.minRefills) && p.minRefills >= 1, 'an integer >= 1');
    requireParam('executedOverDisplayed', p.executedOverDisplayed, p.executedOverDisplayed >= 0, 'a number >= 0');
    requireParam('maxIdleMs', p.maxIdleMs, p.maxIdleMs > 0, 'a duration in ms > 0');
    requireParam('minRefillFraction', p.minRefillFraction, p.minRefillFraction >= 0 && p.minRefillFraction <= 1, 'a fraction in [0, 1]');
  }

  /** Levels currently tracked (traded against within `maxIdleMs`). */
  get trackedLevels(): number {
    return this.levels.size;
  }

  /** A trade of `qty` executed against the resting `makerSide` at `priceTicks` at `timeMs`. */
  onTrade(timeMs: number, makerSide: BookSide, priceTicks: number, qty: number): IcebergEvent | undefined {
    const key = levelKey(makerSide, priceTicks);
    let s = this.levels.get(key);
    if (s !== undefined && timeMs - s.lastTradeMs > this.params.maxIdleMs) s = undefined;
    if (s === undefined) {
      if (this.levels.size >= SWEEP_ABOVE_LEVELS) this.sweep(timeMs);
      s = {
        side: makerSide,
        priceTicks,
        executedQty: 0,
        pendingQty: 0,
        unrefilledQty: 0,
        returnedQty: 0,
        maxDisplayedQty: 0,
        refills: 0,
        refilledQty: 0,
        trades: 0,
        firstTradeMs: timeMs,
        lastTradeMs: timeMs,
        reported: false,
      };
      this.levels.set(key, s);
    }
    s.executedQty += qty;
    s.pendingQty += qty;
    s.unrefilledQty += qty;
    s.trades++;
    s.lastTradeMs = timeMs;
    return this.check(s, timeMs);
  }

  /** A level of the book changed from `previousQty` to `newQty` (0 = removed) at `timeMs`. */
  onLevelChange(timeMs: number, side: BookSide, priceTicks: number, previousQty: number, newQty: number): IcebergEvent | undefined {
    const s = this.levels.get(levelKey(side, priceTicks));
    if (s === undefined) return undefined;
    if (timeMs - s.lastTradeMs > this.params.maxIdleMs) {
      this.levels.delete(levelKey(side, priceTicks));
      return undefined;
    }
    if (previousQty > s.maxDisplayedQty) s.maxDisplayedQty = previousQty;
    if (newQty > s.maxDisplayedQty) s.maxDisplayedQty = newQty;
    // What the trades since the last change should have left; anything above it came back.
    const expected = Math.max(0, previousQty - s.pendingQty);
    s.pendingQty = 0;
    const returned = newQty - expected;
    if (returned > 0 && s.unrefilledQty > 0) {
      s.returnedQty += returned;
      if (s.returnedQty >= this.params.minRefillFraction * s.unrefilledQty) {
        s.refills++;
        s.refilledQty += s.returnedQty;
        s.unrefilledQty = 0;
        s.returnedQty = 0;
      }
    }
    return this.check(s, timeMs);
  }

  private check(s: LevelState, timeMs: number): IcebergEvent | undefined {
    if (s.reported || s.refills < this.params.minRefills) return undefined;
    if (!(s.executedQty > this.params.executedOverDisplayed * s.maxDisplayedQty)) return undefined;
    s.reported = true;
    return {
      type: 'IcebergDetected',
      side: s.side,
      priceTicks: s.priceTicks,
      refills: s.refills,
      executedQty: s.executedQty,
      maxDisplayedQty: s.maxDisplayedQty,
      refilledQty: s.refilledQty,
      trades: s.trades,
      firstTradeMs: s.firstTradeMs,
      detectedMs: timeMs,
    };
  }

  private sweep(timeMs: number): void {
    for (const [key, s] of this.levels) if (timeMs - s.lastTradeMs > this.params.maxIdleMs) this.levels.delete(key);
  }
}

function requireParam(name: string, value: number, valid: boolean, expected: string): void {
  if (!valid || !Number.isFinite(value)) {
    throw new InputError('INVALID_OPTION', `iceberg detector ${name}`, `${value} is not ${expected}`, `Set ${name} to ${expected}.`);
  }
}
