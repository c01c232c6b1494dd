// A read-only smoke test against the real Binance USD-M API: runs only with MICROFUT_LIVE_TEST=1 and keys in
// MICROFUT_BINANCEUSDM_API_KEY / _API_SECRET. Reads the snapshot; never places an order.
import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../../data/spec-files.js';
import { binanceUsdmProfile } from './binanceusdm.js';
import { CcxtVenue } from './ccxt-venue.js';
import { credentialsFromEnv, redactorFor } from './credentials.js';
import { createExchange } from './venue-profiles.js';

const credentials = process.env['MICROFUT_LIVE_TEST'] === '1' ? credentialsFromEnv('binanceusdm', process.env) : undefined;

describe.skipIf(credentials === undefined)('binanceusdm live smoke (MICROFUT_LIVE_TEST=1)', () => {
  it('reads a snapshot with a balance in USDT and a known position mode', async () => {
    const exchange = createExchange(binanceUsdmProfile, credentials);
    await exchange.loadMarkets();
    const venue = new CcxtVenue({
      profile: binanceUsdmProfile,
      exchange,
      instruments: [loadRegistry().get('BINANCE:BTCUSDT')],
      clock: { nowMs: () => Date.now() as never },
      redact: redactorFor(credentials),
      positionMode: 'one-way',
      marginMode: 'cross',
    });
    const snap = await venue.snapshot();
    expect(snap.settleAsset).toBe('USDT');
    expect(['one-way', 'hedge']).toContain(snap.positionMode);
  }, 30_000);
});
