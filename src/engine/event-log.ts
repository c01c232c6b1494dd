// The run's event log, kept in columns (typed-array chunks of fixed size, one column block per field, strings in side
// tables): orders, fills, funding, liquidations and the strategy's notes, in the order the engine saw them. Must
// never hold per-bar rows.

/** Event kinds (the `kind` column). */
export const LOG_SUBMITTED = 1;
export const LOG_ACCEPTED = 2;
export const LOG_REJECTED = 3;
export const LOG_TRIGGERED = 4;
export const LOG_FILLED = 5;
export const LOG_MODIFIED = 6;
export const LOG_CANCEL_REQUESTED = 7;
export const LOG_CANCELLED = 8;
export const LOG_EXPIRED = 9;
export const LOG_CANCEL_REJECTED = 10;
export const LOG_FUNDING = 11;
export const LOG_LIQUIDATION = 12;
export const LOG_NOTE = 13;
/** An order the engine refused before sending (size rounds to zero lots, bad price): never reached the venue. */
export const LOG_NOT_SENT = 14;
export const LOG_MODIFY_REJECTED = 15;
/** Not a kind: tells a caller to log nothing. */
export const LOG_NONE = 0;

const KIND_NAMES: readonly string[] = [
  '',
  'order-submitted',
  'order-accepted',
  'order-rejected',
  'order-triggered',
  'order-filled',
  'order-modified',
  'cancel-requested',
  'order-cancelled',
  'order-expired',
  'cancel-rejected',
  'funding',
  'liquidation',
  'note',
  'order-not-sent',
  'modify-rejected',
];

/** One event read back from the log (allocates: for writing outputs, not for the run). */
export interface LoggedEvent {
  readonly kind: string;
  readonly timeMs: number;
  /** The client order id, for order events. */
  readonly clientId?: string;
  /** The instrument index in the run (order, funding and liquidation events). */
  readonly instrumentIndex: number;
  /** Fills and liquidations: price in ticks; funding: the mark in ticks; submitted: the order's price, if any. */
  readonly priceTicks?: number;
  /** Fills and liquidations: lots (signed: + buy, - sell); funding: the signed position in lots. */
  readonly lots?: number;
  /** Fills: fee; funding: cash flow; liquidation: realised P&L (all Money, 1e-8 of the settle asset). */
  readonly amount?: number;
  /** Liquidation: its fee (Money); funding: the rate. */
  readonly extra?: number;
  /** Notes: the text; refusals, cancels, expiries: the reason; fills: maker/taker; submitted: the order type. */
  readonly text?: string;
}

/** Columns of a chunk: kind and present bits, time, order ref, instrument, text ref, price, lots, amount, extra. */
const COLUMNS = 9;
/**
 * Rows per chunk. The log grows by whole chunks that are never copied or reallocated, so a long run allocates
 * only what it keeps (a doubling buffer would allocate twice that and copy it, pressing the GC with external
 * memory).
 */
const CHUNK_ROWS = 4096;

/** Where each column starts inside a chunk (column 0, kind and present bits, starts at 0). */
const AT_TIME = 1 * CHUNK_ROWS;
const AT_ORDER = 2 * CHUNK_ROWS;
const AT_INSTRUMENT = 3 * CHUNK_ROWS;
const AT_TEXT = 4 * CHUNK_ROWS;
const AT_PRICE = 5 * CHUNK_ROWS;
const AT_LOTS = 6 * CHUNK_ROWS;
const AT_AMOUNT = 7 * CHUNK_ROWS;
const AT_EXTRA = 8 * CHUNK_ROWS;

/**
 * Appends events in columns, CHUNK_ROWS rows per chunk: one Float64Array per chunk holding its nine columns one
 * after another (column k of row r at k * CHUNK_ROWS + r). Reading back is for outputs and tests.
 */
export class EventLog {
  private readonly chunks: Float64Array[] = [];
  private chunk = new Float64Array(0);
  /** Rows used in the current chunk (CHUNK_ROWS when it is full or before the first). */
  private row = CHUNK_ROWS;
  private rows = 0;
  private readonly clientIds: string[] = [''];
  private readonly texts: string[] = [''];

  get length(): number {
    return this.rows;
  }

  /** A reference to `clientId` for `append` (one per order: the caller keeps it with the order). Never 0. */
  orderRef(clientId: string): number {
    return this.clientIds.push(clientId) - 1;
  }

  /**
   * Appends one event. `orderRef` (from `orderRef`, 0 = no order) and `text` (empty = none) are optional, numeric
   * fields too. Allocation-free except when a chunk fills up (every CHUNK_ROWS rows) or a text is kept.
   */
  append(
    kind: number,
    timeMs: number,
    instrumentIndex: number,
    orderRef: number,
    text: string,
    priceTicks?: number,
    lots?: number,
    amount?: number,
    extra?: number,
  ): void {
    if (this.row === CHUNK_ROWS) this.addChunk();
    const c = this.chunk;
    const b = this.row;
    c[b] = kind | (((priceTicks === undefined ? 0 : 1) | (lots === undefined ? 0 : 2) | (amount === undefined ? 0 : 4) | (extra === undefined ? 0 : 8)) << 8);
    c[b + AT_TIME] = timeMs;
    c[b + AT_ORDER] = orderRef;
    c[b + AT_INSTRUMENT] = instrumentIndex;
    c[b + AT_TEXT] = text === '' ? 0 : this.texts.push(text) - 1;
    c[b + AT_PRICE] = priceTicks ?? 0;
    c[b + AT_LOTS] = lots ?? 0;
    c[b + AT_AMOUNT] = amount ?? 0;
    c[b + AT_EXTRA] = extra ?? 0;
    this.row++;
    this.rows++;
  }

  /** The events as objects, in order. */
  *events(): Generator<LoggedEvent> {
    for (let i = 0; i < this.rows; i++) {
      const c = this.chunks[Math.floor(i / CHUNK_ROWS)]!;
      const b = i % CHUNK_ROWS;
      const head = c[b]!;
      const p = head >> 8;
      const order = c[b + AT_ORDER]!;
      const text = c[b + AT_TEXT]!;
      yield {
        kind: KIND_NAMES[head & 0xff]!,
        timeMs: c[b + AT_TIME]!,
        ...(order > 0 ? { clientId: this.clientIds[order]! } : {}),
        instrumentIndex: c[b + AT_INSTRUMENT]!,
        ...(p & 1 ? { priceTicks: c[b + AT_PRICE]! } : {}),
        ...(p & 2 ? { lots: c[b + AT_LOTS]! } : {}),
        ...(p & 4 ? { amount: c[b + AT_AMOUNT]! } : {}),
        ...(p & 8 ? { extra: c[b + AT_EXTRA]! } : {}),
        ...(text > 0 ? { text: this.texts[text]! } : {}),
      };
    }
  }

  private addChunk(): void {
    this.chunk = new Float64Array(CHUNK_ROWS * COLUMNS);
    this.chunks.push(this.chunk);
    this.row = 0;
  }
}
