// Per-trade metrics: R-multiple, MAE/MFE in R, time held, exit reason and tag, as a JSON-ready row. Pure; must
// never guess a risk the strategy did not plan (no stop, no R).
import type { Money } from '../core/money.js';
import type { InstrumentId } from '../domain/instrument.js';
import type { ExitReason, RoundTrip, TradeSource } from '../domain/round-trip.js';
import type { Side } from '../domain/side.js';
import { moneyText, type MoneyText } from './report-values.js';

/** One round trip as reports show it. Money as exact decimal strings, ratios as numbers. */
export interface TradeMetrics {
  readonly id: number;
  readonly runId: string;
  readonly source: TradeSource;
  readonly instrument: InstrumentId;
  readonly side: Side;
  readonly entryTimeMs: number;
  readonly exitTimeMs: number;
  /** exitTimeMs - entryTimeMs. */
  readonly heldMs: number;
  readonly barsHeld: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly maxContracts: string;
  readonly entries: number;
  readonly exits: number;
  readonly grossPnl: MoneyText;
  readonly fees: MoneyText;
  readonly funding: MoneyText;
  readonly netPnl: MoneyText;
  readonly initialRisk: MoneyText | undefined;
  /** Net P&L in units of the initial risk; undefined without a planned stop and a positive initial risk. */
  readonly rMultiple: number | undefined;
  readonly mae: MoneyText;
  readonly mfe: MoneyText;
  /** MAE and MFE in units of the initial risk (maeR <= 0 <= mfeR); undefined when rMultiple is. */
  readonly maeR: number | undefined;
  readonly mfeR: number | undefined;
  readonly exitReason: ExitReason;
  readonly entryTag: string | undefined;
  readonly plannedStop: number | undefined;
  readonly plannedTarget: number | undefined;
}

/** The planned risk of a trade as a divisor, or undefined when there is no stop or no positive risk. */
function riskOf(trade: RoundTrip): Money | undefined {
  if (trade.plannedStop === undefined || trade.initialRisk === undefined || !(trade.initialRisk > 0)) return undefined;
  return trade.initialRisk;
}

/**
 * R-multiple = net P&L / initial risk (Van Tharp, "Trade Your Way to Financial Freedom": profit in units of the
 * amount risked at entry). Net of fees and funding, so a trade stopped out exactly at its stop is a little below
 * -1R. Undefined without a planned stop and a positive initial risk.
 */
export function rMultiple(trade: RoundTrip): number | undefined {
  const risk = riskOf(trade);
  return risk === undefined ? undefined : trade.netPnl / risk;
}

/** The report row of one trade. */
export function tradeMetrics(trade: RoundTrip): TradeMetrics {
  const risk = riskOf(trade);
  return {
    id: trade.id,
    runId: trade.runId,
    source: trade.source,
    instrument: trade.instrument,
    side: trade.side,
    entryTimeMs: trade.entryTimeMs,
    exitTimeMs: trade.exitTimeMs,
    heldMs: trade.exitTimeMs - trade.entryTimeMs,
    barsHeld: trade.barsHeld,
    entryPrice: trade.entryPrice,
    exitPrice: trade.exitPrice,
    maxContracts: trade.maxContracts,
    entries: trade.entries,
    exits: trade.exits,
    grossPnl: moneyText(trade.grossPnl),
    fees: moneyText(trade.fees),
    funding: moneyText(trade.funding),
    netPnl: moneyText(trade.netPnl),
    initialRisk: trade.initialRisk === undefined ? undefined : moneyText(trade.initialRisk),
    rMultiple: risk === undefined ? undefined : trade.netPnl / risk,
    mae: moneyText(trade.mae),
    mfe: moneyText(trade.mfe),
    maeR: risk === undefined ? undefined : trade.mae / risk,
    mfeR: risk === undefined ? undefined : trade.mfe / risk,
    exitReason: trade.exitReason,
    entryTag: trade.entryTag,
    plannedStop: trade.plannedStop,
    plannedTarget: trade.plannedTarget,
  };
}
