// A live session against fakex with a canary API secret: pre-flight refuses a mismatched account with the fix, a
// session runs on the replayed capture, and the secret appears in no log line, journal row or error.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import type { Money } from '../../src/core/money.js';
import type { Clock, TimestampMs } from '../../src/core/time.js';
import { untilReplayDone } from '../../src/apps/fakex/ccxt-fakex.js';
import { startFakex, type FakexServer } from '../../src/apps/fakex/fakex-server.js';
import { NO_FAULTS } from '../../src/apps/fakex/fault-plan.js';
import { loadRegistry } from '../../src/data/spec-files.js';
import { parseParams } from '../../src/engine/strategy-params.js';
import type { StrategyDefinition } from '../../src/engine/strategy.js';
import { IN_MEMORY, openJournalDb } from '../../src/journal/journal-db.js';
import { startLive, type LiveRunOptions } from '../../src/live/live-run.js';
import { createLiveVenue } from '../../src/live/live-venue.js';
import { binanceWsBase } from '../../src/live/trade-stream.js';
import { DEFAULT_GUARD_LIMITS } from '../../src/risk/guard.js';
import emaCross from '../../src/strategies/ema-cross.js';
import { sharedData } from '../support/shared-data.js';

const CAPTURE = sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2024-08-08T2354.txt.gz');
const CANARY = 'canary-live-secret-4b7e0c';
const clock: Clock = { nowMs: () => Date.now() as TimestampMs };
const registry = loadRegistry();
const spec = registry.get('BINANCE:BTCUSDT');
const strategy = emaCross as unknown as StrategyDefinition;

describe('live session on fakex', () => {
  let server: FakexServer;
  const serverLog: string[] = [];
  const sessionLog: string[] = [];
  beforeAll(async () => {
    server = await startFakex({ port: 0, replayFile: CAPTURE, speed: 60, faults: NO_FAULTS, credentials: { apiKey: 'fakex-key', secret: CANARY }, registry, log: (l) => serverLog.push(l) });
  });
  afterAll(async () => server.close());

  const options = (journal: ReturnType<typeof openJournalDb>, positionMode: 'one-way' | 'hedge'): LiveRunOptions => {
    const { venue, redact } = createLiveVenue({ venue: 'binanceusdm', baseUrl: server.url, credentials: { apiKey: 'fakex-key', secret: CANARY, origin: 'test' }, instruments: [spec], clock, positionMode, marginMode: 'cross' });
    return {
      spec,
      strategy,
      params: parseParams(strategy.params, { fast: '2', slow: '3', notional: '500' }),
      venue,
      venueName: 'binanceusdm',
      journal,
      wsBase: binanceWsBase(server.url),
      limits: DEFAULT_GUARD_LIMITS,
      leverage: 10,
      positionMode,
      marginMode: 'cross',
      minBalance: 100e8 as Money,
      replaySpeed: 600,
      durationMs: 60_000,
      pollMs: 250,
      clock,
      config: { apiSecret: CANARY, note: 'the secret key is redacted by the journal' },
      redact,
      log: (l) => sessionLog.push(redact(l)),
    };
  };

  test('pre-flight refuses an account in the wrong position mode, names the fix and journals nothing', async () => {
    const journal = openJournalDb(IN_MEMORY, { create: true });
    // fakex starts in one-way mode; the session asks for hedge.
    const error = await startLive(options(journal, 'hedge')).then(() => undefined, (e: unknown) => e);
    expect(error, 'a fixable mismatch is an InputError').toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain('position-mode');
    expect((error as InputError).fix).toContain('--position-mode one-way');
    expect((journal.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n, 'nothing is journaled before pre-flight passes').toBe(0);
    journal.close();
  });

  test('runs on the replayed capture and never writes the secret', async () => {
    const journal = openJournalDb(IN_MEMORY, { create: true });
    const handle = await startLive(options(journal, 'one-way'));
    await untilReplayDone(server.url, 20_000);
    const result = await handle.stop();
    expect(result.bars, 'bars were built from the live trade stream').toBeGreaterThan(10);
    const rows = journal.db.prepare('SELECT * FROM events').all() as Record<string, unknown>[];
    const runs = journal.db.prepare('SELECT * FROM runs').all() as Record<string, unknown>[];
    const everything = JSON.stringify({ rows, runs, sessionLog, serverLog });
    expect(everything.split(CANARY).length - 1, 'the canary secret appears 0 times in journal rows and log lines').toBe(0);
    expect(JSON.stringify(runs)).toContain('[redacted]');
    journal.close();
  }, 40_000);
});
