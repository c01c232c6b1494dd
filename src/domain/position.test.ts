import { describe, expect, it } from 'vitest';
import { formatMoney } from '../core/money.js';
import { terms } from '../../test/support/contract-terms.js';
import { contractMathFor } from './contract-math.js';
import { GridPosition, HedgePosition } from './position.js';

describe('linear position', () => {
  const math = contractMathFor(terms('linear', '1', '0.1', '0.001'));

  it('keeps the average entry as total cost over lots across adds', () => {
    const p = new GridPosition(math);
    p.applyFill(3, 700_000);
    p.applyFill(2, 700_010);
    expect(p.entryValue, '3 x 700,000 + 2 x 700,010 tick-lots').toBe(3_500_020);
    expect(p.averageEntryTicks(), '70,000.4').toBe(700_004);
  });

  it('realises P&L on a partial close and keeps the rest at the same average', () => {
    const p = new GridPosition(math);
    p.applyFill(5, 700_000);
    const realised = p.applyFill(-2, 710_000);
    // 0.002 BTC x (71,000 - 70,000) = 2 USDT.
    expect(formatMoney(realised)).toBe('2.00');
    expect(p.signedLots).toBe(3);
    expect(p.averageEntryTicks()).toBe(700_000);
    expect(formatMoney(p.unrealisedPnl(690_000)), '0.003 x (69,000 - 70,000)').toBe('-3.00');
  });

  it('closes and flips in one fill', () => {
    const p = new GridPosition(math);
    p.applyFill(2, 700_000);
    const realised = p.applyFill(-5, 690_000);
    expect(formatMoney(realised), '0.002 x -1,000').toBe('-2.00');
    expect(p.side).toBe('short');
    expect(p.signedLots).toBe(-3);
    expect(p.averageEntryTicks(), 'the new short opens at the fill price').toBe(690_000);
  });

  it('gains exactly $9,000 on the 150-contract hedge short when BTC drops 10% from $60,000', () => {
    const nano = new GridPosition(contractMathFor(terms('linear', '0.01', '5', '1')));
    nano.applyFill(-150, 12_000);
    expect(formatMoney(nano.unrealisedPnl(10_800)), 'PRODUCT.md: the hedge gains what the spot loses').toBe('9000.00');
  });
});

describe('inverse position', () => {
  const math = contractMathFor(terms('inverse', '1', '0.5', '1'));

  it('averages entries harmonically: 1,000 at 5,000 + 2,000 at 6,000 -> 5,625 (Bybit example)', () => {
    // https://www.bybit.com/en/help-center/article/Profit-Loss-calculations-Inverse-Contracts:
    // 3,000 / (1,000 / 5,000 + 2,000 / 6,000) = 5,625.
    const p = new GridPosition(math);
    p.applyFill(1000, 10_000);
    p.applyFill(2000, 12_000);
    expect(p.averageEntryTicks()! * 0.5).toBeCloseTo(5625, 9);
  });

  it('shows unrealised P&L of 1,000 long from 5,000 at 5,500 as 0.01818182 BTC (Bybit example)', () => {
    const p = new GridPosition(math);
    p.applyFill(1000, 10_000);
    expect(formatMoney(p.unrealisedPnl(11_000), 8)).toBe('0.01818182');
  });
});

describe('hedge-mode position', () => {
  const math = contractMathFor(terms('linear', '1', '0.1', '0.001'));

  it('holds a long and a short leg at once and sums their P&L', () => {
    const h = new HedgePosition(math);
    h.applyFill('long', 10, 700_000);
    h.applyFill('short', -4, 710_000);
    expect(h.netLots).toBe(6);
    // Long 0.01 from 70,000 and short 0.004 from 71,000, mark 72,000: 20 - 4 = 16 USDT.
    expect(formatMoney(h.unrealisedPnl(720_000))).toBe('16.00');
    expect(formatMoney(h.applyFill('short', 4, 720_000)), 'closing the short leg realises -4').toBe('-4.00');
  });

  it('refuses a fill that would flip a leg (a caller bug: venues reject it as reduce-only)', () => {
    const h = new HedgePosition(math);
    h.applyFill('long', 1, 700_000);
    expect(() => h.applyFill('long', -2, 700_000)).toThrow(/keeps its side/);
  });
});
