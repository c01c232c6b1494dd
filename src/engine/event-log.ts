// The run's event log, kept in columns (typed-array chunks of fixed size, optional numbers in one value stream,
// strings in side tables): orders, fills, funding, liquidations and the strategy's notes, in the order the engine
// saw them. Must never hold per-bar rows.

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

/**
 * Rows per chunk. The log grows by whole chunks that are never copied or reallocated, so a long run allocates only
 * what it keeps (a doubling buffer would allocate twice that and copy it).
 */
const CHUNK_ROWS = 4096;
/** Numbers per chunk of the value stream. */
const CHUNK_VALUES = 8192;

/** One chunk of rows: kind and present bits, time, order ref, instrument, text ref (20 bytes a row). */
class RowChunk {
  readonly head = new Uint16Array(CHUNK_ROWS);
  readonly timeMs = new Float64Array(CHUNK_ROWS);
  readonly order = new Int32Array(CHUNK_ROWS);
  readonly instrument = new Uint16Array(CHUNK_ROWS);
  readonly text = new Int32Array(CHUNK_ROWS);
}

/**
 * Appends events in columns. A row's optional numbers (price, lots, amount, extra) go, only when present, to one
 * value stream in row order (a row's present bits say which follow), so an acknowledgement or a cancel costs 20
 * bytes and a fill 44, instead of a fixed 72: the memory a run touches is most of what a logged event costs.
 * Texts other than notes (fill liquidity, reasons, order kinds: a handful of distinct strings) are kept once and
 * referenced; notes are kept as given. Reading back is for outputs and tests.
 */
export class EventLog {
  private readonly rowChunks: RowChunk[] = [];
  private chunk: RowChunk | undefined = undefined;
  /** Rows used in the current chunk (CHUNK_ROWS when it is full or before the first). */
  private row = CHUNK_ROWS;
  private rows = 0;
  private readonly valueChunks: Float64Array[] = [];
  private values = new Float64Array(0);
  /** Values used in the current value chunk. */
  private valueAt = CHUNK_VALUES;
  private readonly clientIds: string[] = [''];
  private readonly texts: string[] = [''];
  /** Text -> reference, for every text but notes. */
  private readonly textRefs = new Map<string, number>();

  get length(): number {
    return this.rows;
  }

  /** A reference to `clientId` for `append` (one per order: the caller keeps it with the order). Never 0. */
  orderRef(clientId: string): number {
    return this.clientIds.push(clientId) - 1;
  }

  /**
   * Appends one event. `orderRef` (from `orderRef`, 0 = no order) and `text` (empty = none) are optional, numeric
   * fields too. Allocation-free except when a chunk fills up or a new text (a note, or a text not seen before) is kept.
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
    const c = this.chunk!;
    const b = this.row;
    c.head[b] = kind | (((priceTicks === undefined ? 0 : 1) | (lots === undefined ? 0 : 2) | (amount === undefined ? 0 : 4) | (extra === undefined ? 0 : 8)) << 8);
    c.timeMs[b] = timeMs;
    c.order[b] = orderRef;
    c.instrument[b] = instrumentIndex;
    c.text[b] = text === '' ? 0 : kind === LOG_NOTE ? this.texts.push(text) - 1 : this.textRef(text);
    if (priceTicks !== undefined) this.value(priceTicks);
    if (lots !== undefined) this.value(lots);
    if (amount !== undefined) this.value(amount);
    if (extra !== undefined) this.value(extra);
    this.row++;
    this.rows++;
  }

  /** The events as objects, in order. */
  *events(): Generator<LoggedEvent> {
    let v = 0;
    const next = (): number => {
      const x = this.valueChunks[Math.floor(v / CHUNK_VALUES)]![v % CHUNK_VALUES]!;
      v++;
      return x;
    };
    for (let i = 0; i < this.rows; i++) {
      const c = this.rowChunks[Math.floor(i / CHUNK_ROWS)]!;
      const b = i % CHUNK_ROWS;
      const head = c.head[b]!;
      const p = head >> 8;
      const order = c.order[b]!;
      const text = c.text[b]!;
      yield {
        kind: KIND_NAMES[head & 0xff]!,
        timeMs: c.timeMs[b]!,
        ...(order > 0 ? { clientId: this.clientIds[order]! } : {}),
        instrumentIndex: c.instrument[b]!,
        ...(p & 1 ? { priceTicks: next() } : {}),
        ...(p & 2 ? { lots: next() } : {}),
        ...(p & 4 ? { amount: next() } : {}),
        ...(p & 8 ? { extra: next() } : {}),
        ...(text > 0 ? { text: this.texts[text]! } : {}),
      };
    }
  }

  private textRef(text: string): number {
    const known = this.textRefs.get(text);
    if (known !== undefined) return known;
    const ref = this.texts.push(text) - 1;
    this.textRefs.set(text, ref);
    return ref;
  }

  private value(x: number): void {
    if (this.valueAt === CHUNK_VALUES) {
      this.values = new Float64Array(CHUNK_VALUES);
      this.valueChunks.push(this.values);
      this.valueAt = 0;
    }
    this.values[this.valueAt++] = x;
  }

  private addChunk(): void {
    this.chunk = new RowChunk();
    this.rowChunks.push(this.chunk);
    this.row = 0;
  }
}
