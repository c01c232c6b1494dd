// A fake HTTP transport for a ccxt exchange: ccxt builds and signs each request as it would for the real venue,
// then this records it (method, host, path, params without the volatile signature fields) and answers from a
// handler, with the venue's recorded payloads. For offline tests only; must never open a socket.
import type { Exchange } from 'ccxt';

/** One HTTP request as the venue would receive it, minus signature, timestamp and receive window. */
export interface HttpCall {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
}

/** The handler's answer: an HTTP status and a JSON body (a string is sent verbatim), or a transport fault. */
export type HttpReply = { readonly status: number; readonly body: unknown } | { readonly fault: 'timeout' | 'reset' };

const VOLATILE = new Set(['signature', 'sign', 'timestamp', 'recvWindow', 'recv_window', 'req_time']);

function parseParams(url: URL, body: unknown): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!VOLATILE.has(k)) params[k] = v;
  if (typeof body === 'string' && body !== '') {
    const json = body.trimStart();
    if (json.startsWith('[')) {
      params['body'] = json;
    } else if (json.startsWith('{')) {
      for (const [k, v] of Object.entries(JSON.parse(json) as Record<string, unknown>)) if (!VOLATILE.has(k)) params[k] = String(v);
    } else {
      for (const [k, v] of new URLSearchParams(body)) if (!VOLATILE.has(k)) params[k] = v;
    }
  }
  return params;
}

/**
 * Replaces the exchange's transport (ccxt's documented `fetchImplementation` hook, so ccxt's own signing, error
 * mapping and parsing all run). Returns the list the calls are recorded into, in order.
 */
export function installTransport(exchange: Exchange, handler: (call: HttpCall) => HttpReply): HttpCall[] {
  const calls: HttpCall[] = [];
  exchange.fetchImplementation = async (url: string, init: { method?: string; body?: unknown }) => {
    const u = new URL(url);
    const call: HttpCall = { method: init.method ?? 'GET', host: u.host, path: u.pathname, params: parseParams(u, init.body) };
    calls.push(call);
    const reply = handler(call);
    if ('fault' in reply) {
      // ccxt turns an AbortError into RequestTimeout and a TypeError into NetworkError, as for a real socket.
      if (reply.fault === 'timeout') throw new DOMException('The operation was aborted', 'AbortError');
      throw new TypeError('fetch failed: ECONNRESET');
    }
    return new Response(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body), { status: reply.status, headers: { 'content-type': 'application/json' } });
  };
  return calls;
}

/** The calls that reached the venue's trading API (not market or currency metadata). */
export const tradingCalls = (calls: readonly HttpCall[], exclude: RegExp): HttpCall[] => calls.filter((c) => !exclude.test(c.path));
