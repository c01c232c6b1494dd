import { describe, expect, test } from 'vitest';
import { asLots } from '../core/grid.js';
import type { Money } from '../core/money.js';
import type { VenueSnapshot } from '../venues/venue.js';
import { preflight, type PreflightConfig, type PreflightSnapshot } from './preflight.js';

const ready: VenueSnapshot = { tsVenue: 0, settleAsset: 'USDT', balance: 500e8 as Money, positions: [], openOrders: [], positionMode: 'one-way', marginMode: 'isolated' };
const config: PreflightConfig = { venue: 'binanceusdm', instrument: 'BINANCE:BTCUSDT', positionMode: 'one-way', marginMode: 'isolated', minBalance: 100e8 as Money, adopt: false };

describe('preflight', () => {
  test('passes an account that matches the configuration', () => {
    expect(preflight(ready, config), 'modes match, 500 USDT >= 100 USDT, nothing open').toEqual([]);
  });

  test('names each mismatch with what was found and the fix', () => {
    const snap: VenueSnapshot = {
      ...ready,
      balance: 50e8 as Money,
      positionMode: 'hedge',
      marginMode: 'cross',
      positions: [{ instrument: 'BINANCE:BTCUSDT', signedLots: 7, entryTicks: 700000 }],
      openOrders: [{ clientId: 'x1', venueOrderId: '9', filledLots: asLots(0), order: { clientId: 'x1', instrument: 'BINANCE:BTCUSDT', action: 'sell', qtyLots: asLots(7), effect: 'reduce-only', type: 'stop-market', triggerTicks: 690000 as never } }],
    };
    const problems = preflight(snap, config);
    expect(problems.map((p) => p.check), 'every failed check is reported, not only the first').toEqual(['position-mode', 'margin-mode', 'balance', 'open-orders', 'position']);
    expect(problems[0]!.fix).toContain('--position-mode hedge');
    expect(problems[2]!.found, '50 USDT is below the 100 USDT minimum').toBe('50 USDT');
    expect(preflight(snap, { ...config, adopt: true, positionMode: 'hedge', marginMode: 'cross', minBalance: 0 as Money }), 'a resumed run takes over its orders and position').toEqual([]);
  });

  describe('margin mode from the account (per instrument)', () => {
    const withSetting = (marginMode: 'cross' | 'isolated' | undefined): PreflightSnapshot => ({
      ...ready,
      // The snapshot-wide mode is another instrument's: only BTCUSDT's own setting may decide.
      marginMode: 'isolated',
      settings: [
        { instrument: 'BINANCE:ETHUSDT', marginMode: 'isolated', leverage: 10 },
        { instrument: 'BINANCE:BTCUSDT', marginMode, leverage: 20 },
      ],
    });

    test('stops when the account holds the instrument in another margin mode, naming it and both fixes', () => {
      const problems = preflight(withSetting('cross'), config);
      expect(problems.map((p) => p.check), 'configured isolated, the account has BTCUSDT on cross').toEqual(['margin-mode']);
      expect(problems[0]!.found).toBe('cross for BINANCE:BTCUSDT');
      expect(problems[0]!.fix, 'the venue change or the flag').toContain('set BINANCE:BTCUSDT to isolated margin on binanceusdm');
      expect(problems[0]!.fix).toContain('--margin-mode cross');
    });

    test('passes when the instrument’s own mode matches, whatever another instrument uses', () => {
      expect(preflight(withSetting('isolated'), { ...config, marginMode: 'isolated' })).toEqual([]);
      expect(preflight({ ...withSetting('cross'), marginMode: 'isolated' }, { ...config, marginMode: 'cross' }), 'the snapshot-wide isolated is ETHUSDT’s').toEqual([]);
    });

    test('does not refuse for a mode the venue does not report', () => {
      expect(preflight(withSetting(undefined), config), 'unknown is not a mismatch').toEqual([]);
    });
  });

  describe('leverage from the account (per instrument)', () => {
    const snap: PreflightSnapshot = {
      ...ready,
      settings: [
        { instrument: 'BINANCE:ETHUSDT', marginMode: 'isolated', leverage: 10 },
        { instrument: 'BINANCE:BTCUSDT', marginMode: 'isolated', leverage: 20 },
      ],
    };

    test('stops when the account leverage differs from the session leverage, with both fixes', () => {
      const problems = preflight(snap, { ...config, leverage: 10 });
      expect(problems.map((p) => p.check), 'BTCUSDT is at 20x on the account; the session computes margin at 10x').toEqual(['leverage']);
      expect(problems[0]!.found).toBe('20x for BINANCE:BTCUSDT');
      expect(problems[0]!.fix, 'the venue change or the flag').toContain("set BINANCE:BTCUSDT's leverage to 10x on binanceusdm");
      expect(problems[0]!.fix).toContain('--leverage 20');
    });

    test('passes when the instrument’s own leverage matches, whatever another instrument uses', () => {
      expect(preflight(snap, { ...config, leverage: 20 }), 'ETHUSDT at 10x does not matter').toEqual([]);
    });

    test('does not refuse for a leverage the venue does not report, or when the session does not say', () => {
      const unknown: PreflightSnapshot = { ...ready, settings: [{ instrument: 'BINANCE:BTCUSDT', marginMode: 'isolated', leverage: undefined }] };
      expect(preflight(unknown, { ...config, leverage: 10 }), 'unknown is not a mismatch').toEqual([]);
      expect(preflight(snap, config), 'no session leverage given').toEqual([]);
    });
  });
});
