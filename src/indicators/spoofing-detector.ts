// Spoofing detection: large orders placed away from the touch and pulled before they can trade, repeatedly on one
// side. Streaming over book-level changes and trades in exchange-time order; pure. It never reads venue messages
// and reports evidence, not intent: an L2 feed cannot prove who placed an order or why.
import { InputError } from '../core/errors.js';
import type { BookSide, BookView } from './order-book.js';

/** Parameters of the spoofing detector (see docs/order-book.md). */
export interface SpoofingParams {
  /** A placement is large when it adds at least this multiple of the median level size. Default 10. */
  readonly sizeMultiple: number;
  /** The median is taken over this many levels from the touch on the same side (the wall's level excluded). Default 20. */
  readonly medianLevels: number;
  /** The placement must be at least this many ticks behind its side's touch. Default 10. */
  readonly minDistanceTicks: number;
  /**
   * ... and at most this many: a wall far down the book is invisible to the traders it would mislead, and market
   * makers refresh such quotes all the time. Default 100.
   */
  readonly maxDistanceTicks: number;
  /**
   * A pull counts only when the wall rested at least this long: long enough to be seen and acted on. Quotes that
   * flicker faster are market makers refreshing, which is most of what a Binance book does. Default 1 000.
   */
  readonly minLifetimeMs: number;
  /** ... and at most this long after its placement. Default 10 000. */
  readonly maxLifetimeMs: number;
  /** A pull removes at least this fraction of the placed size. Default 0.8. */
  readonly pullFraction: number;
  /** Pulls on one side are counted over this trailing window, in ms. Default 60 000. */
  readonly windowMs: number;
  /**
   * Pulls on one side within the window that make a pattern; default 3. One event is emitted when the count
   * reaches it, and the side re-arms only after its count has fallen below it again.
   */
  readonly minPulls: number;
}

export const DEFAULT_SPOOFING_PARAMS: SpoofingParams = {
  sizeMultiple: 10,
  medianLevels: 20,
  minDistanceTicks: 10,
  maxDistanceTicks: 100,
  minLifetimeMs: 1_000,
  maxLifetimeMs: 10_000,
  pullFraction: 0.8,
  windowMs: 60_000,
  minPulls: 3,
};

/** The evidence for one pulled wall that completed a repeated pattern. Quantities are in the caller's unit. */
export interface SpoofingEvent {
  readonly type: 'SpoofingDetected';
  readonly side: BookSide;
  readonly priceTicks: number;
  /** Quantity the placement added to the level. */
  readonly sizeQty: number;
  /** Median level size on that side when it was placed. */
  readonly medianLevelQty: number;
  /** Ticks behind the same side's touch when it was placed. */
  readonly distanceTicks: number;
  readonly placedMs: number;
  readonly pulledMs: number;
  readonly lifetimeMs: number;
  /** Walls pulled on this side within the trailing window, this one included (= minPulls when emitted). */
  readonly pullsInWindow: number;
  /** Ticks behind the same side's touch when it was pulled (smaller than at placement when price came toward it). */
  readonly distanceAtPullTicks: number;
}

interface Wall {
  readonly side: BookSide;
  readonly priceTicks: number;
  readonly sizeQty: number;
  readonly qtyAfterPlacement: number;
  readonly medianLevelQty: number;
  readonly distanceTicks: number;
  readonly placedMs: number;
}

const PULL_HISTORY = 256;
const SWEEP_ABOVE_WALLS = 1024;
const MIN_LEVELS_FOR_MEDIAN = 3;

const wallKey = (side: BookSide, priceTicks: number): number => priceTicks * 2 + (side === 'bid' ? 0 : 1);

/** Recent pull times on one side, in a fixed ring (no allocation per pull). */
class PullTimes {
  private readonly times = new Float64Array(PULL_HISTORY);
  private next = 0;
  private count = 0;

  add(timeMs: number): void {
    this.times[this.next] = timeMs;
    this.next = (this.next + 1) % PULL_HISTORY;
    if (this.count < PULL_HISTORY) this.count++;
  }

  countSince(fromMs: number): number {
    let n = 0;
    for (let i = 0; i < this.count; i++) if ((this.times[i] as number) >= fromMs) n++;
    return n;
  }
}

/**
 * Detects spoofing-like behaviour. Feed, in exchange-time order:
 * - `onLevelChange` after the change is applied to the book it reads (`previousQty` from OrderBook.setLevel);
 * - `onTrade` for every trade (a wall that trades is a real order, not a spoof).
 * A wall is an increase of a level by >= sizeMultiple x the median level size, between minDistanceTicks and
 * maxDistanceTicks behind its side's touch. It is pulled when, after minLifetimeMs and within maxLifetimeMs and
 * without trading, the level loses >= pullFraction of the wall. A pattern is minPulls pulls on one side within
 * windowMs; one event is emitted as the pattern forms (with the wall that completed it), none while it lasts.
 */
export class SpoofingDetector {
  private readonly params: SpoofingParams;
  private readonly walls = new Map<number, Wall>();
  private readonly pulls = { bid: new PullTimes(), ask: new PullTimes() };
  private readonly armed = { bid: true, ask: true };
  private patterns = 0;
  private readonly scratch: Float64Array;
  private wallsSeen = 0;
  private pullsSeen = 0;

  constructor(
    private readonly book: BookView,
    params: Partial<SpoofingParams> = {},
  ) {
    this.params = { ...DEFAULT_SPOOFING_PARAMS, ...params };
    const p = this.params;
    requireParam('sizeMultiple', p.sizeMultiple, p.sizeMultiple > 0, 'a number > 0');
    requireParam('medianLevels', p.medianLevels, Number.isInteger(p.medianLevels) && p.medianLevels >= MIN_LEVELS_FOR_MEDIAN, `an integer >= ${MIN_LEVELS_FOR_MEDIAN}`);
    requireParam('minDistanceTicks', p.minDistanceTicks, Number.isInteger(p.minDistanceTicks) && p.minDistanceTicks >= 1, 'an integer >= 1');
    requireParam('maxDistanceTicks', p.maxDistanceTicks, Number.isInteger(p.maxDistanceTicks) && p.maxDistanceTicks >= p.minDistanceTicks, 'an integer >= minDistanceTicks');
    requireParam('minLifetimeMs', p.minLifetimeMs, p.minLifetimeMs >= 0, 'a duration in ms >= 0');
    requireParam('maxLifetimeMs', p.maxLifetimeMs, p.maxLifetimeMs > 0 && p.maxLifetimeMs >= p.minLifetimeMs, 'a duration in ms > 0 and >= minLifetimeMs');
    requireParam('pullFraction', p.pullFraction, p.pullFraction > 0 && p.pullFraction <= 1, 'a fraction in (0, 1]');
    requireParam('windowMs', p.windowMs, p.windowMs > 0, 'a duration in ms > 0');
    requireParam('minPulls', p.minPulls, Number.isInteger(p.minPulls) && p.minPulls >= 1 && p.minPulls <= PULL_HISTORY, `an integer in [1, ${PULL_HISTORY}]`);
    this.scratch = new Float64Array(p.medianLevels);
  }

  /** Counters for reports: walls placed, walls pulled (lifetime within bounds), patterns reported, walls still open. */
  get stats(): { readonly wallsPlaced: number; readonly wallsPulled: number; readonly patterns: number; readonly wallsOpen: number } {
    return { wallsPlaced: this.wallsSeen, wallsPulled: this.pullsSeen, patterns: this.patterns, wallsOpen: this.walls.size };
  }

  /** A trade against the resting `makerSide` at `priceTicks`: a wall there traded, so it was not a spoof. */
  onTrade(_timeMs: number, makerSide: BookSide, priceTicks: number): void {
    this.walls.delete(wallKey(makerSide, priceTicks));
  }

  /** A level changed from `previousQty` to `newQty` (0 = removed); the book already shows `newQty`. */
  onLevelChange(timeMs: number, side: BookSide, priceTicks: number, previousQty: number, newQty: number): SpoofingEvent | undefined {
    const key = wallKey(side, priceTicks);
    const wall = this.walls.get(key);
    if (wall !== undefined) {
      if (timeMs - wall.placedMs > this.params.maxLifetimeMs) {
        this.walls.delete(key);
      } else if (newQty <= wall.qtyAfterPlacement - this.params.pullFraction * wall.sizeQty) {
        this.walls.delete(key);
        return timeMs - wall.placedMs >= this.params.minLifetimeMs ? this.pulled(wall, timeMs) : undefined;
      } else {
        return undefined;
      }
    }
    if (newQty > previousQty) this.considerPlacement(timeMs, side, priceTicks, newQty - previousQty, newQty);
    return undefined;
  }

  private considerPlacement(timeMs: number, side: BookSide, priceTicks: number, addedQty: number, newQty: number): void {
    const best = this.book.bestPriceTicks(side);
    if (best === undefined) return;
    const distanceTicks = side === 'bid' ? best - priceTicks : priceTicks - best;
    if (distanceTicks < this.params.minDistanceTicks || distanceTicks > this.params.maxDistanceTicks) return;
    const median = this.medianLevelQty(side, priceTicks);
    if (median === undefined || addedQty < this.params.sizeMultiple * median) return;
    if (this.walls.size >= SWEEP_ABOVE_WALLS) this.sweep(timeMs);
    this.walls.set(wallKey(side, priceTicks), {
      side,
      priceTicks,
      sizeQty: addedQty,
      qtyAfterPlacement: newQty,
      medianLevelQty: median,
      distanceTicks,
      placedMs: timeMs,
    });
    this.wallsSeen++;
  }

  private pulled(wall: Wall, timeMs: number): SpoofingEvent | undefined {
    this.pullsSeen++;
    const times = this.pulls[wall.side];
    times.add(timeMs);
    const pullsInWindow = times.countSince(timeMs - this.params.windowMs);
    if (pullsInWindow < this.params.minPulls) {
      this.armed[wall.side] = true;
      return undefined;
    }
    if (!this.armed[wall.side]) return undefined;
    this.armed[wall.side] = false;
    this.patterns++;
    const best = this.book.bestPriceTicks(wall.side);
    const distanceAtPullTicks = best === undefined ? wall.distanceTicks : wall.side === 'bid' ? best - wall.priceTicks : wall.priceTicks - best;
    return {
      type: 'SpoofingDetected',
      side: wall.side,
      priceTicks: wall.priceTicks,
      sizeQty: wall.sizeQty,
      medianLevelQty: wall.medianLevelQty,
      distanceTicks: wall.distanceTicks,
      distanceAtPullTicks,
      placedMs: wall.placedMs,
      pulledMs: timeMs,
      lifetimeMs: timeMs - wall.placedMs,
      pullsInWindow,
    };
  }

  /** Median quantity of the first `medianLevels` levels from the touch, skipping `exceptPriceTicks`. */
  private medianLevelQty(side: BookSide, exceptPriceTicks: number): number | undefined {
    const s = this.scratch;
    const levels = this.book.levelCount(side);
    let n = 0;
    for (let i = 0; i < levels && n < s.length; i++) {
      if (this.book.levelPriceTicks(side, i) === exceptPriceTicks) continue;
      // Insertion sort into the scratch buffer: at most `medianLevels` values, no allocation.
      const q = this.book.levelQty(side, i);
      let j = n++;
      while (j > 0 && (s[j - 1] as number) > q) {
        s[j] = s[j - 1] as number;
        j--;
      }
      s[j] = q;
    }
    if (n < MIN_LEVELS_FOR_MEDIAN) return undefined;
    const mid = n >>> 1;
    return n % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  }

  private sweep(timeMs: number): void {
    for (const [key, w] of this.walls) if (timeMs - w.placedMs > this.params.maxLifetimeMs) this.walls.delete(key);
  }
}

function requireParam(name: string, value: number, valid: boolean, expected: string): void {
  if (!valid || !Number.isFinite(value)) {
    throw new InputError('INVALID_OPTION', `spoofing detector ${name}`, `${value} is not ${expected}`, `Set ${name} to ${expected}.`);
  }
}
