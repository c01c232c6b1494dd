import { describe, expect, test } from 'vitest';
import { InputError } from '../../core/errors.js';
import { FaultPlan, parseFaultSpec } from './fault-plan.js';

describe('fault plan', () => {
  test('parses the documented spec', () => {
    const s = parseFaultSpec('timeout:0.05,5xx-after-accept:0.05,reset:0.02,ws-drop:0.01,depth-gap:0.01,rate-limit:0.02,skew-ms:500,seed:7');
    expect(s.probability).toEqual({ timeout: 0.05, '5xx-after-accept': 0.05, reset: 0.02, 'ws-drop': 0.01, 'depth-gap': 0.01, 'rate-limit': 0.02 });
    expect([s.skewMs, s.seed]).toEqual([500, 7]);
  });

  test('names the flag, the bad part and the fix', () => {
    expect(() => parseFaultSpec('timeout:2')).toThrow(InputError);
    expect(() => parseFaultSpec('timeout:2')).toThrow(/--faults: timeout is a probability between 0 and 1, found 2\. write comma-separated/);
    expect(() => parseFaultSpec('lag:0.1')).toThrow(/unknown fault "lag"/);
    expect(() => parseFaultSpec('seed:-1')).toThrow(/seed must be an integer >= 0/);
  });

  test('draws the same faults from the same seed, and about the asked share of them', () => {
    const draw = (seed: number): boolean[] => {
      const plan = new FaultPlan(parseFaultSpec(`timeout:0.1,seed:${seed}`));
      return Array.from({ length: 5000 }, () => plan.strikes('timeout'));
    };
    expect(draw(7), 'a seed replays exactly').toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    const share = draw(7).filter(Boolean).length / 5000;
    // Binomial(5000, 0.1): sd = sqrt(5000 x 0.1 x 0.9) / 5000 = 0.0042; 5 sd either side.
    expect(Math.abs(share - 0.1), `share ${share}`).toBeLessThan(0.021);
  });

  test('a fault with probability 0 draws nothing, so it does not shift the others', () => {
    const a = new FaultPlan(parseFaultSpec('reset:0.5,seed:3'));
    const b = new FaultPlan(parseFaultSpec('reset:0.5,seed:3'));
    const seqA = Array.from({ length: 50 }, () => a.strikes('reset'));
    const seqB = Array.from({ length: 50 }, () => (b.strikes('timeout'), b.strikes('reset')));
    expect(seqB).toEqual(seqA);
  });
});
