// `microfut demo` and `microfut review` as a new user runs them: the compiled CLI against the local stand-in of the
// public data site, and offline with --data. `npm test` builds first; alone: `npx tsc -p tsconfig.build.json`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataServer, type DataServer } from '../../../../test/support/data-server.js';
import { REPO_ROOT, SHARED_DATA } from '../../../../test/support/shared-data.js';

const CLI = resolve(REPO_ROOT, 'dist/src/apps/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'microfut-demo-'));

function cli(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npx tsc -p tsconfig.build.json first`);
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, CI: '1', MICROFUT_CACHE: join(dir, 'no-cache'), ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => done({ code: code ?? -1, out, err }));
  });
}

interface DemoJson {
  readonly week: string;
  readonly strategy: string;
  readonly summary: { readonly trades: number; readonly bars: number; readonly netPnl: string };
  readonly journal: { readonly file: string; readonly runId: string; readonly trades: number };
  readonly files: readonly string[];
}

let server: DataServer;
beforeAll(async () => {
  server = await startDataServer();
});
afterAll(async () => {
  await server.close();
});

describe('microfut demo', () => {
  it('fetches a week of BTCUSDT 1m bars and funding from the data site, backtests it and journals the run', { timeout: 120_000 }, async () => {
    const out = join(dir, 'online');
    const r = await cli(['demo', '--out', out, '--base-url', server.url, '--json']);
    expect(r.code, r.err).toBe(0);
    const d = JSON.parse(r.out) as DemoJson;
    expect(d.week, 'the default week lies inside the shared BTCUSDT file').toBe('2025-W20');
    expect(d.summary.bars, 'seven days of 1m bars').toBe(7 * 1440);
    expect(d.journal.trades, 'every trade is in the journal').toBe(d.summary.trades);
    const fetched = server.requests.filter((p) => p.endsWith('.zip'));
    expect(fetched.filter((p) => p.includes('/klines/BTCUSDT/1m/')).length, 'one daily kline file a day').toBe(7);
    expect(fetched.some((p) => p.includes('/fundingRate/BTCUSDT/')), 'the funding history is fetched').toBe(true);
    expect(existsSync(join(out, 'run', 'trades.csv')), 'the run files are written').toBe(true);
    const runJson = JSON.parse(readFileSync(join(out, 'run', 'run.json'), 'utf8')) as { models: readonly string[] };
    expect(JSON.stringify(runJson.models), 'funding is charged from the fetched history').not.toMatch(/not charged/i);
  });

  it('works offline from ../shared/data and gives the same run as the download', { timeout: 120_000 }, async () => {
    const before = server.requests.length;
    const r = await cli(['demo', '--out', join(dir, 'offline'), '--data', SHARED_DATA, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(server.requests.length, 'no request in offline mode').toBe(before);
    const offline = JSON.parse(r.out) as DemoJson;
    const online = JSON.parse((await cli(['demo', '--out', join(dir, 'online'), '--base-url', server.url, '--json'])).out) as DemoJson;
    expect(offline.summary.trades, 'same bars, same trades').toBe(online.summary.trades);
    expect(offline.summary.netPnl, 'same P&L to 1e-8').toBe(online.summary.netPnl);
  });

  it('refuses a bad week before fetching anything, naming the flag', async () => {
    const before = server.requests.length;
    const r = await cli(['demo', '--out', join(dir, 'bad'), '--base-url', server.url, '--week', '2025-W60']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--week/);
    expect(server.requests.length, 'nothing fetched').toBe(before);
    expect(existsSync(join(dir, 'bad')), 'nothing written').toBe(false);
  });
});

describe('microfut review', () => {
  it('shows the demo week from its journal with splits, streaks and leaks (JSON)', { timeout: 120_000 }, async () => {
    const out = join(dir, 'review');
    const demo = await cli(['demo', '--out', out, '--data', SHARED_DATA, '--json']);
    expect(demo.code, demo.err).toBe(0);
    const d = JSON.parse(demo.out) as DemoJson;
    const r = await cli(['review', '--journal', d.journal.file, '--week', '2025-W20', '--data', SHARED_DATA, '--json']);
    expect(r.code, r.err).toBe(0);
    const review = JSON.parse(r.out) as Record<string, unknown> & { whole: { count: number }; leaks: { tradeIds: number[] }[]; runs: { runId: string }[] };
    expect(Object.keys(review).sort()).toEqual(['leaks', 'notes', 'period', 'runs', 'splits', 'streaks', 'violations', 'whole']);
    expect(review.runs.map((x) => x.runId)).toEqual([d.journal.runId]);
    expect(review.whole.count, 'every trade of the week').toBe(d.summary.trades);
    const text = await cli(['review', '--journal', d.journal.file, '--week', '2025-W20', '--data', SHARED_DATA]);
    expect(text.out, 'the text review names its sections').toMatch(/rule violations[\s\S]*longest losing streak[\s\S]*biggest leaks[\s\S]*by hour of entry/);
  });

  it('refuses a missing journal and a missing period with one line naming the input', async () => {
    const missing = await cli(['review', '--journal', join(dir, 'none.sqlite'), '--week', '2025-W20']);
    expect(missing.code).toBe(2);
    expect(missing.err.trim().split('\n').length, missing.err).toBe(1);
    expect(missing.err).toMatch(/--journal/);
    expect(existsSync(join(dir, 'none.sqlite')), 'reading never creates a journal').toBe(false);
    const noPeriod = await cli(['review', '--journal', join(dir, 'none.sqlite')]);
    expect(noPeriod.err).toMatch(/--week/);
  });
});
