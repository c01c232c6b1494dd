// The shared venue contract (src/venues/venue-contract.ts) run against CcxtVenue on ccxt's binanceusdm client,
// whose HTTP transport is a stateful Binance USD-M fake; "advance" waits for queued commands and polls the venue.
import { describe, it } from 'vitest';
import type { Lots, Ticks } from '../../core/grid.js';
import { venueContractChecks, type VenueContractSubject } from '../venue-contract.js';
import type { BinanceRig } from './testing/binance-subject.js';
import { binanceRig } from './testing/binance-subject.js';

describe('ccxt binanceusdm venue: the venue contract', () => {
  for (const c of venueContractChecks) {
    it(c.title, async () => {
      const rig: BinanceRig = await binanceRig();
      const subject: VenueContractSubject = {
        venue: rig.venue,
        instrument: 'BINANCE:BTCUSDT',
        // 0.002 BTC at 70,000 = 140 USDT, above the 100 USDT minimum notional; tick 0.1.
        lots: 2 as Lots,
        restingBuyTicks: 600000 as Ticks,
        marketableBuyTicks: 800000 as Ticks,
        nowMs: () => rig.clock.nowMs(),
        advance: async () => {
          await rig.venue.idle();
          await rig.venue.poll();
          rig.clock.advance(1000);
        },
      };
      await c.run(() => subject);
    });
  }
});
