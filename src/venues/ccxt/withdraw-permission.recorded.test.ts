// The key's withdrawal permission from recorded Bybit payloads (GET /v5/user/query-api, shaped as the v5 docs'
// "Get API Key Information", https://bybit-exchange.github.io/docs/v5/user/apikey-info) through ccxt's real bybit
// client and an offline transport, and 'unknown' with the reason for venues that cannot tell.
import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { venueFixture } from './testing/fixtures.js';
import { installTransport } from './testing/recorded-transport.js';
import { withdrawPermission } from './withdraw-permission.js';

function bybitAnswering(fixture: string): { exchange: InstanceType<typeof ccxt.bybit>; calls: ReturnType<typeof installTransport> } {
  const exchange = new ccxt.bybit({ apiKey: 'canary-key-bybit', secret: 'canary-secret-bybit', enableRateLimit: false });
  const calls = installTransport(exchange, () => ({ status: 200, body: venueFixture('bybit', fixture) }));
  return { exchange, calls };
}

describe('withdrawPermission', () => {
  it('reads a Bybit key whose Wallet permissions list "Withdraw" as able to withdraw', async () => {
    const { exchange, calls } = bybitAnswering('query-api-withdraw');
    const p = await withdrawPermission('bybit', exchange);
    expect(p.canWithdraw, 'Wallet: AccountTransfer, SubMemberTransfer, Withdraw').toBe(true);
    expect(calls.map((c) => `${c.method} ${c.path}`), 'one signed GET to the documented endpoint').toEqual(['GET /v5/user/query-api']);
  });

  it('reads a Bybit trading key without "Withdraw" as unable to withdraw', async () => {
    const p = await withdrawPermission('bybit', bybitAnswering('query-api-trade-only').exchange);
    expect(p).toMatchObject({ canWithdraw: false, source: expect.stringContaining('/v5/user/query-api') as string });
  });

  it('answers unknown, with the reason, for BingX, MEXC and WEEX, without asking them', async () => {
    for (const id of ['bingx', 'mexc', 'weex'] as const) {
      const exchange = new ccxt[id]({ enableRateLimit: false });
      const calls = installTransport(exchange, () => ({ status: 500, body: {} }));
      const p = await withdrawPermission(id, exchange);
      expect(p.canWithdraw, id).toBe('unknown');
      expect(p.source, `${id}: the reason names the venue and the advice`).toContain('without withdrawal rights');
      expect(calls, `${id}: nothing sent`).toHaveLength(0);
    }
  });
});
