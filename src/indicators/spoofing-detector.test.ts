import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { OrderBook, type BookSide } from './order-book.js';
import { SpoofingDetector, type SpoofingEvent, type SpoofingParams } from './spoofing-detector.js';

/**
 * A quiet book: 30 bid levels 9999..9970 and 30 ask levels 10000..10029, 1.0 each (median level size 1.0),
 * replayed through the detector.
 */
class Tape {
  readonly book = new OrderBook();
  readonly detector: SpoofingDetector;
  readonly events: SpoofingEvent[] = [];

  constructor(params: Partial<SpoofingParams> = {}) {
    for (let i = 0; i < 30; i++) {
      this.book.setLevel('bid', 9999 - i, 1);
      this.book.setLevel('ask', 10000 + i, 1);
    }
    this.detector = new SpoofingDetector(this.book, params);
  }

  level(timeMs: number, side: BookSide, priceTicks: number, qty: number): this {
    const previous = this.book.setLevel(side, priceTicks, qty);
    const e = this.detector.onLevelChange(timeMs, side, priceTicks, previous, qty);
    if (e) this.events.push(e);
    return this;
  }

  /** A wall of `size` added at `priceTicks` at `placedMs`, pulled back to 1.0 after `lifetimeMs`. */
  wall(placedMs: number, side: BookSide, priceTicks: number, size: number, lifetimeMs: number): this {
    return this.level(placedMs, side, priceTicks, 1 + size).level(placedMs + lifetimeMs, side, priceTicks, 1);
  }
}

describe('SpoofingDetector on constructed tapes', () => {
  it('reports the third large bid placed 19 ticks back and pulled within seconds', () => {
    const tape = new Tape();
    tape.wall(0, 'bid', 9980, 10, 2000).wall(10_000, 'bid', 9978, 12, 1500).wall(20_000, 'bid', 9981, 10, 3000);
    expect(tape.events, 'two pulls are not yet "repeatedly" (minPulls 3)').toHaveLength(1);
    expect(tape.events[0]).toEqual({
      type: 'SpoofingDetected',
      side: 'bid',
      priceTicks: 9981,
      sizeQty: 10,
      medianLevelQty: 1,
      distanceTicks: 18,
      placedMs: 20_000,
      pulledMs: 23_000,
      lifetimeMs: 3000,
      pullsInWindow: 3,
      distanceAtPullTicks: 18,
    });
    expect(tape.detector.stats).toEqual({ wallsPlaced: 3, wallsPulled: 3, patterns: 1, wallsOpen: 0 });
  });

  it('reports a pattern once while it lasts and again after it has paused, on the ask side too', () => {
    const tape = new Tape();
    for (let k = 0; k < 5; k++) tape.wall(k * 5000, 'ask', 10015, 12, 1000);
    expect(tape.events.map((e) => e.pullsInWindow), 'pulls 4 and 5 continue the same pattern').toEqual([3]);
    for (let k = 0; k < 3; k++) tape.wall(200_000 + k * 5000, 'ask', 10015, 12, 1000);
    expect(tape.events, 'after a quiet minute the side re-arms').toHaveLength(2);
    expect(tape.events.every((e) => e.side === 'ask' && e.distanceTicks === 15)).toBe(true);
    expect(tape.detector.stats.wallsPulled).toBe(8);
  });

  it('stays silent for quotes that flicker faster than minLifetimeMs', () => {
    const tape = new Tape();
    for (let k = 0; k < 5; k++) tape.wall(k * 5000, 'bid', 9980, 20, 200);
    expect(tape.events, 'a 200 ms quote is a market maker refreshing, not a wall anyone saw').toEqual([]);
  });

  it('stays silent for walls far down the book', () => {
    const tape = new Tape({ maxDistanceTicks: 15 });
    for (let k = 0; k < 5; k++) tape.wall(k * 5000, 'bid', 9980, 20, 2000);
    expect(tape.events, '19 ticks back is beyond maxDistanceTicks 15').toEqual([]);
  });

  it('stays silent for walls near the touch', () => {
    const tape = new Tape();
    for (let k = 0; k < 5; k++) tape.wall(k * 5000, 'bid', 9995, 10, 1000);
    expect(tape.events, '4 ticks behind the touch is inside minDistanceTicks (10)').toEqual([]);
  });

  it('stays silent for orders that are not large', () => {
    const tape = new Tape();
    for (let k = 0; k < 5; k++) tape.wall(k * 5000, 'bid', 9980, 4, 1000);
    expect(tape.events, '4 x the median is below sizeMultiple (10)').toEqual([]);
  });

  it('stays silent for walls that trade', () => {
    const tape = new Tape();
    for (let k = 0; k < 5; k++) {
      tape.level(k * 5000, 'bid', 9980, 11);
      tape.detector.onTrade(k * 5000 + 10, 'bid', 9980);
      tape.level(k * 5000 + 1000, 'bid', 9980, 1);
    }
    expect(tape.events, 'a wall that traded was a real order').toEqual([]);
  });

  it('stays silent for walls that rest longer than maxLifetimeMs', () => {
    const tape = new Tape();
    for (let k = 0; k < 5; k++) tape.wall(k * 30_000, 'bid', 9980, 10, 15_000);
    expect(tape.events).toEqual([]);
  });

  it('stays silent when the wall is only partly reduced', () => {
    const tape = new Tape();
    for (let k = 0; k < 5; k++) tape.level(k * 5000, 'bid', 9980, 11).level(k * 5000 + 1000, 'bid', 9980, 6);
    expect(tape.events, 'losing 5 of a 10 wall is below pullFraction 0.8').toEqual([]);
  });

  it('stays silent when pulls are spread wider than the window', () => {
    const tape = new Tape();
    for (let k = 0; k < 4; k++) tape.wall(k * 40_000, 'bid', 9980, 10, 1000);
    expect(tape.events, 'at most two pulls fall in any 60 s window').toEqual([]);
  });

  it('refuses parameters that make no sense, naming them', () => {
    const book = new OrderBook();
    expect(() => new SpoofingDetector(book, { minDistanceTicks: 0 })).toThrow(InputError);
    expect(() => new SpoofingDetector(book, { pullFraction: 0 })).toThrow(/pullFraction/);
    expect(() => new SpoofingDetector(book, { medianLevels: 2 })).toThrow(/medianLevels/);
  });
});
