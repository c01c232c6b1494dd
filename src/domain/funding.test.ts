import { describe, expect, it } from 'vitest';
import { formatMoney } from '../core/money.js';
import { terms } from '../../test/support/contract-terms.js';
import { contractMathFor } from './contract-math.js';
import { expectedFundingPeriods, fundingCashFlow, fundingTimesBetween, nextFundingTimeMs } from './funding.js';

const H = 3_600_000;

describe('funding payments', () => {
  const nano = contractMathFor(terms('linear', '0.01', '5', '1'));

  it('makes a long pay and a short receive notional at mark x rate when the rate is positive', () => {
    // 150 x 0.01 BTC at mark 60,000 = 90,000 USD notional; x 0.01 % = 9 USD.
    expect(formatMoney(fundingCashFlow(nano, 150, 12_000, 0.0001)), 'long pays').toBe('-9.00');
    expect(formatMoney(fundingCashFlow(nano, -150, 12_000, 0.0001)), 'short receives').toBe('9.00');
    expect(formatMoney(fundingCashFlow(nano, -150, 12_000, -0.0001)), 'negative rate: short pays').toBe('-9.00');
  });

  it('pays inverse funding in coin on the coin notional at mark, rounding against the trader', () => {
    // 100 COIN-M contracts (100 USD) at mark 25,000 = 0.4 BTC; x 0.0001 = 0.00004 BTC exactly.
    const coinm = contractMathFor(terms('inverse', '100', '0.1', '1'));
    expect(formatMoney(fundingCashFlow(coinm, 100, 250_000, 0.0001), 8)).toBe('-0.00004000');
    // At 30,000: 10,000 / 30,000 x 0.0001 = 3.333e-5 BTC: a payment rounds up (-3334 units), a receipt down (3333).
    expect(fundingCashFlow(coinm, 100, 300_000, 0.0001)).toBe(-3334);
    expect(fundingCashFlow(coinm, -100, 300_000, 0.0001)).toBe(3333);
  });
});

describe('funding times', () => {
  const eightHours = { kind: 'periodic' as const, intervalHours: 8 };

  it('falls at 00:00, 08:00 and 16:00 UTC for an 8-hour interval', () => {
    const start = Date.UTC(2025, 4, 4, 15, 33);
    expect(new Date(nextFundingTimeMs(eightHours, start)!).toISOString()).toBe('2025-05-04T16:00:00.000Z');
    expect(new Date(nextFundingTimeMs(eightHours, Date.UTC(2025, 4, 4, 16))!).toISOString(), 'strictly after').toBe('2025-05-05T00:00:00.000Z');
    expect(nextFundingTimeMs({ kind: 'none' }, start), 'dated contracts have no funding').toBeUndefined();
  });

  it('counts the funding times a hold spans', () => {
    const start = Date.UTC(2025, 4, 4, 15, 33);
    expect(fundingTimesBetween(eightHours, start, start + 4 * H), '15:33 -> 19:33 crosses 16:00').toBe(1);
    expect(fundingTimesBetween(eightHours, start, start + 24 * H)).toBe(3);
    expect(fundingTimesBetween({ kind: 'accrued', accrualHours: 1, settlementHoursUtc: [0, 12] }, start, start + 4 * H), 'hourly accrual').toBe(4);
    expect(expectedFundingPeriods(eightHours, 4 * H)).toBe(0.5);
  });
});
