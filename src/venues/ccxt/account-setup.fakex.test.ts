// Pre-flight reads and setters against fakex: each setting changes and reads back, and a change Binance forbids
// with an open position comes back as a VenueFailure carrying the venue's code.
import { afterEach, describe, expect, test } from 'vitest';
import type { Lots } from '../../core/grid.js';
import type { InstrumentId } from '../../domain/instrument.js';
import { ccxtForFakex, untilReplayDone } from '../../apps/fakex/ccxt-fakex.js';
import { startFakex } from '../../apps/fakex/fakex-server.js';
import { parseFaultSpec } from '../../apps/fakex/fault-plan.js';
import { readAccountSettings, setLeverage, setMarginMode, setPositionMode } from './account-setup.js';
import { binanceUsdmProfile } from './binanceusdm.js';
import { fakexRig, FAKEX_KEYS, type FakexRig } from './testing/fakex-rig.js';
import { VenueFailure } from './venue-failure.js';

const FAKEX_API = { startFakex, ccxtForFakex, untilReplayDone, parseFaultSpec };
let rig: FakexRig | undefined;
afterEach(async () => rig?.close());

describe('account setup on fakex', () => {
  test('position mode, margin mode and leverage are set and read back', async () => {
    const r = (rig = await fakexRig(FAKEX_API));
    const exchange = ccxtForFakex(r.server.url, FAKEX_KEYS.apiKey, FAKEX_KEYS.secret);
    await exchange.loadMarkets();
    const src = { profile: binanceUsdmProfile, exchange };
    await setMarginMode(src, r.spec, 'isolated');
    await setLeverage(src, r.spec, 5);
    r.venue.send({ type: 'SubmitOrder', order: { clientId: 'open-1', instrument: 'BINANCE:BTCUSDT' as InstrumentId, action: 'buy', qtyLots: 5 as Lots, effect: 'open-or-reduce', type: 'market' }, tsLocal: Date.now() });
    await r.venue.idle();
    // fakex lists leverage only on the rows of open positions, so it is read with one open.
    expect(await readAccountSettings(src, r.spec), 'the settings the setters asked for').toEqual({ positionMode: 'one-way', marginMode: 'isolated', leverage: 5 });
  });

  test('the position mode is set and read back', async () => {
    const r = (rig = await fakexRig(FAKEX_API));
    const exchange = ccxtForFakex(r.server.url, FAKEX_KEYS.apiKey, FAKEX_KEYS.secret);
    await exchange.loadMarkets();
    const src = { profile: binanceUsdmProfile, exchange };
    expect((await readAccountSettings(src, r.spec)).positionMode, 'fakex starts one-way').toBe('one-way');
    await setPositionMode(src, r.spec, 'hedge');
    expect((await readAccountSettings(src, r.spec)).positionMode).toBe('hedge');
  });

  test('a margin-mode change with an open position fails with the venue code, mapped', async () => {
    const r = (rig = await fakexRig(FAKEX_API));
    r.venue.send({ type: 'SubmitOrder', order: { clientId: 'open-1', instrument: 'BINANCE:BTCUSDT' as InstrumentId, action: 'buy', qtyLots: 5 as Lots, effect: 'open-or-reduce', type: 'market' }, tsLocal: Date.now() });
    await r.venue.idle();
    const exchange = ccxtForFakex(r.server.url, FAKEX_KEYS.apiKey, FAKEX_KEYS.secret);
    await exchange.loadMarkets();
    const failure = await setMarginMode({ profile: binanceUsdmProfile, exchange }, r.spec, 'isolated').catch((e: unknown) => e);
    expect(failure, 'a VenueFailure, not a raw ccxt error').toBeInstanceOf(VenueFailure);
    expect((failure as VenueFailure).venueCode, 'Binance -4048: margin type cannot be changed with an open position').toBe('-4048');
  });
});
