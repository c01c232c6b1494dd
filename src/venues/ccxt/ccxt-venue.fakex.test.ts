// The shared venue contract (src/venues/venue-contract.ts) on CcxtVenue against fakex on loopback: real HTTP, ccxt's
// signing and parsing, Binance's algo and order endpoints served by our simulated venue. "advance" waits for the
// queued commands and polls the venue.
import { afterEach, describe, it } from 'vitest';
import type { Lots, Ticks } from '../../core/grid.js';
import { venueContractChecks, type VenueContractSubject } from '../venue-contract.js';
import { ccxtForFakex, untilReplayDone } from '../../apps/fakex/ccxt-fakex.js';
import { startFakex } from '../../apps/fakex/fakex-server.js';
import { parseFaultSpec } from '../../apps/fakex/fault-plan.js';
import { fakexRig, type FakexRig } from './testing/fakex-rig.js';

const FAKEX_API = { startFakex, ccxtForFakex, untilReplayDone, parseFaultSpec };
let rig: FakexRig | undefined;
afterEach(async () => rig?.close());

describe('ccxt binanceusdm venue on fakex: the venue contract', () => {
  for (const c of venueContractChecks) {
    it(c.title, async () => {
      const r = (rig = await fakexRig(FAKEX_API));
      const subject: VenueContractSubject = {
        venue: r.venue,
        instrument: r.spec.id,
        // 0.005 BTC at the capture's ~28,000 USDT = 140 USDT, above the 100 USDT minimum notional.
        lots: 5 as Lots,
        restingBuyTicks: (r.bidTicks - 10_000) as Ticks,
        marketableBuyTicks: (r.askTicks + 10) as Ticks,
        nowMs: () => Date.now(),
        advance: async () => {
          await r.venue.idle();
          await r.venue.poll();
          await r.venue.idle();
        },
      };
      await c.run(() => subject);
    });
  }
});
