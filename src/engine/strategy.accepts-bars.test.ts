import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { acceptsInterval, defineStrategy, type StrategyData } from './strategy.js';

const declare = (data: StrategyData) => defineStrategy({ name: 'probe', params: z.object({}), data, create: () => ({}) });

describe('data.acceptsBars', () => {
  it('accepts only data.bars when absent, the listed intervals when a list, every interval when any', () => {
    expect(acceptsInterval({ bars: '1m' }, '1m'), 'the declared interval always').toBe(true);
    expect(acceptsInterval({ bars: '1m' }, '3m'), 'absent: the declared interval only, as before the field existed').toBe(false);
    expect(acceptsInterval({ bars: '1m', acceptsBars: ['3m', '5m'] }, '5m')).toBe(true);
    expect(acceptsInterval({ bars: '1m', acceptsBars: ['3m', '5m'] }, '15m'), 'not in the list').toBe(false);
    expect(acceptsInterval({ bars: '1m', acceptsBars: 'any' }, '4h')).toBe(true);
  });

  it('refuses a declaration whose acceptsBars is neither any nor a list of bar intervals, naming the field', () => {
    for (const bad of ['all', ['3m', '7m'], '3m'] as unknown as StrategyData['acceptsBars'][]) {
      const e = (() => {
        try {
          declare({ bars: '1m', acceptsBars: bad });
          return undefined;
        } catch (x) {
          return x;
        }
      })();
      expect(e, JSON.stringify(bad)).toBeInstanceOf(InputError);
      expect((e as InputError).input, 'the message names the strategy and the field').toBe('strategy "probe": data.acceptsBars');
    }
    expect(declare({ bars: '1m', acceptsBars: ['3m'] }).data.acceptsBars, 'a valid list is kept as given').toEqual(['3m']);
  });
});
