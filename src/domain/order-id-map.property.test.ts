import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderIdMap } from './order-id-map.js';

type Op = { readonly kind: 'set'; readonly id: string; readonly value: number } | { readonly kind: 'delete'; readonly id: string };

describe('OrderIdMap', () => {
  // Up to 40 distinct ids: sequences stay in the small (array) form or cross into the Map form past 16 entries.
  const opsArb = fc.integer({ min: 1, max: 40 }).chain((ids) => {
    const idArb = fc.integer({ min: 0, max: ids - 1 }).map((n) => `o${n}`);
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('set' as const), id: idArb, value: fc.integer() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), id: idArb }) },
    );
    return fc.array(opArb, { minLength: 1, maxLength: 200 }).map((ops) => ({ ids, ops }));
  });

  it('answers get, has, delete and values exactly as a Map does after any sequence of sets and deletes (property)', () => {
    fc.assert(
      fc.property(opsArb, ({ ids, ops }) => {
        const ours = new OrderIdMap<number>();
        const model = new Map<string, number>();
        for (const op of ops) {
          if (op.kind === 'set') {
            ours.set(op.id, op.value);
            model.set(op.id, op.value);
          } else {
            expect(ours.delete(op.id), `delete ${op.id} reports whether it was there`).toBe(model.delete(op.id));
          }
          for (let n = 0; n < ids; n++) {
            const id = `o${n}`;
            expect(ours.get(id), `get ${id} after ${op.kind} ${op.id}`).toBe(model.get(id));
            expect(ours.has(id), `has ${id} after ${op.kind} ${op.id}`).toBe(model.has(id));
          }
          expect(ours.values(), 'values in insertion order, a re-added id last').toEqual([...model.values()]);
          expect(ours.size, 'size counts the entries').toBe(model.size);
        }
      }),
    );
  });
});
