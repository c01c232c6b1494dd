// The write side used by backtest, paper and live: start a run, append its events, record closed round trips, finish
// it. Events are buffered and committed in transactions of `batchSize`, each event with its projection change, so a
// crash at any point loses at most the uncommitted tail and never leaves events and projections disagreeing.
// Must never send or decide anything: it records what the engine did.
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { InputError, InvariantError } from '../core/errors.js';
import type { Clock } from '../core/time.js';
import type { RoundTrip, TradeSource } from '../domain/round-trip.js';
import { normaliseTag } from './annotations.js';
import { eventInserter } from './event-store.js';
import type { JournalEvent, RunEvent, RunMeta, RunSummary, TradePlanExtra } from './journal-events.js';
import { projectionApplier } from './projections.js';
import { redactRecord } from './redact.js';

export interface WriterOptions {
  /**
   * Events per transaction. Larger batches make a backtest cheaper (one commit per batch) and lose more of its tail
   * in a crash; paper and live use 1. Default 512.
   */
  readonly batchSize?: number;
  /** Supplies the time in generated run ids; backtests pass their own run id instead. */
  readonly clock: Clock;
}

/** Counts for a benchmark or a run's log line. */
export interface WriterStats {
  readonly eventsWritten: number;
  readonly transactions: number;
}

const RUN_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$/;

/** A run id a person can type: `<source>-<UTC yyyymmdd-hhmmss>-<4 random hex>`, e.g. backtest-20250504-153300-a1f3. */
export function newRunId(source: string, nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${source}-${stamp}-${randomBytes(2).toString('hex')}`;
}

export class JournalWriter {
  private readonly db: Database.Database;
  private readonly batchSize: number;
  private readonly clock: Clock;
  private readonly insert: (e: JournalEvent) => number;
  private readonly apply: ReturnType<typeof projectionApplier>;
  private readonly commit: (events: readonly JournalEvent[]) => void;
  /** Open runs and their source: intents of paper and live runs are committed before the order is sent. */
  private readonly openRuns = new Map<string, TradeSource>();
  private buffer: JournalEvent[] = [];
  private written = 0;
  private transactions = 0;

  constructor(db: Database.Database, opts: WriterOptions) {
    const batchSize = opts.batchSize ?? 512;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new InvariantError('a batch size of at least 1', String(batchSize));
    this.db = db;
    this.batchSize = batchSize;
    this.clock = opts.clock;
    this.insert = eventInserter(db);
    this.apply = projectionApplier(db);
    const tx = db.transaction((events: readonly JournalEvent[]) => {
      for (const e of events) this.apply(this.insert(e), e);
    });
    this.commit = (events) => tx.immediate(events);
  }

  /**
   * Records a run's start and commits at once (with anything buffered). Returns the run id: `meta.runId`, or a new
   * one. The config is redacted (redact.ts) before it is written. Refuses a run id already in the journal.
   */
  startRun(meta: RunMeta): string {
    const runId = meta.runId ?? newRunId(meta.source, this.clock.nowMs());
    if (!RUN_ID_RE.test(runId)) {
      throw new InputError('INVALID_OPTION', 'run id', `"${runId}" is not a valid run id`, 'Use 1 to 80 letters, digits or . _ : -');
    }
    const exists = this.db.prepare('SELECT 1 FROM runs WHERE run_id = ?').get(runId) !== undefined;
    if (exists || this.openRuns.has(runId)) {
      throw new InputError('INVALID_OPTION', 'run id', `run ${runId} is already in the journal`, 'Use a new run id, or resumeRun to continue a paper or live run');
    }
    const config = redactRecord(meta.config ?? {});
    this.enqueue({ type: 'RunStarted', runId, meta: { ...meta, runId, config } });
    this.openRuns.set(runId, meta.source);
    this.flush();
    return runId;
  }

  /** Continues a run that is still `running` in the journal (a paper or live process restarted after a crash). */
  resumeRun(runId: string): void {
    const row = this.db.prepare('SELECT status, source FROM runs WHERE run_id = ?').get(runId) as { status: string; source: TradeSource } | undefined;
    if (row === undefined) throw new InputError('NOT_FOUND', 'run id', `there is no run ${runId} in the journal`, 'Run `microfut journal runs` to see run ids');
    if (row.status !== 'running') throw new InputError('INVALID_OPTION', 'run id', `run ${runId} is already ${row.status}`, 'Start a new run instead');
    this.openRuns.set(runId, row.source);
  }

  /**
   * Appends one run event. In a paper or live run an OrderIntent is committed before this returns (with everything
   * buffered before it): the order may be sent only after the journal holds its client id, so a restart finds it
   * instead of resending. A backtest sends nothing anywhere, so its intents wait for the batch like other events.
   */
  append(event: RunEvent): void {
    const source = this.requireOpen(event.runId);
    this.enqueue(event);
    if (event.type === 'OrderIntent' && source !== 'backtest') this.flush();
  }

  /** Records a closed round trip with the plan details the trip itself does not carry. Tags are normalised. */
  recordRoundTrip(trip: RoundTrip, plan: TradePlanExtra = {}): void {
    this.requireOpen(trip.runId);
    const tags = plan.tags === undefined ? undefined : [...new Set(plan.tags.map((t) => normaliseTag(t, `round trip ${trip.id} tag`)))];
    this.enqueue({ type: 'RoundTripClosed', runId: trip.runId, trip, plan: tags === undefined ? plan : { ...plan, tags } });
  }

  /** Records the run's end (metrics redacted like the config) and commits. The run accepts no more events. */
  finishRun(runId: string, summary: RunSummary): void {
    this.requireOpen(runId);
    const redacted: RunSummary = summary.metrics === undefined ? summary : { ...summary, metrics: redactRecord(summary.metrics) };
    this.enqueue({ type: 'RunFinished', runId, summary: redacted });
    this.flush();
    this.openRuns.delete(runId);
  }

  /**
   * Commits the buffered events in one transaction. On failure nothing of the batch is written, the batch is
   * dropped and the error is rethrown (a failing batch is a bug or a full disk; retrying it would fail again).
   */
  flush(): void {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    try {
      this.commit(batch);
    } catch (e) {
      // A constraint (a client id used twice in a run, a note on a trade that is not there) is the caller's bug.
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) {
        throw new InvariantError('events that keep the journal consistent (client ids unique within a run)', `${code}: ${(e as Error).message}; the batch of ${batch.length} events was not written`);
      }
      throw e;
    }
    this.written += batch.length;
    this.transactions += 1;
  }

  stats(): WriterStats {
    return { eventsWritten: this.written, transactions: this.transactions };
  }

  private enqueue(e: JournalEvent): void {
    this.buffer.push(e);
    if (this.buffer.length >= this.batchSize) this.flush();
  }

  private requireOpen(runId: string): TradeSource {
    const source = this.openRuns.get(runId);
    if (source === undefined) throw new InvariantError(`run ${runId} started (or resumed) on this writer and not finished`, 'an event for it');
    return source;
  }
}
