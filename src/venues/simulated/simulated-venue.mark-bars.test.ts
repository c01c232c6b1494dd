// Liquidation on the mark-price kline of each bar (TickBarColumns.mark), worked out by hand: the mark crossing the
// liquidation price while the traded price does not, the reverse, and a resting stop the traded range does or does
// not reach. Prices in ticks of 0.1 USDT; 10 lots = 0.01 BTC.
import { describe, expect, it } from 'vitest';
import type { Lots, Ticks } from '../../core/grid.js';
import { moneyFromText, type Money } from '../../core/money.js';
import type { OrderSpec } from '../../domain/order.js';
import { testSpec } from '../../../test/support/contract-terms.js';
import { SimulatedVenue } from './simulated-venue.js';
import { VenueTape } from './venue-tape.js';

const T0 = Date.UTC(2025, 4, 4, 7, 57);
const ID = 'BINANCE:TEST' as const;
const usd = (text: string): Money => moneyFromText(text)!;
const base = (id: string, action: 'buy' | 'sell', qty: number, reduceOnly = false) =>
  ({ clientId: id, instrument: ID, action, qtyLots: qty as Lots, effect: reduceOnly ? 'reduce-only' : 'open-or-reduce' }) as const;

/**
 * Isolated, 50x, a flat maintenance rate of 0.4 % (cum 0), liquidation fee 1.25 %, taker 0.05 %. A long of 0.01 BTC
 * at 70,000: initial (isolated) margin 700 / 50 = 14. Binance's isolated one-way liquidation price
 * LP = (WB + cum - size x entry) / (size x MMR - size) = (14 - 700) / (0.01 x 0.004 - 0.01) = 68,875.502..., rounded
 * toward the entry (the conservative tick for a long): 68,875.6 = 688756 ticks.
 */
function longAt70000(stopTicks: number | undefined): VenueTape {
  const spec = { ...testSpec(), liquidationFeeRate: 0.0125 };
  const t = new VenueTape(new SimulatedVenue({ instruments: [{ spec }], config: { marginMode: 'isolated', leverage: 50 } }), T0);
  t.bar(700000, 700500, 699500, 700000);
  const entry: OrderSpec = { ...base('entry', 'buy', 10), type: 'market' };
  if (stopTicks === undefined) t.submit(entry);
  else t.bracket({ entry, stopLoss: { ...base('sl', 'sell', 10, true), type: 'stop-market', triggerTicks: stopTicks as Ticks } });
  t.bar(700000, 700300, 699700, 700100);
  return t;
}

describe('simulated venue: liquidation on the mark-price kline of each bar', () => {
  it('liquidates at the liquidation price when the mark crosses it and the traded price does not', () => {
    const t = longAt70000(688750);
    // Traded low 69,000.0 stays above the liquidation price (and the stop); the mark's low 68,870.0 crosses 68,875.6.
    t.bar(699000, 699500, 690000, 691000, [699000, 699400, 688700, 690500]);
    // Closed at 68,875.6: P&L 0.01 x (68,875.6 - 70,000) = -11.244; fee 1.25 % x 688.756 = 8.60945, capped by the
    // margin left, 14 - 11.244 = 2.756.
    expect(t.log.slice(-2), 'the stop is cancelled first, then the leg closes at the liquidation price').toEqual([
      'bar 2: cancelled sl (cancelled by the venue: position liquidated)',
      'bar 2: liquidated BINANCE:TEST long 10 @688756 pnl -11.244 fee 2.756',
    ]);
    // 10,000 - entry fee 0.35 (0.05 % of 700) - 11.244 - 2.756: the whole isolated margin and the entry fee are gone.
    expect(t.venue.snapshotNow().balance, 'balance after the liquidation').toBe(usd('9985.65'));
    const liquidated = t.events.find((e) => e.type === 'PositionLiquidated');
    expect(liquidated?.type === 'PositionLiquidated' ? liquidated.markTicks : undefined, 'the event carries the mark low that crossed').toBe(688700);
  });

  it('keeps the position when the traded price crosses the liquidation price and the mark does not', () => {
    const t = longAt70000(undefined);
    // Traded low 68,800.0 is below 68,875.6 (the bar proxy would liquidate); the mark's low 69,000.0 is not.
    t.bar(699000, 699500, 688000, 690000, [699000, 699400, 690000, 690800]);
    expect(t.venue.totals().liquidations, 'the mark never reached the liquidation price').toBe(0);
    expect(t.venue.snapshotNow().positions.map((p) => p.signedLots), 'the long is still held').toEqual([10]);
    // Equity is valued at the mark close 69,080.0: 0.01 x (69,080 - 70,000) = -9.20 unrealised on 9,999.65.
    expect(t.venue.metrics().equity, 'equity at the mark close, not the traded close').toBe(usd('9990.45'));

    const proxy = longAt70000(undefined);
    proxy.bar(699000, 699500, 688000, 690000);
    expect(proxy.venue.totals().liquidations, 'the same bar without a mark kline liquidates on the traded low (the proxy)').toBe(1);
  });

  it('leaves the leg to a resting stop above the liquidation price only when the traded range reaches the stop', () => {
    // Stop at 68,900.0, above the liquidation price 68,875.6. The mark's low 68,870.0 crosses the liquidation price.
    const reached = longAt70000(689000);
    reached.bar(699000, 699500, 688900, 689500, [699000, 699400, 688700, 689600]);
    // The traded low 68,890.0 reaches the stop first: it fills at 68,900.0, taker fee 0.05 % x 689 = 0.3445.
    expect(reached.log.slice(-1), 'the stop closes the long').toEqual(['bar 2: fill sl sell 10 @689000 taker fee 0.3445']);
    expect(reached.venue.totals().liquidations, 'no liquidation once the stop has closed the leg').toBe(0);

    const missed = longAt70000(689000);
    missed.bar(699000, 699500, 689500, 690000, [699000, 699400, 688700, 689600]);
    expect(missed.log.slice(-1), 'the traded low 68,950.0 never reaches the stop: the mark liquidates the leg').toEqual([
      'bar 2: liquidated BINANCE:TEST long 10 @688756 pnl -11.244 fee 2.756',
    ]);
  });

  it('says in the run metadata how many bars had a mark kline', () => {
    const t = longAt70000(undefined);
    t.bar(700100, 700200, 700000, 700100, [700100, 700150, 700050, 700100]);
    expect(t.venue.describeModels().some((n) => n.includes('mark-price kline of each bar for 1 of 3 bars')), 'one of three bars carried a mark').toBe(true);
  });
});
