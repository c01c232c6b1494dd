// One line of plain words for a journal event, with exact prices and money, for `journal show` and the weekly review.
// Must never change what an event says: it formats, it does not interpret.
import { countFromText, formatCount, type Grid, gridFromStep } from '../core/grid.js';
import { formatMoney, type Money } from '../core/money.js';
import { eventInstrument, type JournalEvent, type RunInstrument } from './journal-events.js';

/** Grids per instrument id, from a run's instrument list; prices of unknown instruments print as ticks. */
export function gridsOf(instruments: readonly RunInstrument[]): ReadonlyMap<string, { readonly tick: Grid; readonly lot: Grid; readonly settle: string }> {
  const out = new Map<string, { tick: Grid; lot: Grid; settle: string }>();
  for (const i of instruments) {
    const tick = gridFromStep(i.tickSize);
    const lot = gridFromStep(i.lotSize);
    if (tick !== undefined && lot !== undefined) out.set(i.id, { tick, lot, settle: i.settle });
  }
  return out;
}

type Grids = ReturnType<typeof gridsOf>;

/** Describes one event, e.g. "buy 0.005 @ 70000.1 (taker, fee 0.14 USDT)". */
export function describeEvent(e: JournalEvent, grids: Grids): string {
  const id = eventInstrument(e);
  const g = id === undefined ? undefined : grids.get(id);
  const px = (ticks: number | undefined): string => (ticks === undefined ? '-' : g === undefined ? `${ticks} ticks` : formatCount(ticks, g.tick));
  const qty = (lots: number): string => (g === undefined ? `${lots} lots` : formatCount(lots, g.lot));
  const amount = (m: Money): string => (g === undefined ? formatMoney(m, 2) : `${formatMoney(m, 2)} ${g.settle}`);
  switch (e.type) {
    case 'RunStarted':
      return `${e.meta.source} run of ${e.meta.strategy} on ${e.meta.instruments.map((i) => i.id).join(', ')}`;
    case 'RunFinished':
      return `run ${e.summary.status}${e.summary.message === undefined ? '' : `: ${e.summary.message}`}`;
    case 'OrderIntent': {
      const prices = [e.limitTicks === undefined ? '' : ` at ${px(e.limitTicks)}`, e.triggerTicks === undefined ? '' : ` trigger ${px(e.triggerTicks)}`].join('');
      return `intent ${e.clientId}: ${e.action} ${qty(e.qtyLots)} ${e.orderType}${prices}${e.reduceOnly ? ' reduce-only' : ''}${e.purpose === undefined ? '' : ` (${e.purpose})`}`;
    }
    case 'OrderAccepted':
      return `accepted ${e.clientId}${e.venueOrderId === undefined ? '' : ` as ${e.venueOrderId}`}`;
    case 'OrderRejected':
      return `rejected ${e.clientId}: ${e.reason}`;
    case 'OrderCancelled':
      return `cancelled ${e.clientId}${e.reason === undefined ? '' : `: ${e.reason}`}`;
    case 'OrderModified':
      return `modified ${e.clientId}:${e.limitTicks === undefined ? '' : ` limit ${px(e.limitTicks)}`}${e.triggerTicks === undefined ? '' : ` trigger ${px(e.triggerTicks)}`}`;
    case 'Fill':
      return `${e.action} ${qty(e.qtyLots)} @ ${px(e.priceTicks)} (${e.liquidity}, fee ${amount(e.fee)}) for ${e.clientId}`;
    case 'Funding':
      return `funding ${amount(e.amount)} at rate ${e.rate}`;
    case 'Liquidation':
      return `liquidated ${e.side} ${qty(e.qtyLots)} at mark ${px(e.markPriceTicks)} (fee ${amount(e.fee)})`;
    case 'RiskDenied':
      return `risk guard denied (${e.code}): ${e.detail}`;
    case 'RoundTripClosed':
      return `round trip ${e.trip.id} closed by ${e.trip.exitReason}: net ${amount(e.trip.netPnl)}`;
    case 'NoteAdded':
      return `note: ${e.text}`;
    case 'TagAdded':
      return `tagged ${e.tags.join(', ')}`;
  }
}

/** A price given as a float (a round trip's average) printed on the tick grid when it lies on it, else as is. */
export function priceText(price: number | undefined, tick: Grid | undefined): string {
  if (price === undefined) return '-';
  if (tick === undefined) return String(price);
  const r = countFromText(String(price), tick, 'exact');
  return r.ok ? formatCount(r.value, tick) : String(price);
}
