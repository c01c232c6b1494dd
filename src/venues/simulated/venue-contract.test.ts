// The simulated venue runs the shared venue contract (src/venues/venue-contract.ts): each check gets a fresh venue
// on a BTCUSDT-like instrument, and "advance" feeds one quiet 1m bar around 70,000.
import { describe, it } from 'vitest';
import type { Lots, Ticks } from '../../core/grid.js';
import { testSpec } from '../../../test/support/contract-terms.js';
import { venueContractChecks, type VenueContractSubject } from '../venue-contract.js';
import { SimulatedVenue } from './simulated-venue.js';

const T0 = Date.UTC(2025, 4, 4, 0);
const MINUTE_MS = 60_000;

function subject(): VenueContractSubject {
  const venue = new SimulatedVenue({ instruments: [{ spec: testSpec() }] });
  let index = 0;
  return {
    venue,
    instrument: testSpec().id,
    lots: 10 as Lots,
    restingBuyTicks: 600000 as Ticks,
    marketableBuyTicks: 800000 as Ticks,
    nowMs: () => T0 + index * MINUTE_MS - 1,
    advance: async () => {
      const at = T0 + index * MINUTE_MS;
      venue.onBar(0, { openTimeMs: Float64Array.of(at), openTicks: Float64Array.of(700000), highTicks: Float64Array.of(700500), lowTicks: Float64Array.of(699500), closeTicks: Float64Array.of(700100) }, 0);
      index += 1;
    },
  };
}

describe('simulated venue: the venue contract', () => {
  for (const c of venueContractChecks) it(c.title, () => c.run(subject));
});
