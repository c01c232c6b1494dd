// The account reads live trading needs, against fakex on loopback: the snapshot's margin mode and leverage are the
// venue's (read back after setting them), fillsSince returns exactly fakex's fills after a time, and the key's
// withdrawal permission is read from GET /sapi/v1/account/apiRestrictions.
import { afterEach, describe, expect, test } from 'vitest';
import type { Lots } from '../../core/grid.js';
import type { InstrumentId } from '../../domain/instrument.js';
import { ccxtForFakex, fakexTruth, untilReplayDone } from '../../apps/fakex/ccxt-fakex.js';
import { startFakex } from '../../apps/fakex/fakex-server.js';
import { parseFaultSpec } from '../../apps/fakex/fault-plan.js';
import { setLeverage, setMarginMode } from './account-setup.js';
import { binanceUsdmProfile } from './binanceusdm.js';
import { fakexRig, FAKEX_KEYS, type FakexRig } from './testing/fakex-rig.js';

const BTC = 'BINANCE:BTCUSDT' as InstrumentId;
const FAKEX_API = { startFakex, ccxtForFakex, untilReplayDone, parseFaultSpec };
let rig: FakexRig | undefined;
afterEach(async () => rig?.close());
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function market(r: FakexRig, clientId: string, action: 'buy' | 'sell', lots: number): Promise<void> {
  r.venue.send({ type: 'SubmitOrder', order: { clientId, instrument: BTC, action, qtyLots: lots as Lots, effect: 'open-or-reduce', type: 'market' }, tsLocal: Date.now() });
  await r.venue.idle();
}

describe('account reads on fakex', () => {
  test('the snapshot reports the margin mode and leverage set on the venue, not the configured ones', async () => {
    const r = (rig = await fakexRig(FAKEX_API));
    const before = await r.venue.snapshot();
    expect([before.marginMode, before.settings], 'fakex starts cross, 10x').toEqual(['cross', [{ instrument: BTC, marginMode: 'cross', leverage: 10 }]]);
    const exchange = ccxtForFakex(r.server.url, FAKEX_KEYS.apiKey, FAKEX_KEYS.secret);
    await exchange.loadMarkets();
    await setMarginMode({ profile: binanceUsdmProfile, exchange }, r.spec, 'isolated');
    await setLeverage({ profile: binanceUsdmProfile, exchange }, r.spec, 7);
    const after = await r.venue.snapshot();
    expect(after.marginMode, "the venue's isolated, although the venue object was configured 'cross'").toBe('isolated');
    expect(after.settings).toEqual([{ instrument: BTC, marginMode: 'isolated', leverage: 7 }]);
  });

  test('fillsSince returns exactly the fills fakex holds from that time on, with their trade ids and client ids', async () => {
    const r = (rig = await fakexRig(FAKEX_API));
    await market(r, 'f-1', 'buy', 5);
    await sleep(20);
    await market(r, 'f-2', 'buy', 4);
    await sleep(20);
    await market(r, 'f-3', 'sell', 9);
    const truth = await fakexTruth(r.server.url);
    expect(truth.fills, 'three market orders, each one trade on fakex').toHaveLength(3);
    const sinceMs = Number(truth.fills[1]!['time']);
    const expected = truth.fills.filter((f) => Number(f['time']) >= sinceMs);
    const clientOf = new Map(truth.orders.map((o) => [o['orderId'], o['clientOrderId']]));
    const got = await r.venue.fillsSince(BTC, sinceMs);
    expect(got.complete).toBe(true);
    expect(got.fills.map((f) => [f.tradeId, f.event.clientId, f.event.action, f.event.lots]), 'the trades at or after sinceMs, oldest first').toEqual(
      expected.map((f) => [String(f['id']), clientOf.get(f['orderId']), String(f['side']).toLowerCase(), Math.round(Number(f['qty']) * 1000) /* lot 0.001 */]),
    );
    expect((await r.venue.fillsSince(BTC, Number(truth.fills[2]!['time']) + 1)).fills, 'nothing after the last fill').toEqual([]);
  });

  test('fillsSince names orders this process never placed by the client id the venue reports', async () => {
    const r = (rig = await fakexRig(FAKEX_API));
    const other = ccxtForFakex(r.server.url, FAKEX_KEYS.apiKey, FAKEX_KEYS.secret);
    await other.loadMarkets();
    await other.createOrder('BTC/USDT:USDT', 'market', 'buy', 0.005, undefined, { newClientOrderId: 'placed-elsewhere' });
    const got = await r.venue.fillsSince(BTC, Date.now() - 60_000);
    expect(got.fills.map((f) => f.event.clientId), 'read from GET /fapi/v1/order by the venue order id').toEqual(['placed-elsewhere']);
  });

  test('withdrawPermission reports what fakex says of the key', async () => {
    const off = (rig = await fakexRig(FAKEX_API));
    expect(await off.venue.withdrawPermission(), 'enableWithdrawals false').toMatchObject({ canWithdraw: false, source: expect.stringContaining('/sapi/v1/account/apiRestrictions') as string });
    await off.close();
    const on = (rig = await fakexRig(FAKEX_API, { withdrawalsEnabled: true }));
    expect((await on.venue.withdrawPermission()).canWithdraw, 'enableWithdrawals true: the live command must refuse this key').toBe(true);
  });
});
