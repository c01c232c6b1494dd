import fc from 'fast-check';
import { describe, it } from 'vitest';
import { ByteCursor } from './byte-cursor.js';

function readNum(text: string): number {
  const buf = Buffer.from(text, 'latin1');
  const c = new ByteCursor();
  c.reset(buf, 0, buf.length);
  return c.num();
}

describe('ByteCursor.num', () => {
  it('equals Number(text) bitwise for decimal strings of up to 17 significant digits', () => {
    const decimal = fc
      .tuple(fc.boolean(), fc.stringMatching(/^\d{1,12}$/), fc.stringMatching(/^\d{0,10}$/))
      .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`);
    fc.assert(
      fc.property(decimal, (text) => Object.is(readNum(text), Number(text))),
      { numRuns: 20_000 },
    );
  });

  it('equals Number(text) for exponent forms such as 6.818e-05 and 1.5E+30', () => {
    const expForm = fc
      .tuple(fc.stringMatching(/^\d{1,9}$/), fc.stringMatching(/^\d{0,8}$/), fc.integer({ min: -330, max: 330 }))
      .map(([int, frac, e]) => `${int}${frac ? `.${frac}` : ''}e${e}`);
    fc.assert(fc.property(expForm, (text) => Object.is(readNum(text), Number(text))), { numRuns: 20_000 });
  });

  it('equals Number(String(x)) for any finite double printed the shortest way', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = String(x);
        return Object.is(readNum(text), Number(text));
      }),
      { numRuns: 20_000 },
    );
  });
});
