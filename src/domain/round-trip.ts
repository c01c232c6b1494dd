// A round trip: one position from flat to flat (scale-ins and partial exits included), as the engine closes it and
// as reports, the journal and reviews read it. Plain data; must never hold behaviour.
import type { Money } from '../core/money.js';
import type { InstrumentId } from './instrument.js';
import type { Side } from './side.js';

/** Why a round trip ended (the last reducing fill's reason). */
export type ExitReason =
  | 'take-profit'
  | 'stop-loss'
  | 'trailing-stop'
  | 'liquidation'
  | 'signal'
  | 'time-stop'
  | 'end-of-data'
  | 'manual';

/** Where a trade was made. */
export type TradeSource = 'backtest' | 'paper' | 'live';

export interface RoundTrip {
  /** Sequence number within its run, from 1. */
  readonly id: number;
  readonly runId: string;
  readonly source: TradeSource;
  readonly instrument: InstrumentId;
  readonly side: Side;
  readonly entryTimeMs: number;
  readonly exitTimeMs: number;
  /** Volume-weighted average entry and exit prices (floats: an average need not lie on the grid). */
  readonly entryPrice: number;
  readonly exitPrice: number;
  /** Largest size held during the trip, in lots and in contracts (decimal string, exact). */
  readonly maxLots: number;
  readonly maxContracts: string;
  /** Number of entry fills (1 without scale-ins) and of exit fills. */
  readonly entries: number;
  readonly exits: number;
  /** P&L before fees and funding, fees paid (negative = rebate) and funding received (negative = paid). */
  readonly grossPnl: Money;
  readonly fees: Money;
  readonly funding: Money;
  /** grossPnl - fees + funding. */
  readonly netPnl: Money;
  readonly exitReason: ExitReason;
  /** The strategy's label for the setup (e.g. "vwap-bounce:long"), undefined when it gave none. */
  readonly entryTag?: string;
  /** The stop and target planned at entry (prices), when the strategy gave them. */
  readonly plannedStop?: number;
  readonly plannedTarget?: number;
  /** Money at risk at entry (distance to the planned stop x size), the denominator of the R-multiple. */
  readonly initialRisk?: Money;
  /** Maximum adverse and favourable excursion while open, in the settle asset (MAE <= 0 <= MFE). */
  readonly mae: Money;
  readonly mfe: Money;
  readonly barsHeld: number;
}
