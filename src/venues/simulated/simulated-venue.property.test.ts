// Property tests of the simulated venue over random order sequences on random bars, in every position and margin
// mode: exact conservation of the balance, no overfill, terminal orders frozen, every event legal for the one
// transition table, positions equal to the fills reported, and equity moving only with the mark between events.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Lots, Ticks } from '../../core/grid.js';
import { moneyFromText, type Money } from '../../core/money.js';
import type { OrderSpec } from '../../domain/order.js';
import type { Side } from '../../domain/side.js';
import { testSpec } from '../../../test/support/contract-terms.js';
import { SimulatedVenue } from './simulated-venue.js';
import { VenueTape } from './venue-tape.js';

const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2025, 4, 4, 0);
const START = moneyFromText('10000')!;
/** One tick (0.1 USDT) on one lot (0.001 BTC) is 0.0001 USDT = 10,000 units of 1e-8. */
const UNITS_PER_TICK_LOT = 10_000;

type Cmd =
  | { readonly kind: 'market' | 'stop' | 'limit'; readonly buy: boolean; readonly qty: number; readonly offset: number; readonly reduceOnly: boolean; readonly long: boolean; readonly tif: 'GTC' | 'IOC' | 'FOK' | 'GTX' }
  | { readonly kind: 'bracket'; readonly buy: boolean; readonly qty: number; readonly tp: number; readonly sl: number; readonly long: boolean; readonly fromFill: boolean }
  | { readonly kind: 'cancel' | 'modify'; readonly pick: number; readonly offset: number };

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('market' as const, 'stop' as const, 'limit' as const),
    buy: fc.boolean(),
    qty: fc.integer({ min: 1, max: 400 }),
    offset: fc.integer({ min: -3000, max: 3000 }),
    reduceOnly: fc.boolean(),
    long: fc.boolean(),
    tif: fc.constantFrom('GTC' as const, 'IOC' as const, 'FOK' as const, 'GTX' as const),
  }),
  fc.record({
    kind: fc.constant('bracket' as const),
    buy: fc.boolean(),
    qty: fc.integer({ min: 1, max: 400 }),
    tp: fc.integer({ min: 50, max: 4000 }),
    sl: fc.integer({ min: 50, max: 4000 }),
    long: fc.boolean(),
    fromFill: fc.boolean(),
  }),
  fc.record({ kind: fc.constantFrom('cancel' as const, 'modify' as const), pick: fc.nat(), offset: fc.integer({ min: -2000, max: 2000 }) }),
);

/** A bar as moves in ticks from the previous close: open gap, then up and down excursions and the close. */
const barArb = fc.record({ gap: fc.integer({ min: -3000, max: 3000 }), up: fc.nat(6000), down: fc.nat(6000), close: fc.double({ min: 0, max: 1, noNaN: true }) });

const scenarioArb = fc.record({
  hedge: fc.boolean(),
  isolated: fc.boolean(),
  leverage: fc.constantFrom(2, 10, 50, 125),
  proximity: fc.boolean(),
  steps: fc.array(fc.record({ bar: barArb, cmds: fc.array(cmdArb, { maxLength: 3 }) }), { minLength: 6, maxLength: 30 }),
  rates: fc.array(fc.double({ min: -0.003, max: 0.003, noNaN: true }), { minLength: 4, maxLength: 4 }),
});

function order(c: Extract<Cmd, { qty: number }>, id: string, hedge: boolean, price: number): OrderSpec {
  const action = c.buy ? ('buy' as const) : ('sell' as const);
  const positionSide: Side | undefined = hedge ? (c.long ? 'long' : 'short') : undefined;
  const base = {
    clientId: id,
    instrument: 'BINANCE:TEST' as const,
    action,
    qtyLots: c.qty as Lots,
    effect: 'reduceOnly' in c && c.reduceOnly ? ('reduce-only' as const) : ('open-or-reduce' as const),
    ...(positionSide ? { positionSide } : {}),
  };
  const at = Math.max(1, price + ('offset' in c ? c.offset : 0)) as Ticks;
  switch (c.kind) {
    case 'market':
    case 'bracket':
      return { ...base, type: 'market' };
    case 'limit':
      return { ...base, type: 'limit', limitTicks: at, timeInForce: c.tif };
    case 'stop':
      return { ...base, type: 'stop-market', triggerTicks: at };
  }
}

describe('simulated venue: properties over random order sequences', () => {
  it('conserves the balance exactly and keeps every order and position consistent with its events', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const funding = { timeMs: Float64Array.from([8, 16, 24, 32], (h) => T0 + h * HOUR_MS), rate: Float64Array.from(sc.rates) };
        const venue = new SimulatedVenue({
          instruments: [{ spec: { ...testSpec(), liquidationFeeRate: 0.0125 }, funding }],
          config: {
            positionMode: sc.hedge ? 'hedge' : 'one-way',
            marginMode: sc.isolated ? 'isolated' : 'cross',
            leverage: sc.leverage,
            fill: { kind: 'bar', intrabar: sc.proximity ? 'proximity' : 'stop-first', limitFill: 'through' },
          },
        });
        const t = new VenueTape(venue, T0, HOUR_MS);
        let close = 700000;
        let n = 0;
        const ids: string[] = [];
        for (const step of sc.steps) {
          for (const c of step.cmds) {
            if ('pick' in c) {
              if (ids.length === 0) continue;
              const id = ids[c.pick % ids.length]!;
              if (c.kind === 'cancel') t.cancel(id);
              else t.modify(id, { limitTicks: Math.max(1, close + c.offset) as Ticks });
              continue;
            }
            const id = `o${++n}`;
            ids.push(id);
            const entry = order(c, id, sc.hedge, close);
            if (!('tp' in c)) {
              t.submit(entry);
              continue;
            }
            const sign = c.buy ? 1 : -1;
            const exit = { ...entry, action: c.buy ? ('sell' as const) : ('buy' as const), effect: 'reduce-only' as const };
            t.bracket({
              entry,
              takeProfit: { ...exit, clientId: `${id}-tp`, type: 'limit', limitTicks: (close + sign * c.tp) as Ticks, timeInForce: 'GTC' },
              stopLoss: { ...exit, clientId: `${id}-sl`, type: 'stop-market', triggerTicks: Math.max(1, close - sign * c.sl) as Ticks },
              ...(c.fromFill ? { exitsFromFill: { takeProfitPct: c.tp / 10_000, stopLossPct: c.sl / 10_000 } } : {}),
            });
          }
          const b = step.bar;
          const open = Math.max(1000, close + b.gap);
          const high = open + b.up;
          const low = Math.max(1, open - b.down);
          const next = Math.round(low + (high - low) * b.close);
          const before = { events: t.events.length, metrics: venue.metrics(), lots: venue.account.instruments[0]!.legs.map((p) => p.signedLots) };
          t.bar(open, high, low, next);
          const after = venue.metrics();
          if (t.events.length === before.events) {
            // No event: the balance is untouched and equity moves only by the mark move on the lots held.
            expect(after.balance).toBe(before.metrics.balance);
            const held = before.lots.reduce((s, x) => s + x, 0);
            if (before.metrics.unrealisedPnl !== 0 || held !== 0) {
              expect(after.equity - before.metrics.equity, 'equity change = lots x mark move x tick-lot value').toBe(held * (next - close) * UNITS_PER_TICK_LOT + 0);
            }
          }
          close = next;
        }
        expect(t.refused, 'every event is legal for its order (no overfill, terminal orders never change)').toEqual([]);
        const x = venue.totals();
        expect(venue.account.balance, 'balance = start + realised - fees + funding').toBe(START + x.realisedPnl - x.fees + x.funding);
        let fees = 0;
        let fundingSum = 0;
        const lots = new Map<string, number>();
        for (const e of t.events) {
          if (e.type === 'OrderFilled') {
            fees += e.fee;
            const key = e.positionSide ?? 'net';
            lots.set(key, (lots.get(key) ?? 0) + (e.action === 'buy' ? e.lots : -e.lots));
          } else if (e.type === 'FundingSettled') fundingSum += e.amount;
          else if (e.type === 'PositionLiquidated') {
            fees += e.fee;
            const key = sc.hedge ? e.side : 'net';
            lots.set(key, (lots.get(key) ?? 0) + (e.side === 'long' ? -e.lots : e.lots));
          }
        }
        expect(fees, 'fees reported in events = fees booked').toBe(x.fees);
        expect(fundingSum, 'funding reported in events = funding booked').toBe(x.funding);
        for (const p of venue.snapshotNow().positions) {
          expect(p.signedLots, 'position = sum of reported fills and liquidations').toBe(lots.get(p.positionSide ?? 'net'));
        }
        for (const [id, state] of t.orders) {
          expect(state.filledLots <= state.spec.qtyLots, `${id} filled ${state.filledLots} of ${state.spec.qtyLots}`).toBe(true);
        }
        if (venue.snapshotNow().openOrders.length === 0) expect(venue.metrics().orderMargin, 'no reserve without working orders').toBe(0 as Money);
      }),
      { numRuns: 300 },
    );
  });
});
