// `microfut live` refuses an API key that can withdraw funds, before it journals or sends anything (issue: "refuse
// keys that can withdraw, where the venue tells"). fakex on 127.0.0.1 answers Binance's apiRestrictions call.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fakexTruth } from '../../src/apps/fakex/ccxt-fakex.js';
import { startFakex, type FakexServer } from '../../src/apps/fakex/fakex-server.js';
import { NO_FAULTS } from '../../src/apps/fakex/fault-plan.js';
import { loadRegistry } from '../../src/data/spec-files.js';
import { sharedData } from '../support/shared-data.js';
import { ensureBuilt, startLiveProcess } from './live-process.js';

const CAPTURE = sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2024-08-08T2354.txt.gz');
const CANARY = 'canary-withdraw-secret-91d2';

describe('live refuses a key that can withdraw', () => {
  let server: FakexServer;
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'microfut-withdraw-'));
    server = await startFakex({ port: 0, replayFile: CAPTURE, speed: 10, faults: NO_FAULTS, credentials: { apiKey: 'fakex-key', secret: CANARY }, registry: loadRegistry(), withdrawalsEnabled: true });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('exits 2 naming the key and the fix, with no journal written and no order sent', async () => {
    const journal = join(dir, 'journal.sqlite');
    const proc = startLiveProcess(
      ['--strategy', 'ema-cross', '--instrument', 'BINANCE:BTCUSDT', '--base-url', server.url, '--i-understand-this-trades-real-money', '--duration', '5s', '--journal', journal],
      { MICROFUT_BINANCEUSDM_API_KEY: 'fakex-key', MICROFUT_BINANCEUSDM_API_SECRET: CANARY },
    );
    const code = await proc.exited;
    const stderr = proc.err.join('\n');
    expect(code, `exit code (stderr: ${stderr})`).toBe(2);
    expect(stderr, 'the message says why and what to do').toMatch(/can withdraw funds.*trade-only key/);
    expect(existsSync(journal), 'the refusal happens before the journal is opened').toBe(false);
    const truth = await fakexTruth(server.url);
    expect(truth.orders, 'no order reached the venue').toHaveLength(0);
    expect([...proc.out, ...proc.err].join('\n').includes(CANARY), 'the secret is never printed').toBe(false);
  });
});
