// The columnar buffer the fill models write into: fills and order status changes, in the order they happen. The
// caller preallocates it and clears it; writing an event allocates nothing. Must never interpret the events.
import type { OrderEventKind } from '../../domain/order.js';

/** Event kind codes (the `kind` column). A FILL is partial or full by the order's remaining quantity. */
export const EVENT_ACCEPTED = 1;
export const EVENT_TRIGGERED = 2;
export const EVENT_FILL = 3;
export const EVENT_CANCELLED = 4;
export const EVENT_REJECTED = 5;
export const EVENT_EXPIRED = 6;
/** A bracket/OTO child's quantity followed its parent's filled quantity. */
export const EVENT_MODIFIED = 7;

/** Liquidity codes of a fill: a resting limit that fills is maker; market, stop and marketable arrivals are taker. */
export const LIQUIDITY_MAKER = 1;
export const LIQUIDITY_TAKER = 2;

/** Reason codes for refusals, cancels and expiries (the `reason` column); 0 on events that carry none. */
export const REASON_POST_ONLY_WOULD_TAKE = 1;
export const REASON_REDUCE_ONLY_WOULD_INCREASE = 2;
export const REASON_REDUCE_ONLY_ABOVE_POSITION = 3;
export const REASON_OCO_SIBLING = 4;
export const REASON_PARENT_ENDED_UNFILLED = 5;
export const REASON_IOC_NOT_MARKETABLE = 6;
export const REASON_FOK_NOT_MARKETABLE = 7;
export const REASON_CANCELLED_BY_USER = 8;

const REASON_TEXT: readonly string[] = [
  '',
  'post-only would take',
  'reduce-only would increase',
  'reduce-only above position: rest expired',
  'cancelled by OCO sibling',
  'parent ended without a fill',
  'IOC not marketable at arrival',
  'FOK not marketable at arrival',
  'cancelled by user',
];

/** The text of a reason code, as the venue reports it; undefined for 0 (no reason). */
export function reasonText(code: number): string | undefined {
  return code === 0 ? undefined : REASON_TEXT[code];
}

/**
 * The domain lifecycle event for an event kind code (see order.ts). A FILL maps to `fill`; whether it is partial
 * follows from the order's remaining quantity, as `applyOrderEvent` decides.
 */
export function orderEventKind(code: number): OrderEventKind {
  switch (code) {
    case EVENT_ACCEPTED:
      return 'accepted';
    case EVENT_TRIGGERED:
      return 'triggered';
    case EVENT_FILL:
      return 'fill';
    case EVENT_CANCELLED:
      return 'cancelled';
    case EVENT_REJECTED:
      return 'rejected';
    case EVENT_EXPIRED:
      return 'expired';
    case EVENT_MODIFIED:
      return 'modified';
    default:
      throw new RangeError(`unknown simulated event code ${code}`);
  }
}

/**
 * Events in columns. `timeMs` is the venue time of the event: on bars, the bar's open time (a bar does not say when
 * inside it a price traded). `priceTicks`, `lots` and `liquidity` are meaningful on fills only (0 otherwise).
 */
export class SimEvents {
  capacity: number;
  count = 0;
  kind: Uint8Array;
  slot: Int32Array;
  priceTicks: Float64Array;
  lots: Float64Array;
  liquidity: Uint8Array;
  reason: Uint8Array;
  timeMs: Float64Array;
  /**
   * The venue time stamped on events written from now on (the fill model sets it to the bar's open time). Kept in
   * a field rather than passed per call: a timestamp is not a small integer, and passing it as an argument would
   * allocate a heap number per call.
   */
  nowMs = 0;

  constructor(capacity = 64) {
    this.capacity = capacity;
    this.kind = new Uint8Array(capacity);
    this.slot = new Int32Array(capacity);
    this.priceTicks = new Float64Array(capacity);
    this.lots = new Float64Array(capacity);
    this.liquidity = new Uint8Array(capacity);
    this.reason = new Uint8Array(capacity);
    this.timeMs = new Float64Array(capacity);
  }

  clear(): void {
    this.count = 0;
  }

  fill(slot: number, priceTicks: number, lots: number, liquidity: number): void {
    const i = this.next();
    this.kind[i] = EVENT_FILL;
    this.slot[i] = slot;
    this.priceTicks[i] = priceTicks;
    this.lots[i] = lots;
    this.liquidity[i] = liquidity;
    this.reason[i] = 0;
    this.timeMs[i] = this.nowMs;
  }

  status(kind: number, slot: number, reason: number): void {
    const i = this.next();
    this.kind[i] = kind;
    this.slot[i] = slot;
    this.priceTicks[i] = 0;
    this.lots[i] = 0;
    this.liquidity[i] = 0;
    this.reason[i] = reason;
    this.timeMs[i] = this.nowMs;
  }

  private next(): number {
    if (this.count === this.capacity) this.grow();
    return this.count++;
  }

  /** Doubling keeps a burst (many orders in one bar) correct; a steady run never reaches it. */
  private grow(): void {
    const n = this.capacity * 2;
    const copy = <T extends Uint8Array | Int32Array | Float64Array>(old: T, made: T): T => {
      made.set(old);
      return made;
    };
    this.kind = copy(this.kind, new Uint8Array(n));
    this.slot = copy(this.slot, new Int32Array(n));
    this.priceTicks = copy(this.priceTicks, new Float64Array(n));
    this.lots = copy(this.lots, new Float64Array(n));
    this.liquidity = copy(this.liquidity, new Uint8Array(n));
    this.reason = copy(this.reason, new Uint8Array(n));
    this.timeMs = copy(this.timeMs, new Float64Array(n));
    this.capacity = n;
  }
}
