import { describe, expect, it } from 'vitest';
import { type ExactDecimal, parseDecimal } from '../core/decimal.js';
import { gridFromStep } from '../core/grid.js';
import { formatMoney, type Money, moneyFromText } from '../core/money.js';
import { adHocContract } from './sizing.js';
import { allocate, customSplit, planScaleIn, PRESET_SPLITS, type ScalePlan, type ScalePlanInput } from './scale-plan.js';

const dec = (t: string): ExactDecimal => parseDecimal(t)!;
const money = (t: string): Money => moneyFromText(t)!;
// 0.01 BTC micro contract on a $0.01 grid: one tick on one contract is $0.0001.
const micro = adHocContract({ multiplier: dec('0.01'), tick: gridFromStep('0.01')! });
const px = (p: number): number => Math.round(p * 100);

function plan(over: Partial<ScalePlanInput>): ReturnType<typeof planScaleIn> {
  return planScaleIn({
    spec: micro,
    equity: money('1000'),
    riskPct: dec('1'),
    size: { kind: 'total-lots', lots: 3 },
    entryTicks: px(70000),
    stop: { kind: 'pct', pct: dec('0.5') },
    split: PRESET_SPLITS.thirds,
    trigger: { kind: 'pct', pct: dec('0.5') },
    leverage: 10,
    ...over,
  });
}

function planned(r: ReturnType<typeof planScaleIn>): ScalePlan {
  if (!r.ok) throw new Error(`expected a plan, got ${JSON.stringify(r.error)}`);
  return r.value;
}

describe('planScaleIn', () => {
  it('plans the source article example: 3 micro contracts in thirds, stop to breakeven after the first add', () => {
    // $1,000 account, 1 % = $10; first contract at 70,000 with a 0.5 % stop at 69,650 risks $3.50.
    // Add 1 at +0.5 % = 70,350: the stop moves to the first entry 70,000; the loss is 0.01 x 350 = $3.50.
    // Add 2 at +0.5 % = 70,701.75: the stop moves one tick under the second entry, 70,349.99; the loss is
    // 0.01 x ((70,000 - 70,349.99) + (70,350 - 70,349.99) + (70,701.75 - 70,349.99)) = 0.01 x 1.78 = $0.0178.
    const p = planned(plan({}));
    expect(p.steps.map((s) => s.entryTicks)).toEqual([px(70000), px(70350), px(70701.75)]);
    expect(p.steps.map((s) => s.stopTicks)).toEqual([px(69650), px(70000), px(70349.99)]);
    expect(p.steps.map((s) => formatMoney(s.worstCaseLoss))).toEqual(['3.50', '3.50', '0.0178']);
    expect(p.steps.map((s) => s.lots)).toEqual([1, 1, 1]);
    // Margin at 10x: $70, $70.35, $70.70175 (a notional of 0.01 x price / 10).
    expect(p.steps.map((s) => formatMoney(s.margin))).toEqual(['70.00', '70.35', '70.70175']);
    expect(formatMoney(p.maxWorstCaseLoss)).toBe('3.50');
  });

  it('needs $210 of margin for 3 micro contracts of 0.01 BTC planned at $70,000 and 10x', () => {
    // Three adds one tick apart above 70,000 keep the notional at 3 x $700 to within cents.
    const p = planned(plan({ trigger: { kind: 'prices', ticks: [px(70000.01), px(70000.02)] }, stop: { kind: 'price', ticks: px(69900) } }));
    expect(formatMoney(p.steps[2]!.totalMargin)).toBe('210.00003');
  });

  it('refuses an add that is not in profit (averaging down)', () => {
    const r = plan({ trigger: { kind: 'prices', ticks: [px(69800), px(70500)] } });
    expect(r).toEqual({ ok: false, error: { code: 'AVERAGING_DOWN', step: 2, side: 'long', triggerTicks: px(69800), averageEntryTicks: px(70000) } });
  });

  it('refuses an add at exactly the average entry', () => {
    const r = plan({ trigger: { kind: 'prices', ticks: [px(70000), px(70500)] } });
    expect(r.ok ? undefined : r.error.code).toBe('AVERAGING_DOWN');
  });

  it('refuses a short whose add is above the average entry', () => {
    const r = plan({ side: 'short', trigger: { kind: 'prices', ticks: [px(70100), px(69000)] } });
    expect(r.ok ? undefined : r.error.code).toBe('AVERAGING_DOWN');
  });

  it('refuses a fixed total whose worst case at a stage exceeds the budget, naming the stage', () => {
    // 30 contracts in thirds: the first 10 risk 10 x $3.50 = $35 > $10.
    const r = plan({ size: { kind: 'total-lots', lots: 30 } });
    expect(r).toEqual({ ok: false, error: { code: 'STAGE_EXCEEDS_RISK', step: 1, loss: money('35'), budget: money('10') } });
  });

  it('sizes from the risk budget: the largest total whose every stage fits', () => {
    // 1/4-1/4-1/2, entries 70,000 / 70,350 / 70,701.75 (0.5 % apart), budget $10. Stage 1: s1 x $3.50 <= 10, so
    // s1 <= 2; stage 2 (stop at 70,000): s2 x $3.50 <= 10, s2 <= 2; stage 3 (stop 70,349.99):
    // 0.01 x (-349.99 s1 + 0.01 s2 + 351.76 s3) <= 10 gives s3 <= 4 with s1 = s2 = 2. Total 8 = 2 + 2 + 4; a total of
    // 9 gives 2 + 2 + 5 and stage 3 loses $10.588.
    const p = planned(plan({ size: { kind: 'risk' }, split: PRESET_SPLITS['1/4-1/4-1/2'] }));
    for (const s of p.steps) expect(s.worstCaseLoss, `stage ${s.step}`).toBeLessThanOrEqual(p.budget);
    const bigger = plan({ size: { kind: 'total-lots', lots: p.totalLots + 1 }, split: PRESET_SPLITS['1/4-1/4-1/2'] });
    expect(bigger.ok, 'one lot more breaks a stage').toBe(false);
    expect(p.totalLots).toBe(8);
    expect(p.steps.map((s) => s.lots)).toEqual([2, 2, 4]);
  });

  it('moves the stop to the first entry after the first add and one tick under the previous entry after that', () => {
    const p = planned(plan({ size: { kind: 'total-lots', lots: 4 }, split: { name: '4', weights: [1, 1, 1, 1] }, trigger: { kind: 'prices', ticks: [px(70100), px(70200), px(70300)] } }));
    expect(p.steps.map((s) => s.stopTicks)).toEqual([px(69650), px(70000), px(70099.99), px(70199.99)]);
  });

  it('places ATR, level-break and RSI triggers', () => {
    const atr = planned(plan({ trigger: { kind: 'atr', k: dec('2'), atrTicks: px(35) } }));
    expect(atr.steps.map((s) => s.entryTicks), '2 x ATR $35 = $70 beyond each entry').toEqual([px(70000), px(70070), px(70140)]);
    const levels = planned(plan({ trigger: { kind: 'levels', ticks: [px(70200), px(70400)] } }));
    expect(levels.steps.map((s) => s.entryTicks), 'one tick beyond each level').toEqual([px(70000), px(70200.01), px(70400.01)]);
    const rsi = planned(plan({ trigger: { kind: 'rsi', threshold: 60, atTicks: [px(70300), px(70600)] } }));
    expect(rsi.steps[1]!.trigger).toBe('RSI crosses 60 (planned at 70300)');
  });

  it('refuses a plan with fewer trigger prices than adds', () => {
    expect(plan({ trigger: { kind: 'prices', ticks: [px(70300)] } })).toEqual({ ok: false, error: { code: 'TOO_FEW_TRIGGERS', steps: 3, triggers: 1 } });
  });

  it('refuses an add so close to the previous entry that the trailed stop is not behind it', () => {
    // Entries 70,000 and 70,200 average 70,100; a third add at 70,150 is in profit, but the stop after it moves one
    // tick under the second entry, to 70,199.99, which is above the add itself.
    const r = plan({ trigger: { kind: 'prices', ticks: [px(70200), px(70150)] } });
    expect(r.ok ? undefined : r.error.code).toBe('STOP_NOT_BEHIND_ENTRY');
  });
});

describe('splits', () => {
  it('accepts a custom split that sums to 100 and refuses one that does not', () => {
    expect(customSplit([dec('20'), dec('30'), dec('50')])).toEqual({ ok: true, value: { name: '20/30/50', weights: [20, 30, 50] } });
    expect(customSplit([dec('33.3'), dec('33.3'), dec('33.4')]).ok).toBe(true);
    expect(customSplit([dec('30'), dec('30'), dec('30')])).toEqual({ ok: false, error: { code: 'SPLIT_NOT_100', sumPct: 90 } });
  });

  it('allocates lots by floor with the rest to the last step', () => {
    expect(allocate(10, [30, 40, 30])).toEqual([3, 4, 3]);
    expect(allocate(10, [1, 1, 1])).toEqual([3, 3, 4]);
    expect(allocate(7, [1, 1, 2])).toEqual([1, 1, 5]);
  });
});
