// The options of a CcxtVenue: the ccxt client, the instruments, the expected account modes, unknown-outcome
// queries, the user data stream and the callbacks. Types only; must never hold a key or a secret itself.
import type { Exchange } from 'ccxt';
import type { Clock } from '../../core/time.js';
import type { InstrumentSpec } from '../../domain/instrument.js';
import type { MarginMode, PositionMode } from '../venue.js';
import type { ResyncReason, StreamAccountUpdate } from './binance-user-stream.js';
import type { VenueFailure } from './venue-failure.js';
import type { VenueProfile } from './venue-profile.js';
import type { CcxtVenueSnapshot } from './venue-snapshot.js';

export interface UserStreamSettings {
  /** Default wss://fstream.binance.com. */
  readonly wsBaseUrl?: string;
  /** Listen-key keepalive period (ms); default 30 min. */
  readonly keepAliveMs?: number;
  /** Reconnect backoff (ms); default 250 doubling to 10000. */
  readonly backoffMs?: { readonly initial: number; readonly max: number };
}

/** A balance/position change pushed by the stream, or the REST snapshot read after a stream gap. */
export type AccountNotice =
  | { readonly kind: 'stream'; readonly update: StreamAccountUpdate }
  | { readonly kind: 'resync'; readonly reason: ResyncReason; readonly snapshot: CcxtVenueSnapshot };

export interface CcxtVenueOptions {
  readonly profile: VenueProfile;
  /** A ccxt exchange instance (keys already set, or none for public data); its transport may be replaced in tests. */
  readonly exchange: Exchange;
  /** The instruments this venue may trade (specs from the registry, on this profile's venue). */
  readonly instruments: readonly InstrumentSpec[];
  readonly clock: Clock;
  /** Blanks secrets out of every message (see credentials.ts); identity when there are no keys. */
  readonly redact?: (text: string) => string;
  /** The modes the session expects; reported by snapshot() where the venue cannot be asked. */
  readonly positionMode: PositionMode;
  readonly marginMode: MarginMode;
  /** The leverage multiplier the session set (e.g. 10 = 10x), for venues whose orders name it (MEXC isolated margin). */
  readonly leverage?: number;
  /** After a timeout or unknown outcome: how often, and how long apart (ms), to ask for the order by client id. */
  readonly unknownOutcome?: { readonly queries: number; readonly delayMs: number };
  /** Waits (injected so tests do not sleep). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Told of every failure (rate limit, auth, clock skew, unknown outcome), for back-off and alerts. */
  readonly onFailure?: (failure: VenueFailure) => void;
  /**
   * Binance USD-M only: order and fill events from the user data stream as they happen (polling stays the fallback).
   * `true` uses wss://fstream.binance.com; tests pass fakex's ws URL and short timers.
   */
  readonly userStream?: boolean | UserStreamSettings;
  /** Told of each ACCOUNT_UPDATE (balance and position change) and of the REST snapshot read after a stream gap. */
  readonly onAccount?: (notice: AccountNotice) => void;
}

