// The data behind one HTML report (and the JSON written beside it): summary, splits, leaks, monthly returns, the
// trade rows with their regime at entry, and the chart series. Pure; must never recompute a trade or read files.
import type { BarColumns } from '../../data/columns.js';
import type { InstrumentId } from '../../domain/instrument.js';
import { biggestLeaks, type Leak } from '../leaks.js';
import { DEFAULT_REGIME_OPTIONS as DEFAULT_OPTIONS, entryRegime, regimeSeries, type Regime } from '../regimes.js';
import type { RunBarsOrigin } from '../run-bars.js';
import type { RunFiles } from '../run-files.js';
import { splitTrades, type SplitReport } from '../splits.js';
import { summaryMetrics, type SummaryMetrics } from '../summary-metrics.js';
import { tradeMetrics, type TradeMetrics } from '../trade-metrics.js';
import { chartData, emaPeriodsOf, type ChartData } from './chart-series.js';
import { monthlyReturns, type MonthlyReturn } from './monthly-returns.js';

export interface ReportTrade extends TradeMetrics {
  /** The regime of the last bar closed at entry; undefined without bars or inside the warm-up. */
  readonly regime: Regime | undefined;
}

export interface ReportModel {
  readonly runId: string;
  readonly strategy: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly instrument: string;
  readonly settleAsset: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly summary: SummaryMetrics;
  readonly splits: SplitReport;
  readonly leaks: readonly Leak[];
  readonly monthly: readonly MonthlyReturn[];
  readonly trades: readonly ReportTrade[];
  readonly chart: ChartData;
  /** The bars drawn and behind the regimes: the run's interval, the file, and what they were resampled from; undefined without bars. */
  readonly bars: RunBarsOrigin | undefined;
  /** What the report could not show and why (e.g. the bars file was not found), shown at the top of the page. */
  readonly notes: readonly string[];
}

export interface ModelInput {
  readonly run: RunFiles;
  /** The instrument's bars from the start of its file up to the run's end, or undefined when unavailable. */
  readonly bars: BarColumns | undefined;
  readonly barsOrigin: RunBarsOrigin | undefined;
  readonly barIntervalMs: number;
  readonly notes: readonly string[];
}

function timeOf(value: unknown): number | undefined {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** The run's window: run.json's summary from/to, else the equity curve's first bar open to its last close. */
function runWindow(run: RunFiles, barIntervalMs: number): { readonly fromMs: number; readonly toMs: number } {
  const t = run.equity.timeMs;
  return {
    fromMs: timeOf(run.run.summary?.from) ?? t[0]! - barIntervalMs,
    toMs: timeOf(run.run.summary?.to) ?? t[t.length - 1]!,
  };
}

/** Builds the report's data. Regimes use the bars before the run as warm-up, so labels near its start exist. */
export function reportModel(input: ModelInput): ReportModel {
  const { run, bars, barIntervalMs } = input;
  const { fromMs, toMs } = runWindow(run, barIntervalMs);
  const notes = [...input.notes];
  const series = bars && bars.length >= 2 ? regimeSeries(bars, { ...DEFAULT_OPTIONS, barIntervalMs }) : undefined;
  if (!series) notes.push('regimes and volatility buckets are "unknown": the bars of the run were not available');
  const regimes = series ? new Map([[run.run.instrument.id as InstrumentId, series]]) : undefined;
  const params = run.run.strategy.params ?? {};
  return {
    runId: run.run.runId,
    strategy: run.run.strategy.name,
    params,
    instrument: run.run.instrument.id,
    settleAsset: run.run.instrument.settle,
    fromMs,
    toMs,
    summary: summaryMetrics(run.trades, run.equity, bars ? { bars } : {}),
    splits: splitTrades(run.trades, regimes),
    leaks: biggestLeaks(run.trades, regimes),
    monthly: monthlyReturns(run.equity),
    trades: run.trades.map((t) => ({ ...tradeMetrics(t), regime: series ? entryRegime(series, t.entryTimeMs).regime : undefined })),
    chart: chartData({ bars, barIntervalMs, fromMs, toMs, trades: run.trades, curve: run.equity, emaPeriods: emaPeriodsOf(params) }),
    bars: input.barsOrigin,
    notes,
  };
}
