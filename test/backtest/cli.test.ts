// `microfut backtest` as a user runs it: the compiled CLI, spawned. `npm test` builds first; alone:
// `npx tsc -p tsconfig.build.json`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, sharedData } from '../support/shared-data.js';

const CLI = resolve(REPO_ROOT, 'dist/src/apps/cli/main.js');
const KLINES = sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz');
const dir = mkdtempSync(join(tmpdir(), 'microfut-backtest-cli-'));
const BASE = ['backtest', '--strategy', 'ema-cross', '--instrument', 'BINANCE:BTCUSDT', '--data', KLINES, '--from', '2025-05-10', '--to', '2025-05-12'];

function run(...args: string[]): { code: number; out: string; err: string } {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npx tsc -p tsconfig.build.json first`);
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('microfut backtest', () => {
  it('prints one JSON summary with the documented keys, counting only closed round trips as trades', () => {
    const r = run(...BASE, '--json');
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(r.out) as Record<string, unknown>;
    for (const key of ['bars', 'trades', 'wins', 'winRate', 'netPnl', 'fees', 'funding', 'liquidations', 'finalEquity', 'maxDrawdownPct']) {
      expect(s, `the summary has ${key}`).toHaveProperty(key);
    }
    expect(s.bars, 'two days of 1m bars').toBe(2 * 1440);
    expect((s.trades as number) > 0, 'ema-cross trades on two days of BTCUSDT').toBe(true);
    expect(s.winRate, 'wins / trades').toBeCloseTo((s.wins as number) / (s.trades as number), 10);
    expect(typeof s.finalEquity).toBe('number');
  });

  it('writes trades.csv, equity.csv, events.jsonl and run.json, one trade row per round trip', () => {
    const out = join(dir, 'run-a');
    const r = run(...BASE, '--out', out, '--json');
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['equity.csv', 'events.jsonl', 'run.json', 'trades.csv']);
    const summary = JSON.parse(r.out) as { trades: number; bars: number };
    const trades = readFileSync(join(out, 'trades.csv'), 'utf8').trim().split('\n');
    expect(trades[0]).toBe('id,side,entry_time,exit_time,entry_price,exit_price,qty,entries,exits,gross_pnl,fees,funding,net_pnl,exit_reason,entry_tag,planned_stop,planned_target,mae,mfe,bars_held');
    expect(trades.length - 1, 'one row per closed trade').toBe(summary.trades);
    for (const row of trades.slice(1)) expect(['take-profit', 'stop-loss'], row).toContain(row.split(',')[13]);
    expect(readFileSync(join(out, 'equity.csv'), 'utf8').trim().split('\n').length - 1, 'one equity row per bar').toBe(summary.bars);
    const events = readFileSync(join(out, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
    const fills = events.filter((e) => e.kind === 'order-filled').length;
    expect(fills >= 2 * summary.trades, 'every trade has an entry and an exit fill in the log').toBe(true);
    expect(events.some((e) => e.kind === 'note'), 'the strategy notes its decisions').toBe(true);
    const meta = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { data: { sha256: string }[]; code: { version: string } };
    expect(meta.data[0]!.sha256, 'the data file checksum').toMatch(/^[0-9a-f]{64}$/);
    expect(meta.code.version).toBe('0.1.0');
  });

  it('writes byte-identical outputs when run twice with the same inputs', () => {
    const a = join(dir, 'same-1');
    const b = join(dir, 'same-2');
    expect(run(...BASE, '--out', a).code).toBe(0);
    expect(run(...BASE, '--out', b).code).toBe(0);
    for (const f of ['trades.csv', 'equity.csv', 'events.jsonl', 'run.json']) {
      expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), `${f} is identical`).toBe(true);
    }
  });

  it.each([
    [['--param', 'fast=0'], /--param fast/],
    [['--param', 'speed=3'], /--param speed: is not a parameter of this strategy/],
    [['--intrabar', 'random'], /--intrabar/],
    [['--fee-taker', 'abc'], /--fee-taker: "abc" is not a number/],
    [['--from', '2025-05-12', '--to', '2025-05-10'], /--from and --to/],
    [['--fill', 'quotes'], /holds klines, not bookTicker quotes/],
    [['--fill', 'trades'], /holds klines, not trades or aggTrades/],
  ])('refuses %j with a one-line error naming the flag, exit 2, and writes nothing', (extra, message) => {
    const out = join(dir, `bad-${extra.join('-').replace(/[^a-z0-9]/gi, '')}`);
    const args = [...BASE, '--out', out];
    // A later flag overrides an earlier one (commander), so the bad value wins.
    const r = run(...args, ...extra);
    expect(r.code, r.out).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n'), 'one line, no stack trace').toHaveLength(1);
    expect(existsSync(out), 'nothing written').toBe(false);
  });

  it('refuses an unknown strategy and a TypeScript strategy this Node cannot load, saying what to do', () => {
    const unknown = run('backtest', '--strategy', 'no-such', '--instrument', 'BINANCE:BTCUSDT', '--data', KLINES);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/--strategy: "no-such" is not a built-in strategy.*ema-cross/);
    const ts = join(dir, 'mine.ts');
    writeFileSync(ts, 'export default {};\n');
    const r = run('backtest', '--strategy', ts, '--instrument', 'BINANCE:BTCUSDT', '--data', KLINES);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot load TypeScript directly.*compile|default export/);
  });

  it('replays the real trade tape with --fill trades, building the strategy\'s bars from the same trades', () => {
    // A 6-minute Binance USD-M capture, 2024-08-08 23:54 .. 2024-08-09 00:00 UTC.
    const tape = sharedData('binance/futures-um/trades/BTCUSDT-trades-2024-08-08T2354.csv.gz');
    const r = run('backtest', '--strategy', 'ema-cross', '--instrument', 'BINANCE:BTCUSDT', '--fill', 'trades', '--data', tape, '--funding', 'off', '--json', '--param', 'fast=1', '--param', 'slow=2', '--param', 'tpPct=0.02', '--param', 'slPct=0.02');
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(r.out) as { bars: number; from: string; funnel: { fills: number } };
    expect(s.bars, 'six 1m bars from the tape').toBe(6);
    expect(s.from).toBe('2024-08-08T23:54:00.000Z');
    expect(s.funnel.fills > 0, 'orders filled against the tape').toBe(true);
  });

  it('runs a user strategy from a .mjs file and explains a run without trades', () => {
    const zod = pathToFileURL(resolve(REPO_ROOT, 'node_modules/zod/index.js')).href;
    const file = join(dir, 'never-trades.mjs');
    writeFileSync(
      file,
      [
        `import { z } from ${JSON.stringify(zod)};`,
        'export default {',
        "  name: 'tiny-orders',",
        "  params: z.object({ notional: z.number().positive().default(5) }),",
        "  data: { bars: '1m' },",
        '  create(ctx, p) {',
        '    return { onBar(bar) { if (bar.index % 100 === 0) ctx.orders.market({ action: "buy", notional: p.notional }); } };',
        '  },',
        '};',
      ].join('\n'),
    );
    const r = run('backtest', '--strategy', file, '--instrument', 'BINANCE:BTCUSDT', '--data', KLINES, '--from', '2025-05-10', '--to', '2025-05-11');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/why no trades: signals 15 -> sent 0 -> accepted by the venue 0 -> fills 0/);
    expect(r.out).toMatch(/15 x not sent: size rounds down to 0 lots/);
  });
});
