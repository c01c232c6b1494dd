// The simulated venue's account state as the port reports it (VenueSnapshot): positions per leg and the working
// orders, read from the markets and the venue's records. Must never change anything it reads.
import type { Lots } from '../../core/grid.js';
import type { Money } from '../../core/money.js';
import type { MarginMode, PositionMode, VenueOpenOrder, VenuePosition, VenueSnapshot } from '../venue.js';
import type { OrderIdMap } from '../../domain/order-id-map.js';
import type { SimAccount } from './sim-account.js';
import { positionSideOfLeg } from './sim-event-translator.js';
import type { OrderRecord, SimMarket } from './sim-market.js';

export interface SnapshotSource {
  readonly account: SimAccount;
  readonly markets: readonly SimMarket[];
  /** The venue's working orders by client id. */
  readonly active: OrderIdMap<OrderRecord>;
  readonly positionMode: PositionMode;
  readonly marginMode: MarginMode;
}

/** The snapshot at venue time `nowMs`: balance, every non-flat leg (isolated margin in isolated mode), working orders. */
export function snapshotOf(s: SnapshotSource, nowMs: number): VenueSnapshot {
  const positions: VenuePosition[] = [];
  const openOrders: VenueOpenOrder[] = [];
  for (const m of s.markets) {
    const ia = m.ia;
    for (let leg = 0; leg < 3; leg++) {
      const p = ia.legs[leg]!;
      if (p.signedLots === 0) continue;
      const positionSide = positionSideOfLeg(leg);
      positions.push({
        instrument: ia.spec.id,
        signedLots: p.signedLots,
        entryTicks: p.averageEntryTicks()!,
        ...(positionSide === undefined ? {} : { positionSide }),
        ...(s.marginMode === 'isolated' ? { isolatedMargin: ia.legMargin[leg]! as Money } : {}),
      });
    }
  }
  for (const rec of s.active.values()) {
    if (rec.slot < 0) continue;
    openOrders.push({ clientId: rec.clientId, venueOrderId: rec.venueOrderId, order: rec.spec, filledLots: rec.market.book.filledLots[rec.slot]! as Lots });
  }
  return {
    tsVenue: nowMs,
    settleAsset: s.account.settleAsset,
    balance: s.account.balance,
    positions,
    openOrders,
    positionMode: s.positionMode,
    marginMode: s.marginMode,
  };
}
