import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test/support/shared-data.js';
import { parseBacktestConfig } from '../backtest/backtest-config.js';
import { recordBacktest } from '../backtest/journal-sink.js';
import { runBacktest } from '../backtest/run-backtest.js';
import { moneyFromText, type Money } from '../core/money.js';
import type { InstrumentId } from '../domain/instrument.js';
import type { RoundTrip } from '../domain/round-trip.js';
import { loadRegistry } from '../data/spec-files.js';
import { IN_MEMORY, openJournalDb } from '../journal/journal-db.js';
import { getRun } from '../journal/journal-queries.js';
import { JournalWriter } from '../journal/journal-writer.js';
import { DEFAULT_REGIME_OPTIONS, regimeSeries } from './regimes.js';
import { isoWeekPeriod, weeklyReview } from './review.js';

const clock = { nowMs: () => 1_750_000_000_000 as never };
const BTC = 'BINANCE:BTCUSDT' as InstrumentId;
const iso = (ms: number): string => new Date(ms).toISOString();

describe('isoWeekPeriod', () => {
  it('gives Monday 00:00 to Sunday 23:59:59.999 UTC of ISO 8601 weeks', () => {
    // 2025-05-12 is a Monday; 4 January 2025 is a Saturday, so week 1 starts Monday 2024-12-30.
    expect(iso(isoWeekPeriod('2025-W20').fromMs)).toBe('2025-05-12T00:00:00.000Z');
    expect(iso(isoWeekPeriod('2025-W20').toMs)).toBe('2025-05-18T23:59:59.999Z');
    expect(iso(isoWeekPeriod('2025-W01').fromMs), 'week 1 holds 4 January').toBe('2024-12-30T00:00:00.000Z');
    // 2020 is a leap year starting on a Wednesday: 53 weeks; week 53 starts Monday 2020-12-28.
    expect(iso(isoWeekPeriod('2020-W53').fromMs)).toBe('2020-12-28T00:00:00.000Z');
  });

  it('refuses a week the year does not have and text that is not a week, naming the flag', () => {
    expect(() => isoWeekPeriod('2021-W53'), '2021 starts on a Friday: 52 weeks').toThrow(/--week.*weeks 01 to 52/);
    expect(() => isoWeekPeriod('2025-20')).toThrow(/--week.*not an ISO week/);
  });
});

const trip = (id: number, runId: string, entryMs: number, exitMs: number, net: number, extra: Partial<RoundTrip> = {}): RoundTrip => ({
  id, runId, source: 'backtest', instrument: BTC, side: 'long', entryTimeMs: entryMs, exitTimeMs: exitMs, entryPrice: 100, exitPrice: 101,
  maxLots: 2, maxContracts: '0.002', entries: 2, exits: 1, grossPnl: net as Money, fees: 0 as Money, funding: 0 as Money, netPnl: net as Money,
  exitReason: 'signal', mae: 0 as Money, mfe: 0 as Money, barsHeld: 1, ...extra,
});

describe('weeklyReview rule violations', () => {
  it('finds risk above budget, a missing stop, a stop moved wider and an add while not in profit', () => {
    const j = openJournalDb(IN_MEMORY, { create: true });
    const w = new JournalWriter(j.db, { clock, batchSize: 1 });
    const runId = w.startRun({ runId: 'r1', source: 'backtest', strategy: 'hand', instruments: [{ id: BTC, tickSize: '0.1', lotSize: '0.001', settle: 'USDT' }], startedMs: 0, config: { equity: '1000' } });
    const week = isoWeekPeriod('2025-W20');
    const t0 = week.fromMs + 3_600_000;
    const s = (dt: number) => ({ runId, tsVenue: t0 + dt, tsLocal: t0 + dt, instrument: BTC });
    w.append({ type: 'OrderIntent', ...s(0), clientId: 'in', action: 'buy', orderType: 'market', qtyLots: 1, reduceOnly: false });
    w.append({ type: 'Fill', ...s(0), clientId: 'in', action: 'buy', qtyLots: 1, priceTicks: 1000, fee: 0 as Money, liquidity: 'taker' });
    w.append({ type: 'OrderIntent', ...s(0), clientId: 'sl', action: 'sell', orderType: 'stop-market', qtyLots: 1, triggerTicks: 990, reduceOnly: true });
    // The stop of a long moves down from 99.0 to 98.5: wider. Then up to 99.2: tighter, fine.
    w.append({ type: 'OrderModified', ...s(60_000), clientId: 'sl', triggerTicks: 985 });
    w.append({ type: 'OrderModified', ...s(90_000), clientId: 'sl', triggerTicks: 992 });
    // An add at 99.9 while the average entry is 100.0: averaging down.
    w.append({ type: 'OrderIntent', ...s(120_000), clientId: 'add', action: 'buy', orderType: 'market', qtyLots: 1, reduceOnly: false });
    w.append({ type: 'Fill', ...s(120_000), clientId: 'add', action: 'buy', qtyLots: 1, priceTicks: 999, fee: 0 as Money, liquidity: 'taker' });
    w.append({ type: 'Fill', ...s(300_000), clientId: 'sl', action: 'sell', qtyLots: 2, priceTicks: 992, fee: 0 as Money, liquidity: 'taker' });
    // Initial risk 20 USDT on 1000 equity = 2 %, above the 1 % budget; the second trade has no stop.
    w.recordRoundTrip(trip(1, runId, t0, t0 + 300_000, -1_000_000_00, { initialRisk: 20_00000000 as Money, plannedStop: 99 }));
    w.recordRoundTrip(trip(2, runId, t0 + 600_000, t0 + 700_000, 5_00000000));
    w.finishRun(runId, { finishedMs: 1, status: 'completed' });
    const r = weeklyReview(j.db, { period: week });
    const kinds = r.violations.map((v) => v.kind).sort();
    expect(kinds).toEqual(['add-while-not-in-profit', 'no-stop', 'risk-above-budget', 'stop-moved-wider']);
    const wider = r.violations.find((v) => v.kind === 'stop-moved-wider');
    expect(wider, 'the widening names the prices').toMatchObject({ fromPrice: '99', toPrice: '98.5', clientId: 'sl' });
    const risk = r.violations.find((v) => v.kind === 'risk-above-budget');
    expect(risk, '20 / 1000 = 2 % against the default 1 % budget').toMatchObject({ riskPct: 2, budgetPct: 1, risk: '20.00', equityAtEntry: '1000.00' });
    const add = r.violations.find((v) => v.kind === 'add-while-not-in-profit');
    expect(add, 'the add belongs to the first trade').toMatchObject({ fillPrice: '99.9', averageEntry: '100', side: 'long' });
    expect(add && 'tradeId' in add ? add.tradeId : undefined).toBe(getRunTradeId(j, 1));
    expect(weeklyReview(j.db, { period: week, riskBudgetPct: 2 }).violations.some((v) => v.kind === 'risk-above-budget'), 'exactly at a 2 % budget is allowed').toBe(false);
    j.close();
  });

  it('refuses an unknown run, naming --run', () => {
    const j = openJournalDb(IN_MEMORY, { create: true });
    expect(() => weeklyReview(j.db, { period: isoWeekPeriod('2025-W20'), runId: 'nope' })).toThrow(/--run.*no run nope/);
    j.close();
  });
});

function getRunTradeId(j: ReturnType<typeof openJournalDb>, seqInRun: number): number {
  return (j.db.prepare('SELECT trade_id FROM trades WHERE seq_in_run = ?').get(seqInRun) as { trade_id: number }).trade_id;
}

describe('weeklyReview on a real backtest', () => {
  it('shows the week with splits that sum back to it, its streaks and its leaks with their trades', async () => {
    const config = parseBacktestConfig({ strategy: 'ema-cross', instrument: BTC, data: sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz'), from: '2025-05-10', to: '2025-05-20' });
    const run = await runBacktest(config, { registry: loadRegistry({}), cacheDir: '/nonexistent-cache' });
    const j = openJournalDb(IN_MEMORY, { create: true });
    const recorded = recordBacktest(run, { port: new JournalWriter(j.db, { clock }), runExists: (id) => getRun(j.db, id) !== undefined, startedMs: 1, finishedMs: 2 });
    const period = isoWeekPeriod('2025-W20');
    const regimes = new Map([[BTC, regimeSeries(run.data.bars, { ...DEFAULT_REGIME_OPTIONS, barIntervalMs: run.data.intervalMs })]]);
    const r = JSON.parse(JSON.stringify(weeklyReview(j.db, { period, regimes }))) as Record<string, unknown> & ReturnType<typeof weeklyReview>;
    expect(Object.keys(r).sort()).toEqual(['leaks', 'notes', 'period', 'runs', 'splits', 'streaks', 'violations', 'whole']);
    const inWeek = run.result.trips.filter((t) => t.entryTimeMs >= period.fromMs && t.entryTimeMs <= period.toMs);
    expect(r.whole.count, 'every trade entered in the week, no other').toBe(inWeek.length);
    expect(r.runs).toEqual([{ runId: recorded.runId, strategy: 'ema-cross', source: 'backtest', trades: inWeek.length }]);
    const weekNet = inWeek.reduce((a, t) => a + t.netPnl, 0);
    expect(moneyFromText(r.whole.totalNet), 'the week total equals the engine trips, exact').toBe(weekNet);
    for (const split of r.splits.splits) {
      const count = split.buckets.reduce((a, b) => a + b.count, 0);
      const total = split.buckets.reduce((a, b) => a + (moneyFromText(b.totalNet) ?? NaN), 0);
      expect(count, `${split.dimension} buckets hold every trade once`).toBe(inWeek.length);
      expect(total, `${split.dimension} buckets sum to the week total`).toBe(weekNet);
    }
    const regime = r.splits.splits.find((s) => s.dimension === 'regime')!;
    expect(regime.buckets.some((b) => b.key === 'unknown'), 'bars from two days before the week cover the regime warm-up').toBe(false);
    expect(r.leaks.length, 'a losing week of ema-cross has leaks').toBeGreaterThan(0);
    const ids = new Set<number>();
    for (const leak of r.leaks) {
      expect(leak.tradeIds.length, 'a leak lists the trades behind it').toBe(leak.count);
      for (const id of leak.tradeIds) ids.add(id);
    }
    expect(ids.size, 'leaks never share a trade').toBe(r.leaks.reduce((a, l) => a + l.count, 0));
    const losing = r.streaks.longestLosing!;
    expect(losing.tradeIds.length).toBe(losing.count);
    expect(r.violations.filter((v) => v.kind === 'risk-above-budget' || v.kind === 'no-stop'), 'ema-cross sizes under the 1 % budget with a bracket stop').toEqual([]);
    j.close();
  });
});
