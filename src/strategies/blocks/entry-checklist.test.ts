import { describe, expect, it } from 'vitest';
import { type ChecklistConfig, EntryChecklist, type Setup } from './entry-checklist.js';

const CONFIG: ChecklistConfig = {
  timeframesMin: [1, 3],
  minQuoteVolume: 50_000,
  maxSpreadPct: 0.05,
  vwap: 'with',
  momentum: 'ema',
  oversold: 30,
  overbought: 70,
  stochOversold: 20,
  stochOverbought: 80,
  minRewardRisk: 1,
  idealRewardRisk: 1.5,
};
/** A long that passes every item: 1m bars, liquid, above VWAP, EMAs aligned, target 150 for a 100 stop (1.5:1). */
const GOOD: Setup = {
  side: 'long',
  barIntervalMs: 60_000,
  avgQuoteVolume: 1_000_000,
  spreadPct: undefined,
  close: 100_000,
  vwap: 99_900,
  emaFast: 99_990,
  emaSlow: 99_980,
  rsi: 55,
  entry: 100_000,
  stop: 99_900,
  target: 100_150,
};

describe('EntryChecklist', () => {
  it('accepts a setup that meets every item and records all five, flagging the ideal 1.5:1', () => {
    const c = new EntryChecklist(CONFIG);
    const v = c.judge(GOOD);
    expect(v.accepted).toBe(true);
    expect(v.items.map((i) => i.item), 'every item is recorded for an accepted setup').toEqual(['timeframe', 'liquidity', 'vwap', 'momentum', 'reward-risk']);
    expect(v.ideal, '150 / 100 = 1.5 reaches the ideal').toBe(true);
    expect(EntryChecklist.describe(v)).toMatch(/^checklist accepted \(ideal reward:risk\): timeframe 1m bars/);
    expect(c.accepted).toBe(1);
  });

  it('names the first failed item and counts rejections per item', () => {
    const c = new EntryChecklist(CONFIG);
    const cases: [Partial<Setup>, string][] = [
      [{ barIntervalMs: 5 * 60_000 }, 'timeframe'],
      [{ avgQuoteVolume: 10_000 }, 'liquidity'],
      [{ spreadPct: 0.2 }, 'liquidity'],
      [{ close: 99_800, vwap: 99_900 }, 'vwap'],
      [{ emaFast: 99_970 }, 'momentum'],
      [{ target: 100_090 }, 'reward-risk'],
      [{ stop: 100_010 }, 'reward-risk'],
    ];
    for (const [change, item] of cases) {
      const v = c.judge({ ...GOOD, ...change });
      expect(v.failed, `${JSON.stringify(change)} fails at ${item}`).toBe(item);
      expect(EntryChecklist.describe(v).startsWith(`checklist rejected: ${item} (`), 'the note names the failed item').toBe(true);
    }
    expect(c.summary()).toBe('accepted 0; rejected: timeframe 1, liquidity 2, vwap 1, momentum 1, reward-risk 2');
  });

  it('mirrors the VWAP and momentum items for a short', () => {
    const c = new EntryChecklist(CONFIG);
    const short: Setup = { ...GOOD, side: 'short', close: 99_800, vwap: 99_900, emaFast: 99_950, emaSlow: 99_960, entry: 99_800, stop: 99_900, target: 99_700 };
    expect(c.judge(short).accepted, 'a short below VWAP with the fast EMA under the slow one passes').toBe(true);
    expect(c.judge({ ...short, close: 100_000 }).failed, 'a short closing above VWAP fails at vwap').toBe('vwap');
  });

  it('reads the mean-reversion rules: below VWAP aiming at it, RSI or stochastic overextended', () => {
    const c = new EntryChecklist({ ...CONFIG, vwap: 'toward', momentum: 'rsi-reversal' });
    const setup: Setup = { ...GOOD, close: 99_700, vwap: 99_900, rsi: 25, entry: 99_700, stop: 99_600, target: 99_900 };
    expect(c.judge(setup).accepted).toBe(true);
    expect(c.judge({ ...setup, target: 100_000 }).failed, 'a target beyond VWAP is not a reversion to it').toBe('vwap');
    expect(c.judge({ ...setup, rsi: 40 }).failed, 'RSI 40 is not overextended').toBe('momentum');
    expect(c.judge({ ...setup, rsi: 40, stochK: 15 }).accepted, 'the stochastic %K 15 <= 20 is enough').toBe(true);
  });
});
