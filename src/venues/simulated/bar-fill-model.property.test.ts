// Properties of the bar fill model over random bars and random orders (all types, brackets, OCO pairs, latency):
// fill prices lie in the bar, no order fills beyond its quantity, OCO siblings never both fill, nothing fills before
// it arrives, every order's events follow the domain transition table, and a run is deterministic.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Lots, Ticks } from '../../core/grid.js';
import type { OrderSpec, TimeInForce } from '../../domain/order.js';
import { applyOrderEvent, newOrderState, type OrderEvent, type OrderState } from '../../domain/order-state.js';
import { BarFillModel, type BarFillConfig } from './bar-fill-model.js';
import { EVENT_FILL, EVENT_MODIFIED, LIQUIDITY_MAKER, orderEventKind, SimEvents } from './sim-events.js';
import { SimOrderBook } from './sim-order-book.js';

const MINUTE_MS = 60_000;
interface Bar {
  readonly o: number;
  readonly h: number;
  readonly l: number;
  readonly c: number;
}
interface Command {
  readonly bar: number;
  readonly type: OrderSpec['type'];
  readonly buy: boolean;
  readonly offset: number;
  readonly offset2: number;
  readonly qty: number;
  readonly tif: TimeInForce;
  readonly reduceOnly: boolean;
  readonly latencyMs: number;
  readonly link: 'none' | 'bracket' | 'oco-next';
  readonly activation: boolean;
}

const barsArb: fc.Arbitrary<Bar[]> = fc
  .array(
    fc.record({
      gap: fc.oneof(fc.constant(0), fc.integer({ min: -30, max: 30 })),
      move: fc.integer({ min: -40, max: 40 }),
      up: fc.integer({ min: 0, max: 30 }),
      down: fc.integer({ min: 0, max: 30 }),
    }),
    { minLength: 3, maxLength: 14 },
  )
  .map((steps) => {
    let prev = 10_000;
    return steps.map(({ gap, move, up, down }) => {
      const o = prev + gap;
      const c = o + move;
      prev = c;
      return { o, h: Math.max(o, c) + up, l: Math.min(o, c) - down, c };
    });
  });

const commandArb: fc.Arbitrary<Command> = fc.record({
  bar: fc.integer({ min: 0, max: 12 }),
  type: fc.constantFrom<OrderSpec['type']>('market', 'limit', 'stop-market', 'stop-limit', 'take-profit-market', 'take-profit-limit', 'trailing-stop'),
  buy: fc.boolean(),
  offset: fc.integer({ min: -60, max: 60 }),
  offset2: fc.integer({ min: -20, max: 20 }),
  qty: fc.integer({ min: 1, max: 4 }),
  tif: fc.constantFrom<TimeInForce>('GTC', 'GTC', 'IOC', 'FOK', 'GTX'),
  reduceOnly: fc.boolean(),
  latencyMs: fc.constantFrom(0, 0, 30_000, 60_000),
  link: fc.constantFrom('none', 'none', 'bracket', 'oco-next'),
  activation: fc.boolean(),
});

function specOf(cmd: Command, ref: number): OrderSpec {
  const common = {
    clientId: 'c',
    instrument: 'BINANCE:BTCUSDT',
    action: cmd.buy ? 'buy' : 'sell',
    qtyLots: cmd.qty as Lots,
    effect: cmd.reduceOnly ? 'reduce-only' : 'open-or-reduce',
  } as const;
  const p = (ref + cmd.offset) as Ticks;
  const p2 = (ref + cmd.offset + cmd.offset2) as Ticks;
  switch (cmd.type) {
    case 'market':
      return { ...common, type: 'market' };
    case 'limit':
      return { ...common, type: 'limit', limitTicks: p, timeInForce: cmd.tif };
    case 'stop-market':
    case 'take-profit-market':
      return { ...common, type: cmd.type, triggerTicks: p };
    case 'stop-limit':
    case 'take-profit-limit':
      return { ...common, type: cmd.type, triggerTicks: p, limitTicks: p2, timeInForce: cmd.tif };
    case 'trailing-stop':
      return { ...common, type: 'trailing-stop', callbackRate: 0.001 + Math.abs(cmd.offset2) / 4000, ...(cmd.activation ? { activationTicks: p } : {}) };
  }
}

interface Recorded {
  readonly bar: number;
  readonly kind: number;
  readonly slot: number;
  readonly price: number;
  readonly lots: number;
  readonly liquidity: number;
  readonly timeMs: number;
}
interface Run {
  readonly events: Recorded[];
  readonly specs: Map<number, OrderSpec>;
  readonly arrival: Map<number, number>;
  readonly parent: Map<number, number>;
  readonly ocoPairs: [number, number][];
}

function run(config: Partial<BarFillConfig>, bars: Bar[], commands: Command[]): Run {
  const book = new SimOrderBook(2);
  const model = new BarFillModel(config);
  const out = new SimEvents(1);
  const specs = new Map<number, OrderSpec>();
  const arrival = new Map<number, number>();
  const parent = new Map<number, number>();
  const ocoPairs: [number, number][] = [];
  const events: Recorded[] = [];
  for (let i = 0; i < bars.length; i++) {
    const ref = i === 0 ? 10_000 : bars[i - 1]!.c;
    const decidedMs = i * MINUTE_MS;
    let previous: number | undefined;
    for (const cmd of commands.filter((c) => c.bar === i)) {
      const spec = specOf(cmd, ref);
      const slot = book.add(spec, decidedMs + cmd.latencyMs);
      specs.set(slot, spec);
      arrival.set(slot, decidedMs + cmd.latencyMs);
      if (cmd.link === 'bracket') {
        const exitAction = cmd.buy ? 'sell' : 'buy';
        const sign = cmd.buy ? 1 : -1;
        const common = { clientId: 'x', instrument: 'BINANCE:BTCUSDT', action: exitAction, qtyLots: cmd.qty as Lots, effect: 'reduce-only' } as const;
        const tpSpec: OrderSpec = { ...common, type: 'limit', limitTicks: (ref + cmd.offset + sign * 15) as Ticks, timeInForce: 'GTC' };
        const slSpec: OrderSpec = { ...common, type: 'stop-market', triggerTicks: (ref + cmd.offset - sign * 12) as Ticks };
        const tp = book.add(tpSpec, decidedMs);
        const sl = book.add(slSpec, decidedMs);
        book.bracket(slot, tp, sl);
        for (const [s, sp] of [[tp, tpSpec], [sl, slSpec]] as const) {
          specs.set(s, sp);
          parent.set(s, slot);
        }
        ocoPairs.push([tp, sl]);
      } else if (cmd.link === 'oco-next' && previous !== undefined && arrival.get(previous) === decidedMs + cmd.latencyMs) {
        book.linkOco(previous, slot);
        ocoPairs.push([previous, slot]);
      }
      previous = slot;
    }
    const bar = bars[i]!;
    out.clear();
    model.processBar(book, decidedMs, bar.o, bar.h, bar.l, bar.c, out);
    for (let e = 0; e < out.count; e++) {
      events.push({ bar: i, kind: out.kind[e]!, slot: out.slot[e]!, price: out.priceTicks[e]!, lots: out.lots[e]!, liquidity: out.liquidity[e]!, timeMs: out.timeMs[e]! });
    }
  }
  return { events, specs, arrival, parent, ocoPairs };
}

const configs: Partial<BarFillConfig>[] = [{}, { intrabar: 'proximity' }, { limitFill: 'touch' }, { intrabar: 'proximity', limitFill: 'touch' }];

describe('bar fill model properties', () => {
  it('keeps fills inside the bar, quantities within orders, OCO exclusive, arrivals first and the lifecycle table (property)', () => {
    fc.assert(
      fc.property(barsArb, fc.array(commandArb, { maxLength: 12 }), fc.constantFrom(...configs), (bars, commands, config) => {
        const r = run(config, bars, commands);
        const filled = new Map<number, number>();
        const firstFillMs = new Map<number, number>();
        const states = new Map<number, OrderState>();
        for (const e of r.events) {
          const bar = bars[e.bar]!;
          const spec = r.specs.get(e.slot)!;
          if (e.kind === EVENT_FILL) {
            const inBar = e.price >= bar.l && e.price <= bar.h;
            // A resting limit the open gapped through fills at its own price, which lies between the previous close
            // and this open (it was not traded through before, so it is on the far side of the previous close).
            const prevClose = e.bar === 0 ? 10_000 : bars[e.bar - 1]!.c;
            const gapLimit =
              e.liquidity === LIQUIDITY_MAKER && 'limitTicks' in spec && e.price === spec.limitTicks && e.price >= Math.min(prevClose, bar.o) && e.price <= Math.max(prevClose, bar.o);
            expect(inBar || gapLimit, `fill @${e.price} inside bar ${JSON.stringify(bar)} or a gapped limit`).toBe(true);
            filled.set(e.slot, (filled.get(e.slot) ?? 0) + e.lots);
            expect(filled.get(e.slot), 'filled never exceeds ordered').toBeLessThanOrEqual(spec.qtyLots);
            if (!firstFillMs.has(e.slot)) firstFillMs.set(e.slot, e.timeMs);
          }
          const arrival = r.arrival.get(e.slot);
          if (arrival !== undefined) expect(e.timeMs, 'no event before the order arrives').toBeGreaterThanOrEqual(arrival);
          const parent = r.parent.get(e.slot);
          if (parent !== undefined && e.kind === EVENT_FILL) {
            expect(firstFillMs.get(parent), 'a child fills only after its parent filled').toBeLessThanOrEqual(e.timeMs);
          }
          if (e.kind === EVENT_MODIFIED) continue;
          const before = states.get(e.slot) ?? newOrderState(spec);
          const kind = orderEventKind(e.kind);
          const ev: OrderEvent =
            kind === 'fill'
              ? { kind: 'fill', lots: e.lots as Lots, priceTicks: e.price }
              : kind === 'accepted'
                ? { kind: 'accepted', venueOrderId: String(e.slot) }
                : kind === 'rejected'
                  ? { kind: 'rejected', reason: 'r' }
                  : { kind: kind as 'triggered' | 'cancelled' | 'expired' };
          const next = applyOrderEvent(before, ev);
          expect(next.ok, `${before.status} --${kind}--> allowed by the transition table`).toBe(true);
          if (next.ok) states.set(e.slot, next.value);
        }
        for (const [a, b] of r.ocoPairs) {
          expect((filled.get(a) ?? 0) > 0 && (filled.get(b) ?? 0) > 0, `OCO ${a} and ${b} never both fill`).toBe(false);
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 400), ...(process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED) } : {}) },
    );
  });

  it('gives identical events for identical inputs (property)', () => {
    fc.assert(
      fc.property(barsArb, fc.array(commandArb, { maxLength: 10 }), fc.constantFrom(...configs), (bars, commands, config) => {
        expect(run(config, bars, commands).events).toEqual(run(config, bars, commands).events);
      }),
      { numRuns: 100 },
    );
  });
});
