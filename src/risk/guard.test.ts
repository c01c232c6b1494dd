// The pre-trade guard on Binance USD-M BTCUSDT (tick 0.1, lot 0.001 BTC, min notional 100 USDT, specs/binance-usdm.json).
// Golden numbers are hand calculations written out beside each case.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Money } from '../core/money.js';
import { loadRegistry } from '../data/spec-files.js';
import { checkOrder, DEFAULT_GUARD_LIMITS, describeGuardDenial, onlyShrinks, type GuardAccount, type GuardOrder } from './guard.js';

const spec = loadRegistry().get('BINANCE:BTCUSDT');
const usdt = (x: number): Money => Math.round(x * 1e8) as Money;
/** $70,000.0 = 700000 ticks of 0.1. */
const PRICE = 700_000;
const account: GuardAccount = { equity: usdt(5000), dayStartEquity: usdt(5000), consecutiveLosses: 0, positionSignedLots: 0, leverage: 10 };
const buy = (qtyLots: number, stopTicks: number | undefined = PRICE - 7000): GuardOrder => ({ action: 'buy', qtyLots, priceTicks: PRICE, reduceOnly: false, stopTicks });

describe('checkOrder', () => {
  test('allows a sized entry within every limit', () => {
    // 7 lots = 0.007 BTC at 70,000 = $490 notional; stop 1 % lower (700 USDT/BTC) risks 0.007 x 700 = $4.90 < 1 % of $5,000 = $50.
    // Margin at 10x: $49 < 10 % of equity = $500. Leverage 490/5000 = 0.098x.
    expect(checkOrder(spec, buy(7), account, DEFAULT_GUARD_LIMITS), 'a $490 order with a $4.90 risk is inside every default limit').toBeUndefined();
  });

  test('refuses risk per trade above the budget with the numbers', () => {
    // 80 lots = 0.08 BTC; stop $700 away: risk 0.08 x 700 = $56 > $50 budget.
    const d = checkOrder(spec, buy(80), account, DEFAULT_GUARD_LIMITS);
    expect(d, 'risk $56 > 1 % of $5,000').toEqual({ code: 'RISK_PER_TRADE', riskAtStop: usdt(56), budget: usdt(50), riskPerTradePct: 1 });
    expect(describeGuardDenial(d!, 'USDT')).toContain('56.00 USDT exceeds 1% of equity (50.00 USDT)');
  });

  test('refuses margin above the utilisation cap', () => {
    // Tight stop ($7 away) keeps risk small: 0.1 BTC x 7 = $0.70. Notional 0.1 x 70,000 = $7,000; margin at 10x = $700 > $500.
    const d = checkOrder(spec, buy(100, PRICE - 70), account, DEFAULT_GUARD_LIMITS);
    expect(d, 'margin $700 > 10 % of $5,000').toEqual({ code: 'MARGIN_UTILISATION', marginAfter: usdt(700), cap: usdt(500), marginUtilisationPct: 10 });
  });

  test('refuses leverage above the cap when margin allows it', () => {
    // Same $7,000 notional at 100x margin = $70 (under $500) but effective leverage 7000/5000 = 1.4x > cap 1x.
    const d = checkOrder(spec, buy(100, PRICE - 70), { ...account, leverage: 100 }, { ...DEFAULT_GUARD_LIMITS, maxLeverage: 1 });
    expect(d, '1.4x > 1x').toEqual({ code: 'LEVERAGE_CAP', leverageAfter: 1.4, maxLeverage: 1 });
  });

  test('refuses a position above the lot cap counting the existing position', () => {
    const d = checkOrder(spec, buy(5), { ...account, positionSignedLots: 4 }, { ...DEFAULT_GUARD_LIMITS, maxPositionLots: 8 });
    expect(d, '4 held + 5 bought = 9 > 8').toEqual({ code: 'MAX_POSITION', positionAfterLots: 9, maxPositionLots: 8 });
  });

  test('refuses entries after the daily loss limit and the loss breaker, but never a reduce-only close', () => {
    const down = { ...account, equity: usdt(4850), positionSignedLots: 7 };
    // Lost $150 of $5,000 = 3 %: the default daily limit.
    expect(checkOrder(spec, buy(7), down, DEFAULT_GUARD_LIMITS), 'loss $150 = 3 % of the day start').toEqual({ code: 'DAILY_LOSS_LIMIT', lossToday: usdt(150), limit: usdt(150), dailyLossPct: 3 });
    expect(checkOrder(spec, buy(7), { ...account, consecutiveLosses: 5 }, DEFAULT_GUARD_LIMITS), 'five straight stops').toMatchObject({ code: 'CONSECUTIVE_LOSSES' });
    const close: GuardOrder = { action: 'sell', qtyLots: 7, priceTicks: PRICE, reduceOnly: true, stopTicks: undefined };
    expect(checkOrder(spec, close, { ...down, consecutiveLosses: 9 }, DEFAULT_GUARD_LIMITS), 'closing must stay possible when entries are blocked').toBeUndefined();
  });

  test('refuses the exchange grid, minimum quantity and minimum notional', () => {
    expect(checkOrder(spec, { ...buy(7), qtyLots: 7.5 }, account, DEFAULT_GUARD_LIMITS), 'half a lot is off the grid').toMatchObject({ code: 'OFF_GRID' });
    // 1 lot = 0.001 BTC at 70,000 = $70 < $100 minimum notional (Binance MIN_NOTIONAL filter for BTCUSDT).
    expect(checkOrder(spec, buy(1), account, DEFAULT_GUARD_LIMITS), '$70 < $100').toEqual({ code: 'BELOW_MIN_NOTIONAL', notional: usdt(70), minNotional: usdt(100) });
    expect(checkOrder(spec, buy(0), account, DEFAULT_GUARD_LIMITS), 'zero lots').toMatchObject({ code: 'OFF_GRID' });
  });

  test('refuses an entry with no stop and a reduce-only order that would flip the position', () => {
    expect(checkOrder(spec, { ...buy(7), stopTicks: undefined }, account, DEFAULT_GUARD_LIMITS), 'no stop').toEqual({ code: 'NO_STOP', qtyLots: 7 });
    const flip: GuardOrder = { action: 'sell', qtyLots: 10, priceTicks: PRICE, reduceOnly: true, stopTicks: undefined };
    expect(checkOrder(spec, flip, { ...account, positionSignedLots: 7 }, DEFAULT_GUARD_LIMITS), 'selling 10 of a 7-lot long flips it').toMatchObject({ code: 'REDUCE_ONLY_WOULD_INCREASE' });
  });

  test('an order that only shrinks the position always passes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 20 }), (held, side, losses) => {
        const signed = side === 0 ? held : -held;
        const qty = Math.max(1, Math.floor(held / 2));
        const order: GuardOrder = { action: signed > 0 ? 'sell' : 'buy', qtyLots: qty, priceTicks: PRICE, reduceOnly: false, stopTicks: undefined };
        const broke = { ...account, equity: usdt(1), consecutiveLosses: losses, positionSignedLots: signed };
        return checkOrder(spec, order, broke, DEFAULT_GUARD_LIMITS) === undefined;
      }),
    );
  });

  test('onlyShrinks holds for orders toward flat and not for ones that grow, open or flip the position', () => {
    expect(onlyShrinks('sell', 7, 7), 'selling a 7-lot long to flat').toBe(true);
    expect(onlyShrinks('buy', 3, -7), 'buying 3 of a 7-lot short').toBe(true);
    expect(onlyShrinks('sell', 8, 7), 'selling 8 of a 7-lot long flips it to -1').toBe(false);
    expect(onlyShrinks('buy', 1, 7), 'buying adds to a long').toBe(false);
    expect(onlyShrinks('buy', 1, 0), 'any order from flat opens a position').toBe(false);
  });
});
