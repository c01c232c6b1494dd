// Composition of a paper session: live trades from the venue's public stream, a SimulatedVenue (trade fill model)
// for fills, the guarded engine, the journal. Starts, runs for a duration or until stopped, and finishes the run in
// the journal. Must never need or read API keys.
import type { Money } from '../core/money.js';
import type { Clock } from '../core/time.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import type { EngineResult } from '../engine/engine.js';
import type { StrategyDefinition } from '../engine/strategy.js';
import { intervalToMs } from '../data/verify.js';
import type { JournalDb } from '../journal/journal-db.js';
import { JournalWriter } from '../journal/journal-writer.js';
import type { GuardLimits } from '../risk/guard.js';
import { SimulatedVenue } from '../venues/simulated/simulated-venue.js';
import { continueIds } from './journal-ids.js';
import { LiveSession } from './session.js';
import { openTradeStream, type TradeFeed } from './trade-stream.js';

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
  readonly clock: Clock;
  readonly config: Readonly<Record<string, unknown>>;
  readonly log: (line: string) => void;
}

export interface PaperHandle {
  readonly runId: string;
  readonly session: LiveSession;
  /** Stops early; resolves like `done`. */
  stop(): Promise<EngineResult>;
  /** Resolves when the duration is over and the run is finished in the journal. */
  readonly done: Promise<EngineResult>;
}

/** Bars held at most by one session: a week of 1m bars. */
const CAPACITY_BARS = 7 * 24 * 60 + 1;

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
    capacityBars: CAPACITY_BARS,
    clock: o.clock,
    seed: 1,
    log: o.log,
  });
  let lastTradeMs = 0;
  let lastWallMs = o.clock.nowMs();
  const feed: TradeFeed = openTradeStream({
    wsBase: o.wsBase,
    symbol: o.spec.symbol,
    onTrade: (t) => {
      lastTradeMs = t.timeMs;
      lastWallMs = o.clock.nowMs();
      session.stale = undefined;
      session.onTrade(t);
    },
    onDrop: (reason) => {
      session.stale = reason;
      o.log(`market data: ${reason}; entries blocked until it is back`);
    },
  });
  // A quiet market still closes bars: venue time is estimated as the last trade's time plus the wall time since.
  const ticker = setInterval(() => {
    if (lastTradeMs > 0) session.onClock(lastTradeMs + (o.clock.nowMs() - lastWallMs));
  }, 200);
  let finished: Promise<EngineResult> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopEarly: () => void = () => undefined;
  const finish = (): Promise<EngineResult> => {
    finished ??= (async () => {
      if (timer !== undefined) clearTimeout(timer);
      clearInterval(ticker);
      feed.close();
      // Commands sent in the last moment are answered by the paper venue on its next event; none will come.
      await Promise.resolve();
      const result = session.finish();
      writer.finishRun(runId, { finishedMs: o.clock.nowMs(), status: 'completed', endEquity: Math.round(session.engine.ledger.equityUnits()) as Money, message: `${result.bars} bars, ${result.trips.length} round trips` });
      return result;
    })();
    return finished;
  };
  const done = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, o.durationMs);
    stopEarly = resolve;
  }).then(finish);
  return {
    runId,
    session,
    stop: () => {
      stopEarly();
      return done;
    },
    done,
  };
}
