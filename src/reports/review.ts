// The weekly review read from the journal: a week's (or any period's) trades split by regime, hour and the rest,
// the trading-rule violations found in the events, streaks, and the biggest leaks with the trades behind each.
// Read-only: must never write to the journal nor guess a figure it lacks (it says what it could not check).
import type Database from 'better-sqlite3';
import { InputError } from '../core/errors.js';
import { formatCount, gridFromStep, type Grid } from '../core/grid.js';
import { asMoney, moneyFromText, type Money } from '../core/money.js';
import { MS_PER_DAY } from '../core/time.js';
import type { InstrumentId } from '../domain/instrument.js';
import type { RoundTrip } from '../domain/round-trip.js';
import type { Side } from '../domain/side.js';
import { decodeEventRow, type EventRow } from '../journal/event-store.js';
import { getRun, listTrades, type JournalRun, type JournalTrade } from '../journal/journal-queries.js';
import { biggestLeaks, type Leak } from './leaks.js';
import { moneyText, type MoneyText } from './report-values.js';
import { inExitOrder } from './summary-metrics.js';
import { splitTrades, type RegimesByInstrument, type SplitOptions, type SplitReport } from './splits.js';
import { totalNetPnl, tradeStats, type TradeStats } from './trade-stats.js';

export interface ReviewPeriod {
  /** "2025-W20", or "2025-05-12 .. 2025-05-18". */
  readonly label: string;
  /** Entry-time bounds, epoch ms UTC, both inclusive (a trade belongs to the period it entered in). */
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * An ISO 8601 week "YYYY-Www" as [Monday 00:00, Sunday 23:59:59.999] UTC. Week 1 is the week with the year's first
 * Thursday (the one holding 4 January), so 2025-W01 starts on Monday 2024-12-30 (ISO 8601-1:2019, 5.2.4.1).
 */
export function isoWeekPeriod(text: string, flag = '--week'): ReviewPeriod {
  const m = /^(\d{4})-?W(\d{2})$/i.exec(text.trim());
  const fix = 'pass an ISO week as YYYY-Www, e.g. 2025-W20 (weeks start on Monday, UTC)';
  if (m === null) throw new InputError('INVALID_OPTION', flag, `"${text}" is not an ISO week`, fix);
  const year = Number(m[1]);
  const week = Number(m[2]);
  const jan4 = Date.UTC(year, 0, 4);
  const week1Monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * MS_PER_DAY;
  // A year has 53 ISO weeks when it starts on a Thursday, or is a leap year starting on a Wednesday.
  const nextWeek1Monday = ((): number => {
    const j = Date.UTC(year + 1, 0, 4);
    return j - ((new Date(j).getUTCDay() + 6) % 7) * MS_PER_DAY;
  })();
  const weeks = Math.round((nextWeek1Monday - week1Monday) / (7 * MS_PER_DAY));
  if (week < 1 || week > weeks) throw new InputError('OUT_OF_RANGE', flag, `${year} has weeks 01 to ${weeks}, not ${m[2]}`, fix);
  const fromMs = week1Monday + (week - 1) * 7 * MS_PER_DAY;
  return { label: `${year}-W${m[2]}`, fromMs, toMs: fromMs + 7 * MS_PER_DAY - 1 };
}

export interface ReviewOptions {
  readonly period: ReviewPeriod;
  /** Only this run's trades; default: every run with a trade entered in the period. */
  readonly runId?: string;
  /** Largest planned risk per trade, percent of equity at entry, before it is a violation. Default 1. */
  readonly riskBudgetPct?: number;
  /** Regime series per instrument (bars covering the period plus warm-up); without them regime buckets are "unknown". */
  readonly regimes?: RegimesByInstrument;
  readonly split?: SplitOptions;
  /** How many leaks to name. Default 3. */
  readonly leakCount?: number;
}

/** A broken trading rule, with the trade it happened in (undefined when no trade of the run spans that moment). */
export type Violation =
  | {
      readonly kind: 'risk-above-budget';
      readonly runId: string;
      readonly tradeId: number;
      readonly timeMs: number;
      /** Planned risk (initial risk to the stop) as a percent of the equity at entry, and the budget. */
      readonly riskPct: number;
      readonly budgetPct: number;
      readonly risk: MoneyText;
      readonly equityAtEntry: MoneyText;
    }
  | { readonly kind: 'no-stop'; readonly runId: string; readonly tradeId: number; readonly timeMs: number }
  | {
      readonly kind: 'stop-moved-wider';
      readonly runId: string;
      readonly tradeId: number | undefined;
      readonly timeMs: number;
      readonly clientId: string;
      /** Stop prices before and after, exact decimals of the instrument's tick. */
      readonly fromPrice: string;
      readonly toPrice: string;
    }
  | {
      readonly kind: 'add-while-not-in-profit';
      readonly runId: string;
      readonly tradeId: number | undefined;
      readonly timeMs: number;
      readonly clientId: string;
      readonly side: Side;
      /** The add's fill price and the position's average entry before it (exact decimals). */
      readonly fillPrice: string;
      readonly averageEntry: string;
    };

export type ViolationKind = Violation['kind'];

export interface Streak {
  readonly count: number;
  readonly total: MoneyText;
  readonly fromMs: number;
  readonly toMs: number;
  readonly tradeIds: readonly number[];
}

export interface WeeklyReview {
  readonly period: ReviewPeriod;
  readonly runs: readonly { readonly runId: string; readonly strategy: string; readonly source: string; readonly trades: number }[];
  readonly whole: TradeStats;
  readonly splits: SplitReport;
  readonly violations: readonly Violation[];
  /** Longest runs of losses and of wins in exit order; undefined when there is none. */
  readonly streaks: { readonly longestLosing: Streak | undefined; readonly longestWinning: Streak | undefined };
  readonly leaks: readonly Leak[];
  /** What the review could not check, in words (no bars for the regimes, no starting equity for a risk budget). */
  readonly notes: readonly string[];
}

/** A journal trade as the report library's round trip; its id is the journal trade id, so `journal show` finds it. */
export function journalTradeAsRoundTrip(t: JournalTrade): RoundTrip {
  return {
    id: t.tradeId,
    runId: t.runId,
    source: t.source,
    instrument: t.instrument,
    side: t.side,
    entryTimeMs: t.entryTimeMs,
    exitTimeMs: t.exitTimeMs,
    entryPrice: t.entryPrice,
    exitPrice: t.exitPrice,
    maxLots: t.maxLots,
    maxContracts: t.maxContracts,
    entries: t.entries,
    exits: t.exits,
    grossPnl: t.grossPnl,
    fees: t.fees,
    funding: t.funding,
    netPnl: t.netPnl,
    exitReason: t.exitReason,
    ...(t.entryTag !== undefined ? { entryTag: t.entryTag } : {}),
    ...(t.plannedStop !== undefined ? { plannedStop: t.plannedStop } : {}),
    ...(t.plannedTarget !== undefined ? { plannedTarget: t.plannedTarget } : {}),
    ...(t.initialRisk !== undefined ? { initialRisk: t.initialRisk } : {}),
    mae: t.mae,
    mfe: t.mfe,
    barsHeld: t.barsHeld,
  };
}

/** The run's starting equity from its config (`equity` of a backtest, `startingBalance` elsewhere), if recorded. */
function startingEquity(run: JournalRun): Money | undefined {
  for (const key of ['equity', 'startingBalance']) {
    const v = run.config[key];
    const m = typeof v === 'string' ? moneyFromText(v) : typeof v === 'number' ? moneyFromText(String(v)) : undefined;
    if (m !== undefined && m > 0) return m;
  }
  return undefined;
}

/**
 * Risk above budget and trades without a stop. Equity at entry = the run's starting equity + the net P&L of its
 * trades closed at or before the entry (funding of a position still open is not in it).
 */
function riskViolations(run: JournalRun, runTrades: readonly JournalTrade[], inPeriod: readonly JournalTrade[], budgetPct: number, notes: string[]): Violation[] {
  const out: Violation[] = [];
  const start = startingEquity(run);
  if (start === undefined) notes.push(`run ${run.runId}: no starting equity in its config, so risk per trade was not checked against the ${budgetPct}% budget`);
  const byExit = [...runTrades].sort((a, b) => a.exitTimeMs - b.exitTimeMs);
  for (const t of inPeriod) {
    if (t.initialRisk === undefined || t.initialRisk <= 0) {
      out.push({ kind: 'no-stop', runId: t.runId, tradeId: t.tradeId, timeMs: t.entryTimeMs });
      continue;
    }
    if (start === undefined) continue;
    let equity: number = start;
    for (const c of byExit) {
      if (c.exitTimeMs > t.entryTimeMs) break;
      equity += c.netPnl;
    }
    if (equity <= 0) continue;
    const riskPct = (100 * t.initialRisk) / equity;
    // A hair above the budget is float noise of a size rounded down to the lot step, not a broken rule.
    if (riskPct > budgetPct * (1 + 1e-9)) {
      out.push({ kind: 'risk-above-budget', runId: t.runId, tradeId: t.tradeId, timeMs: t.entryTimeMs, riskPct, budgetPct, risk: moneyText(t.initialRisk), equityAtEntry: moneyText(asMoney(equity)) });
    }
  }
  return out;
}

interface PositionState {
  lots: number;
  avgTicks: number;
  openedBy: string | undefined;
}

const STOP_TYPES: ReadonlySet<string> = new Set(['stop-market', 'stop-limit', 'trailing-stop']);

/**
 * Stops moved wider and adds while not in profit, replayed from the run's order and fill events in journal order.
 * The position is net per instrument (in hedge mode both legs are netted, so adds are judged on the net position).
 * An add is a fill in the position's direction by another order than the one that opened it; it is "not in profit"
 * when its price is at or worse than the average entry (long: <=, short: >=), before fees. A stop moves wider when a
 * modify sets a sell stop's trigger lower or a buy stop's higher; a modify that does not record its new price is
 * not judged.
 */
function eventViolations(db: Database.Database, run: JournalRun, runTrades: readonly JournalTrade[], period: ReviewPeriod): Violation[] {
  const grids = new Map<string, Grid>();
  for (const i of run.instruments) {
    const g = gridFromStep(i.tickSize);
    if (g !== undefined) grids.set(i.id, g);
  }
  const price = (instrument: string, ticks: number): string => {
    const g = grids.get(instrument);
    return g === undefined ? `${ticks} ticks` : formatCount(ticks, g);
  };
  const tradeAt = (instrument: InstrumentId, timeMs: number): number | undefined =>
    runTrades.find((t) => t.instrument === instrument && t.entryTimeMs <= timeMs && timeMs <= t.exitTimeMs)?.tradeId;
  const inPeriod = (ms: number): boolean => ms >= period.fromMs && ms <= period.toMs;
  const rows = db
    .prepare(`SELECT seq, type, run_id, payload FROM events WHERE run_id = ? AND type IN ('OrderIntent', 'OrderModified', 'Fill', 'Liquidation') ORDER BY seq`)
    .all(run.runId) as EventRow[];
  const stops = new Map<string, { readonly action: string; triggerTicks: number }>();
  const positions = new Map<string, PositionState>();
  const out: Violation[] = [];
  for (const row of rows) {
    const e = decodeEventRow(row).event;
    switch (e.type) {
      case 'OrderIntent': {
        const trigger = e.orderType === 'stop-limit' ? (e.triggerTicks ?? e.limitTicks) : e.triggerTicks;
        if (STOP_TYPES.has(e.orderType) && trigger !== undefined) stops.set(e.clientId, { action: e.action, triggerTicks: trigger });
        break;
      }
      case 'OrderModified': {
        const stop = stops.get(e.clientId);
        const next = e.triggerTicks ?? e.limitTicks;
        if (stop === undefined || next === undefined) break;
        const wider = stop.action === 'sell' ? next < stop.triggerTicks : next > stop.triggerTicks;
        if (wider && inPeriod(e.tsVenue)) {
          out.push({ kind: 'stop-moved-wider', runId: run.runId, tradeId: tradeAt(e.instrument, e.tsVenue), timeMs: e.tsVenue, clientId: e.clientId, fromPrice: price(e.instrument, stop.triggerTicks), toPrice: price(e.instrument, next) });
        }
        stop.triggerTicks = next;
        break;
      }
      case 'Fill': {
        const p = positions.get(e.instrument) ?? { lots: 0, avgTicks: 0, openedBy: undefined };
        positions.set(e.instrument, p);
        const signed = e.action === 'buy' ? e.qtyLots : -e.qtyLots;
        if (p.lots === 0 || Math.sign(signed) === Math.sign(p.lots)) {
          if (p.lots !== 0 && e.clientId !== p.openedBy) {
            const long = p.lots > 0;
            const notInProfit = long ? e.priceTicks <= p.avgTicks : e.priceTicks >= p.avgTicks;
            if (notInProfit && inPeriod(e.tsVenue)) {
              out.push({ kind: 'add-while-not-in-profit', runId: run.runId, tradeId: tradeAt(e.instrument, e.tsVenue), timeMs: e.tsVenue, clientId: e.clientId, side: long ? 'long' : 'short', fillPrice: price(e.instrument, e.priceTicks), averageEntry: price(e.instrument, Math.round(p.avgTicks)) });
            }
          }
          if (p.lots === 0) p.openedBy = e.clientId;
          const size = Math.abs(p.lots);
          p.avgTicks = (p.avgTicks * size + e.priceTicks * e.qtyLots) / (size + e.qtyLots);
          p.lots += signed;
        } else {
          const after = p.lots + signed;
          if (after !== 0 && Math.sign(after) !== Math.sign(p.lots)) {
            p.avgTicks = e.priceTicks;
            p.openedBy = e.clientId;
          }
          p.lots = after;
        }
        break;
      }
      case 'Liquidation':
        positions.set(e.instrument, { lots: 0, avgTicks: 0, openedBy: undefined });
        break;
      default:
        break;
    }
  }
  return out;
}

/** The longest run of wins (sign 1) or losses (sign -1) in exit order; the first one on a tie. */
function longestStreak(trades: readonly RoundTrip[], sign: 1 | -1): Streak | undefined {
  let best: RoundTrip[] = [];
  let current: RoundTrip[] = [];
  for (const t of inExitOrder(trades)) {
    if (Math.sign(t.netPnl) === sign) current.push(t);
    else current = [];
    if (current.length > best.length) best = [...current];
  }
  if (best.length === 0) return undefined;
  return { count: best.length, total: moneyText(totalNetPnl(best)), fromMs: best[0]!.entryTimeMs, toMs: best[best.length - 1]!.exitTimeMs, tradeIds: best.map((t) => t.id) };
}

/**
 * The review of one period: every trade entered in it (of one run, or of all runs), split and tested as in
 * splits.ts, the leaks as in leaks.ts, the rule violations and the streaks. Throws InputError for an unknown run.
 */
export function weeklyReview(db: Database.Database, options: ReviewOptions): WeeklyReview {
  const { period } = options;
  const budgetPct = options.riskBudgetPct ?? 1;
  if (!(budgetPct > 0 && budgetPct <= 100)) throw new InputError('OUT_OF_RANGE', '--risk-budget', `${budgetPct} is not a percent above 0`, 'pass a percent of equity such as 1 or 0.5');
  if (options.runId !== undefined && getRun(db, options.runId) === undefined) {
    throw new InputError('NOT_FOUND', '--run', `there is no run ${options.runId} in the journal`, 'run `microfut journal runs` to see run ids');
  }
  const journalTrades = listTrades(db, { fromMs: period.fromMs, toMs: period.toMs, ...(options.runId !== undefined ? { runId: options.runId } : {}) });
  const trades = journalTrades.map(journalTradeAsRoundTrip);
  const notes: string[] = [];
  const runIds = [...new Set(journalTrades.map((t) => t.runId))].sort();
  const violations: Violation[] = [];
  const runs = runIds.map((runId) => {
    const run = getRun(db, runId)!;
    const runTrades = listTrades(db, { runId });
    const inPeriod = journalTrades.filter((t) => t.runId === runId);
    violations.push(...riskViolations(run, runTrades, inPeriod, budgetPct, notes), ...eventViolations(db, run, runTrades, period));
    if (run.status === 'running') notes.push(`run ${runId} is still running or its process died: its last trades may be missing`);
    return { runId, strategy: run.strategy, source: run.source, trades: inPeriod.length };
  });
  violations.sort((a, b) => a.timeMs - b.timeMs || a.kind.localeCompare(b.kind));
  const instruments = [...new Set(trades.map((t) => t.instrument))];
  const missing = instruments.filter((i) => options.regimes?.get(i) === undefined);
  if (trades.length > 0 && missing.length > 0) {
    notes.push(`no bars for ${missing.join(', ')}: their regime, trend, volatility and spike buckets are "unknown" (pass --data, or import the bars with \`microfut data import\`)`);
  }
  const settles = new Set(journalTrades.map((t) => t.settle ?? '?'));
  if (settles.size > 1) notes.push(`trades settle in ${[...settles].join(', ')}: money totals add amounts of different assets`);
  return {
    period,
    runs,
    whole: tradeStats(trades),
    splits: splitTrades(trades, options.regimes, options.split),
    violations,
    streaks: { longestLosing: longestStreak(trades, -1), longestWinning: longestStreak(trades, 1) },
    leaks: biggestLeaks(trades, options.regimes, { ...options.split, count: options.leakCount ?? 3 }),
    notes,
  };
}
