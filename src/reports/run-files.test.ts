import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gridFromStep } from '../core/grid.js';
import { parseDecimal } from '../core/decimal.js';
import { parseEquityCsv, parseRunJson, parseTradesCsv, readRunDir } from './run-files.js';

const RUN_JSON = JSON.stringify({ runId: 'bt-1', config: {}, strategy: { name: 'ema-cross', params: { fast: 9 } }, instrument: { id: 'BINANCE:BTCUSDT', tick: '0.1', lot: '0.001', settle: 'USDT' } });
const HEADER = 'id,side,entry_time,exit_time,entry_price,exit_price,qty,entries,exits,gross_pnl,fees,funding,net_pnl,exit_reason,entry_tag,planned_stop,planned_target,mae,mfe,bars_held';
// Copied from a real `backtest --out` run (ema-cross on BTCUSDT, 2025-05-10).
const ROW = '2,short,2025-05-10T02:59:00.000Z,2025-05-10T05:18:00.000Z,103088.3,103242.9,0.009,1,1,-1.3914,0.9284904,0,-2.3198904,stop-loss,ema-cross:short,103242.9,102882.1,-0.9423,1.3518,139';
const { run } = parseRunJson(RUN_JSON, 'run.json');
const tick = gridFromStep('0.1')!;
const lot = gridFromStep('0.001')!;
const TERMS = { contractType: 'linear' as const, contractSize: parseDecimal('1')!, tick, lot };

function runDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'microfut-run-files-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('run files', () => {
  it('reads a trades.csv row back into a round trip with exact money', () => {
    const [t] = parseTradesCsv(`${HEADER}\n${ROW}\n`, 'trades.csv', run);
    expect(t?.side).toBe('short');
    expect(t?.netPnl, 'money is integer 1e-8 units: -2.3198904 USDT').toBe(-231_989_040);
    expect(t?.entryTimeMs).toBe(Date.parse('2025-05-10T02:59:00Z'));
    expect(t?.maxLots, '0.009 BTC on a 0.001 lot step is 9 lots').toBe(9);
    expect(t?.plannedStop).toBe(103242.9);
    expect(t?.initialRisk, 'no contract terms, so no risk is guessed').toBeUndefined();
  });

  it('recomputes the initial risk from the contract terms as the engine does', () => {
    const [t] = parseTradesCsv(`${HEADER}\n${ROW}\n`, 'trades.csv', run, { terms: TERMS });
    // Hand calculation, linear: |103242.9 - 103088.3| x 0.009 BTC = 154.6 x 0.009 = 1.3914 USDT.
    expect(t?.initialRisk, 'stop distance x size').toBe(139_140_000);
  });

  it('names the file, line and column of a corrupt value', () => {
    const bad = ROW.replace('-2.3198904', 'abc');
    expect(() => parseTradesCsv(`${HEADER}\n${bad}\n`, 'run/trades.csv', run)).toThrow(/run\/trades\.csv line 2 net_pnl: "abc" is not an amount/);
    expect(() => parseTradesCsv(`${HEADER}\n${ROW.replace('stop-loss', 'panic')}\n`, 'trades.csv', run)).toThrow(/line 2 exit_reason/);
    expect(() => parseTradesCsv(`id,side\n`, 'trades.csv', run)).toThrow(/trades\.csv line 1: has the header/);
  });

  it('reads equity.csv and refuses times that go back', () => {
    const curve = parseEquityCsv('time,equity\n2025-05-10T00:01:00.000Z,10000.00000000\n2025-05-10T00:02:00.000Z,10001.5\n', 'equity.csv');
    expect([...curve.equity]).toEqual([10000, 10001.5]);
    expect(() => parseEquityCsv('time,equity\n2025-05-10T00:02:00.000Z,1\n2025-05-10T00:01:00.000Z,1\n', 'equity.csv')).toThrow(/equity\.csv line 3 time: goes back in time/);
  });

  it('says which file is missing from a run folder, and what to do', () => {
    const dir = runDir({ 'run.json': RUN_JSON, 'trades.csv': `${HEADER}\n` });
    expect(() => readRunDir(dir)).toThrow(/equity\.csv: is missing.*microfut backtest --out/);
    expect(() => readRunDir(join(dir, 'nope'))).toThrow(/does not exist/);
    expect(() => readRunDir(runDir({ 'run.json': '{"runId": 3}' }))).toThrow(/run\.json: runId/);
  });

  it('reads a complete folder', () => {
    const dir = runDir({ 'run.json': RUN_JSON, 'trades.csv': `${HEADER}\n${ROW}\n`, 'equity.csv': 'time,equity\n2025-05-10T00:01:00.000Z,10000\n' });
    const r = readRunDir(dir);
    expect(r.trades.length).toBe(1);
    expect(r.run.runId).toBe('bt-1');
    expect(readFileSync(join(dir, 'run.json'), 'utf8'), 'reading changes nothing').toBe(RUN_JSON);
  });
});
