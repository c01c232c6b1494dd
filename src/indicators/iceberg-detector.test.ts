import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { IcebergDetector, type IcebergEvent } from './iceberg-detector.js';
import { OrderBook, type BookSide } from './order-book.js';

/** Replays a tape of book changes and trades through a book and the detector; returns the events. */
class Tape {
  readonly book = new OrderBook();
  readonly events: IcebergEvent[] = [];
  constructor(readonly detector = new IcebergDetector()) {}

  level(timeMs: number, side: BookSide, priceTicks: number, qty: number): this {
    const previous = this.book.setLevel(side, priceTicks, qty);
    const e = this.detector.onLevelChange(timeMs, side, priceTicks, previous, qty);
    if (e) this.events.push(e);
    return this;
  }

  trade(timeMs: number, makerSide: BookSide, priceTicks: number, qty: number): this {
    const e = this.detector.onTrade(timeMs, makerSide, priceTicks, qty);
    if (e) this.events.push(e);
    return this;
  }
}

describe('IcebergDetector on constructed tapes', () => {
  it('reports a hidden seller that shows 1.0 and refills after every fill, on the third refill', () => {
    const tape = new Tape().level(0, 'ask', 10010, 1).level(0, 'bid', 10000, 5);
    // Buyers lift the whole 1.0 each time; the next diff shows the level back at 1.0 (net unchanged).
    for (let k = 1; k <= 4; k++) tape.trade(k * 1000, 'ask', 10010, 1).level(k * 1000 + 5, 'ask', 10010, 1);
    expect(tape.events, 'one event per episode, however many refills follow').toHaveLength(1);
    expect(tape.events[0]).toEqual({
      type: 'IcebergDetected',
      side: 'ask',
      priceTicks: 10010,
      refills: 3,
      executedQty: 3,
      maxDisplayedQty: 1,
      refilledQty: 3,
      trades: 3,
      firstTradeMs: 1000,
      detectedMs: 3005,
    });
  });

  it('counts a refill that arrives as a separate diff after the level emptied', () => {
    const tape = new Tape().level(0, 'bid', 9990, 0.5);
    for (let k = 1; k <= 3; k++) {
      // Sellers hit 0.3 then 0.2; the level empties, then 0.5 reappears at the same price.
      tape.trade(k * 100, 'bid', 9990, 0.3).level(k * 100 + 1, 'bid', 9990, 0.2);
      tape.trade(k * 100 + 2, 'bid', 9990, 0.2).level(k * 100 + 3, 'bid', 9990, 0);
      tape.level(k * 100 + 50, 'bid', 9990, 0.5);
    }
    expect(tape.events).toHaveLength(1);
    const e = tape.events[0];
    expect(e?.side, 'a hidden buyer rests on the bid').toBe('bid');
    expect(e?.refills).toBe(3);
    expect(e?.executedQty, '3 x (0.3 + 0.2)').toBeCloseTo(1.5, 12);
    expect(e?.maxDisplayedQty).toBe(0.5);
    expect(e?.refilledQty).toBeCloseTo(1.5, 12);
  });

  it('stays silent for a level that is simply eaten away', () => {
    const tape = new Tape().level(0, 'ask', 10010, 5);
    tape.trade(1, 'ask', 10010, 2).level(2, 'ask', 10010, 3);
    tape.trade(3, 'ask', 10010, 1).level(4, 'ask', 10010, 2);
    tape.trade(5, 'ask', 10010, 2).level(6, 'ask', 10010, 0);
    expect(tape.events, 'every change matches what traded: no refill').toEqual([]);
  });

  it('stays silent when refills happen but less trades than the level ever displayed', () => {
    const tape = new Tape().level(0, 'ask', 10010, 10);
    for (let k = 1; k <= 5; k++) tape.trade(k * 10, 'ask', 10010, 1).level(k * 10 + 1, 'ask', 10010, 10);
    expect(tape.events, '5 executed against 10 displayed is an ordinary busy level').toEqual([]);
  });

  it('ignores small orders joining a traded level', () => {
    const tape = new Tape().level(0, 'ask', 10010, 2);
    // Each time 0.4 trades only 0.1 joins: a quarter of the fill, below minRefillFraction (0.5), even summed.
    let shown = 2;
    for (let k = 1; k <= 6; k++) tape.trade(k * 10, 'ask', 10010, 0.4).level(k * 10 + 1, 'ask', 10010, (shown = shown - 0.3));
    expect(tape.events, '2.4 executed against 2 displayed, but nothing came back').toEqual([]);
  });

  it('forgets a level after maxIdleMs without trades, so slow refills do not add up', () => {
    const tape = new Tape(new IcebergDetector({ maxIdleMs: 1000 })).level(0, 'ask', 10010, 1);
    for (let k = 1; k <= 5; k++) tape.trade(k * 5000, 'ask', 10010, 1).level(k * 5000 + 1, 'ask', 10010, 1);
    expect(tape.events, 'each refill starts a new episode 5 s after the last').toEqual([]);
    expect(tape.detector.trackedLevels).toBe(1);
  });

  it('does not attribute trades at one price to refills at another', () => {
    const tape = new Tape().level(0, 'ask', 10010, 1).level(0, 'ask', 10011, 1);
    for (let k = 1; k <= 5; k++) tape.trade(k * 10, 'ask', 10010, 0.5).level(k * 10 + 1, 'ask', 10011, 1 + k);
    expect(tape.events).toEqual([]);
  });

  it('honours custom thresholds', () => {
    const tape = new Tape(new IcebergDetector({ minRefills: 1, executedOverDisplayed: 0.5 })).level(0, 'ask', 10010, 2);
    tape.trade(1, 'ask', 10010, 1.5).level(2, 'ask', 10010, 2);
    expect(tape.events, 'one refill, 1.5 executed > 0.5 x 2 displayed').toHaveLength(1);
  });

  it('refuses parameters that make no sense, naming them', () => {
    expect(() => new IcebergDetector({ minRefills: 0 })).toThrow(InputError);
    expect(() => new IcebergDetector({ minRefillFraction: 2 })).toThrow(/minRefillFraction/);
    expect(() => new IcebergDetector({ maxIdleMs: Number.NaN })).toThrow(/maxIdleMs/);
  });
});
