// Binance's SIGNED endpoint security for fakex: the X-MBX-APIKEY header, an HMAC-SHA256 signature of the query
// string and body, and the timestamp/recvWindow rule against the (possibly skewed) server clock
// (https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info#signed-trade-and-user_data-endpoint-security).
// Must never log, echo or return the secret or a signature computed with it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { BINANCE_ERRORS, type BinanceError } from './binance-errors.js';

export interface ApiCredentials {
  readonly apiKey: string;
  readonly secret: string;
}

/** HMAC-SHA256 of `payload` with `secret`, lower-case hex, as Binance computes `signature`. */
export function binanceSignature(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/**
 * The signed payload: Binance signs "totalParams", the query string concatenated with the request body, with
 * the `signature` parameter itself removed. Both parts are taken exactly as sent (no re-encoding).
 */
export function signedPayload(rawQuery: string, rawBody: string): { readonly payload: string; readonly signature: string | undefined } {
  let signature: string | undefined;
  const strip = (text: string): string =>
    text
      .split('&')
      .filter((pair) => {
        if (pair.startsWith('signature=')) {
          signature = pair.slice('signature='.length);
          return false;
        }
        return pair !== '';
      })
      .join('&');
  const query = strip(rawQuery);
  const body = strip(rawBody);
  return { payload: query + body, signature };
}

/**
 * Checks a SIGNED request. `serverNowMs` is the server clock including any injected skew. Binance refuses a
 * timestamp more than 1000 ms ahead of the server or older than recvWindow (default 5000 ms, at most 60000).
 * Undefined means the request is authentic and fresh.
 */
export function verifySignedRequest(
  credentials: ApiCredentials,
  apiKeyHeader: string | undefined,
  rawQuery: string,
  rawBody: string,
  params: URLSearchParams,
  serverNowMs: number,
): BinanceError | undefined {
  if (apiKeyHeader !== credentials.apiKey) return apiKeyHeader === undefined || apiKeyHeader === '' ? { ...BINANCE_ERRORS.apiKey, code: -2014, msg: 'API-key format invalid.' } : BINANCE_ERRORS.apiKey;
  const { payload, signature } = signedPayload(rawQuery, rawBody);
  if (signature === undefined) return { ...BINANCE_ERRORS.signature, code: -1102, msg: "Mandatory parameter 'signature' was not sent, was empty/null, or malformed." };
  const expected = Buffer.from(binanceSignature(credentials.secret, payload), 'utf8');
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return BINANCE_ERRORS.signature;
  const timestamp = Number(params.get('timestamp'));
  const recvWindow = params.has('recvWindow') ? Number(params.get('recvWindow')) : 5000;
  if (!Number.isFinite(timestamp) || !Number.isFinite(recvWindow) || recvWindow > 60_000) return BINANCE_ERRORS.timestamp;
  if (timestamp > serverNowMs + 1000 || serverNowMs - timestamp > recvWindow) return BINANCE_ERRORS.timestamp;
  return undefined;
}
