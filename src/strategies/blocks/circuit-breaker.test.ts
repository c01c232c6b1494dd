import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

const DAY1 = Date.UTC(2025, 4, 10, 9);
const DAY2 = Date.UTC(2025, 4, 11, 0, 1);

describe('CircuitBreaker', () => {
  it('stops entries after N consecutive losses until the next UTC day, and notes it once', () => {
    const notes: string[] = [];
    const b = new CircuitBreaker({ maxConsecutiveLosses: 3, dailyLossLimitPct: 0 }, (t) => notes.push(t));
    expect(b.allowsEntry(DAY1, 10_000)).toBe(true);
    b.recordTrade(-10, DAY1);
    b.recordTrade(-10, DAY1);
    expect(b.allowsEntry(DAY1, 9_980), 'two losses are under the limit').toBe(true);
    b.recordTrade(0, DAY1);
    expect(b.allowsEntry(DAY1, 9_980), 'a break-even trade counts as a loss: the third in a row trips it').toBe(false);
    expect(b.allowsEntry(DAY1 + 3_600_000, 9_980)).toBe(false);
    expect(b.refused).toBe(2);
    expect(notes).toEqual(['circuit breaker tripped: 3 consecutive losing trades (limit 3); no new entries until 2025-05-11 00:00 UTC']);
    expect(b.allowsEntry(DAY2, 9_980), 'a new UTC day resets it').toBe(true);
    expect(notes[1]).toBe('circuit breaker: reset for 2025-05-11; entries allowed again');
    expect(b.consecutiveLosses).toBe(0);
  });

  it('resets the streak on a win', () => {
    const b = new CircuitBreaker({ maxConsecutiveLosses: 2, dailyLossLimitPct: 0 }, () => {});
    b.allowsEntry(DAY1, 10_000);
    b.recordTrade(-5, DAY1);
    b.recordTrade(3, DAY1);
    b.recordTrade(-5, DAY1);
    expect(b.allowsEntry(DAY1, 10_000), 'loss, win, loss is a streak of one').toBe(true);
  });

  it('stops entries once the day\'s loss reaches the limit, measured from the day\'s first equity', () => {
    const notes: string[] = [];
    const b = new CircuitBreaker({ maxConsecutiveLosses: 0, dailyLossLimitPct: 3 }, (t) => notes.push(t));
    expect(b.allowsEntry(DAY1, 10_000)).toBe(true);
    expect(b.allowsEntry(DAY1 + 60_000, 9_701), '2.99 % down is under 3 %').toBe(true);
    b.observe(DAY1 + 120_000, 9_700);
    expect(b.state, '(10,000 - 9,700) / 10,000 = 3 % trips it').toEqual({ kind: 'daily-loss', lossPct: 3 });
    expect(b.allowsEntry(DAY1 + 180_000, 9_900), 'recovering within the day does not lift it').toBe(false);
    expect(notes[0]).toMatch(/^circuit breaker tripped: day's loss 3.00 %/);
    expect(b.allowsEntry(DAY2, 9_900)).toBe(true);
  });
});
