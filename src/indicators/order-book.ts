// An L2 order book over integer-tick price levels and the analytics traders read from it (spread, mid,
// microprice, depth, imbalance, cost to fill a size). Pure and allocation-free per update; it never parses venue
// messages nor checks their sequence numbers (the data layer does), and it never stores float prices.

/** A side of the book: `bid` (buy orders resting below) or `ask` (sell orders resting above). */
export type BookSide = 'bid' | 'ask';

/** The average and worst price of consuming one side of the book for a given size. */
export interface FillEstimate {
  /** Volume-weighted average price of the fill, in ticks (a float: the average need not be on the grid). */
  readonly averagePriceTicks: number;
  /** The farthest level the fill reaches, in ticks. */
  readonly worstPriceTicks: number;
  /** How many levels the fill touches (1 = it fits in the touch). */
  readonly levelsUsed: number;
}

/** The read-only view of a book the detectors need. */
export interface BookView {
  bestPriceTicks(side: BookSide): number | undefined;
  qtyAt(side: BookSide, priceTicks: number): number;
  levelCount(side: BookSide): number;
  /** Quantity of the i-th level counted from the touch (0 = best). */
  levelQty(side: BookSide, index: number): number;
  /** Price in ticks of the i-th level counted from the touch (0 = best). */
  levelPriceTicks(side: BookSide, index: number): number;
}

const INITIAL_CAPACITY = 1024;

/**
 * One side as a sorted ladder in typed arrays. Keys are price ticks for bids and minus price ticks for asks, so
 * both sides sort ascending with the touch at the end: updates near the touch (most of them) move few elements.
 */
class Ladder {
  keys = new Float64Array(INITIAL_CAPACITY);
  qtys = new Float64Array(INITIAL_CAPACITY);
  size = 0;

  /** Index of `key`, or -(insertion point) - 1 when absent. */
  find(key: number): number {
    let lo = 0;
    let hi = this.size - 1;
    const keys = this.keys;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid] as number;
      if (k < key) lo = mid + 1;
      else if (k > key) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  /** Sets the level's quantity (0 removes it) and returns the quantity it had before (0 when absent). */
  set(key: number, qty: number): number {
    const i = this.find(key);
    if (i >= 0) {
      const previous = this.qtys[i] as number;
      if (qty > 0) {
        this.qtys[i] = qty;
      } else {
        this.keys.copyWithin(i, i + 1, this.size);
        this.qtys.copyWithin(i, i + 1, this.size);
        this.size--;
      }
      return previous;
    }
    if (qty <= 0) return 0;
    const at = -i - 1;
    if (this.size === this.keys.length) this.grow();
    this.keys.copyWithin(at + 1, at, this.size);
    this.qtys.copyWithin(at + 1, at, this.size);
    this.keys[at] = key;
    this.qtys[at] = qty;
    this.size++;
    return 0;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    const qtys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    qtys.set(this.qtys);
    this.keys = keys;
    this.qtys = qtys;
  }
}

/**
 * An L2 book: one aggregated quantity per price level. Prices are integer ticks of the instrument's tick size
 * (convert venue prices with the core grid helpers at the edge); quantities are non-negative numbers in one
 * consistent unit (base asset or lots). Quantity 0 deletes a level, as in Binance and Bybit diff streams.
 * Query results derived from prices (mid, microprice, average fill) are in ticks, as floats.
 */
export class OrderBook implements BookView {
  private readonly bids = new Ladder();
  private readonly asks = new Ladder();

  /** Removes every level (before applying a snapshot). */
  clear(): void {
    this.bids.size = 0;
    this.asks.size = 0;
  }

  /**
   * Sets one level to an absolute quantity (a snapshot row or a diff entry); 0 removes it. Returns the quantity
   * the level had before (0 when absent), which the detectors take as evidence. Throws on a non-integer price or
   * a negative or non-finite quantity: those are bugs in the caller's parsing, not market states.
   */
  setLevel(side: BookSide, priceTicks: number, qty: number): number {
    if (!Number.isSafeInteger(priceTicks) || !(qty >= 0) || qty === Infinity) {
      throw new RangeError(`order book level must be an integer tick price and a finite qty >= 0, got ${priceTicks} x ${qty}`);
    }
    return side === 'bid' ? this.bids.set(priceTicks, qty) : this.asks.set(-priceTicks, qty);
  }

  levelCount(side: BookSide): number {
    return this.ladder(side).size;
  }

  /** Price of the i-th level from the touch (0 = best), in ticks. The index must be below levelCount(side). */
  levelPriceTicks(side: BookSide, index: number): number {
    const l = this.ladder(side);
    const key = l.keys[l.size - 1 - index] as number;
    return side === 'bid' ? key : -key;
  }

  /** Quantity of the i-th level from the touch (0 = best). The index must be below levelCount(side). */
  levelQty(side: BookSide, index: number): number {
    const l = this.ladder(side);
    return l.qtys[l.size - 1 - index] as number;
  }

  /** Quantity resting at a price, 0 when the level is empty. */
  qtyAt(side: BookSide, priceTicks: number): number {
    const l = this.ladder(side);
    const i = l.find(side === 'bid' ? priceTicks : -priceTicks);
    return i >= 0 ? (l.qtys[i] as number) : 0;
  }

  /** Best bid or ask in ticks; undefined when that side is empty. */
  bestPriceTicks(side: BookSide): number | undefined {
    const l = this.ladder(side);
    if (l.size === 0) return undefined;
    const key = l.keys[l.size - 1] as number;
    return side === 'bid' ? key : -key;
  }

  /** Quantity at the touch; undefined when that side is empty. */
  bestQty(side: BookSide): number | undefined {
    const l = this.ladder(side);
    return l.size === 0 ? undefined : (l.qtys[l.size - 1] as number);
  }

  /** Best ask minus best bid in ticks (>= 1 in a sane book); undefined when a side is empty. */
  spreadTicks(): number | undefined {
    const b = this.bestPriceTicks('bid');
    const a = this.bestPriceTicks('ask');
    return b === undefined || a === undefined ? undefined : a - b;
  }

  /** True when the best bid is at or above the best ask: a book built from out-of-sequence data. */
  isCrossed(): boolean {
    const s = this.spreadTicks();
    return s !== undefined && s <= 0;
  }

  /** (best bid + best ask) / 2 in ticks (may end in .5); undefined when a side is empty. */
  midTicks(): number | undefined {
    const b = this.bestPriceTicks('bid');
    const a = this.bestPriceTicks('ask');
    return b === undefined || a === undefined ? undefined : (a + b) / 2;
  }

  /**
   * The size-weighted mid ("microprice" as trading desks use the word): (bid x askQty + ask x bidQty) /
   * (bidQty + askQty), in ticks. It leans toward the side with less size, where the next move is more likely.
   * This is the first-order estimator discussed by Stoikov, "The micro-price" (Quantitative Finance, 2018),
   * not his full adjusted estimator. Undefined when a side is empty.
   */
  micropriceTicks(): number | undefined {
    const b = this.bestPriceTicks('bid');
    const a = this.bestPriceTicks('ask');
    if (b === undefined || a === undefined) return undefined;
    const bq = this.bids.qtys[this.bids.size - 1] as number;
    const aq = this.asks.qtys[this.asks.size - 1] as number;
    return (b * aq + a * bq) / (bq + aq);
  }

  /**
   * Total quantity on one side at prices within `ticks` of that side's touch (0 = the touch only). 0 when the
   * side is empty. `ticks` must be a non-negative integer.
   */
  depthWithinTicks(side: BookSide, ticks: number): number {
    const l = this.ladder(side);
    if (l.size === 0) return 0;
    const limitKey = (l.keys[l.size - 1] as number) - ticks;
    let sum = 0;
    for (let i = l.size - 1; i >= 0 && (l.keys[i] as number) >= limitKey; i--) sum += l.qtys[i] as number;
    return sum;
  }

  /**
   * Total quantity on one side at prices within `bps` basis points of the mid (bids >= mid x (1 - bps/10^4),
   * asks <= mid x (1 + bps/10^4)), the "+/-2 % depth" measure of market-data vendors. Undefined when a side is
   * empty (no mid).
   */
  depthWithinBps(side: BookSide, bps: number): number | undefined {
    const mid = this.midTicks();
    if (mid === undefined) return undefined;
    const l = this.ladder(side);
    // In key space both sides read "key >= limit": bids key = price, asks key = -price.
    const limitKey = side === 'bid' ? mid * (1 - bps / 10_000) : -mid * (1 + bps / 10_000);
    let sum = 0;
    for (let i = l.size - 1; i >= 0 && (l.keys[i] as number) >= limitKey; i--) sum += l.qtys[i] as number;
    return sum;
  }

  /**
   * Order-book imbalance within `ticks` of each touch: (bidDepth - askDepth) / (bidDepth + askDepth), in
   * [-1, 1]; positive means more resting buyers. `ticks` = 0 gives the top-of-book imbalance. Undefined when
   * both sides are empty.
   */
  imbalance(ticks: number): number | undefined {
    const bd = this.depthWithinTicks('bid', ticks);
    const ad = this.depthWithinTicks('ask', ticks);
    return bd + ad === 0 ? undefined : (bd - ad) / (bd + ad);
  }

  /**
   * Writes the cumulative quantity of the first levels from the touch into `outQty` (and their prices in ticks
   * into `outPriceTicks` when given): outQty[i] = sum of levels 0..i. Writes min(levelCount, outQty.length)
   * entries and returns that count. Allocation-free.
   */
  cumulativeDepth(side: BookSide, outQty: Float64Array, outPriceTicks?: Float64Array): number {
    const l = this.ladder(side);
    const n = Math.min(l.size, outQty.length, outPriceTicks === undefined ? Infinity : outPriceTicks.length);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const j = l.size - 1 - i;
      sum += l.qtys[j] as number;
      outQty[i] = sum;
      if (outPriceTicks !== undefined) outPriceTicks[i] = side === 'bid' ? (l.keys[j] as number) : -(l.keys[j] as number);
    }
    return n;
  }

  /**
   * The price of filling `qty` by consuming `side` from the touch outward (a market buy consumes `ask`, a market
   * sell consumes `bid`): the volume-weighted average price ("VWAP for size") and the worst level reached, in
   * ticks. Undefined when the side holds less than `qty` in total, since the fill price is then unknown.
   * `qty` must be > 0.
   */
  priceToFill(side: BookSide, qty: number): FillEstimate | undefined {
    if (!(qty > 0)) throw new RangeError(`priceToFill needs a quantity > 0, got ${qty}`);
    const l = this.ladder(side);
    let remaining = qty;
    let notionalTicks = 0;
    for (let i = l.size - 1; i >= 0; i--) {
      const price = side === 'bid' ? (l.keys[i] as number) : -(l.keys[i] as number);
      const take = Math.min(remaining, l.qtys[i] as number);
      notionalTicks += take * price;
      remaining -= take;
      // Float sums of decimal quantities can leave a remainder of 1e-16; that is filled, not missing depth.
      if (remaining <= qty * 1e-12) {
        return { averagePriceTicks: notionalTicks / (qty - remaining), worstPriceTicks: price, levelsUsed: l.size - i };
      }
    }
    return undefined;
  }

  private ladder(side: BookSide): Ladder {
    return side === 'bid' ? this.bids : this.asks;
  }
}
