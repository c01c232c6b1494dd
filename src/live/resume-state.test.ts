import { describe, expect, test } from 'vitest';
import type { Lots, Ticks } from '../core/grid.js';
import type { Money } from '../core/money.js';
import type { InstrumentId } from '../domain/instrument.js';
import { loadRegistry } from '../data/spec-files.js';
import type { VenueOpenOrder, VenueSnapshot } from '../venues/venue.js';
import type { ReconcileReport } from './reconcile.js';
import { engineResumeOf } from './resume-state.js';

const spec = loadRegistry().get('BINANCE:BTCUSDT');
const instrument = spec.id as InstrumentId;
const open = (clientId: string, order: Readonly<Record<string, unknown>>): VenueOpenOrder =>
  ({ clientId, venueOrderId: `v-${clientId}`, filledLots: 0 as Lots, order: { clientId, instrument, qtyLots: 2 as Lots, ...order } as VenueOpenOrder['order'] });

function report(entryTicks: number, orders: readonly VenueOpenOrder[]): ReconcileReport {
  const snapshot: VenueSnapshot = { tsVenue: 5_000, settleAsset: 'USDT', balance: 0 as Money, positions: [{ instrument, signedLots: 2, entryTicks }], openOrders: orders, positionMode: 'one-way', marginMode: 'cross' };
  return { runId: 'r', adopted: orders.map((o) => o.clientId), positionSignedLots: 2, snapshot } as unknown as ReconcileReport;
}

describe('engineResumeOf', () => {
  test("takes the venue's average entry to the nearest tick: the engine books the position as one fill on the grid", () => {
    // 61812.7 / 0.1 in floats is 618126.9999999999: the venue's quotient, not a price between ticks.
    expect(engineResumeOf(report(61812.7 / 0.1, []), [], spec).positions[0]!.entryTicks).toBe(618127);
    // Two fills of 1 lot at 100 and 101 ticks average 100.5: booked at 101 (nearest, ties away from zero).
    expect(engineResumeOf(report(100.5, []), [], spec).positions[0]!.entryTicks).toBe(101);
  });

  test('an adopted reduce-only stop closes the round trip as a stop-loss, a take-profit as a take-profit', () => {
    const r = engineResumeOf(
      report(618127, [
        open('s', { action: 'sell', effect: 'reduce-only', type: 'stop-market', triggerTicks: 617000 as Ticks }),
        open('t', { action: 'sell', effect: 'reduce-only', type: 'take-profit-market', triggerTicks: 619000 as Ticks }),
        open('l', { action: 'sell', effect: 'reduce-only', type: 'limit', limitTicks: 619000 as Ticks, timeInForce: 'GTC' }),
        open('e', { action: 'buy', effect: 'open-or-reduce', type: 'limit', limitTicks: 610000 as Ticks, timeInForce: 'GTC' }),
      ]),
      [],
      spec,
    );
    expect(r.orders.map((o) => [o.spec.clientId, o.role]), "a plain limit keeps the engine's default role").toEqual([['s', 'stop-loss'], ['t', 'take-profit'], ['l', undefined], ['e', undefined]]);
  });
});
