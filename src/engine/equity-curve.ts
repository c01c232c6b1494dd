// The run's equity curve: equity (settle asset, float) at every bar's close, written after the venue processed the
// bar. Bars held by one instrument's position are valued in batches, when the position or the balance is about to
// change and at the end, rather than one by one. Must never change a balance or a position.
import type { InstrumentBook, Ledger } from './ledger.js';

/**
 * Between two changes of the books (a fill, a funding payment, a liquidation) equity at a close depends only on that
 * close, so the held bars of a single-instrument run are valued in one tight loop when the next change comes (or
 * the run ends): the same figures, computed the same way, without a P&L evaluation's calls on every bar.
 */
export class EquityCurve {
  readonly values: Float64Array;
  /** Bars before this index have their equity written; from it to the bars closed, they wait for `flush`. */
  private writtenTo = 0;

  constructor(
    bars: number,
    private readonly ledger: Ledger,
    /** The one book of a single-instrument run (its bars' closes value it), or undefined with several books. */
    private readonly single: InstrumentBook | undefined,
    private readonly closeTicks: ArrayLike<number>,
  ) {
    this.values = new Float64Array(bars);
  }

  /** Bar `i` closed flat: equity is the balance. */
  flat(i: number): void {
    if (this.writtenTo < i) this.flush(i);
    this.values[i] = this.ledger.balanceMoney / 1e8;
    this.writtenTo = i + 1;
  }

  /** Bar `i` closed with a position held (books valued at their last close). */
  held(i: number): void {
    if (this.single !== undefined) return;
    this.ledger.writeEquity(this.values, i);
    this.writtenTo = i + 1;
  }

  /**
   * Writes the equity of the held bars before `barsClosed` still pending; the engine calls it before anything changes
   * the books. Equity is balance + the sum of the legs' unrealised P&L at the bar's close, added in the order
   * `Ledger.equityUnits` adds them, so the figures are the ones a bar-by-bar valuation gives.
   */
  flush(barsClosed: number): void {
    const book = this.single;
    if (book === undefined || this.writtenTo >= barsClosed) return;
    const balance = this.ledger.balanceMoney as number;
    const out = this.values;
    const close = this.closeTicks;
    const only = book.onlyHeldLeg();
    // One leg held (the usual case): the other legs add exactly 0, so valuing that leg alone gives the same sums.
    if (only !== undefined) for (let k = this.writtenTo; k < barsClosed; k++) out[k] = (balance + only.unrealisedPnlUnits(close[k]!)) / 1e8;
    else for (let k = this.writtenTo; k < barsClosed; k++) out[k] = (balance + book.unrealisedUnitsAt(close[k]!)) / 1e8;
    this.writtenTo = barsClosed;
  }
}
