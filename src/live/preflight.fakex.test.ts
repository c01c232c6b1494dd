// Pre-flight's margin-mode and leverage checks against the account on fakex (loopback): the symbol's margin type and
// leverage as Binance reports them (GET /fapi/v2/positionRisk `marginType`, `leverage`), not what the session was
// configured with.
import { afterEach, describe, expect, test } from 'vitest';
import type { Money } from '../core/money.js';
import { ccxtForFakex, untilReplayDone } from '../apps/fakex/ccxt-fakex.js';
import { startFakex } from '../apps/fakex/fakex-server.js';
import { parseFaultSpec } from '../apps/fakex/fault-plan.js';
import { FAKEX_KEYS, fakexRig, type FakexRig } from '../venues/ccxt/testing/fakex-rig.js';
import { preflight, type PreflightConfig } from './preflight.js';

const FAKEX_API = { startFakex, ccxtForFakex, untilReplayDone, parseFaultSpec };
let rig: FakexRig | undefined;
afterEach(async () => rig?.close());

const config: PreflightConfig = { venue: 'binanceusdm', instrument: 'BINANCE:BTCUSDT', positionMode: 'one-way', marginMode: 'cross', minBalance: 0 as Money, adopt: false };

describe('pre-flight margin mode on fakex', () => {
  test('sees the account switched to isolated although the venue was configured for cross, and passes once it is cross again', async () => {
    // The rig's CcxtVenue is configured with marginMode 'cross'; the account is changed behind its back.
    const r = (rig = await fakexRig(FAKEX_API));
    const other = ccxtForFakex(r.server.url, FAKEX_KEYS.apiKey, FAKEX_KEYS.secret);
    await other.loadMarkets();
    await other.setMarginMode('isolated', 'BTC/USDT:USDT');
    const isolated = await r.venue.snapshot();
    expect(isolated.settings.find((s) => s.instrument === 'BINANCE:BTCUSDT')?.marginMode, "the snapshot holds the account's mode").toBe('isolated');
    const problems = preflight(isolated, config);
    expect(problems.map((p) => `${p.check}: ${p.found}`), 'the mismatch stops the session before its first order').toEqual(['margin-mode: isolated for BINANCE:BTCUSDT']);
    expect(problems[0]!.fix).toContain('--margin-mode isolated');
    await other.setMarginMode('cross', 'BTC/USDT:USDT');
    expect(preflight(await r.venue.snapshot(), config), 'cross on the account: ready').toEqual([]);
  }, 45_000);

  test('sees the account leverage changed to 20x while the session computes margin at 10x', async () => {
    const r = (rig = await fakexRig(FAKEX_API));
    const other = ccxtForFakex(r.server.url, FAKEX_KEYS.apiKey, FAKEX_KEYS.secret);
    await other.loadMarkets();
    await other.setLeverage(20, 'BTC/USDT:USDT');
    const snap = await r.venue.snapshot();
    expect(snap.settings.find((s) => s.instrument === 'BINANCE:BTCUSDT')?.leverage, "the snapshot holds the account's leverage").toBe(20);
    const problems = preflight(snap, { ...config, leverage: 10 });
    expect(problems.map((p) => `${p.check}: ${p.found}`), 'the mismatch stops the session before its first order').toEqual(['leverage: 20x for BINANCE:BTCUSDT']);
    expect(problems[0]!.fix).toContain('--leverage 20');
    expect(preflight(snap, { ...config, leverage: 20 }), 'the same leverage: ready').toEqual([]);
  }, 45_000);
});
