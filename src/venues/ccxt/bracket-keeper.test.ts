// The bracket keeper against a scripted host (no venue): a filled stop cancels the take-profit and is not reported
// cancelled itself; a refused replacement keeps the previous stop and is reported as ModifyRejected.
import { describe, expect, test } from 'vitest';
import type { Lots, Ticks } from '../../core/grid.js';
import type { InstrumentId } from '../../domain/instrument.js';
import type { OrderSpec } from '../../domain/order.js';
import type { VenueEvent } from '../venue.js';
import { BracketKeeper } from './bracket-keeper.js';

const I = 'BINANCE:BTCUSDT' as InstrumentId;
const at = { tsVenue: 1, tsLocal: 1 };

/** A host whose venue accepts everything except client ids listed in `refuse`; tasks run when `drain` is awaited. */
function scripted(refuse: Set<string> = new Set()) {
  const delivered: VenueEvent[] = [];
  const placed: OrderSpec[] = [];
  const cancelled: string[] = [];
  const tasks: (() => Promise<void>)[] = [];
  const keeper: BracketKeeper = new BracketKeeper({
    place: async (spec) => {
      placed.push(spec);
      if (refuse.has(spec.clientId)) {
        keeper.route({ type: 'OrderRejected', clientId: spec.clientId, code: 'INSUFFICIENT_MARGIN', reason: 'margin is insufficient', ...at });
        return false;
      }
      if (!keeper.route({ type: 'OrderAccepted', clientId: spec.clientId, venueOrderId: `v-${spec.clientId}`, ...at })) delivered.push({ type: 'OrderAccepted', clientId: spec.clientId, venueOrderId: 'v', ...at });
      return true;
    },
    cancel: async (id) => {
      cancelled.push(id);
      keeper.route({ type: 'OrderCancelled', clientId: id, reason: 'cancelled', ...at });
    },
    deliver: (e) => delivered.push(e),
    schedule: (t) => tasks.push(t),
    refusal: () => undefined,
    nowMs: () => 1,
  });
  const drain = async (): Promise<void> => {
    while (tasks.length > 0) await tasks.shift()!();
  };
  const fill = (clientId: string, action: 'buy' | 'sell', lots: number): void => {
    const e: VenueEvent = { type: 'OrderFilled', clientId, instrument: I, action, lots: lots as Lots, priceTicks: 100 as Ticks, liquidity: 'taker', fee: 0 as never, ...at };
    if (!keeper.route(e)) delivered.push(e);
  };
  return { keeper, delivered, placed, cancelled, drain, fill };
}

const exit = { instrument: I, action: 'sell', qtyLots: 5 as Lots, effect: 'reduce-only' } as const;
const bracket = {
  entry: { clientId: 'in', instrument: I, action: 'buy', qtyLots: 5 as Lots, effect: 'open-or-reduce', type: 'market' } as OrderSpec,
  stopLoss: { ...exit, clientId: 'sl', type: 'stop-market', triggerTicks: 90 as Ticks } as OrderSpec,
  takeProfit: { ...exit, clientId: 'tp', type: 'limit', limitTicks: 110 as Ticks, timeInForce: 'GTC' } as OrderSpec,
};

describe('BracketKeeper', () => {
  test('a filled stop cancels the take-profit (OCO) and is never reported cancelled', async () => {
    const h = scripted();
    await h.keeper.submitBracket(bracket);
    h.fill('in', 'buy', 5);
    await h.drain();
    expect(h.placed.map((o) => o.clientId), 'entry, then stop first, then take-profit').toEqual(['in', 'sl', 'tp']);
    h.fill('sl', 'sell', 5);
    await h.drain();
    expect(h.cancelled, 'only the take-profit is cancelled on the venue').toEqual(['tp']);
    const told = h.delivered.filter((e) => e.type === 'OrderCancelled' || e.type === 'OrderFilled').map((e) => `${e.type}:${'clientId' in e ? e.clientId : ''}`);
    expect(told).toEqual(['OrderFilled:in', 'OrderFilled:sl', 'OrderCancelled:tp']);
  });

  test('a refused replacement keeps the previous stop resting and says so with ModifyRejected', async () => {
    const h = scripted(new Set(['sl.2']));
    await h.keeper.submitBracket({ entry: bracket.entry, stopLoss: bracket.stopLoss });
    h.fill('in', 'buy', 3);
    await h.drain();
    h.fill('in', 'buy', 2);
    await h.drain();
    expect(h.cancelled, 'the first stop is not cancelled when its replacement was refused').toEqual([]);
    expect(h.delivered.some((e) => e.type === 'ModifyRejected' && e.clientId === 'sl'), 'the session hears the resize failed').toBe(true);
  });
});
