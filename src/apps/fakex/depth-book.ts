// The server's own order book from the capture's REST snapshot and diff events, for GET /fapi/v1/depth. Prices are
// kept as integer ticks; quantities as the exchange's text. Must never skip a diff: the server book is the truth
// that clients resync to, even when a gap is injected into what they receive.
import { countFromText, formatCount } from '../../core/grid.js';
import type { InstrumentSpec } from '../../domain/instrument.js';

type Level = readonly [string, string];

export class DepthBook {
  private readonly bids = new Map<number, string>();
  private readonly asks = new Map<number, string>();
  /** The `u` of the last diff applied (or the snapshot's lastUpdateId); undefined before the snapshot. */
  lastUpdateId: number | undefined;

  constructor(private readonly spec: InstrumentSpec) {}

  /** A REST snapshot `{lastUpdateId, bids, asks}` replaces the book. */
  applySnapshot(data: Readonly<Record<string, unknown>>): void {
    this.bids.clear();
    this.asks.clear();
    this.apply(this.bids, data.bids as readonly Level[]);
    this.apply(this.asks, data.asks as readonly Level[]);
    this.lastUpdateId = data.lastUpdateId as number;
  }

  /**
   * A diff event: before the snapshot it is ignored; events with u below the snapshot's id are stale (Binance's
   * rule: drop u < lastUpdateId), the rest apply in order.
   */
  applyDiff(data: Readonly<Record<string, unknown>>): void {
    if (this.lastUpdateId === undefined || (data.u as number) < this.lastUpdateId) return;
    this.apply(this.bids, data.b as readonly Level[]);
    this.apply(this.asks, data.a as readonly Level[]);
    this.lastUpdateId = data.u as number;
  }

  /** The best `limit` levels per side as Binance lists them: bids high to low, asks low to high. */
  levels(limit: number): { readonly bids: Level[]; readonly asks: Level[] } {
    const side = (m: Map<number, string>, descending: boolean): Level[] =>
      [...m.keys()]
        .sort((a, b) => (descending ? b - a : a - b))
        .slice(0, limit)
        .map((t) => [formatCount(t, this.spec.tick, this.spec.tick.scale), m.get(t)!] as const);
    return { bids: side(this.bids, true), asks: side(this.asks, false) };
  }

  private apply(side: Map<number, string>, levels: readonly Level[]): void {
    for (const [priceText, qtyText] of levels) {
      const r = countFromText(priceText, this.spec.tick, 'nearest');
      if (!r.ok) continue;
      if (Number(qtyText) === 0) side.delete(r.value);
      else side.set(r.value, qtyText);
    }
  }
}
