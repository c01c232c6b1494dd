import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validDocument, validEntry } from '../../test/support/spec-cases.js';
import { instrumentFromEntry, parseSpecDocument } from './spec-schema.js';

/** A bracket table built with the continuity rule in integer hundred-thousandths, so cum is exact. */
const bracketTable = fc
  .array(fc.record({ widthUnits: fc.integer({ min: 1, max: 1_000_000 }), rateStep: fc.integer({ min: 0, max: 500 }) }), { minLength: 1, maxLength: 8 })
  .map((steps) => {
    let floor = 0;
    let rate = 0; // in 1e-5
    let cum = 0n; // in 1e-5 of a unit
    return steps.map((s, i) => {
      const prevRate = rate;
      rate += s.rateStep + (i === 0 ? 100 : 0);
      cum += BigInt(floor) * BigInt(rate - prevRate);
      const b = {
        bracket: i + 1,
        notionalFloor: String(floor),
        notionalCap: String(floor + s.widthUnits),
        maintRate: (rate / 1e5).toFixed(5),
        cum: formatE5(cum),
        maxLeverage: String(Math.max(1, 100 - i * 10)),
      };
      floor += s.widthUnits;
      return b;
    });
  });

function formatE5(units: bigint): string {
  const s = units.toString().padStart(6, '0');
  return `${s.slice(0, -5)}.${s.slice(-5)}`;
}

describe('spec schema properties', () => {
  it('accepts every bracket table built with the continuity rule and rejects it when one cum is off by 0.00001', () => {
    fc.assert(
      fc.property(bracketTable, fc.nat(), (brackets, pick) => {
        const entry = { ...validEntry(), margin: { kind: 'tiered', brackets } };
        expect(parseSpecDocument(validDocument([entry])).ok, 'a continuous table is valid').toBe(true);
        const i = pick % brackets.length;
        if (i === 0) return;
        const broken = brackets.map((b, j) => (j === i ? { ...b, cum: formatE5(BigInt(Math.round(Number(b.cum) * 1e5)) + 1n) } : b));
        const r = parseSpecDocument(validDocument([{ ...entry, margin: { kind: 'tiered', brackets: broken } }]));
        expect(r.ok, 'a cum off by one unit breaks continuity').toBe(false);
        if (!r.ok) expect(r.error[0]?.path).toBe(`instruments[0].margin.brackets[${i}].cum`);
      }),
    );
  });

  it('reads any tick and lot size exactly: the grid formats back to the same decimal and minQty counts whole lots', () => {
    const step = fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 0, max: 8 }));
    fc.assert(
      fc.property(step, step, fc.integer({ min: 1, max: 50 }), ([tu, ts], [lu, ls], minLots) => {
        const tick = formatStep(tu, ts);
        const lot = formatStep(lu, ls);
        const minQty = formatStep(lu * minLots, ls);
        const parsed = parseSpecDocument(validDocument([{ ...validEntry(), tickSize: tick, lotSize: lot, minQty }]));
        expect(parsed.ok, `tick ${tick}, lot ${lot}, minQty ${minQty} is a valid spec`).toBe(true);
        const first = parsed.ok ? parsed.value.instruments[0] : undefined;
        if (!first) return;
        const spec = instrumentFromEntry(first);
        expect(spec.tick.step, 'the tick grid prints as the normalised decimal it was read from').toBe(normalise(tick));
        expect(spec.lot.step).toBe(normalise(lot));
        expect(spec.minQtyLots, 'minQty = minLots x lot exactly').toBe(minLots);
      }),
    );
  });
});

/** Trailing zeros trimmed, as the grid prints steps. */
function normalise(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

function formatStep(units: number, scale: number): string {
  if (scale === 0) return String(units);
  const s = String(units).padStart(scale + 1, '0');
  return `${s.slice(0, -scale)}.${s.slice(-scale)}`;
}
