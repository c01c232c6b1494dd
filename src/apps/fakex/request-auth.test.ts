import { describe, expect, test } from 'vitest';
import { binanceSignature, signedPayload, verifySignedRequest } from './request-auth.js';

// Binance's worked example (https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info,
// "SIGNED Endpoint Examples for POST /fapi/v1/order - HMAC Keys").
const KEY = 'dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83';
const SECRET = '2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9';
const QUERY = 'symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943';
const DOC_SIGNATURE = '3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9';

describe('request auth', () => {
  test('computes the signature of Binance documented example', () => {
    expect(binanceSignature(SECRET, QUERY), 'HMAC-SHA256 hex of the query string').toBe(DOC_SIGNATURE);
  });

  test('signs the query string followed by the body, without the signature itself', () => {
    expect(signedPayload('symbol=BTCUSDT&signature=ab', 'side=BUY')).toEqual({ payload: 'symbol=BTCUSDTside=BUY', signature: 'ab' });
  });

  test('accepts the documented request at its own time and refuses a bad signature, key or stale timestamp', () => {
    const params = new URLSearchParams(QUERY);
    const query = `${QUERY}&signature=${DOC_SIGNATURE}`;
    const t = 1591702613943;
    expect(verifySignedRequest({ apiKey: KEY, secret: SECRET }, KEY, query, '', params, t)).toBeUndefined();
    expect(verifySignedRequest({ apiKey: KEY, secret: SECRET }, KEY, query.replace(/.$/, '0'), '', params, t)?.code, 'one changed hex digit').toBe(-1022);
    expect(verifySignedRequest({ apiKey: KEY, secret: SECRET }, 'other', query, '', params, t)?.code).toBe(-2015);
    expect(verifySignedRequest({ apiKey: KEY, secret: SECRET }, KEY, query, '', params, t + 5001)?.code, 'older than recvWindow 5000').toBe(-1021);
    expect(verifySignedRequest({ apiKey: KEY, secret: SECRET }, KEY, query, '', params, t - 1001)?.code, 'more than 1 s ahead of the server').toBe(-1021);
  });
});
