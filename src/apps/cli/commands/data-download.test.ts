import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startDataServer, type DataServer } from '../../../../test/support/data-server.js';
import { InputError } from '../../../core/errors.js';
import { DATA_URL_ENV, registerDataDownload } from './data-download.js';

let server: DataServer;
let dir: string;
let stdout: string;

beforeAll(async () => {
  server = await startDataServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'microfut-cli-download-'));
  stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  vi.restoreAllMocks();
  delete process.env[DATA_URL_ENV];
  process.exitCode = undefined;
  await rm(dir, { recursive: true, force: true });
});

const cli = async (...args: string[]): Promise<void> => {
  const program = new Command().exitOverride();
  registerDataDownload(program.command('data'));
  await program.parseAsync(['data', 'download', ...args], { from: 'user' });
};

const flags = (over: Record<string, string> = {}): string[] =>
  Object.entries({ '--symbol': 'BTCUSDT', '--market': 'um', '--kind': 'klines', '--interval': '1m', '--from': '2025-05-05', '--to': '2025-05-06', '--dir': dir, '--base-url': server.url, ...over }).flat();

const refusal = async (args: string[]): Promise<InputError> => {
  try {
    await cli(...args);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
};

describe('microfut data download', () => {
  it('downloads the planned files into the archive layout and prints one row per file', async () => {
    await cli(...flags());
    expect(existsSync(join(dir, 'data/futures/um/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2025-05-06.zip'))).toBe(true);
    expect(stdout).toMatch(/BTCUSDT-1m-2025-05-05\.zip\s+daily\s+downloaded/);
    expect(stdout).toContain('2 downloaded, 0 already present and verified, 0 failed');
  });

  it('takes the mirror from MICROFUT_DATA_URL when --base-url is absent and prints JSON on request', async () => {
    process.env[DATA_URL_ENV] = `${server.url}/`;
    const args = flags();
    args.splice(args.indexOf('--base-url'), 2);
    await cli(...args, '--json');
    const out = JSON.parse(stdout) as { baseUrl: string; files: { outcome: string }[]; failures: unknown[] };
    expect(out.baseUrl).toBe(server.url);
    expect(out.files.map((f) => f.outcome)).toEqual(['downloaded', 'downloaded']);
    expect(out.failures).toEqual([]);
  });

  it('fails with the 404 URL and a non-zero exit when a day is missing', async () => {
    const e = await refusal(flags({ '--from': '2025-06-23', '--to': '2025-06-25' }));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain('BTCUSDT-1m-2025-06-24.zip.CHECKSUM: not found (HTTP 404)');
    expect(e.problem).toContain('(1 more failed, listed above)');
    expect(stdout, 'the day that exists was still downloaded and listed').toMatch(/BTCUSDT-1m-2025-06-23\.zip\s+daily\s+downloaded/);
  });

  it('validates every flag and names it', async () => {
    expect((await refusal(flags({ '--market': 'coinm' }))).input).toBe('--market');
    expect((await refusal(flags({ '--kind': 'candles' }))).input).toBe('--kind');
    expect((await refusal(flags({ '--interval': '2m' }))).input).toBe('--interval');
    expect((await refusal(flags({ '--from': '5/5/2025' }))).input).toBe('--from');
    expect((await refusal(flags({ '--to': '2025-05-01' }))).input).toBe('--to');
    expect((await refusal(flags({ '--base-url': 'ftp://mirror' }))).input).toBe('--base-url');
    expect((await refusal(flags({ '--concurrency': '9' }))).input).toBe('--concurrency');
    expect((await refusal(flags({ '--symbol': 'btc-usdt' }))).input).toBe('--symbol');
    process.env[DATA_URL_ENV] = 'not a url';
    const args = flags();
    args.splice(args.indexOf('--base-url'), 2);
    expect((await refusal(args)).input, 'a bad environment value is named as such').toBe(DATA_URL_ENV);
    expect(server.requests.filter((p) => p.includes('2025-05-01')), 'refused runs make no request').toEqual([]);
  });
});
