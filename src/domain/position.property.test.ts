import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terms } from '../../test/support/contract-terms.js';
import { contractMathFor } from './contract-math.js';
import { GridPosition } from './position.js';

const linear = contractMathFor(terms('linear', '1', '0.1', '0.001'));
const inverse = contractMathFor(terms('inverse', '100', '0.1', '1'));

/** Splits n > 0 into 1..6 positive pieces, shuffled by the given order. */
const pieces = (n: number) =>
  fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 6 }).map((weights) => {
    const total = weights.reduce((a, b) => a + b, 0);
    const out = weights.map((w) => Math.floor((w * n) / total));
    out[0]! += n - out.reduce((a, b) => a + b, 0);
    return out.filter((x) => x > 0);
  });

const fills = fc.array(fc.record({ lots: fc.integer({ min: -2000, max: 2000 }).filter((x) => x !== 0), price: fc.integer({ min: 500_000, max: 800_000 }) }), {
  minLength: 1,
  maxLength: 12,
});

describe('position properties', () => {
  it('does not change P&L or average entry when a fill is split into pieces in any order (linear: exactly)', () => {
    fc.assert(
      fc.property(
        fills,
        fc.nat({ max: 11 }),
        fc.integer({ min: 1, max: 50_000 }).chain((n) => pieces(n).map((p) => ({ n, p }))),
        fc.integer({ min: 500_000, max: 800_000 }),
        fc.boolean(),
        fc.integer({ min: 500_000, max: 800_000 }),
        (history, at, split, price, sell, mark) => {
          const whole = new GridPosition(linear);
          const parts = new GridPosition(linear);
          const cut = Math.min(at, history.length);
          for (const f of history.slice(0, cut)) {
            whole.applyFill(f.lots, f.price);
            parts.applyFill(f.lots, f.price);
          }
          const sign = sell ? -1 : 1;
          whole.applyFill(sign * split.n, price);
          for (const piece of split.p) parts.applyFill(sign * piece, price);
          for (const f of history.slice(cut)) {
            whole.applyFill(f.lots, f.price);
            parts.applyFill(f.lots, f.price);
          }
          expect(parts.signedLots).toBe(whole.signedLots);
          expect(parts.entryValue, 'the open cost depends only on cumulative fills').toBe(whole.entryValue);
          expect(parts.realisedPnl, 'realised P&L is exact in tick-lots').toBe(whole.realisedPnl);
          expect(parts.unrealisedPnl(mark)).toBe(whole.unrealisedPnl(mark));
        },
      ),
    );
  });

  it('does not change inverse P&L or average entry beyond one 1e-8 coin when a fill is split', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50_000 }).chain((n) => pieces(n).map((p) => ({ n, p }))),
        fc.integer({ min: 100_000, max: 1_000_000 }),
        fc.integer({ min: 100_000, max: 1_000_000 }),
        (split, entry, exit) => {
          const whole = new GridPosition(inverse);
          const parts = new GridPosition(inverse);
          whole.applyFill(split.n, entry);
          for (const piece of split.p) parts.applyFill(piece, entry);
          // Inverse entry value is a float sum of lots / price; splitting changes only its last bits.
          expect(Math.abs(parts.averageEntryTicks()! - whole.averageEntryTicks()!)).toBeLessThan(1e-6);
          whole.applyFill(-split.n, exit);
          for (const piece of [...split.p].reverse()) parts.applyFill(-piece, exit);
          expect(Math.abs(parts.realisedPnl - whole.realisedPnl), 'rounded from the same running total').toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('makes realised plus unrealised P&L equal the cash flow of all fills valued at the mark (linear, exactly)', () => {
    fc.assert(
      fc.property(fills, fc.integer({ min: 500_000, max: 800_000 }), (history, mark) => {
        const p = new GridPosition(linear);
        let cashTickLots = 0;
        for (const f of history) {
          p.applyFill(f.lots, f.price);
          cashTickLots -= f.lots * f.price;
        }
        // Closing everything at mark: sum of (sells - buys) x price, at 0.0001 USDT (10,000 units) per tick-lot.
        const closeAtMark = (cashTickLots + p.signedLots * mark) * 10_000;
        expect(p.realisedPnl + p.unrealisedPnl(mark)).toBe(closeAtMark);
      }),
    );
  });

  it('makes open-then-close at one price zero P&L, linear and inverse', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50_000, max: 50_000 }).filter((x) => x !== 0), fc.integer({ min: 100_000, max: 1_000_000 }), (lots, price) => {
        for (const math of [linear, inverse]) {
          const p = new GridPosition(math);
          p.applyFill(lots, price);
          expect(p.applyFill(-lots, price), `${math.contractType}`).toBe(0);
          expect(p.signedLots).toBe(0);
        }
      }),
    );
  });
});
