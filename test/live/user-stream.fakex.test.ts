// A live session on binanceusdm takes its order events from the user data stream: with polling set to once in ten
// minutes, a resting limit entry's fill (which the order's REST answer cannot carry) still reaches the journal while
// the session runs, and the CLI exits at --duration (the stream is closed with the session, so no socket or keepalive
// timer keeps the process alive).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFakex } from '../../src/apps/fakex/fakex-server.js';
import { NO_FAULTS } from '../../src/apps/fakex/fault-plan.js';
import { loadRegistry } from '../../src/data/spec-files.js';
import { sharedData } from '../support/shared-data.js';
import { ensureBuilt, startLiveProcess } from './live-process.js';

const CAPTURE = sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2024-08-08T2354.txt.gz');
const STRATEGY = 'test/live/fixtures/resting-bracket.mjs';
const SECRET = 'canary-stream-secret-91d4e7';
const registry = loadRegistry();
const spec = registry.get('BINANCE:BTCUSDT');
const DURATION_S = 15;

/** Fills journaled so far for the run's resting limit entries (intents journaled as limit orders). */
function limitFills(file: string, runId: string): number {
  const db = new Database(file, { readonly: true });
  const row = db
    .prepare(
      `SELECT COUNT(*) AS n FROM events f WHERE f.run_id = ? AND f.type = 'Fill' AND EXISTS (SELECT 1 FROM events i WHERE i.run_id = f.run_id AND i.type = 'OrderIntent'
         AND json_extract(i.payload, '$.clientId') = json_extract(f.payload, '$.clientId') AND json_extract(i.payload, '$.orderType') = 'limit')`,
    )
    .get(runId) as { n: number };
  db.close();
  return row.n;
}

describe('a live session with the user data stream on fakex', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'microfut-stream-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("journals a resting limit entry's fill with polling at 10 minutes, and exits at --duration", async () => {
    const server = await startFakex({ port: 0, replayFile: CAPTURE, speed: 10, faults: NO_FAULTS, credentials: { apiKey: 'fakex-key', secret: SECRET }, registry });
    const journal = join(dir, 'journal.sqlite');
    const args = ['--strategy', STRATEGY, '--instrument', spec.id, '--base-url', server.url, '--i-understand-this-trades-real-money', '--replay-speed', '600', '--duration', `${DURATION_S}s`, '--journal', journal, '--poll-ms', '600000'];
    const proc = startLiveProcess(args, { MICROFUT_BINANCEUSDM_API_KEY: 'fakex-key', MICROFUT_BINANCEUSDM_API_SECRET: SECRET });
    try {
      const startedMs = Date.now();
      const runId = (await proc.waitFor(/^live run (\S+):/, 20_000))[1]!;
      let seen = 0;
      while (seen === 0 && Date.now() - startedMs < (DURATION_S - 2) * 1000) {
        await new Promise((r) => setTimeout(r, 200));
        seen = limitFills(journal, runId);
      }
      expect(seen, `a resting entry's fill is journaled while the session runs, with no poll due (stderr: ${proc.err.slice(-5).join(' | ')})`).toBeGreaterThan(0);
      const code = await Promise.race([proc.exited, new Promise<string>((r) => setTimeout(() => r('still running'), (DURATION_S + 10) * 1000 - (Date.now() - startedMs)))]);
      expect(code, 'the CLI exits by itself at --duration (the user data stream is closed)').toBe(0);
      expect(proc.out.some((l) => l.startsWith(`finished ${runId}`)), 'the run finished normally').toBe(true);
    } finally {
      proc.child.kill('SIGKILL');
      await proc.exited;
      await server.close();
    }
  }, 60_000);
});
