// The port's opt-in `eventsMayBeReused`: a sink that declares it receives, event for event, the same values as one
// that does not (only the objects are reused), and a sink that does not declare it gets a fresh object every time.
// Real BTCUSDT 1m bars with brackets, a post-only limit that would take, an IOC that expires and a cancel, in
// one-way and hedge mode.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Lots, Ticks } from '../../core/grid.js';
import type { OrderSpec } from '../../domain/order.js';
import { sharedData } from '../../../test/support/shared-data.js';
import { testSpec } from '../../../test/support/contract-terms.js';
import type { PositionMode, VenueEvent, VenueEventSink } from '../venue.js';
import type { TickBarColumns } from './bar-fill-model.js';
import { SimulatedVenue } from './simulated-venue.js';

const BARS = 3000;

function realBars(): TickBarColumns {
  const text = gunzipSync(readFileSync(sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz'))).toString('utf8');
  const rows = text.trim().split('\n').slice(1, BARS + 1).map((l) => l.split(',').map(Number));
  const col = (k: number): Float64Array => Float64Array.from(rows, (r) => Math.round(r[k]! * 10));
  return { openTimeMs: Float64Array.from(rows, (r) => r[0]!), openTicks: col(1), highTicks: col(2), lowTicks: col(3), closeTicks: col(4) };
}

/** Runs the same orders against a venue with `sink`; every few bars a bracket, a post-only, an IOC and a cancel. */
function drive(bars: TickBarColumns, positionMode: PositionMode, sink: VenueEventSink): void {
  const venue = new SimulatedVenue({ instruments: [{ spec: testSpec() }], config: { positionMode, startingBalance: '1000000' } });
  venue.connect(sink);
  const base = (id: string, action: 'buy' | 'sell', effect: OrderSpec['effect'], side: 'long' | 'short') =>
    ({ clientId: id, instrument: 'BINANCE:TEST', action, qtyLots: 10 as Lots, effect, positionSide: positionMode === 'hedge' ? side : undefined }) as const;
  for (let i = 0; i < BARS; i++) {
    venue.onBar(0, bars, i);
    const c = bars.closeTicks[i]!;
    const at = bars.openTimeMs[i]! + 59_999;
    const long = i % 40 < 20;
    const [open, close, side] = long ? (['buy', 'sell', 'long'] as const) : (['sell', 'buy', 'short'] as const);
    const k = `${i}`;
    switch (i % 10) {
      case 0:
        venue.send({
          type: 'SubmitBracket',
          tsLocal: at,
          bracket: {
            entry: { ...base(`e${k}`, open, 'open-or-reduce', side), type: 'market' },
            takeProfit: { ...base(`t${k}`, close, 'reduce-only', side), type: 'limit', limitTicks: (long ? c + 40 : c - 40) as Ticks, timeInForce: 'GTC' },
            stopLoss: { ...base(`s${k}`, close, 'reduce-only', side), type: 'stop-market', triggerTicks: (long ? c - 30 : c + 30) as Ticks },
            // Every other bracket prices its exits from the fill: the venue reports them with OrderModified.
            ...(i % 20 === 0 ? { exitsFromFill: { takeProfitPct: 0.05, stopLossPct: 0.04 } } : {}),
          },
        });
        break;
      case 3:
        venue.send({ type: 'SubmitOrder', tsLocal: at, order: { ...base(`p${k}`, 'buy', 'open-or-reduce', 'long'), type: 'limit', limitTicks: (c + 500) as Ticks, timeInForce: 'GTX' } });
        venue.send({ type: 'SubmitOrder', tsLocal: at, order: { ...base(`i${k}`, 'buy', 'open-or-reduce', 'long'), type: 'limit', limitTicks: (c - 5000) as Ticks, timeInForce: 'IOC' } });
        venue.send({ type: 'SubmitOrder', tsLocal: at, order: { ...base(`r${k}`, 'buy', 'open-or-reduce', 'long'), type: 'limit', limitTicks: (c - 5000) as Ticks, timeInForce: 'GTC' } });
        break;
      case 5:
        venue.send({ type: 'CancelOrder', tsLocal: at, clientId: `r${i - 2}` });
        break;
    }
  }
}

describe('SimulatedVenue with a sink that allows reused events', () => {
  for (const mode of ['one-way', 'hedge'] as const) {
    it(`sends the same event values as to a sink that keeps them (${mode})`, () => {
      const bars = realBars();
      const kept: VenueEvent[] = [];
      drive(bars, mode, { onVenueEvent: (e) => kept.push(e) });
      const copied: VenueEvent[] = [];
      const objects = new Set<VenueEvent>();
      drive(bars, mode, {
        eventsMayBeReused: true,
        onVenueEvent: (e) => {
          objects.add(e);
          copied.push({ ...e });
        },
      });
      const types = new Set(kept.map((e) => e.type));
      for (const t of ['OrderAccepted', 'OrderFilled', 'OrderModified', 'OrderCancelled', 'OrderExpired', 'OrderRejected'] as const) {
        expect(types.has(t), `the tape exercises ${t}`).toBe(true);
      }
      expect(copied, 'event for event, the same values').toEqual(kept);
      expect(new Set(kept).size, 'a sink without the opt-in gets a fresh object per event').toBe(kept.length);
      expect(objects.size < copied.length / 10, `objects are reused (${objects.size} objects for ${copied.length} events)`).toBe(true);
    });
  }
});
