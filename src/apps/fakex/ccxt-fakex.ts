// How to point ccxt's binanceusdm at a running fakex: every `fapi*` REST URL and `sapi` v1 (for the key's
// permissions) to the server, and no `sapi` currency call (fakex serves only the USD-M API and apiRestrictions). For tests and rehearsals; must never be used with real keys.
import ccxt from 'ccxt';

/** A ccxt binanceusdm client for fakex at `baseUrl` (e.g. http://127.0.0.1:43210); `timeoutMs` is ccxt's timeout. */
export function ccxtForFakex(baseUrl: string, apiKey: string, secret: string, timeoutMs = 5000): InstanceType<typeof ccxt.binanceusdm> {
  const exchange = new ccxt.binanceusdm({ apiKey, secret, timeout: timeoutMs, options: { fetchCurrencies: false } });
  const api = exchange.urls['api'] as Record<string, string>;
  for (const key of Object.keys(api)) if (key.startsWith('fapi')) api[key] = api[key]!.replace('https://fapi.binance.com', baseUrl);
  // Only for GET /sapi/v1/account/apiRestrictions (the key's withdrawal permission).
  api['sapi'] = api['sapi']!.replace('https://api.binance.com', baseUrl);
  return exchange;
}

/** The parts of GET /__truth that callers assert on (the payload has more: account, positions, rejections). */
export interface FakexTruth {
  readonly replay: { readonly done: boolean; readonly position: number };
  readonly fills: readonly Record<string, unknown>[];
  readonly orders: readonly Record<string, unknown>[];
  readonly faults: { readonly wsDrops: number; readonly depthGaps: readonly { readonly U: number; readonly u: number }[]; readonly injected: Readonly<Record<string, number>> };
}

/** GET /__truth: the server's orders, fills, positions, balances and injected faults. */
export async function fakexTruth(baseUrl: string): Promise<FakexTruth> {
  return (await (await fetch(`${baseUrl}/__truth`)).json()) as never;
}

/** Waits (at most `limitMs`) until the replay has delivered the whole capture. */
export async function untilReplayDone(baseUrl: string, limitMs = 5000): Promise<void> {
  const stepMs = 25;
  for (let waited = 0; waited < limitMs; waited += stepMs) {
    if ((await fakexTruth(baseUrl)).replay.done) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`the fakex replay did not finish within ${limitMs} ms`);
}
