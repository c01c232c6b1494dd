// Composition of a paper session: live trades from the venue's public stream, a SimulatedVenue (trade fill model)
// for fills, the guarded engine, the journal. Starts, runs for a duration or until stopped, and finishes the run in
// the journal. Must never need or read API keys.
import type { Money } from '../core/money.js';
import type { Clock } from '../core/time.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import type { StrategyDefinition } from '../engine/strategy.js';
import { intervalToMs } from '../data/verify.js';
import type { JournalDb } from '../journal/journal-db.js';
import { JournalWriter } from '../journal/journal-writer.js';
import type { GuardLimits } from '../risk/guard.js';
import { SimulatedVenue } from '../venues/simulated/simulated-venue.js';
import { continueIds } from './journal-ids.js';
import { LiveSession } from './session.js';
import type { DepthWatch } from './depth-feed.js';
import type { OpenTradeFeed } from './trade-stream-for.js';
import { feedFromTrades, runForDuration, SESSION_CAPACITY_BARS, type SessionHandle } from './session-runner.js';

export interface PaperOptions {
  readonly spec: InstrumentSpec;
  readonly strategy: StrategyDefinition;
  readonly params: Readonly<Record<string, unknown>>;
  readonly journal: JournalDb;
  /** Websocket base of the market-data stream (binanceWsBase). */
  readonly wsBase: string;
  readonly limits: GuardLimits;
  /** Starting balance, a decimal of the settle asset, e.g. "10000". */
  readonly equity: string;
  readonly startingBalance: Money;
  readonly leverage: number;
  /**
   * How much faster than real time the market data runs (a fakex replay at `--speed X`): bars then last
   * interval / X of stream time, so a rehearsal sees the capture's own bars. 1 for a real venue.
   */
  readonly replaySpeed: number;
  readonly durationMs: number;
  /** Keep a local order book (snapshot + diffs) whose staleness blocks entries; absent = none (depth-feed.ts). */
  readonly depth?: DepthWatch;
  /** The venue's live trades (trade-stream-for.ts `tradeStreamFor`); absent = Binance USD-M's socket on wsBase. */
  readonly trades?: OpenTradeFeed;
  readonly clock: Clock;
  readonly config: Readonly<Record<string, unknown>>;
  readonly log: (line: string) => void;
}

export type PaperHandle = SessionHandle;

export function startPaper(o: PaperOptions): PaperHandle {
  const writer = new JournalWriter(o.journal.db, { clock: o.clock, batchSize: 1 });
  const runId = writer.startRun({
    source: 'paper',
    strategy: o.strategy.name,
    instruments: [{ id: o.spec.id, tickSize: o.spec.tick.step, lotSize: o.spec.lot.step, settle: o.spec.settle }],
    startedMs: o.clock.nowMs(),
    config: o.config,
  });
  const ids = continueIds(o.journal.db, runId);
  const venue = new SimulatedVenue({
    instruments: [{ spec: o.spec }],
    config: { fill: { kind: 'trades' }, leverage: o.leverage, funding: 'off', startingBalance: o.equity },
  });
  const session = new LiveSession({
    spec: o.spec,
    strategy: o.strategy,
    params: o.params,
    venue: { kind: 'paper', port: venue },
    journal: writer,
    runId,
    idTag: ids.tag,
    firstId: ids.first,
    limits: o.limits,
    startingBalance: o.startingBalance,
    leverage: o.leverage,
    barIntervalMs: intervalToMs(o.strategy.data.bars)! / o.replaySpeed,
    capacityBars: SESSION_CAPACITY_BARS,
    clock: o.clock,
    seed: 1,
    log: o.log,
  });
  const trades = feedFromTrades(session, { wsBase: o.wsBase, symbol: o.spec.symbol, clock: o.clock, log: o.log, depth: o.depth, trades: o.trades });
  const ticker = setInterval(trades.tick, 200);
  return runForDuration({
    runId,
    session,
    writer,
    clock: o.clock,
    durationMs: o.durationMs,
    close: async () => {
      clearInterval(ticker);
      trades.feed.close();
      // Commands sent in the last moment are answered by the paper venue on its next event; none will come.
      await Promise.resolve();
    },
  });
}
