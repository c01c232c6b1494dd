import { describe, expect, it } from 'vitest';
import { type ExactDecimal, parseDecimal } from '../core/decimal.js';
import { countFromText, gridFromStep, type Grid } from '../core/grid.js';
import { formatMoney, type Money, moneyFromText } from '../core/money.js';
import { loadRegistry } from '../data/spec-files.js';
import { adHocContract, consecutiveStopsDrawdownPct, planSize, riskBudget, type SizingInput, type SizingPlan } from './sizing.js';
import type { InstrumentSpec } from '../domain/instrument.js';

const registry = loadRegistry({ env: {} });
const dec = (t: string): ExactDecimal => parseDecimal(t)!;
const grid = (t: string): Grid => gridFromStep(t)!;
const money = (t: string): Money => moneyFromText(t)!;
const ticks = (price: string, spec: InstrumentSpec): number => {
  const r = countFromText(price, spec.tick, 'exact');
  if (!r.ok) throw new Error(`${price} off grid`);
  return r.value;
};
const adHoc = (multiplier: string, tick = '0.01'): InstrumentSpec => adHocContract({ multiplier: dec(multiplier), tick: grid(tick) });

function size(spec: InstrumentSpec, over: Partial<SizingInput> & { equity: Money; entry: string }): ReturnType<typeof planSize> {
  return planSize({
    spec,
    riskPct: dec('1'),
    stop: { kind: 'pct', pct: dec('1') },
    leverage: 10,
    marginMode: 'isolated',
    includeFees: false,
    entryLiquidity: 'taker',
    ...over,
    entryTicks: ticks(over.entry, spec),
  });
}

function planned(r: ReturnType<typeof planSize>): SizingPlan {
  if (!r.ok) throw new Error(`expected a plan, got denial ${JSON.stringify(r.error)}`);
  return r.value;
}

describe('planSize: the worked examples of PRODUCT.md', () => {
  it('sizes $1,000 at 1 % with a 0.2 % stop on a $1,000-notional contract to 5 contracts', () => {
    // Hand calculation: budget 1% x 1000 = $10; a contract of 1 unit at $1,000 loses 0.2% x 1000 = $2 -> 10 / 2 = 5.
    const p = planned(size(adHoc('1'), { equity: money('1000'), entry: '1000', stop: { kind: 'pct', pct: dec('0.2') } }));
    expect(p.stopTicks, '0.2 % below 1000.00 is 998.00').toBe(99800);
    expect(p.lots, '$10 budget / $2 a contract').toBe(5);
    expect(formatMoney(p.risk), 'five contracts x $2').toBe('10.00');
  });

  it('sizes $5,000 at 1 % with a 1 % stop on COINBASE:BIT (0.01 BTC) at $70,000 to 7 contracts and $49 at risk', () => {
    // Hand calculation: budget $50; 0.01 BTC x ($70,000 - $69,300) = $7 a contract; floor(50 / 7) = 7; 7 x 7 = $49.
    const p = planned(size(registry.get('COINBASE:BIT'), { equity: money('5000'), entry: '70000' }));
    expect(p.stopTicks * 5, 'the stop is 69,300 on the $5 grid').toBe(69300);
    expect(p.lots, 'seven contracts of 0.01 BTC').toBe(7);
    expect(formatMoney(p.risk), '$7 a contract x 7').toBe('49.00');
    expect(formatMoney(p.budget)).toBe('50.00');
  });

  it('gives the same 7 contracts and $49 for an ad-hoc 0.01 multiplier', () => {
    const p = planned(size(adHoc('0.01'), { equity: money('5000'), entry: '70000' }));
    expect(p.lots).toBe(7);
    expect(formatMoney(p.risk)).toBe('49.00');
    expect(formatMoney(p.notional), '7 x 0.01 BTC x $70,000').toBe('4900.00');
    expect(formatMoney(p.initialMargin), '$4,900 at 10x').toBe('490.00');
    expect(p.warnings, '9.8 % utilisation is within the 10 % ceiling').toEqual([]);
  });

  it('needs $210 of margin for 3 micro contracts of 0.01 BTC at $70,000 and 10x, exactly 10 % of $2,100', () => {
    // $2,100 at 1 % = $21 = three $7 contracts; notional 3 x $700 = $2,100; / 10 = $210.
    const p = planned(size(adHoc('0.01'), { equity: money('2100'), entry: '70000' }));
    expect(p.lots).toBe(3);
    expect(formatMoney(p.initialMargin)).toBe('210.00');
    expect(p.marginUtilisationPct).toBeCloseTo(10, 10);
    expect(p.warnings, 'exactly 10 % is not above the ceiling').toEqual([]);
  });

  it('warns when margin utilisation is above 10 % of equity', () => {
    const p = planned(size(adHoc('0.01'), { equity: money('2100'), entry: '70000', leverage: 5 }));
    expect(formatMoney(p.initialMargin), '$2,100 / 5').toBe('420.00');
    expect(p.warnings, '20 % utilisation').toEqual([{ code: 'MARGIN_UTILISATION_HIGH', utilisationPct: 20, maxPct: 10 }]);
  });

  it('refuses when even one contract exceeds the risk budget, and says by how much', () => {
    // $500 at 1 % = $5; one contract risks $7, $2 too much.
    const r = size(adHoc('0.01'), { equity: money('500'), entry: '70000' });
    expect(r).toEqual({ ok: false, error: { code: 'ONE_LOT_EXCEEDS_RISK', riskOneLot: money('7'), budget: money('5'), excess: money('2') } });
  });

  it('computes five straight 1 % stops as 4.90 % compounded', () => {
    // 1 - 0.99^5 = 0.0490099501
    expect(consecutiveStopsDrawdownPct(1, 5).toFixed(2)).toBe('4.90');
    expect(consecutiveStopsDrawdownPct(1, 5)).toBeCloseTo(4.90099501, 8);
  });
});

describe('planSize: stops, sides and refusals', () => {
  it('sizes a Binance USD-M position in 0.001 BTC lots: 0.071 BTC for $50 at a 1 % stop', () => {
    const p = planned(size(registry.get('BINANCE:BTCUSDT'), { equity: money('5000'), entry: '70000' }));
    expect(p.lots, '$0.70 a lot of 0.001 BTC; floor(50 / 0.7) = 71').toBe(71);
    expect(formatMoney(p.risk)).toBe('49.70');
    // Fees: taker 0.05 % on entry 4,970 (2.485) and exit 4,920.30 (2.46015).
    expect(formatMoney(p.fees.totalFee)).toBe('4.94515');
  });

  it('finds the Binance isolated liquidation price by the published formula', () => {
    // https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93, one-way isolated long, tier 1
    // (notional 4,970 < 50,000: MMR 0.4 %, cum 0): WB = IM = 4,970 / 10 = 497.
    // LP = (WB + cum - size x EP) / (size x MMR - size) = (497 - 4970) / (0.071 x 0.004 - 0.071) = 63253.0120...,
    // rounded up to the 0.1 tick for a long (the conservative side): 63253.1.
    const p = planned(size(registry.get('BINANCE:BTCUSDT'), { equity: money('5000'), entry: '70000' }));
    expect(p.liquidation?.price).toBeCloseTo((497 - 4970) / (0.071 * 0.004 - 0.071), 6);
    expect(p.liquidation?.ticks).toBe(632531);
    expect(p.liquidationBeyondStopTicks, 'stop 69,300.0 minus liquidation 63,253.1, in 0.1 ticks').toBe(60469);
  });

  it('finds no liquidation price in cross mode when the whole equity covers any fall', () => {
    // Cross, WB = equity 5,000 against a 4,900 notional: LP = (5,000 - 0.07 x 70,000) / (0.07 x 0.004 - 0.07) < 0.
    const p = planned(size(adHoc('0.01'), { equity: money('5000'), entry: '70000', marginMode: 'cross' }));
    expect(p.liquidation).toBeUndefined();
    expect(p.liquidationBeyondStopTicks).toBeUndefined();
  });

  it('puts the cross liquidation further away than the isolated one', () => {
    // Cross with $1,000: LP = (1,000 - 4,900) / (0.07 x 0.004 - 0.07) = 55,938.0378..., rounded up: 55,938.04.
    const cross = planned(size(adHoc('0.01'), { equity: money('1000'), entry: '70000', riskPct: dec('4.9'), marginMode: 'cross' }));
    expect(cross.lots).toBe(7);
    expect(cross.liquidation?.ticks).toBe(5593804);
    const isolated = planned(size(adHoc('0.01'), { equity: money('1000'), entry: '70000', riskPct: dec('4.9') }));
    expect(isolated.liquidation!.ticks, 'isolated 10x liquidates nearer the entry').toBeGreaterThan(cross.liquidation!.ticks);
  });

  it('uses the price stop as given and implies a short from a stop above the entry', () => {
    const p = planned(size(adHoc('0.01'), { equity: money('5000'), entry: '70000', stop: { kind: 'price', ticks: 7070000 } }));
    expect(p.side).toBe('short');
    expect(p.lots).toBe(7);
  });

  it('rounds a percentage stop away from the entry, never tighter than asked', () => {
    // 0.3 % of 70,000.05 is 210.00015: the long stop 69,790.04985 rounds down to 69,790.04, the short stop
    // 70,210.05015 up to 70,210.06.
    const long = planned(size(adHoc('0.01'), { equity: money('5000'), entry: '70000.05', stop: { kind: 'pct', pct: dec('0.3') } }));
    expect(long.stopTicks).toBe(6979004);
    const short = planned(size(adHoc('0.01'), { equity: money('5000'), entry: '70000.05', stop: { kind: 'pct', pct: dec('0.3') }, side: 'short' }));
    expect(short.stopTicks).toBe(7021006);
  });

  it('refuses a stop on the wrong side of an explicit side', () => {
    const r = size(adHoc('0.01'), { equity: money('5000'), entry: '70000', side: 'short', stop: { kind: 'price', ticks: 6930000 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('STOP_ON_WRONG_SIDE');
  });

  it('refuses when the liquidation price comes before the stop', () => {
    // 50x isolated long: LP = 70,000 x (1 - 1/50) / (1 - 0.004) = 68,875.50..., above a 2 % stop at 68,600.
    const r = size(adHoc('0.01'), { equity: money('5000'), entry: '70000', leverage: 50, stop: { kind: 'pct', pct: dec('2') } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: 'LIQUIDATION_BEFORE_STOP', liquidationTicks: 6887551, stopTicks: 6860000 });
  });

  it('allows 125x just below the first Binance bracket cap and refuses it at the cap', () => {
    // BTCUSDT bracket 1: notional [0, 50,000) up to 125x; bracket 2 from 50,000 up to 100x. At 100,000 with a 1 % stop
    // each 0.001 BTC lot risks $1, so a $499 budget buys 0.499 BTC (49,900) and $500 buys 0.5 BTC (50,000).
    const spec = registry.get('BINANCE:BTCUSDT');
    const below = size(spec, { equity: money('49900'), entry: '100000', leverage: 125, marginMode: 'cross' });
    expect(planned(below).lots).toBe(499);
    expect(planned(below).maxLeverage).toBe(125);
    const at = size(spec, { equity: money('50000'), entry: '100000', leverage: 125, marginMode: 'cross' });
    expect(at).toEqual({ ok: false, error: { code: 'LEVERAGE_ABOVE_MAX', leverage: 125, maxLeverage: 100 } });
  });

  it('refuses a size below the venue minimum notional', () => {
    // BINANCE:BTCUSDT minimum notional is 100 USDT: $10 at a 10 % stop buys 0.001 BTC = $70.
    const r = size(registry.get('BINANCE:BTCUSDT'), { equity: money('1000'), entry: '70000', stop: { kind: 'pct', pct: dec('10') } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: 'BELOW_MIN_NOTIONAL', minNotional: money('100') });
  });

  it('makes the budget cover fees with includeFees', () => {
    // Ad-hoc 0.01 BTC with a 0.05 % taker fee: entry fee $0.35, exit at 69,300 $0.3465 -> $7.6965 a contract -> 6.
    const spec = adHocContract({ multiplier: dec('0.01'), tick: grid('0.01'), fees: { maker: 0.0002, taker: 0.0005 } });
    const p = planned(size(spec, { equity: money('5000'), entry: '70000', includeFees: true }));
    expect(p.lots).toBe(6);
    expect(moneyFromText('50')! - p.lossWithFees, 'six contracts cost 46.179').toBeGreaterThanOrEqual(0);
    expect(formatMoney(p.lossWithFees)).toBe('46.179');
  });

  it('computes the budget exactly with a decimal risk percentage', () => {
    expect(formatMoney(riskBudget(money('1234.56'), dec('0.75')))).toBe('9.2592');
  });

  it('reports the break-even exit above a long entry after taker fees', () => {
    // Break-even of a 0.05 % round trip on 70,000: 70,000 x 1.0005 / (1 - 0.0005) = 70,070.035..., first tick 70,070.04.
    const spec = adHocContract({ multiplier: dec('0.01'), tick: grid('0.01'), fees: { maker: 0.0002, taker: 0.0005 } });
    const p = planned(size(spec, { equity: money('5000'), entry: '70000' }));
    expect(p.breakEvenTicks).toBe(7007004);
  });
});
