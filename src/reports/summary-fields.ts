// The catalogue of summary fields as people see them: label, unit, which direction is better and how to read
// the value out of a SummaryMetrics. Used by the terminal renderer and run comparison; must never compute metrics.
import type { SummaryMetrics } from './summary-metrics.js';

/** How a value is written: money (decimal string), percent, plain ratio, count, epoch ms or a duration in ms. */
export type FieldUnit = 'money' | 'pct' | 'ratio' | 'count' | 'time-ms' | 'duration-ms';
/** Which way is better when runs are compared; 'none' for context such as the market change. */
export type Better = 'higher' | 'lower' | 'none';

export interface SummaryField {
  readonly key: string;
  readonly label: string;
  readonly unit: FieldUnit;
  readonly better: Better;
  readonly read: (s: SummaryMetrics) => string | number | undefined;
}

export const SUMMARY_FIELDS: readonly SummaryField[] = [
  { key: 'startMs', label: 'start', unit: 'time-ms', better: 'none', read: (s) => s.startMs },
  { key: 'endMs', label: 'end', unit: 'time-ms', better: 'none', read: (s) => s.endMs },
  { key: 'startEquity', label: 'start equity', unit: 'money', better: 'none', read: (s) => s.startEquity },
  { key: 'endEquity', label: 'end equity', unit: 'money', better: 'higher', read: (s) => s.endEquity },
  { key: 'netPnl', label: 'net P&L', unit: 'money', better: 'higher', read: (s) => s.netPnl },
  { key: 'grossPnl', label: 'gross P&L', unit: 'money', better: 'higher', read: (s) => s.grossPnl },
  { key: 'totalReturnPct', label: 'return %', unit: 'pct', better: 'higher', read: (s) => s.totalReturnPct },
  { key: 'cagrPct', label: 'CAGR %', unit: 'pct', better: 'higher', read: (s) => s.cagrPct },
  { key: 'maxDrawdownPct', label: 'max drawdown %', unit: 'pct', better: 'higher', read: (s) => s.maxDrawdown?.pct ?? 0 },
  { key: 'maxDrawdownAmount', label: 'max drawdown', unit: 'money', better: 'higher', read: (s) => s.maxDrawdown?.amount ?? '0.00' },
  { key: 'maxDrawdownPeakMs', label: 'drawdown peak', unit: 'time-ms', better: 'none', read: (s) => s.maxDrawdown?.peakMs },
  { key: 'maxDrawdownTroughMs', label: 'drawdown trough', unit: 'time-ms', better: 'none', read: (s) => s.maxDrawdown?.troughMs },
  { key: 'maxDrawdownRecoveryMs', label: 'drawdown recovered', unit: 'time-ms', better: 'none', read: (s) => s.maxDrawdown?.recoveryMs },
  { key: 'sharpe', label: 'Sharpe', unit: 'ratio', better: 'higher', read: (s) => s.sharpe },
  { key: 'sortino', label: 'Sortino', unit: 'ratio', better: 'higher', read: (s) => s.sortino },
  { key: 'calmar', label: 'Calmar', unit: 'ratio', better: 'higher', read: (s) => s.calmar },
  { key: 'trades', label: 'trades', unit: 'count', better: 'none', read: (s) => s.trades },
  { key: 'winRatePct', label: 'win rate %', unit: 'pct', better: 'higher', read: (s) => s.winRatePct },
  { key: 'profitFactor', label: 'profit factor', unit: 'ratio', better: 'higher', read: (s) => s.profitFactor },
  { key: 'expectancy', label: 'expectancy / trade', unit: 'money', better: 'higher', read: (s) => s.expectancy },
  { key: 'expectancyR', label: 'expectancy R', unit: 'ratio', better: 'higher', read: (s) => s.expectancyR },
  { key: 'averageWin', label: 'average win', unit: 'money', better: 'higher', read: (s) => s.averageWin },
  { key: 'averageLoss', label: 'average loss', unit: 'money', better: 'higher', read: (s) => s.averageLoss },
  { key: 'payoffRatio', label: 'payoff ratio', unit: 'ratio', better: 'higher', read: (s) => s.payoffRatio },
  { key: 'bestTrade', label: 'best trade', unit: 'money', better: 'higher', read: (s) => s.bestTrade?.netPnl },
  { key: 'worstTrade', label: 'worst trade', unit: 'money', better: 'higher', read: (s) => s.worstTrade?.netPnl },
  { key: 'longestLosingStreak', label: 'longest losing streak', unit: 'count', better: 'lower', read: (s) => s.longestLosingStreak },
  { key: 'exposurePct', label: 'exposure %', unit: 'pct', better: 'none', read: (s) => s.exposurePct },
  { key: 'feesPaid', label: 'fees paid', unit: 'money', better: 'lower', read: (s) => s.feesPaid },
  { key: 'fundingPaid', label: 'funding paid', unit: 'money', better: 'lower', read: (s) => s.fundingPaid },
  { key: 'feesShareOfGrossPct', label: 'fees % of gross', unit: 'pct', better: 'lower', read: (s) => s.feesShareOfGrossPct },
  { key: 'fundingShareOfGrossPct', label: 'funding % of gross', unit: 'pct', better: 'lower', read: (s) => s.fundingShareOfGrossPct },
  { key: 'liquidations', label: 'liquidations', unit: 'count', better: 'lower', read: (s) => s.liquidations },
  { key: 'marketChangePct', label: 'market change %', unit: 'pct', better: 'none', read: (s) => s.marketChangePct },
];
