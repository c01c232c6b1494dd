// What a restarted live session's engine inherits from the venue after reconciliation: the venue's position on the
// instrument (side, lots, average entry, since when) and the adopted working orders, as `EngineResume`.
// Pure: must never ask the venue or write the journal; it only reads the reconciled report and the journaled fills.
import type { InstrumentSpec } from '../domain/instrument.js';
import type { OrderSpec } from '../domain/order.js';
import type { EngineResume, ResumedOrder, ResumedPosition } from '../engine/engine-resume.js';
import type { OrderRole } from '../engine/strategy.js';
import type { FillEvent } from '../journal/journal-events.js';
import type { ReconcileReport } from './reconcile.js';

/**
 * The engine's resume from a reconciliation: every non-zero venue position on `spec` (hedge legs keep their side,
 * lots signed long + / short -) at the venue's average entry rounded to the nearest tick, and every adopted open order with the lots it already
 * filled. A position's start is the venue time of the journaled fill that opened it from flat (or flipped it);
 * when the journal's fills do not add up to the venue's position, the snapshot's time (the journal cannot tell).
 */
export function engineResumeOf(report: ReconcileReport, fills: readonly FillEvent[], spec: InstrumentSpec): EngineResume {
  const opened = openedAtMs(fills, report.positionSignedLots);
  const positions: ResumedPosition[] = [];
  for (const p of report.snapshot.positions) {
    if (p.instrument !== spec.id || p.signedLots === 0) continue;
    const hedge = report.snapshot.positionMode === 'hedge' && p.positionSide !== undefined;
    const signedLots = !hedge ? p.signedLots : p.positionSide === 'long' ? Math.abs(p.signedLots) : -Math.abs(p.signedLots);
    // The engine books the position as one fill on the tick grid: the venue's average entry (a float quotient, and
    // after several fills truly between ticks) is taken to the nearest tick. The journal's fills stay exact.
    const entryTicks = Math.max(1, Math.round(p.entryTicks));
    positions.push({ instrument: spec.id, signedLots, entryTicks, ...(hedge ? { positionSide: p.positionSide } : {}), sinceMs: opened ?? report.snapshot.tsVenue });
  }
  const adopted = new Set(report.adopted);
  const orders: ResumedOrder[] = report.snapshot.openOrders
    .filter((x) => adopted.has(x.clientId) && x.order.instrument === spec.id)
    .map((x) => ({ spec: { ...x.order, clientId: x.clientId }, venueOrderId: x.venueOrderId, filledLots: x.filledLots, ...roleOf(x.order) }));
  return { positions, orders };
}

/** The venue time of the fill that took the net position from flat (or through zero) to where it is; undefined if the fills do not reach `netLots`. */
function openedAtMs(fills: readonly FillEvent[], netLots: number): number | undefined {
  let net = 0;
  let since: number | undefined;
  for (const f of [...fills].sort((a, b) => a.tsVenue - b.tsVenue)) {
    const before = net;
    net += f.action === 'buy' ? f.qtyLots : -f.qtyLots;
    if (net !== 0 && (before === 0 || Math.sign(before) !== Math.sign(net))) since = f.tsVenue;
  }
  return net === netLots && net !== 0 ? since : undefined;
}

/**
 * A reduce-only stop or take-profit taken over is a bracket's exit (or a restart's protective stop): the round trip
 * it closes ends by `stop-loss` or `take-profit`, as before the restart. Other orders keep the engine's default.
 */
function roleOf(order: OrderSpec): { readonly role?: OrderRole } {
  if (order.effect !== 'reduce-only') return {};
  switch (order.type) {
    case 'stop-market':
    case 'stop-limit':
    case 'trailing-stop':
      return { role: 'stop-loss' };
    case 'take-profit-market':
    case 'take-profit-limit':
      return { role: 'take-profit' };
    case 'market':
    case 'limit':
      return {};
  }
}
