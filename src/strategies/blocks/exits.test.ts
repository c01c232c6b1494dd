import { describe, expect, it } from 'vitest';
import { ATR_TARGET_K, stopBeyond, targetPrice, TimeStop } from './exits.js';

describe('exit prices', () => {
  it('puts the ATR target at k x ATR: the 1-minute ATR $5 -> $2-3 rule of the scalping seed', () => {
    // Seed "Micro-Futures Scalping with Precision", 4.3: ATR $5 on the 1-minute chart -> target $2 to $3.
    expect(targetPrice('long', 70_000, 69_990, { kind: 'atr', k: ATR_TARGET_K.min }, 5)).toBeCloseTo(70_002, 9);
    expect(targetPrice('long', 70_000, 69_990, { kind: 'atr', k: ATR_TARGET_K.max }, 5)).toBeCloseTo(70_003, 9);
    expect(targetPrice('short', 70_000, 70_010, { kind: 'atr', k: 0.5 }, 5)).toBeCloseTo(69_997.5, 9);
    expect(targetPrice('long', 70_000, 69_990, { kind: 'atr', k: 0.5 }, undefined), 'no ATR yet, no target').toBeUndefined();
  });

  it('puts the reward:risk target at rr x the stop distance and the percent target at pct of the entry', () => {
    expect(targetPrice('long', 100, 99, { kind: 'reward-risk', rewardRisk: 1.5 }, undefined)).toBe(101.5);
    expect(targetPrice('short', 100, 101, { kind: 'reward-risk', rewardRisk: 2 }, undefined)).toBe(98);
    expect(targetPrice('long', 1000, 999, { kind: 'pct', pct: 0.2 }, undefined)).toBeCloseTo(1002, 9);
  });

  it('puts the stop buffer ticks beyond the level, away from the trade', () => {
    expect(stopBeyond('long', 100, 0.1, 2)).toBeCloseTo(99.8, 12);
    expect(stopBeyond('short', 100, 0.1, 2)).toBeCloseTo(100.2, 12);
  });
});

describe('TimeStop', () => {
  it('is due once the position has been held maxBars bars, and never when off', () => {
    const t = new TimeStop(3);
    expect(t.due(10), 'nothing timed').toBe(false);
    t.start(10);
    expect(t.due(12)).toBe(false);
    expect(t.due(13)).toBe(true);
    t.clear();
    expect(t.due(20)).toBe(false);
    const off = new TimeStop(0);
    off.start(0);
    expect(off.due(1_000)).toBe(false);
  });
});
