// AdoptedExits against a hand-driven host: which taken-over orders count as exits (one-way and hedge mode), how they
// follow the position's fills (new placement first, then the old one cancelled), which fills are the bracket
// keeper's, and the hand-over to a scale-in bracket. The host records the calls in the order they are made.
import { describe, expect, it } from 'vitest';
import { asLots, asTicks } from '../../core/grid.js';
import { loadRegistry } from '../../data/spec-files.js';
import type { InstrumentId } from '../../domain/instrument.js';
import type { OrderSpec } from '../../domain/order.js';
import type { Side } from '../../domain/side.js';
import type { VenueEvent, VenuePosition } from '../venue.js';
import { AdoptedExits } from './adopted-exits.js';
import type { TrackedOrder } from './ccxt-venue-orders.js';

const spec = loadRegistry().get('BINANCE:BTCUSDT');
const BTC = spec.id as InstrumentId;

function harness(keeperIds: readonly string[] = []) {
  const orders = new Map<string, TrackedOrder>();
  const calls: string[] = [];
  const delivered: VenueEvent[] = [];
  const tasks: (() => Promise<void>)[] = [];
  const track = (s: OrderSpec): void => {
    orders.set(s.clientId, { spec: s, instrument: spec, venueOrderId: `v-${s.clientId}`, childOrderId: undefined, triggered: false, reportedLots: 0, seenTradeIds: new Set(), done: false });
  };
  const x: AdoptedExits = new AdoptedExits({
    orders,
    place: async (s) => {
      calls.push(`place ${s.clientId} ${s.qtyLots} lots${'triggerTicks' in s ? ` @${s.triggerTicks}` : ''}`);
      track(s);
      return true;
    },
    cancel: async (id) => {
      calls.push(`cancel ${id}`);
      orders.get(id)!.done = true;
      emit({ type: 'OrderCancelled', clientId: id, reason: 'cancelled', tsVenue: 1, tsLocal: 1 });
    },
    deliver: (e) => delivered.push(e),
    schedule: (task) => tasks.push(task),
    keeps: (id) => keeperIds.includes(id),
    nowMs: () => 1,
  });
  // What CcxtVenue.emit does with every event of its orders: the adopted exits see it first.
  function emit(e: VenueEvent): void {
    const routed = x.route(e);
    if (routed !== 'drop') delivered.push(routed ?? e);
  }
  const drain = async (): Promise<void> => {
    for (let t = tasks.shift(); t !== undefined; t = tasks.shift()) await t();
  };
  const adopt = (s: OrderSpec, positions: readonly VenuePosition[]): void => {
    track(s);
    x.adopt(s.clientId, s, positions);
  };
  const fill = (clientId: string, action: 'buy' | 'sell', lots: number, positionSide?: Side): void =>
    emit({ type: 'OrderFilled', clientId, instrument: BTC, action, lots: asLots(lots), priceTicks: asTicks(700_000), liquidity: 'taker', fee: 0 as never, ...(positionSide === undefined ? {} : { positionSide }), tsVenue: 1, tsLocal: 1 });
  return { x, calls, delivered, drain, adopt, fill, orders };
}

const stop = (clientId: string, action: 'buy' | 'sell', lots: number, extra: Partial<OrderSpec> = {}): OrderSpec =>
  ({ clientId, instrument: BTC, action, qtyLots: asLots(lots), effect: 'reduce-only', type: 'stop-market', triggerTicks: asTicks(690_000), ...extra }) as OrderSpec;
const long = (lots: number, positionSide?: Side): VenuePosition => ({ instrument: BTC, signedLots: lots, ...(positionSide === undefined ? {} : { positionSide }), entryTicks: 700_000 });

describe('AdoptedExits', () => {
  it('takes over a hedge-mode close read back without reduceOnly, but not the other leg\'s stop entry', () => {
    const h = harness();
    // Binance reads a hedge-mode close back as reduceOnly false; its leg names it.
    h.adopt(stop('close-long', 'sell', 5, { effect: 'open-or-reduce', positionSide: 'long' }), [long(5, 'long')]);
    h.adopt(stop('entry-short', 'sell', 3, { effect: 'open-or-reduce', positionSide: 'short' }), [long(5, 'long')]);
    expect([h.x.owns('close-long'), h.x.owns('entry-short')], 'a SELL on LONG closes; a SELL on SHORT opens').toEqual([true, false]);
  });

  it('resizes the adopted stop to a grown position: the new one is placed before the old one is cancelled', async () => {
    const h = harness();
    h.adopt(stop('s1', 'sell', 5), [long(5)]);
    h.fill('add-1', 'buy', 3);
    await h.drain();
    expect(h.calls, 'new first, at the same trigger, for the 8 lots').toEqual(['place s1.2 8 lots @690000', 'cancel s1']);
    expect(h.delivered.map((e) => [e.type, 'clientId' in e ? e.clientId : '', e.type === 'OrderModified' ? e.order.qtyLots : '']), 'the session hears a resize of its own id, not the retired order\'s cancel').toEqual([
      ['OrderFilled', 'add-1', ''],
      ['OrderModified', 's1', 8],
    ]);
    h.fill('cut-1', 'sell', 6);
    await h.drain();
    expect(h.calls.slice(2), 'a partial close shrinks it past every placement of the intent').toEqual(['place s1.3 2 lots @690000', 'cancel s1.2']);
  });

  it('leaves the bracket keeper\'s fills to the keeper and hands the position over at a scale-in', async () => {
    const h = harness(['b2-in']);
    h.adopt(stop('s1', 'sell', 5), [long(5)]);
    h.fill('add-1', 'buy', 2);
    h.fill('b2-in', 'buy', 4);
    await h.drain();
    expect(h.calls, 'only the plain add resizes the adopted stop; the bracket entry is not counted').toEqual(['place s1.2 7 lots @690000', 'cancel s1']);
    expect(h.x.handOver(`${BTC}|net`, 'buy'), 'the scale-in takes over the 7 lots the adopted stop protected').toBe(7);
    await h.drain();
    expect(h.calls.slice(2), 'the adopted stop is cancelled').toEqual(['cancel s1.2']);
    const told = h.delivered.filter((e) => e.type === 'OrderCancelled');
    expect(told.map((e) => [e.clientId, e.type === 'OrderCancelled' ? e.reason : '']), 'once, under the adopted id').toEqual([['s1', "replaced by the scale-in's stop-loss"]]);
    expect(h.x.owns('s1'), 'no longer adopted').toBe(false);
    expect(h.x.handOver(`${BTC}|net`, 'buy'), 'nothing left to hand over').toBeUndefined();
  });

  it('follows each hedge-mode leg on its own', async () => {
    const h = harness();
    h.adopt(stop('sl-long', 'sell', 5, { effect: 'open-or-reduce', positionSide: 'long' }), [long(5, 'long'), { instrument: BTC, signedLots: -3, positionSide: 'short', entryTicks: 700_000 }]);
    h.adopt(stop('sl-short', 'buy', 3, { effect: 'open-or-reduce', positionSide: 'short' }), [long(5, 'long'), { instrument: BTC, signedLots: -3, positionSide: 'short', entryTicks: 700_000 }]);
    h.fill('add-short', 'sell', 2, 'short');
    await h.drain();
    expect(h.calls, 'the short leg grew to 5: only its stop is resized').toEqual(['place sl-short.2 5 lots @690000', 'cancel sl-short']);
    expect(h.orders.get('sl-short.2')?.spec.positionSide, 'on its own leg').toBe('short');
  });

  it('cancels the adopted exits when a plain order closes the position', async () => {
    const h = harness();
    h.adopt(stop('s1', 'sell', 5), [long(5)]);
    h.fill('close', 'sell', 5);
    await h.drain();
    expect(h.calls).toEqual(['cancel s1']);
    expect(h.delivered.filter((e) => e.type === 'OrderCancelled').map((e) => ('clientId' in e ? e.clientId : '')), 'the session hears it cancelled').toEqual(['s1']);
  });
});
