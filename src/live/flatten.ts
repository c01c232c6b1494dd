// The kill switch: cancel every working order (plain and conditional) and close every position with reduce-only
// market orders, then read the venue back to prove nothing is left. Must never open or increase a position.
import { asLots } from '../core/grid.js';
import type { Clock } from '../core/time.js';
import type { InstrumentId } from '../domain/instrument.js';
import type { VenueEvent, VenuePort, VenueSnapshot } from '../venues/venue.js';

/** A venue port that can say when every command sent so far is done (CcxtVenue.idle). */
export interface FlattenPort extends VenuePort {
  idle(): Promise<void>;
  /** Releases what `connect` opened (CcxtVenue: the user data stream), so the command can exit. */
  close?(): Promise<void>;
}

export interface FlattenReport {
  /** Working orders the venue listed before (cancelled unless they filled first). */
  readonly ordersBefore: number;
  readonly closes: readonly { readonly instrument: InstrumentId; readonly clientId: string; readonly action: 'buy' | 'sell'; readonly lots: number; readonly outcome: string }[];
  /** What the venue reports afterwards: both empty when the kill switch worked. */
  readonly openOrdersAfter: number;
  readonly positionsAfter: readonly { readonly instrument: InstrumentId; readonly signedLots: number }[];
}

/**
 * Flattens `instruments` (all the venue reports when undefined). Cancel first, so no resting order can fill into
 * the closing orders; closes are reduce-only, so a position that changed meanwhile can only shrink.
 */
export async function flatten(venue: FlattenPort, options: { readonly instruments?: readonly InstrumentId[]; readonly clientId: (n: number) => string; readonly clock: Clock }): Promise<FlattenReport> {
  const events: VenueEvent[] = [];
  venue.connect({ onVenueEvent: (e) => events.push(e) });
  try {
    return await flattenConnected(venue, options, events);
  } finally {
    await venue.close?.();
  }
}

async function flattenConnected(venue: FlattenPort, options: { readonly instruments?: readonly InstrumentId[]; readonly clientId: (n: number) => string; readonly clock: Clock }, events: VenueEvent[]): Promise<FlattenReport> {
  const inScope = (id: InstrumentId): boolean => options.instruments === undefined || options.instruments.includes(id);
  const before = await venue.snapshot();
  const targets = new Set<InstrumentId>([...(options.instruments ?? []), ...before.positions.map((p) => p.instrument), ...before.openOrders.map((o) => o.order.instrument)].filter(inScope));
  for (const instrument of targets) venue.send({ type: 'CancelAll', instrument, tsLocal: options.clock.nowMs() });
  await venue.idle();
  const mid = await venue.snapshot();
  const closes: { instrument: InstrumentId; clientId: string; action: 'buy' | 'sell'; lots: number; outcome: string }[] = [];
  let n = 0;
  for (const p of mid.positions) {
    if (p.signedLots === 0 || !inScope(p.instrument)) continue;
    const clientId = options.clientId(++n);
    const action = p.signedLots > 0 ? 'sell' : 'buy';
    const lots = Math.abs(p.signedLots);
    venue.send({
      type: 'SubmitOrder',
      order: { clientId, instrument: p.instrument, action, qtyLots: asLots(lots), effect: 'reduce-only', positionSide: p.positionSide, type: 'market' },
      tsLocal: options.clock.nowMs(),
    });
    closes.push({ instrument: p.instrument, clientId, action, lots, outcome: '' });
  }
  await venue.idle();
  for (const c of closes) c.outcome = outcomeOf(events, c.clientId);
  const after: VenueSnapshot = await venue.snapshot();
  return {
    ordersBefore: before.openOrders.filter((o) => inScope(o.order.instrument)).length,
    closes,
    openOrdersAfter: after.openOrders.filter((o) => inScope(o.order.instrument)).length,
    positionsAfter: after.positions.filter((p) => p.signedLots !== 0 && inScope(p.instrument)).map((p) => ({ instrument: p.instrument, signedLots: p.signedLots })),
  };
}

function outcomeOf(events: readonly VenueEvent[], clientId: string): string {
  let filled = 0;
  for (const e of events) {
    if (e.type === 'OrderFilled' && e.clientId === clientId) filled += e.lots;
    if (e.type === 'OrderRejected' && e.clientId === clientId) return `rejected: ${e.code} ${e.reason}`;
  }
  return filled > 0 ? `filled ${filled} lots` : 'no fill reported';
}
