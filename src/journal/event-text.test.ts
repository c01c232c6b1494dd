import { describe, expect, it } from 'vitest';
import type { Money } from '../core/money.js';
import { BTCUSDT, handTrip, T0 } from '../../test/support/journal-fixtures.js';
import { describeEvent, gridsOf, priceText } from './event-text.js';

describe('describeEvent', () => {
  const grids = gridsOf([BTCUSDT]);

  it('prints ticks and lots as exact decimals on the run recorded grid', () => {
    const [intent, , fill, stop] = handTrip('r').events;
    if (intent?.type !== 'OrderIntent' || fill === undefined || stop === undefined) throw new Error('fixture changed');
    expect(describeEvent(fill, grids), '700000 ticks of 0.1 = 70000; 5 lots of 0.001 = 0.005').toBe('buy 0.005 @ 70000 (taker, fee 0.175 USDT) for 1-entry');
    expect(describeEvent(stop, grids)).toBe('intent 1-stop: sell 0.005 stop-market trigger 69900 reduce-only (stop)');
    expect(describeEvent({ ...intent, orderType: 'limit', limitTicks: 699_995 }, grids)).toBe('intent 1-entry: buy 0.005 limit at 69999.5 (entry)');
  });

  it('falls back to raw ticks and lots when the run did not record the instrument', () => {
    const fill = handTrip('r').events[2];
    if (fill?.type !== 'Fill') throw new Error('fixture changed');
    expect(describeEvent({ ...fill, fee: 1 as Money }, new Map())).toBe('buy 5 lots @ 700000 ticks (taker, fee 0.00000001) for 1-entry');
    expect(describeEvent({ type: 'NoteAdded', runId: 'r', tradeId: 3, text: 'late', tsLocal: T0 }, grids)).toBe('note: late');
  });
});

describe('priceText', () => {
  it('prints a price on the tick grid exactly and an average off it as is', () => {
    const tick = gridsOf([BTCUSDT]).get(BTCUSDT.id)?.tick;
    expect(priceText(70000.1, tick)).toBe('70000.1');
    expect(priceText(70000.125, tick)).toBe('70000.125');
    expect(priceText(undefined, tick)).toBe('-');
  });
});
