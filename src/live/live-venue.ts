// Builds the real venue port for live sessions and the kill switch: a ccxt client for the named profile (keys, no
// ccxt retries, an optional base URL such as fakex on loopback) wrapped in CcxtVenue, with Binance USD-M's user data
// stream on the same host as the base URL. Must never log a key.
import type { Exchange } from 'ccxt';
import type { Clock } from '../core/time.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import { CcxtVenue } from '../venues/ccxt/ccxt-venue.js';
import { redactorFor, type Credentials } from '../venues/ccxt/credentials.js';
import { createExchange, venueProfile } from '../venues/ccxt/venue-profiles.js';
import type { VenueFailure } from '../venues/ccxt/venue-failure.js';
import type { VenueProfile } from '../venues/ccxt/venue-profile.js';
import type { MarginMode, PositionMode } from '../venues/venue.js';
import { binanceWsBase } from './trade-stream.js';

export interface LiveVenueOptions {
  /** Profile name (`--venue`), e.g. binanceusdm. */
  readonly venue: string;
  readonly baseUrl?: string;
  readonly credentials: Credentials | undefined;
  readonly instruments: readonly InstrumentSpec[];
  readonly clock: Clock;
  readonly positionMode: PositionMode;
  readonly marginMode: MarginMode;
  /** The session's leverage (`--leverage`), for venues whose orders name it (MEXC isolated margin). */
  readonly leverage?: number;
  readonly onFailure?: (failure: VenueFailure) => void;
  /**
   * Binance USD-M's user data stream (order and fill events as they happen; polling stays the fallback), opened by
   * `connect()` and stopped by `close()`. Default true; ignored by the other venues.
   */
  readonly userStream?: boolean;
}

export function createLiveVenue(o: LiveVenueOptions): { readonly venue: CcxtVenue; readonly redact: (text: string) => string; readonly exchange: Exchange; readonly profile: VenueProfile } {
  const profile = venueProfile(o.venue);
  const exchange = createExchange(profile, o.credentials, o.baseUrl);
  // A mirror or fakex serves the futures API only: ccxt must not ask the spot API for currencies.
  if (o.baseUrl !== undefined) exchange.options['fetchCurrencies'] = false;
  const redact = redactorFor(o.credentials);
  const venue = new CcxtVenue({
    profile,
    exchange,
    instruments: o.instruments,
    clock: o.clock,
    redact,
    positionMode: o.positionMode,
    marginMode: o.marginMode,
    ...(o.leverage === undefined ? {} : { leverage: o.leverage }),
    userStream: o.userStream === false ? false : { wsBaseUrl: binanceWsBase(o.baseUrl) },
    ...(o.onFailure === undefined ? {} : { onFailure: o.onFailure }),
  });
  return { venue, redact, exchange, profile };
}
