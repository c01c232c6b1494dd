import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../data/spec-files.js';
import { exitTicksFromEntry, lotsOf, orderSpecOf, ticksOf } from './order-api.js';

// BINANCE:BTCUSDT: tick 0.1, lot 0.001 BTC, min qty 1 lot (specs/binance-usdm.json).
const SPEC = loadRegistry().get('BINANCE:BTCUSDT');

describe('order requests on the instrument grid', () => {
  it('rounds float prices to the nearest tick and keeps tick inputs exact', () => {
    expect(ticksOf(100_000.04, SPEC), '100000.04 is nearer 100000.0').toBe(1_000_000);
    expect(ticksOf(100_000.06, SPEC), '100000.06 is nearer 100000.1').toBe(1_000_001);
    expect(ticksOf({ ticks: 1_234_567 }, SPEC)).toBe(1_234_567);
    expect(ticksOf(0, SPEC), 'a price must be positive').toBeUndefined();
    expect(ticksOf(Number.NaN, SPEC)).toBeUndefined();
  });

  it('rounds sizes down to the lot: contracts, lots and a quote notional at the reference price', () => {
    expect(lotsOf({ qty: 0.0129 }, SPEC, 1_000_000)).toEqual({ ok: true, value: 12 });
    expect(lotsOf({ lots: 7 }, SPEC, 1_000_000)).toEqual({ ok: true, value: 7 });
    // 1,000 USDT at 100,000.0 is 0.01 BTC = 10 lots; at 100,000.1 it is 0.0099999 BTC: 9 lots.
    expect(lotsOf({ notional: 1000 }, SPEC, 1_000_000)).toEqual({ ok: true, value: 10 });
    expect(lotsOf({ notional: 1000 }, SPEC, 1_000_001)).toEqual({ ok: true, value: 9 });
    expect(lotsOf({ notional: 50 }, SPEC, 1_000_000)).toEqual({ ok: false, error: 'size rounds down to 0 lots' });
    expect(lotsOf({ qty: 1, lots: 1 }, SPEC, 1_000_000).ok, 'two sizes at once').toBe(false);
  });

  it('builds the order types the issue lists, with post-only as GTX and reduce-only as an effect', () => {
    const limit = orderSpecOf({ type: 'limit', action: 'buy', qty: 0.01, price: 99_000, postOnly: true }, SPEC, 'c-1', 1_000_000);
    expect(limit).toEqual({ ok: true, value: expect.objectContaining({ type: 'limit', limitTicks: 990_000, timeInForce: 'GTX', qtyLots: 10, effect: 'open-or-reduce' }) });
    const stop = orderSpecOf({ type: 'stop', action: 'sell', lots: 10, trigger: 98_000, reduceOnly: true }, SPEC, 'c-2', 1_000_000);
    expect(stop).toEqual({ ok: true, value: expect.objectContaining({ type: 'stop-market', triggerTicks: 980_000, effect: 'reduce-only' }) });
    const trailing = orderSpecOf({ type: 'trailing', action: 'sell', lots: 10, callbackPct: 1, activation: 101_000 }, SPEC, 'c-3', 1_000_000);
    expect(trailing).toEqual({ ok: true, value: expect.objectContaining({ type: 'trailing-stop', callbackRate: 0.01, activationTicks: 1_010_000 }) });
    const tpLimit = orderSpecOf({ type: 'take-profit', action: 'sell', lots: 10, trigger: 101_000, limit: 100_990 }, SPEC, 'c-4', 1_000_000);
    expect(tpLimit).toEqual({ ok: true, value: expect.objectContaining({ type: 'take-profit-limit', triggerTicks: 1_010_000, limitTicks: 1_009_900 }) });
  });

  it('prices bracket exits at percent distances from the entry, rounded to the nearest tick', () => {
    // 95,497.3 x 1.002 = 95,688.2946 -> 95,688.3; x 0.9985 = 95,354.05405 -> 95,354.1 (hand calculation).
    expect(exitTicksFromEntry(954_973, true, 0.2, 'take-profit')).toBe(956_883);
    expect(exitTicksFromEntry(954_973, true, 0.15, 'stop-loss')).toBe(953_541);
    // A short mirrors them: x 0.998 = 95,306.3054 -> 95,306.3; x 1.0015 = 95,640.54595 -> 95,640.5.
    expect(exitTicksFromEntry(954_973, false, 0.2, 'take-profit')).toBe(953_063);
    expect(exitTicksFromEntry(954_973, false, 0.15, 'stop-loss')).toBe(956_405);
  });
});
