import { test } from 'vitest';
import { ccxtForFakex, fakexTruth, untilReplayDone } from '../../apps/fakex/ccxt-fakex.js';
import { startFakex } from '../../apps/fakex/fakex-server.js';
import { parseFaultSpec } from '../../apps/fakex/fault-plan.js';
import { fakexRig } from './testing/fakex-rig.js';
test('debug', async () => {
  const r = await fakexRig({ startFakex, ccxtForFakex, untilReplayDone, parseFaultSpec }, { paused: true, faults: 'ws-drop:0.5,seed:11', userStream: { backoffMs: { initial: 20, max: 100 } } });
  await r.venue.userStream!.opened();
  for (let i = 0; i < 4; i++) r.venue.send({ type: 'SubmitOrder', order: { clientId: `s${i}`, instrument: 'BINANCE:BTCUSDT' as never, action: 'sell', qtyLots: 5 as never, effect: 'open-or-reduce', type: 'limit', timeInForce: 'GTC', limitTicks: (r.askTicks + 20 * i) as never }, tsLocal: 0 });
  await r.venue.idle();
  await fetch(`${r.server.url}/__control`, { method: 'POST', body: JSON.stringify({ replay: 'resume' }) });
  await untilReplayDone(r.server.url, 20000);
  await new Promise((res) => setTimeout(res, 3000));
  await r.venue.idle();
  const t = await fakexTruth(r.server.url);
  console.log(JSON.stringify(r.venue.userStream!.stats), t.faults.wsDrops, JSON.stringify(t.fills.map((f) => [f['orderId'], f['qty'], f['id']])));
  console.log(JSON.stringify(r.events.map((e) => [e.type, 'clientId' in e ? e.clientId : '', 'lots' in e ? e.lots : ''])));
  await r.close();
}, 30000);
