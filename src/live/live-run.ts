// Composition of a live session: the real venue port (CcxtVenue), pre-flight against the account, the guarded
// engine on live trades, the venue polled on a timer, the journal with power-loss durability. A run id given again
// resumes that run: its client ids continue from the journal and the venue's working orders are adopted.
// Must never send an order before pre-flight passed, nor print a key.
import type { Exchange } from 'ccxt';
import { InputError } from '../core/errors.js';
import type { Money } from '../core/money.js';
import type { Clock } from '../core/time.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import type { StrategyDefinition } from '../engine/strategy.js';
import { intervalToMs } from '../data/verify.js';
import type { JournalDb } from '../journal/journal-db.js';
import { JournalWriter } from '../journal/journal-writer.js';
import type { GuardLimits } from '../risk/guard.js';
import type { CcxtVenue } from '../venues/ccxt/ccxt-venue.js';
import type { AccountContext, VenueProfile } from '../venues/ccxt/venue-profile.js';
import type { MarginMode, PositionMode } from '../venues/venue.js';
import { continueIds } from './journal-ids.js';
import { reconcileAtRestart } from './restart.js';
import { preflight } from './preflight.js';
import { LiveSession } from './session.js';
import type { DepthWatch } from './depth-feed.js';
import type { OpenTradeFeed } from './trade-stream-for.js';
import { feedFromTrades, runForDuration, SESSION_CAPACITY_BARS, type SessionHandle } from './session-runner.js';

export interface LiveRunOptions {
  readonly spec: InstrumentSpec;
  readonly strategy: StrategyDefinition;
  readonly params: Readonly<Record<string, unknown>>;
  readonly venue: CcxtVenue;
  readonly venueName: string;
  readonly journal: JournalDb;
  /** Resume this run (after a crash or kill) instead of starting a new one. */
  readonly resumeRunId?: string;
  /** The ccxt client and profile behind `venue`: a resumed run is reconciled with them first (reconcile.ts). */
  readonly reconcileWith?: { readonly exchange: Exchange; readonly profile: VenueProfile; readonly account?: AccountContext };
  readonly wsBase: string;
  readonly limits: GuardLimits;
  readonly leverage: number;
  readonly positionMode: PositionMode;
  readonly marginMode: MarginMode;
  readonly minBalance: Money;
  readonly replaySpeed: number;
  /** Keep a local order book (snapshot + diffs) whose staleness blocks entries; absent = none (depth-feed.ts). */
  readonly depth?: DepthWatch;
  /** The venue's live trades (trade-stream-for.ts `tradeStreamFor`); absent = Binance USD-M's socket on wsBase. */
  readonly trades?: OpenTradeFeed;
  readonly durationMs: number;
  readonly pollMs: number;
  readonly clock: Clock;
  readonly config: Readonly<Record<string, unknown>>;
  readonly redact: (text: string) => string;
  readonly log: (line: string) => void;
}

export type LiveHandle = SessionHandle;

/** Pre-flight, then the session. Throws InputError (nothing sent, nothing journaled) when pre-flight fails. */
export async function startLive(o: LiveRunOptions): Promise<LiveHandle> {
  const snap = await o.venue.snapshot();
  const problems = preflight(snap, { venue: o.venueName, instrument: o.spec.id, positionMode: o.positionMode, marginMode: o.marginMode, leverage: o.leverage, minBalance: o.minBalance, adopt: o.resumeRunId !== undefined });
  if (problems.length > 0) {
    const p = problems[0]!;
    throw new InputError('CONFLICTING_OPTIONS', `${o.venueName} ${p.check}`, `is ${p.found}, expected ${p.expected}${problems.length > 1 ? ` (and ${problems.length - 1} more: ${problems.slice(1).map((x) => x.check).join(', ')})` : ''}`, p.fix);
  }
  const writer = new JournalWriter(o.journal.db, { clock: o.clock, batchSize: 1 });
  let runId: string;
  if (o.resumeRunId !== undefined) {
    writer.resumeRun(o.resumeRunId);
    runId = o.resumeRunId;
  } else {
    runId = writer.startRun({
      source: 'live',
      strategy: o.strategy.name,
      instruments: [{ id: o.spec.id, tickSize: o.spec.tick.step, lotSize: o.spec.lot.step, settle: o.spec.settle }],
      startedMs: o.clock.nowMs(),
      config: o.config,
    });
  }
  const ids = continueIds(o.journal.db, runId);
  const restart = o.resumeRunId === undefined || o.reconcileWith === undefined ? undefined : await reconcileAtRestart({ db: o.journal.db, writer, runId, idTag: ids.tag, spec: o.spec, ...o.reconcileWith, snapshot: () => o.venue.snapshot(), initial: snap, port: o.venue, clock: o.clock, redact: o.redact, log: o.log });
  const session = new LiveSession({
    spec: o.spec,
    strategy: o.strategy,
    params: o.params,
    venue: { kind: 'live', port: restart?.port ?? o.venue },
    journal: writer,
    runId,
    idTag: ids.tag,
    firstId: ids.first,
    limits: o.limits,
    startingBalance: restart?.report.balance ?? snap.balance,
    leverage: o.leverage,
    barIntervalMs: intervalToMs(o.strategy.data.bars)! / o.replaySpeed,
    capacityBars: SESSION_CAPACITY_BARS,
    clock: o.clock,
    seed: 1,
    log: o.log,
    ...(restart === undefined ? {} : { resume: { engine: restart.resume, journaledElsewhere: restart.journaledElsewhere } }),
    earlierTrips: (o.journal.db.prepare('SELECT COALESCE(MAX(seq_in_run), 0) AS n FROM trades WHERE run_id = ?').get(runId) as { n: number }).n,
  });
  if (restart !== undefined) o.log(`engine resumed: position ${session.engine.books[0]!.signedLots} lots, ${restart.resume.orders.length} working orders taken over`);
  const trades = feedFromTrades(session, { wsBase: o.wsBase, symbol: o.spec.symbol, clock: o.clock, log: o.log, depth: o.depth, trades: o.trades });
  let polling = false;
  const poller = setInterval(() => {
    trades.tick();
    if (polling) return;
    polling = true;
    restart?.watch();
    o.venue
      .poll()
      .then(() => session.journalTrips())
      .catch((e: unknown) => o.log(o.redact(`venue poll failed: ${e instanceof Error ? e.message : String(e)}`)))
      .finally(() => {
        polling = false;
      });
  }, o.pollMs);
  return runForDuration({
    runId,
    session,
    writer,
    clock: o.clock,
    durationMs: o.durationMs,
    close: async () => {
      clearInterval(poller);
      trades.feed.close();
      await o.venue.idle();
      await o.venue.poll();
      await restart?.idle();
      // The user data stream's socket and keepalive timer would keep the process alive past --duration.
      await o.venue.close();
    },
  });
}
