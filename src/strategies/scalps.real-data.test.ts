// The four scalps on real 1m data from ../shared/data (Binance USD-M BTCUSDT, ETHUSDT and the small caps LAYER, ENA,
// SUI, DOGE) through the same path as `microfut backtest --strategy <name>` (runBacktest). Asserts behaviour, not
// profit: the run completes with the engine and venue agreeing, every trip had its planned stop, no entry risked more
// than 1 % of the balance at its decision, and every taken setup is journalled with its checklist.
import { describe, expect, it } from 'vitest';
import { parseBacktestConfig } from '../backtest/backtest-config.js';
import { runBacktest } from '../backtest/run-backtest.js';
import { loadRegistry } from '../data/spec-files.js';
import { SHARED_DATA } from '../../test/support/shared-data.js';

const REGISTRY = loadRegistry();
const SCALPS = ['vwap-bounce', 'momentum-breakout', 'mean-reversion', 'ema-impulse'] as const;
/** Two days each inside every file's range (DOGE starts 2025-05-25). */
const MARKETS = [
  { instrument: 'BINANCE:BTCUSDT', from: '2025-05-12', to: '2025-05-14' },
  { instrument: 'BINANCE:ETHUSDT', from: '2025-05-12', to: '2025-05-14' },
  { instrument: 'BINANCE:LAYERUSDT', from: '2025-05-12', to: '2025-05-14' },
  { instrument: 'BINANCE:ENAUSDT', from: '2025-05-12', to: '2025-05-14' },
  { instrument: 'BINANCE:SUIUSDT', from: '2025-05-12', to: '2025-05-14' },
  { instrument: 'BINANCE:DOGEUSDT', from: '2025-06-01', to: '2025-06-03' },
] as const;

describe.each(SCALPS)('%s on real 1m data', (strategy) => {
  it.each(MARKETS)('runs on $instrument within the risk budget, with a planned stop on every trip', async ({ instrument, from, to }) => {
    const config = parseBacktestConfig({ strategy, instrument, data: SHARED_DATA, from, to });
    const run = await runBacktest(config, { registry: REGISTRY, cacheDir: '/nonexistent-cache' });
    expect(run.warnings.filter((w) => w.includes('bookkeeping')), 'engine and venue agree on the balance').toEqual([]);
    expect(run.summary.bars, 'two days of 1m bars').toBe(2 * 1440);
    const spec = run.spec;
    const taker = spec.fees.taker;
    let balance = 10_000;
    for (const t of run.result.trips) {
      expect(t.plannedStop, `trip ${t.id} entered with its stop`).toBeDefined();
      expect(['stop-loss', 'take-profit', 'signal'], `trip ${t.id} left by its stop, its target or the time stop`).toContain(t.exitReason);
      expect(t.entryTag?.startsWith(`${strategy}:`), 'entries carry the strategy tag').toBe(true);
      const qty = Number(t.maxContracts);
      const stop = t.plannedStop!;
      // The planner's measure of a stop-out: loss at the stop plus taker fees in and out, against 1 % of the balance
      // at the decision (one position at a time, so that balance is the start plus every earlier trip's net).
      const lossAtStop = qty * Math.abs(t.entryPrice - stop) + qty * (t.entryPrice + stop) * taker;
      expect(lossAtStop, `trip ${t.id}: loss at the stop ${lossAtStop} within 1 % of ${balance}`).toBeLessThanOrEqual(balance * 0.01 + 1e-6);
      balance += t.netPnl / 1e8;
    }
    const notes = [...run.result.log.events()].filter((e) => e.kind === 'note').map((e) => e.text ?? '');
    const accepted = notes.filter((n) => n.includes('; checklist accepted')).length;
    const timeStops = notes.filter((n) => n.includes(': time stop after')).length;
    expect(accepted + timeStops, 'every order sent is a journalled bracket (with its accepted checklist) or time-stop close').toBe(run.result.funnel.sent);
    expect(notes.every((n) => n.startsWith(strategy)), 'notes name the strategy').toBe(true);
  });
});
