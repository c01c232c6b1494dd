// The simulated venue's orders of one instrument as a preallocated structure of arrays (one typed array per field),
// so the fill models touch no objects per bar. Holds order state and links only; must never decide fills.
import { InvariantError } from '../../core/errors.js';
import type { OrderSpec, TimeInForce } from '../../domain/order.js';

/** Order type codes (the `type` column). */
export const TYPE_MARKET = 0;
export const TYPE_LIMIT = 1;
export const TYPE_STOP_MARKET = 2;
export const TYPE_STOP_LIMIT = 3;
export const TYPE_TAKE_PROFIT_MARKET = 4;
export const TYPE_TAKE_PROFIT_LIMIT = 5;
export const TYPE_TRAILING_STOP = 6;

/** Time-in-force codes (the `tif` column); market, stop-market and trailing orders carry IOC. */
export const TIF_GTC = 0;
export const TIF_IOC = 1;
export const TIF_FOK = 2;
export const TIF_GTX = 3;

/**
 * Status codes (the `status` column). HELD is a bracket/OTO child waiting for its parent's fill; the venue reports
 * it as the domain status `pending`. FREE is an unused slot.
 */
export const STATUS_FREE = 0;
export const STATUS_PENDING = 1;
export const STATUS_HELD = 2;
export const STATUS_OPEN = 3;
export const STATUS_TRIGGERED = 4;
export const STATUS_PARTIAL = 5;
export const STATUS_FILLED = 6;
export const STATUS_CANCELLED = 7;
export const STATUS_REJECTED = 8;
export const STATUS_EXPIRED = 9;

/** Position legs (the `leg` column and the index into `positionLots`): one-way net, hedge-mode long and short. */
export const LEG_NET = 0;
export const LEG_LONG = 1;
export const LEG_SHORT = 2;

/**
 * Where, within the bar being processed, an order started working (the `born` column, a per-bar scratch value):
 * before the bar or at its open; on the first upward or downward crossing of `bornTicks`; or elsewhere inside the
 * bar. The stop-first rule uses it to know which part of the bar certainly came after the order existed.
 */
export const BORN_BEFORE = 0;
export const BORN_UP = 1;
export const BORN_DOWN = 2;
export const BORN_INSIDE = 3;

export const isTerminalStatus = (status: number): boolean => status >= STATUS_FILLED;
/** Working: resting or triggered, able to fill in the next price move. */
export const isWorkingStatus = (status: number): boolean =>
  status === STATUS_OPEN || status === STATUS_TRIGGERED || status === STATUS_PARTIAL;

function typeCode(spec: OrderSpec): number {
  switch (spec.type) {
    case 'market':
      return TYPE_MARKET;
    case 'limit':
      return TYPE_LIMIT;
    case 'stop-market':
      return TYPE_STOP_MARKET;
    case 'stop-limit':
      return TYPE_STOP_LIMIT;
    case 'take-profit-market':
      return TYPE_TAKE_PROFIT_MARKET;
    case 'take-profit-limit':
      return TYPE_TAKE_PROFIT_LIMIT;
    case 'trailing-stop':
      return TYPE_TRAILING_STOP;
  }
}

function tifCode(tif: TimeInForce): number {
  switch (tif) {
    case 'GTC':
      return TIF_GTC;
    case 'IOC':
      return TIF_IOC;
    case 'FOK':
      return TIF_FOK;
    case 'GTX':
      return TIF_GTX;
  }
}

/**
 * The working orders of one instrument. Slot numbers are stable for an order's life; `live` lists the slots of
 * non-terminal orders in submission order (the order in which fill models visit them). Terminal orders stay in
 * their slot, readable, until the venue calls `release`. Grows by doubling when full (never on the steady path of
 * a backtest that releases its terminal orders).
 */
export class SimOrderBook {
  capacity: number;
  type!: Uint8Array;
  /** +1 buy, -1 sell. */
  action!: Int8Array;
  tif!: Uint8Array;
  /** 1 when the order may only reduce its leg's position. */
  reduceOnly!: Uint8Array;
  leg!: Uint8Array;
  status!: Uint8Array;
  /** Stop/take-profit trigger price; for a trailing stop, the current trail price once active. */
  triggerTicks!: Float64Array;
  limitTicks!: Float64Array;
  qtyLots!: Float64Array;
  filledLots!: Float64Array;
  /** When the order reaches the venue (decision time + latency): it takes part from the first bar opening at or after it. */
  arrivalMs!: Float64Array;
  /** Trailing stop: the callback rate as a fraction (0.01 = 1 %). */
  callbackRate!: Float64Array;
  hasActivation!: Uint8Array;
  activationTicks!: Float64Array;
  /** Trailing stop: 1 once activated; the best price since activation is in `trailBestTicks`. */
  trailActive!: Uint8Array;
  trailBestTicks!: Float64Array;
  /** OCO ring: the next member of the order's group; an order alone points to itself. */
  ocoNext!: Int32Array;
  hasParent!: Uint8Array;
  parentSlot!: Int32Array;
  /** The reason code of the last refusal, cancel or expiry (see sim-events.ts), 0 when none. */
  reason!: Uint8Array;
  born!: Uint8Array;
  bornTicks!: Float64Array;
  /** The open time of the last bar in which the stop-first rule walked this trailing stop (walked once per bar). */
  walkedBarMs!: Float64Array;
  inLive!: Uint8Array;
  live!: Int32Array;
  liveCount = 0;
  private free!: Int32Array;
  private freeCount = 0;
  /**
   * Signed position in lots per leg (LEG_NET, LEG_LONG, LEG_SHORT), as the fill models see it for reduce-only
   * checks. They add every fill they make; the venue sets it when anything else moves the position (liquidation).
   */
  readonly positionLots = new Float64Array(3);
  /**
   * Called when a waiting child (a bracket exit) starts at its parent's first fill, before it meets the market:
   * the venue may set the child's prices from `parentFillTicks` (BracketSpec.exitsFromFill). Undefined: prices stay.
   */
  childPricer: ((child: number, parentFillTicks: number) => void) | undefined = undefined;

  constructor(capacity = 16) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new InvariantError('a positive integer capacity', String(capacity));
    this.capacity = 0;
    this.allocate(capacity);
  }

  /**
   * Adds an order, status pending, arriving at the venue at `arrivalMs`. Returns its slot. Prices must be on the
   * tick grid and the quantity on the lot grid already (the venue validated them against the instrument).
   */
  add(spec: OrderSpec, arrivalMs: number): number {
    if (this.freeCount === 0) this.allocate(this.capacity * 2);
    const s = this.free[--this.freeCount]!;
    this.type[s] = typeCode(spec);
    this.action[s] = spec.action === 'buy' ? 1 : -1;
    this.reduceOnly[s] = spec.effect === 'reduce-only' ? 1 : 0;
    this.leg[s] = spec.positionSide === undefined ? LEG_NET : spec.positionSide === 'long' ? LEG_LONG : LEG_SHORT;
    this.status[s] = STATUS_PENDING;
    this.qtyLots[s] = spec.qtyLots;
    this.filledLots[s] = 0;
    this.arrivalMs[s] = arrivalMs;
    this.triggerTicks[s] = 0;
    this.limitTicks[s] = 0;
    this.tif[s] = TIF_IOC;
    this.callbackRate[s] = 0;
    this.hasActivation[s] = 0;
    this.activationTicks[s] = 0;
    this.trailActive[s] = 0;
    this.trailBestTicks[s] = 0;
    this.ocoNext[s] = s;
    this.hasParent[s] = 0;
    this.parentSlot[s] = 0;
    this.reason[s] = 0;
    this.born[s] = BORN_BEFORE;
    this.bornTicks[s] = 0;
    this.walkedBarMs[s] = Number.NEGATIVE_INFINITY;
    switch (spec.type) {
      case 'market':
        break;
      case 'limit':
        this.limitTicks[s] = spec.limitTicks;
        this.tif[s] = tifCode(spec.timeInForce);
        break;
      case 'stop-market':
      case 'take-profit-market':
        this.triggerTicks[s] = spec.triggerTicks;
        break;
      case 'stop-limit':
      case 'take-profit-limit':
        this.triggerTicks[s] = spec.triggerTicks;
        this.limitTicks[s] = spec.limitTicks;
        this.tif[s] = tifCode(spec.timeInForce);
        break;
      case 'trailing-stop':
        if (!(spec.callbackRate > 0 && spec.callbackRate < 1)) {
          throw new InvariantError('a trailing callbackRate between 0 and 1 (a fraction)', String(spec.callbackRate));
        }
        this.callbackRate[s] = spec.callbackRate;
        if (spec.activationTicks !== undefined) {
          this.hasActivation[s] = 1;
          this.activationTicks[s] = spec.activationTicks;
        }
        break;
    }
    this.inLive[s] = 1;
    this.live[this.liveCount++] = s;
    return s;
  }

  /**
   * Makes `child` wait for `parent` (OTO; a bracket's exits): the child starts working when the parent fills, at
   * the parent's fill price, with the parent's filled quantity, and follows that quantity on later partial fills.
   * It is cancelled if the parent ends without any fill.
   */
  attach(parent: number, child: number): void {
    this.expectStatus(parent, STATUS_PENDING, 'a pending parent');
    this.expectStatus(child, STATUS_PENDING, 'a pending child');
    this.hasParent[child] = 1;
    this.parentSlot[child] = parent;
    this.status[child] = STATUS_HELD;
  }

  /**
   * Puts two orders in one OCO group (merging their groups): the first to fill or trigger cancels the others. An
   * OCO group reaches the venue as one request, so both must have the same arrival time.
   */
  linkOco(a: number, b: number): void {
    if (this.arrivalMs[a] !== this.arrivalMs[b]) {
      throw new InvariantError('OCO members with one arrival time', `${this.arrivalMs[a]} and ${this.arrivalMs[b]}`);
    }
    for (let s = this.ocoNext[a]!; ; s = this.ocoNext[s]!) {
      if (s === b) return;
      if (s === a) break;
    }
    const next = this.ocoNext[a]!;
    this.ocoNext[a] = this.ocoNext[b]!;
    this.ocoNext[b] = next;
  }

  /** A bracket: both exits wait for the entry, and are OCO with each other. */
  bracket(entry: number, takeProfit: number, stop: number): void {
    this.attach(entry, takeProfit);
    this.attach(entry, stop);
    this.linkOco(takeProfit, stop);
  }

  /** Lots still to fill; 0 for a terminal order. */
  remainingLots(slot: number): number {
    return isTerminalStatus(this.status[slot]!) ? 0 : this.qtyLots[slot]! - this.filledLots[slot]!;
  }

  /** Frees the slot of a terminal order once the venue has read its events. */
  release(slot: number): void {
    if (!isTerminalStatus(this.status[slot]!)) {
      throw new InvariantError('a terminal order to release', `slot ${slot} with status code ${this.status[slot]}`);
    }
    if (this.inLive[slot] === 1) this.compactLive();
    // Children outlive a released parent; the link must not follow the slot to its next order.
    for (let i = 0; i < this.liveCount; i++) {
      const c = this.live[i]!;
      if (this.hasParent[c] === 1 && this.parentSlot[c] === slot) this.hasParent[c] = 0;
    }
    let before = slot;
    while (this.ocoNext[before] !== slot) before = this.ocoNext[before]!;
    this.ocoNext[before] = this.ocoNext[slot]!;
    this.ocoNext[slot] = slot;
    this.status[slot] = STATUS_FREE;
    this.free[this.freeCount++] = slot;
  }

  /** Removes terminal orders from `live`, keeping submission order. */
  compactLive(): void {
    let w = 0;
    for (let i = 0; i < this.liveCount; i++) {
      const s = this.live[i]!;
      if (isTerminalStatus(this.status[s]!)) this.inLive[s] = 0;
      else this.live[w++] = s;
    }
    this.liveCount = w;
  }

  private expectStatus(slot: number, status: number, what: string): void {
    if (this.status[slot] !== status) throw new InvariantError(what, `slot ${slot} with status code ${this.status[slot]}`);
  }

  private allocate(capacity: number): void {
    const grow = <T extends Uint8Array | Int8Array | Int32Array | Float64Array>(old: T | undefined, make: (n: number) => T): T => {
      const a = make(capacity);
      if (old) a.set(old);
      return a;
    };
    const u8 = (n: number): Uint8Array => new Uint8Array(n);
    const f64 = (n: number): Float64Array => new Float64Array(n);
    const i32 = (n: number): Int32Array => new Int32Array(n);
    this.type = grow(this.type, u8);
    this.action = grow(this.action, (n) => new Int8Array(n));
    this.tif = grow(this.tif, u8);
    this.reduceOnly = grow(this.reduceOnly, u8);
    this.leg = grow(this.leg, u8);
    this.status = grow(this.status, u8);
    this.triggerTicks = grow(this.triggerTicks, f64);
    this.limitTicks = grow(this.limitTicks, f64);
    this.qtyLots = grow(this.qtyLots, f64);
    this.filledLots = grow(this.filledLots, f64);
    this.arrivalMs = grow(this.arrivalMs, f64);
    this.callbackRate = grow(this.callbackRate, f64);
    this.hasActivation = grow(this.hasActivation, u8);
    this.activationTicks = grow(this.activationTicks, f64);
    this.trailActive = grow(this.trailActive, u8);
    this.trailBestTicks = grow(this.trailBestTicks, f64);
    this.ocoNext = grow(this.ocoNext, i32);
    this.hasParent = grow(this.hasParent, u8);
    this.parentSlot = grow(this.parentSlot, i32);
    this.reason = grow(this.reason, u8);
    this.born = grow(this.born, u8);
    this.bornTicks = grow(this.bornTicks, f64);
    this.walkedBarMs = grow(this.walkedBarMs, f64);
    this.inLive = grow(this.inLive, u8);
    this.live = grow(this.live, i32);
    const free = i32(capacity);
    // New slots are handed out lowest first, after any slots already free.
    let n = 0;
    for (let s = capacity - 1; s >= this.capacity; s--) free[n++] = s;
    for (let i = 0; i < this.freeCount; i++) free[n++] = this.free[i]!;
    this.free = free;
    this.freeCount = n;
    this.capacity = capacity;
  }
}
