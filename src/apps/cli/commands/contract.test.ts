import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, sharedData } from '../../../../test/support/shared-data.js';
import { badSpecCases } from '../../../../test/support/spec-cases.js';

// Spawns the compiled CLI, as a user runs it. `npm test` builds first; alone: `npx tsc -p tsconfig.build.json`.
const CLI = resolve(REPO_ROOT, 'dist/src/apps/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'microfut-cli-'));

function run(...args: string[]): { code: number; out: string; err: string } {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npx tsc -p tsconfig.build.json first`);
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, MICROFUT_SPECS: '' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('microfut contract', () => {
  it('prints the BINANCE:BTCUSDT spec with the exchangeInfo values', () => {
    const r = run('contract', 'BINANCE:BTCUSDT');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/tick size\s+0\.1 USDT/);
    expect(r.out).toMatch(/lot step\s+0\.001 contracts/);
    expect(r.out).toMatch(/min notional\s+100 USDT/);
    expect(r.out).toMatch(/liquidation fee\s+2 %/);
    expect(r.out).toMatch(/1\s+0\s+50000\s+0\.004\s+0\s+125/);
  });

  it('accepts the ccxt symbol BTC/USDT:USDT for the same instrument', () => {
    const r = run('contract', 'BTC/USDT:USDT', '--json');
    expect(r.code, r.err).toBe(0);
    const spec = JSON.parse(r.out) as Record<string, unknown>;
    expect(spec['id']).toBe('BINANCE:BTCUSDT');
    expect(spec['minNotional']).toBe('100');
  });

  it('prints CME:MBT with its $0.50 tick value, fixed margin and listed contracts', () => {
    const r = run('contract', 'CME:MBT');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/contract size\s+0\.1 BTC/);
    expect(r.out, '$5 per bitcoin x 0.1 BTC = $0.50 a contract').toMatch(/tick value\s+0\.5 USD/);
    expect(r.out).toMatch(/margin\s+fixed: initial/);
    expect(r.out).toMatch(/listed contracts now\n/);
    expect(r.out).toMatch(/MBT[FGHJKMNQUVXZ]\d/);
  });

  it('prints COINBASE:BIT as one JSON object: 0.01 BTC, linear, no funding, dated', () => {
    const r = run('contract', 'COINBASE:BIT', '--json');
    expect(r.code, r.err).toBe(0);
    const spec = JSON.parse(r.out) as Record<string, unknown>;
    expect(spec).toMatchObject({ id: 'COINBASE:BIT', contractSize: '0.01', contractType: 'linear', funding: { kind: 'none' }, expiry: { kind: 'dated' } });
    expect(r.err).toBe('');
  });

  it('exits 2 with close matches for an unknown instrument and prints nothing on stdout', () => {
    const r = run('contract', 'BYBIT:BTCUSDX');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^error: instrument "BYBIT:BTCUSDX": is not in the registry .* Did you mean BYBIT:BTCUSD, BYBIT:BTCUSDT/);
  });

  for (const c of badSpecCases) {
    it(`exits 2 naming file, field and fix for a spec file with ${c.name}`, () => {
      const file = join(dir, `${c.name.replace(/\W+/g, '-')}.json`);
      writeFileSync(file, c.text);
      const r = run('contract', 'BINANCE:BTCUSDT', '--specs', file);
      expect(r.code, r.out).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain(c.path === '' ? `error: ${file}: ` : `error: ${file}: ${c.path}: `);
      expect(r.err.split('\n').length, 'one line, no stack trace').toBe(2);
    });
  }
});

describe('microfut specs', () => {
  it('lists one venue as JSON', () => {
    const r = run('specs', 'list', '--venue', 'cme', '--json');
    expect(r.code, r.err).toBe(0);
    const list = JSON.parse(r.out) as { count: number; instruments: { id: string }[] };
    expect(list.instruments.map((i) => i.id)).toEqual(['CME:MBT', 'CME:MET']);
  });

  it('refuses an unknown venue', () => {
    const r = run('specs', 'list', '--venue', 'ftx');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--venue: "ftx" is not a known venue/);
  });

  it('imports Binance payloads into the same file that is committed', () => {
    const out = join(dir, 'usdm.json');
    const r = run(
      'specs', 'import-binance',
      '--exchange-info', sharedData('binance/futures-um/meta/exchangeInfo-2025-03-06.json'),
      '--brackets', sharedData('binance/futures-um/meta/leverageBracket-2024-10-24.json'),
      '--symbols', 'BTCUSDT,ETHUSDT,SOLUSDT,XRPUSDT,LTCUSDT,DOGEUSDT,SUIUSDT,ENAUSDT,LAYERUSDT,FILUSDT,NEARUSDT,AVAXUSDT',
      '--funding-hours', 'ENAUSDT=4,LAYERUSDT=1',
      '--out', out,
    );
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(resolve(REPO_ROOT, 'specs/binance-usdm.json'), 'utf8'));
  });

  it('refuses an unknown symbol and writes nothing', () => {
    const out = join(dir, 'never.json');
    const r = run(
      'specs', 'import-binance',
      '--exchange-info', sharedData('binance/futures-um/meta/exchangeInfo-2025-03-06.json'),
      '--brackets', sharedData('binance/futures-um/meta/leverageBracket-2024-10-24.json'),
      '--symbols', 'NOPEUSDT', '--out', out,
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--symbols: NOPEUSDT is not in the exchangeInfo payload/);
    expect(existsSync(out), 'a failed import leaves no file').toBe(false);
  });

  it('refuses a missing --out and a malformed --funding-hours', () => {
    expect(run('specs', 'import-binance', '--exchange-info', 'a', '--brackets', 'b').err).toMatch(/--out: is required/);
    const r = run('specs', 'import-binance', '--exchange-info', 'a', '--brackets', 'b', '--out', join(dir, 'x.json'), '--funding-hours', 'ENA=four');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--funding-hours: "ENA=four" is not SYMBOL=HOURS/);
  });
});
