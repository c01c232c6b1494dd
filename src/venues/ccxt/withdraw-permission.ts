// Whether the API key in use can withdraw funds, asked of the venue where it tells (Binance, Bybit), so the live
// command can refuse such a key. Read-only; must never include the key, the secret or the raw answer in what it returns.
import type { Exchange } from 'ccxt';
import type { CcxtExchangeId } from './venue-profile.js';

/** `canWithdraw` is 'unknown' where the venue has no endpoint for it or its answer does not say; `source` says which. */
export interface WithdrawPermission {
  readonly canWithdraw: boolean | 'unknown';
  /** The endpoint asked, or why nothing was asked. */
  readonly source: string;
}

interface BinanceRestrictionsApi {
  sapiGetAccountApiRestrictions(params?: object): Promise<{ enableWithdrawals?: unknown }>;
}

interface BybitQueryApi {
  privateGetV5UserQueryApi(params?: object): Promise<{ result?: { readOnly?: unknown; permissions?: { Wallet?: unknown } } }>;
}

const BINANCE_SOURCE = 'GET /sapi/v1/account/apiRestrictions enableWithdrawals (https://developers.binance.com/docs/wallet/account/api-key-permission)';
const BYBIT_SOURCE = 'GET /v5/user/query-api permissions.Wallet (https://bybit-exchange.github.io/docs/v5/user/apikey-info)';

/**
 * Asks the venue through ccxt's implicit API. Binance: `enableWithdrawals`. Bybit: a key whose `permissions.Wallet`
 * lists "Withdraw" can withdraw (a read-only key, `readOnly: 1`, cannot). BingX, MEXC and WEEX: 'unknown' (no
 * endpoint in ccxt that reports a key's permissions). Throws what ccxt throws when the venue cannot be asked.
 */
export async function withdrawPermission(ccxtId: CcxtExchangeId, exchange: Exchange): Promise<WithdrawPermission> {
  switch (ccxtId) {
    case 'binanceusdm': {
      const r = await (exchange as unknown as BinanceRestrictionsApi).sapiGetAccountApiRestrictions();
      const v = r.enableWithdrawals;
      return { canWithdraw: typeof v === 'boolean' ? v : 'unknown', source: BINANCE_SOURCE };
    }
    case 'bybit': {
      const r = (await (exchange as unknown as BybitQueryApi).privateGetV5UserQueryApi()).result;
      const wallet = r?.permissions?.Wallet;
      if (!Array.isArray(wallet)) return { canWithdraw: 'unknown', source: `${BYBIT_SOURCE}: the answer lists no Wallet permissions` };
      const readOnly = r?.readOnly === 1 || r?.readOnly === '1';
      return { canWithdraw: !readOnly && wallet.includes('Withdraw'), source: BYBIT_SOURCE };
    }
    case 'bingx':
    case 'mexc':
    case 'weex':
      return { canWithdraw: 'unknown', source: `${ccxtId}: ccxt has no endpoint that reports an API key's permissions; create the key without withdrawal rights` };
  }
}
