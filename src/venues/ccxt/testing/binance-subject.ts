// Builds a CcxtVenue on ccxt's real binanceusdm client whose transport is the stateful Binance fake, with the real
// exchangeInfo answer from ../shared/data (BTCUSDT only) and the BINANCE:BTCUSDT spec from the built-in registry.
import { readFileSync } from 'node:fs';
import ccxt from 'ccxt';
import { ManualClock } from '../../../core/time.js';
import { loadRegistry } from '../../../data/spec-files.js';
import { sharedData } from '../../../../test/support/shared-data.js';
import { CcxtVenue, type CcxtVenueOptions } from '../ccxt-venue.js';
import { binanceUsdmProfile } from '../binanceusdm.js';
import { BinanceUsdmFake } from './binanceusdm-fake.js';
import { installTransport, type HttpCall } from './recorded-transport.js';

export const T0_MS = Date.UTC(2025, 4, 4, 0);
/** Fake keys: a canary secret tests search for in every message. */
export const CANARY = { apiKey: 'canary-key-7f3a9c', secret: 'canary-secret-Zq81xK' } as const;

export function binanceExchangeInfo(): unknown {
  const info = JSON.parse(readFileSync(sharedData('binance/futures-um/meta/exchangeInfo-2025-03-06.json'), 'utf8')) as { symbols: { symbol: string }[] };
  return { ...info, symbols: info.symbols.filter((s) => s.symbol === 'BTCUSDT') };
}

export interface BinanceRig {
  readonly venue: CcxtVenue;
  readonly fake: BinanceUsdmFake;
  readonly calls: HttpCall[];
  readonly clock: ManualClock;
}

export async function binanceRig(options: Partial<CcxtVenueOptions> = {}, exchangeInfo = binanceExchangeInfo()): Promise<BinanceRig> {
  const clock = new ManualClock(T0_MS);
  const fake = new BinanceUsdmFake({ exchangeInfo, priceText: '70000.0', walletText: '1000', nowMs: () => clock.nowMs() });
  const exchange = new ccxt.binanceusdm({ apiKey: CANARY.apiKey, secret: CANARY.secret, enableRateLimit: false });
  const calls = installTransport(exchange, fake.handle);
  await exchange.loadMarkets();
  const spec = loadRegistry().get('BINANCE:BTCUSDT');
  const venue = new CcxtVenue({
    profile: binanceUsdmProfile,
    exchange,
    instruments: [spec],
    clock,
    positionMode: 'one-way',
    marginMode: 'cross',
    sleep: async () => undefined,
    ...options,
  });
  return { venue, fake, calls, clock };
}
