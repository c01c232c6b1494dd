// `microfut backtest --interval`: bars of another interval resampled from the real 1m files give the same run as the
// exchange's own klines of that interval; the strategy sees bars of the interval; bad intervals are refused before
// anything is written. Needs the build (`npx tsc -p tsconfig.build.json`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, sharedData } from '../support/shared-data.js';

const CLI = resolve(REPO_ROOT, 'dist/src/apps/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'microfut-backtest-interval-'));
const NEAR_1H = sharedData('binance/futures-um/klines/NEARUSDT-1h-2020-10-15_2026-06-07.csv.gz');
const NEAR_1M = ['2023-08', '2023-09', '2023-10'].map((m) => sharedData(`binance/futures-um/klines/NEARUSDT-1m-${m}.csv.gz`));
const BTC_1M = sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz');

function run(...args: string[]): { code: number; out: string; err: string } {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npx tsc -p tsconfig.build.json first`);
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** A folder laid out like ../shared/data holding only the NEARUSDT 1m months (links, not copies), so no 1h file is found. */
function minuteOnlyFolder(): string {
  const root = join(dir, 'near-1m');
  const klines = join(root, 'binance', 'futures-um', 'klines');
  mkdirSync(klines, { recursive: true });
  for (const f of NEAR_1M) symlinkSync(f, join(klines, f.split('/').pop()!));
  return root;
}

let minuteFolder: string | undefined;
const read = (folder: string, file: string): string => readFileSync(join(folder, file), 'utf8');

describe('microfut backtest --interval', () => {
  // NEARUSDT 2023-08..10: src/data/resample.test.ts checks every one of these 2,208 hours equal, field by field, to
  // Binance's own 1h klines (the known 1m/1h volume disagreement is a FILUSDT hour, outside this symbol).
  it('runs 1h bars resampled from the real 1m files exactly as on the real 1h klines: same trades, equity, events and summary', () => {
    const range = ['--instrument', 'BINANCE:NEARUSDT', '--interval', '1h', '--from', '2023-08-01', '--to', '2023-11-01', '--no-journal', '--json'];
    // Of the built-ins, ema-cross trades on these hours (the scalps find no setup on hourly NEAR bars); the bars'
    // volumes are compared in src/backtest/bar-source.test.ts.
    for (const strategy of ['ema-cross']) {
      const native = join(dir, `native-${strategy}`);
      const resampled = join(dir, `resampled-${strategy}`);
      const a = run('backtest', '--strategy', strategy, ...range, '--data', NEAR_1H, '--out', native);
      const b = run('backtest', '--strategy', strategy, ...range, '--data', (minuteFolder ??= minuteOnlyFolder()), '--out', resampled);
      expect(a.code, a.err).toBe(0);
      expect(b.code, b.err).toBe(0);
      for (const f of ['trades.csv', 'equity.csv', 'events.jsonl']) expect(read(resampled, f), `${strategy}: ${f} equal to the run on the real 1h file`).toBe(read(native, f));
      const sa = JSON.parse(a.out) as Record<string, unknown>;
      const sb = JSON.parse(b.out) as Record<string, unknown>;
      const strip = (s: Record<string, unknown>): Record<string, unknown> => ({ ...s, runId: undefined, files: undefined });
      expect(strip(sb), `${strategy}: the summary, run id (a hash of the inputs) and file list aside`).toEqual(strip(sa));
      expect(sa.bars, 'the 2,208 hours of August to October 2023').toBe(2208);
      expect(sa.trades, 'ema-cross trades on these hours, so the comparison covers fills and exits').toBe(100);
      const meta = JSON.parse(read(resampled, 'run.json')) as { config: { interval: string }; bars: { interval: string; source: string; resampledFrom: { interval: string; files: string[]; incompleteBucketsLeftOut: string[] } } };
      expect(meta.config.interval).toBe('1h');
      expect(meta.bars, 'run.json says the bars were resampled, from which klines').toMatchObject({
        interval: '1h',
        source: 'resampled',
        resampledFrom: { interval: '1m', files: NEAR_1M.map((f) => f.split('/').pop()), incompleteBucketsLeftOut: [] },
      });
      expect((JSON.parse(read(native, 'run.json')) as { bars: unknown }).bars, 'the native run read 1h klines').toEqual({ interval: '1h', source: 'klines' });
    }
  });

  it('hands the strategy 3m bars built from 1m klines: ctx.time steps of 180000 ms, each bar 180000 ms long, a partial first bucket left out and said', () => {
    const zod = pathToFileURL(resolve(REPO_ROOT, 'node_modules/zod/index.js')).href;
    const file = join(dir, 'step-recorder.mjs');
    writeFileSync(
      file,
      [
        `import { z } from ${JSON.stringify(zod)};`,
        'export default {',
        "  name: 'step-recorder', params: z.object({}), data: { bars: '1m', acceptsBars: ['3m'] },",
        '  create(ctx) {',
        '    const steps = new Set(); const lengths = new Set(); let prev; let bars = 0; let first;',
        '    return {',
        '      onBar(bar) { bars++; first ??= bar.openTimeMs; if (prev !== undefined) steps.add(ctx.time - prev); prev = ctx.time; lengths.add(bar.closeTimeMs - bar.openTimeMs); },',
        '      onEnd() { ctx.note(`bars ${bars} first ${new Date(first).toISOString()} steps ${[...steps].join(",")} lengths ${[...lengths].join(",")}`); },',
        '    };',
        '  },',
        '};',
      ].join('\n'),
    );
    // The file starts at 2025-05-04 15:33 UTC, a 3m boundary; the 15:30 bucket would lack 15:30-15:32.
    const r = run('backtest', '--strategy', file, '--instrument', 'BINANCE:BTCUSDT', '--data', BTC_1M, '--interval', '3m', '--to', '2025-05-05', '--no-journal', '--json');
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(r.out) as { bars: number; strategyNotes: string[]; from: string; to: string };
    // 15:33 .. 24:00 is 507 minutes = 169 whole 3m buckets.
    expect(s.strategyNotes, 'every step and bar is three minutes').toEqual(['bars 169 first 2025-05-04T15:33:00.000Z steps 180000 lengths 180000']);
    expect([s.bars, s.from, s.to]).toEqual([169, '2025-05-04T15:33:00.000Z', '2025-05-05T00:00:00.000Z']);
    const hourly = run('backtest', '--strategy', 'ema-cross', '--instrument', 'BINANCE:BTCUSDT', '--data', BTC_1M, '--interval', '1h', '--to', '2025-05-05', '--no-journal', '--json');
    const h = JSON.parse(hourly.out) as { bars: number; from: string; warnings: string[] };
    expect([h.bars, h.from], 'the 15:00 hour lacks 15:00-15:32: left out, the run starts at 16:00').toEqual([8, '2025-05-04T16:00:00.000Z']);
    expect(h.warnings.join('\n')).toMatch(/1 1h bar left out \(2025-05-04T15:00:00\.000Z\): some of its 1m source bars are missing/);
  });

  it.each([
    [['--strategy', 'ema-cross', '--data', BTC_1M, '--interval', '7m'], /^error: --interval: not a bar interval: use one of 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 1d/],
    [['--strategy', 'ema-cross', '--instrument', 'BINANCE:NEARUSDT', '--data', NEAR_1H, '--interval', '15m', '--from', '2023-08-01', '--to', '2023-08-02'], /^error: --interval: 15m bars cannot be built from this data: .*NEARUSDT-1h-.* holds 1h bars\. pass --interval 1h or coarser/],
    [['--strategy', 'ema-cross', '--instrument', 'BINANCE:NEARUSDT', '--data', NEAR_1H, '--from', '2023-08-01', '--to', '2023-08-02'], /^error: the strategy's data\.bars: 1m bars cannot be built from this data: .* holds 1h bars\. pass --data with 1m klines or finer, or --interval 1h/],
    [['--strategy', 'dca-builder', '--data', BTC_1M, '--interval', '3m'], /^error: --interval: strategy dca-builder runs on 1m bars only, not 3m\. drop --interval/],
  ])('refuses %j: exit 2, one line naming the input and the fix, nothing written', (args, message) => {
    const out = join(dir, `bad-${args.join('-').replace(/[^a-z0-9]/gi, '').slice(-40)}`);
    const r = run('backtest', '--instrument', 'BINANCE:BTCUSDT', ...args, '--out', out, '--no-journal');
    expect(r.code, r.out).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n'), 'one line, no stack trace').toHaveLength(1);
    expect(existsSync(out), 'nothing written').toBe(false);
  });
});
