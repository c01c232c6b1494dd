// Venue and network failures: one error class with a small code set, and the classification of a ccxt error into
// a venue refusal (our RejectCode) or a failure (network code), first by the venue's own code table, then by ccxt's
// error class. Must never put a secret into a message: every message passes the caller's redactor.
import * as ccxt from 'ccxt';
import type { RejectCode } from '../venue.js';

/**
 * Failures that are not a refusal of the command itself. Certain non-executions: RATE_LIMITED (429/418), AUTH,
 * CLOCK_SKEW (the venue refused the timestamp before looking at the order). Unknown outcomes, where the order may
 * exist: TIMEOUT, UNAVAILABLE (5xx: "the execution status is UNKNOWN and could have been a success", Binance
 * general info https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info) and
 * UNKNOWN_STATE (a reset connection, an unreadable response).
 */
export type VenueFailureCode = 'TIMEOUT' | 'RATE_LIMITED' | 'UNAVAILABLE' | 'AUTH' | 'CLOCK_SKEW' | 'UNKNOWN_STATE';

/** What one venue error means to us. */
export type VenueErrorMeaning =
  | { readonly kind: 'refusal'; readonly code: RejectCode }
  | { readonly kind: 'failure'; readonly code: VenueFailureCode };

/** A venue's error-code table: its code (as the venue prints it, e.g. "-2019", "110007") to our meaning. */
export type VenueErrorTable = Readonly<Record<string, VenueErrorMeaning>>;

export const refusal = (code: RejectCode): VenueErrorMeaning => ({ kind: 'refusal', code });
export const failure = (code: VenueFailureCode): VenueErrorMeaning => ({ kind: 'failure', code });

/** A classified venue error: its meaning, the venue's own code when it gave one, and a redacted message. */
export interface ClassifiedError {
  readonly meaning: VenueErrorMeaning;
  readonly venueCode: string | undefined;
  readonly message: string;
}

/** A venue or network failure surfaced to the caller (snapshot, pre-flight). The message is already redacted. */
export class VenueFailure extends Error {
  readonly code: VenueFailureCode | RejectCode;
  readonly venue: string;
  readonly venueCode: string | undefined;

  constructor(venue: string, classified: ClassifiedError) {
    super(`${venue}: ${classified.meaning.code}${classified.venueCode === undefined ? '' : ` (venue code ${classified.venueCode})`}: ${classified.message}`);
    this.name = 'VenueFailure';
    this.code = classified.meaning.code;
    this.venue = venue;
    this.venueCode = classified.venueCode;
  }
}

/** Whether an order command that failed this way may nonetheless have reached the book (ask by client id). */
export function outcomeUnknown(meaning: VenueErrorMeaning): boolean {
  if (meaning.kind === 'refusal') return false;
  switch (meaning.code) {
    case 'TIMEOUT':
    case 'UNAVAILABLE':
    case 'UNKNOWN_STATE':
      return true;
    case 'RATE_LIMITED':
    case 'AUTH':
    case 'CLOCK_SKEW':
      return false;
  }
}

// ccxt prints the venue's JSON body after its id: `binanceusdm {"code":-2019,"msg":"Margin is insufficient."}`,
// `bybit {"retCode":110007,...}`, `mexc {"success":false,"code":2005,...}`. A zero code means success, never an error.
const CODE_PATTERN = /"(?:code|retCode|ret_code|errorCode)"\s*:\s*"?(-?[A-Za-z0-9_]+)"?/g;

/** The venue's own error code inside a ccxt error message, or undefined when it printed none (or only zeros). */
export function venueCodeOf(message: string): string | undefined {
  for (const m of message.matchAll(CODE_PATTERN)) {
    const code = m[1];
    if (code !== undefined && code !== '0' && code !== '200') return code;
  }
  return undefined;
}

/** ccxt's class hierarchy to our meaning, most specific first (ccxt errors: https://docs.ccxt.com/#/README?id=error-hierarchy). */
function meaningOfClass(e: unknown): VenueErrorMeaning {
  if (e instanceof ccxt.RequestTimeout) return failure('TIMEOUT');
  if (e instanceof ccxt.DDoSProtection) return failure('RATE_LIMITED');
  if (e instanceof ccxt.ExchangeNotAvailable) return failure('UNAVAILABLE');
  if (e instanceof ccxt.InvalidNonce) return failure('CLOCK_SKEW');
  if (e instanceof ccxt.NetworkError) return failure('UNKNOWN_STATE');
  if (e instanceof ccxt.OperationFailed) return failure('UNAVAILABLE');
  if (e instanceof ccxt.AuthenticationError || e instanceof ccxt.AccountSuspended) return failure('AUTH');
  if (e instanceof ccxt.OrderNotFound) return refusal('UNKNOWN_ORDER');
  if (e instanceof ccxt.DuplicateOrderId) return refusal('DUPLICATE_CLIENT_ID');
  if (e instanceof ccxt.OrderImmediatelyFillable) return refusal('POST_ONLY_WOULD_TAKE');
  if (e instanceof ccxt.InsufficientFunds) return refusal('INSUFFICIENT_MARGIN');
  if (e instanceof ccxt.BadSymbol || e instanceof ccxt.NotSupported) return refusal('UNSUPPORTED');
  if (e instanceof ccxt.BadResponse || e instanceof ccxt.NullResponse) return failure('UNKNOWN_STATE');
  if (e instanceof ccxt.ExchangeError) return refusal('VENUE_ERROR');
  // Not a ccxt error: something broke between sending and reading the answer, so the outcome is unknown.
  return failure('UNKNOWN_STATE');
}

/** Classifies any error thrown by a ccxt call: the venue's table wins over ccxt's class. */
export function classifyError(e: unknown, table: VenueErrorTable, redact: (text: string) => string): ClassifiedError {
  const raw = e instanceof Error ? e.message : String(e);
  const venueCode = venueCodeOf(raw);
  const fromTable = venueCode === undefined ? undefined : table[venueCode];
  return { meaning: fromTable ?? meaningOfClass(e), venueCode, message: redact(raw) };
}
