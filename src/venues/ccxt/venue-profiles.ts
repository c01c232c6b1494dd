// The five exchange profiles by name, and the construction of their ccxt clients (keys, no ccxt retries, an
// optional base URL such as a loopback fakex). Must never log or return a key.
import ccxt, { type Exchange } from 'ccxt';
import { InputError } from '../../core/errors.js';
import { binanceUsdmProfile } from './binanceusdm.js';
import { bingxProfile } from './bingx.js';
import { bybitInverseProfile, bybitLinearProfile } from './bybit.js';
import type { Credentials } from './credentials.js';
import { mexcProfile } from './mexc.js';
import type { VenueProfile } from './venue-profile.js';
import { weexProfile } from './weex.js';

export const VENUE_PROFILES: readonly VenueProfile[] = [binanceUsdmProfile, bybitLinearProfile, bybitInverseProfile, bingxProfile, mexcProfile, weexProfile];

/** The profile named `name` (e.g. from `--venue`); an InputError listing the names otherwise. */
export function venueProfile(name: string, input = '--venue'): VenueProfile {
  const hit = VENUE_PROFILES.find((p) => p.name === name);
  if (hit === undefined) {
    throw new InputError('INVALID_OPTION', input, `"${name}" is not a venue the ccxt adapter knows`, `Use one of: ${VENUE_PROFILES.map((p) => p.name).join(', ')}`);
  }
  return hit;
}

/** Rewrites every REST URL of the client to `baseUrl` (scheme and host), keeping the paths: for fakex on loopback. */
export function pointAt(exchange: Exchange, baseUrl: string): void {
  const origin = new URL(baseUrl).origin;
  const rewrite = (node: unknown): unknown => {
    if (typeof node === 'string') return node.replace(/^https?:\/\/[^/]+/, origin);
    if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) (node as Record<string, unknown>)[k] = rewrite(v);
    }
    return node;
  };
  rewrite(exchange.urls['api']);
}

/**
 * A ccxt client for the profile: keys when given (paper mode needs none), rate limiting on, and ccxt's own retries
 * off (maxRetriesOnFailure 0), so that no order request is ever sent twice by the HTTP layer.
 */
export function createExchange(profile: VenueProfile, credentials: Credentials | undefined, baseUrl?: string): Exchange {
  const config = {
    enableRateLimit: true,
    // The profile's options first, so that nothing in them can turn ccxt's retries back on.
    options: { ...profile.ccxtOptions, maxRetriesOnFailure: 0 },
    ...(credentials === undefined ? {} : { apiKey: credentials.apiKey, secret: credentials.secret, ...(credentials.password === undefined ? {} : { password: credentials.password }) }),
  };
  const exchange: Exchange = new ccxt[profile.ccxtId](config);
  if (baseUrl !== undefined) pointAt(exchange, baseUrl);
  const repairTrade = profile.repairTrade;
  if (repairTrade !== undefined) {
    const parseTrade = exchange.parseTrade.bind(exchange);
    exchange.parseTrade = (raw: Record<string, unknown>, market?: Parameters<Exchange['parseTrade']>[1]) => repairTrade(parseTrade(raw, market), raw);
  }
  return exchange;
}
