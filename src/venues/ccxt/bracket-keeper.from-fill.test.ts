// The bracket keeper with exits priced from the entry's fill (BracketSpec.exitsFromFill, as ema-cross asks) and the
// engine's ModifyOrder that follows the fill: the exits rest at the fill-derived prices from their first placement,
// a modify replaces a resting exit (new one first), reaches an exit not placed yet, and never outlives a fill.
import { describe, expect, test } from 'vitest';
import type { Lots, Ticks } from '../../core/grid.js';
import type { InstrumentId } from '../../domain/instrument.js';
import type { OrderSpec } from '../../domain/order.js';
import type { BracketSpec, VenueEvent } from '../venue.js';
import { BracketKeeper } from './bracket-keeper.js';

const I = 'BINANCE:BTCUSDT' as InstrumentId;
const at = { tsVenue: 1, tsLocal: 1 };

/**
 * A host whose venue accepts everything; tasks run when `drain` is awaited. `fillOnCancel` names venue orders that
 * filled just before their cancel arrives (the cancel is refused and the read-back reports the fill).
 */
function scripted(fillOnCancel: Map<string, number> = new Map()) {
  const delivered: VenueEvent[] = [];
  const placed: OrderSpec[] = [];
  const cancelled: string[] = [];
  const tasks: (() => Promise<void>)[] = [];
  const keeper: BracketKeeper = new BracketKeeper({
    place: async (spec) => {
      placed.push(spec);
      if (!keeper.route({ type: 'OrderAccepted', clientId: spec.clientId, venueOrderId: `v-${spec.clientId}`, ...at })) delivered.push({ type: 'OrderAccepted', clientId: spec.clientId, venueOrderId: 'v', ...at });
      return true;
    },
    cancel: async (id) => {
      cancelled.push(id);
      const lots = fillOnCancel.get(id);
      if (lots === undefined) {
        keeper.route({ type: 'OrderCancelled', clientId: id, reason: 'cancelled', ...at });
        return;
      }
      const spec = placed.find((o) => o.clientId === id)!;
      keeper.route({ type: 'OrderFilled', clientId: id, instrument: I, action: spec.action, lots: lots as Lots, priceTicks: 953_000 as Ticks, liquidity: 'taker', fee: 0 as never, ...at });
      keeper.route({ type: 'CancelRejected', clientId: id, code: 'UNKNOWN_ORDER', reason: 'filled', ...at });
    },
    deliver: (e) => delivered.push(e),
    schedule: (t) => tasks.push(t),
    refusal: () => undefined,
    nowMs: () => 1,
  });
  const drain = async (): Promise<void> => {
    while (tasks.length > 0) await tasks.shift()!();
  };
  const fill = (clientId: string, action: 'buy' | 'sell', lots: number, priceTicks: number): void => {
    const e: VenueEvent = { type: 'OrderFilled', clientId, instrument: I, action, lots: lots as Lots, priceTicks: priceTicks as Ticks, liquidity: 'taker', fee: 0 as never, ...at };
    if (!keeper.route(e)) delivered.push(e);
  };
  const told = (clientId: string): string[] => delivered.filter((e) => 'clientId' in e && e.clientId === clientId).map((e) => e.type);
  return { keeper, delivered, placed, cancelled, drain, fill, told };
}

const exit = { instrument: I, action: 'sell', qtyLots: 5 as Lots, effect: 'reduce-only' } as const;
// Placeholder exit prices (the engine sends the last close's): the fill must replace them before anything rests.
const bracket: BracketSpec = {
  entry: { clientId: 'in', instrument: I, action: 'buy', qtyLots: 5 as Lots, effect: 'open-or-reduce', type: 'market' },
  stopLoss: { ...exit, clientId: 'sl', type: 'stop-market', triggerTicks: 900_000 as Ticks },
  takeProfit: { ...exit, clientId: 'tp', type: 'limit', limitTicks: 1_000_000 as Ticks, timeInForce: 'GTC' },
  exitsFromFill: { takeProfitPct: 0.2, stopLossPct: 0.15 },
};
// Hand calculation for a long filled at 954 973 ticks (nearest tick, as issue 5 and the engine's exitTicksFromEntry):
// stop 954 973 x (1 - 0.15/100) = 953 540.54 -> 953 541; take-profit 954 973 x (1 + 0.2/100) = 956 882.95 -> 956 883.
const FILL = 954_973;
const STOP = 953_541;
const TARGET = 956_883;

const priceOf = (o: OrderSpec | undefined): number | undefined => (o === undefined ? undefined : 'triggerTicks' in o ? o.triggerTicks : 'limitTicks' in o ? o.limitTicks : undefined);

describe('BracketKeeper with exits priced from the fill', () => {
  test('places the stop and take-profit at the fill-derived prices, never at the placeholders', async () => {
    const h = scripted();
    expect(h.keeper.problem(bracket), 'a percent bracket is accepted').toBeUndefined();
    await h.keeper.submitBracket(bracket);
    h.fill('in', 'buy', 5, FILL);
    await h.drain();
    expect(h.placed.map((o) => `${o.clientId}@${priceOf(o) ?? 'mkt'}`), 'the stop first, both at the prices from the fill').toEqual(['in@mkt', `sl@${STOP}`, `tp@${TARGET}`]);
  });

  test("the engine's modify to the same prices replaces nothing and is answered with OrderModified", async () => {
    const h = scripted();
    await h.keeper.submitBracket(bracket);
    h.fill('in', 'buy', 5, FILL);
    h.keeper.modify({ type: 'ModifyOrder', clientId: 'sl', triggerTicks: STOP as Ticks, tsLocal: 1 });
    h.keeper.modify({ type: 'ModifyOrder', clientId: 'tp', limitTicks: TARGET as Ticks, tsLocal: 1 });
    await h.drain();
    expect(h.placed.length, 'entry, stop and take-profit only: nothing was replaced').toBe(3);
    expect(h.cancelled, 'nothing cancelled').toEqual([]);
    const modified = h.delivered.filter((e) => e.type === 'OrderModified').map((e) => (e.type === 'OrderModified' ? `${e.clientId}@${priceOf(e.order)}x${e.order.qtyLots}` : ''));
    expect(modified, 'the session learns the prices that rest').toEqual([`sl@${STOP}x5`, `tp@${TARGET}x5`]);
  });

  test('a modify to a new stop price places the new stop before the old one is cancelled', async () => {
    const h = scripted();
    await h.keeper.submitBracket(bracket);
    h.fill('in', 'buy', 5, FILL);
    await h.drain();
    h.keeper.modify({ type: 'ModifyOrder', clientId: 'sl', triggerTicks: FILL as Ticks, tsLocal: 1 });
    await h.drain();
    expect(h.placed.map((o) => o.clientId), 'the replacement is placed').toEqual(['in', 'sl', 'tp', 'sl.2']);
    expect(priceOf(h.placed[3]), 'at the modified price').toBe(FILL);
    expect(h.cancelled, 'only then the old stop goes').toEqual(['sl']);
    expect(h.told('sl'), 'the session sees one stop: accepted, then modified, never cancelled').toEqual(['OrderAccepted', 'OrderModified']);
  });

  test('a modify that arrives before its exit is placed takes effect at the placement', async () => {
    const h = scripted();
    await h.keeper.submitBracket(bracket);
    h.keeper.modify({ type: 'ModifyOrder', clientId: 'sl', triggerTicks: 950_000 as Ticks, tsLocal: 1 });
    await h.drain();
    expect(h.placed.map((o) => o.clientId), 'nothing but the entry before its fill').toEqual(['in']);
    h.fill('in', 'buy', 5, FILL);
    await h.drain();
    // The fill prices the exits (the bracket's rule); the engine's modify that follows the fill sets them again.
    h.keeper.modify({ type: 'ModifyOrder', clientId: 'sl', triggerTicks: STOP as Ticks, tsLocal: 1 });
    await h.drain();
    expect(h.placed.filter((o) => o.clientId.startsWith('sl')).map(priceOf), 'one stop, at the fill-derived price').toEqual([STOP]);
    expect(h.told('sl'), 'accepted once, and the modify answered').toEqual(['OrderAccepted', 'OrderModified']);
  });

  test('a modify racing the stop fill reports the fill once and nothing about the stop after it', async () => {
    const h = scripted(new Map([['sl', 5]]));
    await h.keeper.submitBracket(bracket);
    h.fill('in', 'buy', 5, FILL);
    await h.drain();
    h.keeper.modify({ type: 'ModifyOrder', clientId: 'sl', triggerTicks: FILL as Ticks, tsLocal: 1 });
    await h.drain();
    expect(h.told('sl'), 'the session sees the stop filled last: no OrderModified or OrderCancelled after its fill').toEqual(['OrderAccepted', 'OrderFilled']);
    expect(h.cancelled, 'the old stop (it had filled), then the replacement and the take-profit once flat').toEqual(['sl', 'sl.2', 'tp']);
    expect(h.told('tp').at(-1), 'the take-profit ends cancelled (one-cancels-other)').toBe('OrderCancelled');
  });

  test('partial entry fills price the exits once, from the first fill, and resize them', async () => {
    const h = scripted();
    await h.keeper.submitBracket(bracket);
    h.fill('in', 'buy', 3, FILL);
    await h.drain();
    h.fill('in', 'buy', 2, FILL + 500);
    await h.drain();
    const stops = h.placed.filter((o) => o.clientId.startsWith('sl'));
    expect(stops.map((o) => `${o.clientId}:${o.qtyLots}@${priceOf(o)}`), 'resized to the position, priced from the first fill').toEqual([`sl:3@${STOP}`, `sl.2:5@${STOP}`]);
    expect(h.cancelled, 'each replaced exit is cancelled after its replacement rests').toEqual(['sl', 'tp']);
  });

  test('a modify of an exit that is over is refused with UNKNOWN_ORDER', async () => {
    const h = scripted();
    await h.keeper.submitBracket(bracket);
    h.fill('in', 'buy', 5, FILL);
    await h.drain();
    h.fill('sl', 'sell', 5, STOP);
    await h.drain();
    h.keeper.modify({ type: 'ModifyOrder', clientId: 'sl', triggerTicks: FILL as Ticks, tsLocal: 1 });
    const refused = h.delivered.find((e) => e.type === 'ModifyRejected');
    expect(refused !== undefined && refused.type === 'ModifyRejected' ? refused.code : undefined, 'the session hears why nothing moved').toBe('UNKNOWN_ORDER');
  });

  test('percent distances outside (0, 100) are refused before anything is sent', () => {
    const h = scripted();
    expect(h.keeper.problem({ ...bracket, exitsFromFill: { stopLossPct: 0 } })).toMatch(/between 0 and 100/);
    expect(h.keeper.problem({ entry: bracket.entry, stopLoss: bracket.stopLoss, exitsFromFill: { stopLossPct: 1, takeProfitPct: 1 } })).toMatch(/needs a take-profit order/);
  });
});

describe('BracketKeeper with a stop the market has already crossed', () => {
  test('closes the position reduce-only at market in the stop’s name when the venue refuses the stop as crossed', async () => {
    const delivered: VenueEvent[] = [];
    const placed: OrderSpec[] = [];
    const tasks: (() => Promise<void>)[] = [];
    const keeper: BracketKeeper = new BracketKeeper({
      place: async (spec) => {
        placed.push(spec);
        if (spec.clientId === 'sl') {
          // Binance -2021 "Order would immediately trigger", mapped to PRICE_OUT_OF_BOUNDS by the profile.
          keeper.route({ type: 'OrderRejected', clientId: spec.clientId, code: 'PRICE_OUT_OF_BOUNDS', reason: 'would immediately trigger', ...at });
          return false;
        }
        if (!keeper.route({ type: 'OrderAccepted', clientId: spec.clientId, venueOrderId: `v-${spec.clientId}`, ...at })) delivered.push({ type: 'OrderAccepted', clientId: spec.clientId, venueOrderId: 'v', ...at });
        if (spec.type === 'market' && spec.effect === 'reduce-only') {
          keeper.route({ type: 'OrderFilled', clientId: spec.clientId, instrument: I, action: spec.action, lots: spec.qtyLots, priceTicks: 953_000 as Ticks, liquidity: 'taker', fee: 0 as never, ...at });
        }
        return true;
      },
      cancel: async (id) => {
        keeper.route({ type: 'OrderCancelled', clientId: id, reason: 'cancelled', ...at });
      },
      deliver: (e) => delivered.push(e),
      schedule: (t) => tasks.push(t),
      refusal: () => undefined,
      nowMs: () => 1,
    });
    await keeper.submitBracket(bracket);
    keeper.route({ type: 'OrderFilled', clientId: 'in', instrument: I, action: 'buy', lots: 5 as Lots, priceTicks: FILL as Ticks, liquidity: 'taker', fee: 0 as never, ...at });
    while (tasks.length > 0) await tasks.shift()!();
    const close = placed.find((o) => o.type === 'market' && o.effect === 'reduce-only');
    expect(close === undefined ? undefined : `${close.clientId}:${close.action}:${close.qtyLots}`, 'the whole position is sold reduce-only under the stop’s next id').toBe('sl.2:sell:5');
    const sl = delivered.filter((e) => 'clientId' in e && e.clientId === 'sl').map((e) => e.type);
    expect(sl, 'the session sees its stop accepted and filled (exit reason stop-loss), never rejected').toEqual(['OrderAccepted', 'OrderFilled']);
    expect(delivered.filter((e) => 'clientId' in e && e.clientId === 'tp').map((e) => e.type).at(-1), 'the take-profit is cancelled once flat').toBe('OrderCancelled');
  });
});
