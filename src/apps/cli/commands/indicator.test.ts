import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BTC_1M, FIL_1M, loadKlines, type KlineColumns } from '../../../../test/support/kline-columns.js';
import { REPO_ROOT, sharedData } from '../../../../test/support/shared-data.js';
import { atrBatch } from '../../../indicators/atr.js';
import { pivotsBatch } from '../../../indicators/pivots.js';
import { rollingVwapBatch } from '../../../indicators/rolling-vwap.js';
import { rsiBatch } from '../../../indicators/rsi.js';
import { stochasticBatch } from '../../../indicators/stochastic.js';
import { volumeProfileBatch } from '../../../indicators/volume-profile.js';
import { vwapBatch } from '../../../indicators/vwap.js';

// Spawns the compiled CLI, as a user runs it. `npm test` builds first; alone: `npx tsc -p tsconfig.build.json`.
// Every value is compared with the library's batch function run here on the same file, read by the test's own
// kline loader (not src/data), cell for cell as text: String() of a double round-trips, so equal text is equal bits.
const CLI = resolve(REPO_ROOT, 'dist/src/apps/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'microfut-indicator-cli-'));
const FIL = sharedData(FIL_1M);
const BTC = sharedData(BTC_1M);
const filBars = loadKlines(FIL_1M);
const btcBars = loadKlines(BTC_1M);

function run(...args: string[]): { code: number; out: string; err: string } {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npx tsc -p tsconfig.build.json first`);
  const r = spawnSync(process.execPath, [CLI, 'indicator', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Runs the CLI and checks header, one row per bar, open times and every cell against `expected` buffers. */
function expectCsv(args: string[], bars: KlineColumns, header: string, expected: Float64Array[]): string[] {
  const r = run(...args);
  expect(r.code, r.err).toBe(0);
  const lines = r.out.trimEnd().split('\n');
  expect(lines[0], 'header: open_time, then the outputs in order').toBe(header);
  expect(lines.length - 1, 'one row per bar of the file').toBe(bars.length);
  for (let i = 0; i < bars.length; i++) {
    const want = [String(bars.openTimeMs[i]), ...expected.map((o) => (Number.isNaN(o[i]!) ? '' : String(o[i])))].join(',');
    if (lines[i + 1] !== want) throw new Error(`row ${i + 1} is "${lines[i + 1]}", the batch function gives "${want}"`);
  }
  return lines;
}

const buffers = (count: number, n: number): Float64Array[] => Array.from({ length: count }, () => new Float64Array(n));
/** Cells of one column that have a value (not the warm-up). */
const filled = (lines: string[], column: number): number => lines.slice(1).filter((l) => l.split(',')[column] !== '').length;

describe('microfut indicator: values equal the library batch functions on real bars', () => {
  it('writes RSI(14) over FILUSDT 1m with 14 empty warm-up cells', () => {
    const out = buffers(1, filBars.length);
    rsiBatch(filBars.close, 14, out[0]!);
    const lines = expectCsv(['rsi', '--data', FIL], filBars, 'open_time,rsi', out);
    expect(filled(lines, 1), 'TA-Lib RSI lookback is N').toBe(filBars.length - 14);
  });

  it('writes ATR(10) in the TradingView variant', () => {
    const out = buffers(1, filBars.length);
    atrBatch(filBars, 10, out[0]!, 'tradingview');
    expectCsv(['atr', '--period', '10', '--variant', 'tradingview', '--data', FIL], filBars, 'open_time,atr', out);
  });

  it('writes slow stochastic %K and %D', () => {
    const [k, d] = buffers(2, filBars.length);
    stochasticBatch(filBars, { kind: 'slow', kPeriod: 9, kSmoothing: 3, dPeriod: 5 }, k!, d!);
    expectCsv(['stoch', '--k', '9', '--d', '5', '--data', FIL], filBars, 'open_time,k,d', [k!, d!]);
  });

  it('writes the UTC-day VWAP with sigma and three bands by default', () => {
    const out = buffers(8, filBars.length);
    vwapBatch(filBars, { anchor: { kind: 'utc-day' }, bandMultipliers: [1, 2, 3], source: 'hlc3' }, out);
    const lines = expectCsv(['vwap', '--data', FIL], filBars, 'open_time,vwap,stdev,upper1,lower1,upper2,lower2,upper3,lower3', out);
    expect(filled(lines, 1), 'every bar with volume in its day has a VWAP').toBeGreaterThan(filBars.length - 10);
  });

  it('writes a 13:00 UTC session VWAP of the close with the bands given', () => {
    const out = buffers(6, filBars.length);
    vwapBatch(filBars, { anchor: { kind: 'session', startHourUtc: 13 }, bandMultipliers: [0.5, 2], source: 'close' }, out);
    expectCsv(['vwap', '--anchor', 'session:13', '--bands', '0.5,2', '--source', 'close', '--data', FIL], filBars, 'open_time,vwap,stdev,upper1,lower1,upper2,lower2', out);
  });

  it('writes a weekly VWAP without bands, and a custom anchor leaves the bars before it empty', () => {
    const week = buffers(2, filBars.length);
    vwapBatch(filBars, { anchor: { kind: 'week' }, bandMultipliers: [] }, week);
    expectCsv(['vwap', '--anchor', 'week', '--bands', 'none', '--data', FIL], filBars, 'open_time,vwap,stdev', week);

    const startMs = Date.UTC(2023, 7, 10, 13, 30);
    const custom = buffers(2, filBars.length);
    vwapBatch(filBars, { anchor: { kind: 'custom', startMs }, bandMultipliers: [] }, custom);
    const lines = expectCsv(['vwap', '--anchor', 'custom:2023-08-10T15:30:00+02:00', '--bands', 'none', '--data', FIL], filBars, 'open_time,vwap,stdev', custom);
    const before = filBars.openTimeMs.filter((t) => t < startMs).length;
    expect(before, '13:30 UTC on 2023-08-10 is 9 days and 13.5 hours after the first bar').toBe(9 * 1440 + 13.5 * 60);
    expect(filled(lines, 1), 'no VWAP before the anchor (15:30 at +02:00 is 13:30 UTC)').toBe(filBars.length - before);
  });

  it('writes a rolling VWAP over N bars of hl2', () => {
    const out = buffers(1, filBars.length);
    rollingVwapBatch(filBars, 30, 'hl2', out[0]!);
    expectCsv(['rolling-vwap', '--period', '30', '--source', 'hl2', '--data', FIL], filBars, 'open_time,vwap', out);
  });

  for (const method of ['classic', 'fibonacci', 'woodie'] as const) {
    it(`writes ${method} daily pivots with their level names, empty for the first day`, () => {
      const out = buffers(7, filBars.length);
      pivotsBatch(filBars, { method, period: { kind: 'utc-day' } }, out);
      const lines = expectCsv(['pivots', '--method', method, '--data', FIL], filBars, 'open_time,P,R1,R2,R3,S1,S2,S3', out);
      expect(filled(lines, 1), 'levels from day 2 on: the file starts at 00:00 UTC on 2023-08-01').toBe(filBars.length - 1440);
    });
  }

  it('writes weekly Camarilla pivots with R4 and S4, never from the partial first week of BTCUSDT', () => {
    const out = buffers(9, btcBars.length);
    pivotsBatch(btcBars, { method: 'camarilla', period: { kind: 'week' } }, out);
    const lines = expectCsv(['pivots', '--method', 'camarilla', '--period', 'week', '--data', BTC], btcBars, 'open_time,P,R1,R2,R3,S1,S2,S3,R4,S4', out);
    const firstLevels = lines.findIndex((l, i) => i > 0 && l.split(',')[1] !== '');
    // The file starts on Sunday 2025-05-04 15:33 UTC: that partial week is skipped, and so levels first appear
    // at the week after the first full week, Monday 2025-05-12 00:00 UTC.
    expect(Number(lines[firstLevels]!.split(',')[0]), 'first weekly levels on Monday 2025-05-12').toBe(Date.UTC(2025, 4, 12));
  });

  it('writes a session volume profile (POC, VAH, VAL) per bar on a bucket of N ticks', () => {
    const out = buffers(3, filBars.length);
    volumeProfileBatch(filBars, { tickSize: '0.001', bucketTicks: 5, scope: { kind: 'session', anchor: { kind: 'utc-day' } }, valueAreaPct: 70 }, out);
    const lines = expectCsv(['volume-profile', '--tick', '0.001', '--bucket-ticks', '5', '--data', FIL], filBars, 'open_time,poc,vah,val', out);
    for (const l of lines.slice(1, 2000)) {
      const [, poc, vah, val] = l.split(',').map(Number);
      if (!(val! <= poc! && poc! <= vah!)) throw new Error(`VAL <= POC <= VAH fails in row "${l}"`);
    }
  });

  it('writes a volume profile over a sliding window with a custom value area, to --out, and leaves no temp file', () => {
    const out = buffers(3, filBars.length);
    volumeProfileBatch(filBars, { tickSize: '0.001', bucketTicks: 2, scope: { kind: 'window', bars: 120 }, valueAreaPct: 80 }, out);
    const expected = expectCsv(['volume-profile', '--tick', '0.001', '--bucket-ticks', '2', '--scope', 'window:120', '--value-area', '80', '--data', FIL], filBars, 'open_time,poc,vah,val', out);
    const target = join(mkdtempSync(join(dir, 'out-')), 'profile.csv');
    const r = run('volume-profile', '--tick', '0.001', '--bucket-ticks', '2', '--scope', 'window:120', '--value-area', '80', '--data', FIL, '--out', target);
    expect(r.code, r.err).toBe(0);
    expect(r.out, 'a summary on stdout instead of the CSV').toMatch(/bars\s+44640/);
    expect(readFileSync(target, 'utf8').trimEnd().split('\n'), 'the file holds what stdout held').toEqual(expected);
    expect(readdirSync(resolve(target, '..')), 'only the CSV, no .partial file').toEqual(['profile.csv']);
  });
});

describe('microfut indicator: bad input exits 2 with one line naming the input, and writes nothing', () => {
  const missingFolder = join(dir, 'no-such-folder', 'x.csv');
  const cases: { name: string; args: string[]; input: RegExp; out?: 'none' }[] = [
    { name: 'an unknown indicator', args: ['ichimoku', '--data', FIL], input: /^error: indicator name: "ichimoku" is not an indicator/ },
    { name: 'period 0', args: ['ema', '--period', '0', '--data', FIL], input: /^error: --period: 0 is outside 1\.\.100000/ },
    { name: 'a period that is not a whole number', args: ['sma', '--period', '2.5', '--data', FIL], input: /^error: --period: "2\.5" is not a whole number/ },
    { name: 'no --data', args: ['rsi'], input: /^error: --data: is required/ },
    { name: 'a flag that does not apply to the indicator', args: ['rsi', '--anchor', 'week', '--data', FIL], input: /^error: --anchor: does not apply to rsi\. rsi takes --period/ },
    { name: 'a missing data file', args: ['rsi', '--data', join(dir, 'missing.csv.gz')], input: /^error: --data: .*missing\.csv\.gz does not exist/ },
    { name: 'a folder as the data file', args: ['rsi', '--data', dir], input: /^error: --data: .* is not a file/ },
    { name: 'a data file that is not klines', args: ['rsi', '--data', sharedData('README.md')], input: /README\.md: the format is not recognised/ },
    { name: 'an --out folder that does not exist', args: ['rsi', '--data', FIL, '--out', missingFolder], input: /^error: --out: cannot write .*the folder .*no-such-folder does not exist/, out: 'none' },
    { name: 'an --out path that is a folder', args: ['rsi', '--data', FIL, '--out', dir], input: /^error: --out: cannot write .* is a folder/, out: 'none' },
    { name: 'a session hour above 23', args: ['vwap', '--anchor', 'session:24', '--data', FIL], input: /^error: --anchor: "24" is not a UTC hour 0-23/ },
    { name: 'a custom anchor without a time zone', args: ['vwap', '--anchor', 'custom:2023-08-10T13:30', '--data', FIL], input: /^error: --anchor: "2023-08-10T13:30" is not an ISO time with a zone/ },
    { name: 'a band list with a non-number', args: ['vwap', '--bands', '1,two', '--data', FIL], input: /^error: --bands: "two" in "1,two" is not a positive number/ },
    { name: 'an unknown price source', args: ['rolling-vwap', '--source', 'hlcc4', '--data', FIL], input: /^error: --source: "hlcc4" is not a price source/ },
    { name: 'an unknown pivot method', args: ['pivots', '--method', 'demark', '--data', FIL], input: /^error: --method: "demark" is not a pivot method/ },
    { name: 'a pivot period other than day or week', args: ['pivots', '--period', '14', '--data', FIL], input: /^error: --period: "14" is not a pivot period/ },
    { name: 'a volume profile without --tick', args: ['volume-profile', '--data', FIL], input: /^error: --tick: is required for volume-profile/ },
    { name: 'a zero tick size', args: ['volume-profile', '--tick', '0', '--data', FIL], input: /^error: --tick: "0" is not a positive decimal/ },
    { name: 'a zero-bar window scope', args: ['volume-profile', '--tick', '0.001', '--scope', 'window:0', '--data', FIL], input: /^error: --scope: "window:0" is not a profile scope/ },
    { name: 'an anchor with a window scope', args: ['volume-profile', '--tick', '0.001', '--scope', 'window:60', '--anchor', 'week', '--data', FIL], input: /^error: --anchor: applies only to --scope session/ },
    { name: 'a value area of 0 %', args: ['volume-profile', '--tick', '0.001', '--value-area', '0', '--data', FIL], input: /^error: --value-area: "0" is not a percentage/ },
  ];
  for (const c of cases) {
    it(`refuses ${c.name}`, () => {
      const outDir = mkdtempSync(join(dir, 'bad-'));
      const args = c.out === 'none' ? c.args : [...c.args, '--out', join(outDir, 'result.csv')];
      const r = run(...args);
      expect(r.code, r.err).toBe(2);
      expect(r.err, 'the message names the input and the problem').toMatch(c.input);
      expect(r.err.split('\n'), 'one line and no stack trace').toHaveLength(2);
      expect(r.out, 'nothing on stdout').toBe('');
      expect(readdirSync(outDir), 'no CSV and no temp file').toEqual([]);
    });
  }

});
