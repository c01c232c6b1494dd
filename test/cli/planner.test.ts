import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validDocument } from '../support/spec-cases.js';
import { ensureBuilt, runCli, runJson } from './run-cli.js';

beforeAll(ensureBuilt);

describe('microfut size', () => {
  it('sizes $5,000 at 1 % on COINBASE:BIT at $70,000 with a 1 % stop to 7 contracts and $49 at risk', () => {
    const { json, err } = runJson('size', '--instrument', 'COINBASE:BIT', '--equity', '5000', '--entry', '70000', '--stop-pct', '1');
    expect(json).toMatchObject({ contracts: 7, riskQuote: 49, stopPrice: 69300, notionalQuote: 4900, side: 'long' });
    // Coinbase's fixed margin ($300 a contract in the spec) is 42 % of equity: the CLI warns on stderr.
    expect(json['initialMarginQuote']).toBe(2100);
    expect(err).toMatch(/warning: margin utilisation 42\.00 % of equity is above 10\.00 %/);
  });

  it('sizes the same trade with an ad-hoc --multiplier 0.01 --tick 0.01 and says fees are 0', () => {
    const { json } = runJson('size', '--multiplier', '0.01', '--tick', '0.01', '--equity', '5000', '--entry', '70000', '--stop-pct', '1');
    expect(json).toMatchObject({ contracts: 7, riskQuote: 49, notionalQuote: 4900, initialMarginQuote: 490, marginUtilisationPct: 9.8, feesQuote: 0 });
    // Isolated 10x, maintenance 0.4 %: LP = 70,000 x (1 - 0.1) / (1 - 0.004) = 63,253.012..., rounded up: 63,253.02.
    expect(json['liquidationPrice']).toBe(63253.02);
    expect(JSON.stringify(json['notes'])).toMatch(/fees 0/);
  });

  it('sizes $1,000 at 1 % with a 0.2 % stop on a $1,000-notional contract to 5 contracts', () => {
    const { json } = runJson('size', '--multiplier', '1', '--tick', '0.01', '--equity', '1000', '--entry', '1000', '--stop-pct', '0.2');
    expect(json).toMatchObject({ contracts: 5, riskQuote: 10 });
  });

  it('reports Binance USD-M contracts as a decimal quantity (ccxt meaning): 0.071', () => {
    const { json } = runJson('size', '--instrument', 'BTC/USDT:USDT', '--equity', '5000', '--entry', '70000', '--stop', '69300');
    expect(json).toMatchObject({ contracts: 0.071, lots: 71, riskQuote: 49.7, liquidationPrice: 63253.1 });
  });

  it('needs $210 of margin for 3 micro contracts at $70,000 and 10x', () => {
    const { json, err } = runJson('size', '--multiplier', '0.01', '--tick', '0.01', '--equity', '2100', '--entry', '70000', '--stop-pct', '1', '--leverage', '10');
    expect(json).toMatchObject({ contracts: 3, initialMarginQuote: 210, marginUtilisationPct: 10 });
    expect(err, 'exactly 10 % is not above the ceiling').toBe('');
  });

  it('makes the budget cover fees with --include-fees', () => {
    const args = ['size', '--multiplier', '0.01', '--tick', '0.01', '--fee-taker', '0.05', '--equity', '5000', '--entry', '70000', '--stop-pct', '1'];
    expect(runJson(...args).json['contracts']).toBe(7);
    const { json } = runJson(...args, '--include-fees');
    expect(json).toMatchObject({ contracts: 6, includeFees: true });
    expect(json['lossWithFeesQuote'] as number).toBeLessThanOrEqual(50);
  });

  it('prints a readable table by default', () => {
    const r = runCli('size', '--instrument', 'COINBASE:BIT', '--equity', '5000', '--entry', '70000', '--stop-pct', '1');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/contracts\s+7 \(rounded down to the lot 1\)/);
    expect(r.out).toMatch(/risk at stop\s+49\.00 USD before fees/);
    expect(r.out).toMatch(/five straight stops\s+cost 4\.90 % of equity/);
  });

  it('plans with an instrument from the user spec file given by --specs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'microfut-size-'));
    const file = join(dir, 'my.json');
    writeFileSync(file, JSON.stringify(validDocument()));
    const { json } = runJson('size', '--specs', file, '--instrument', 'BINANCE:MYUSDT', '--equity', '1000', '--entry', '10', '--stop', '9.9');
    // $10 budget / ($0.10 x 0.1 per lot) = 1,000 lots of 0.1 = 100 MY; notional 1,000 at 10x.
    expect(json).toMatchObject({ contracts: 100, riskQuote: 10, notionalQuote: 1000 });
  });
});

describe('microfut costs', () => {
  it('nets 0.12 % from a 0.2 % target after 0.08 % of costs on BINANCE:BTCUSDT, and warns', () => {
    const { json, err } = runJson('costs', '--instrument', 'BINANCE:BTCUSDT', '--entry', '70000', '--target-pct', '0.2', '--hold-hours', '8');
    expect(json).toMatchObject({ feesPct: 0.07, fundingPct: 0.01, costsPct: 0.08, netTargetPct: 0.12, breakEvenMoveTicks: 561 });
    expect(err).toMatch(/warning: costs of 0\.08 % eat 40 % of the 0\.2 % target/);
  });

  it('does not warn on a wide target', () => {
    const { err } = runJson('costs', '--instrument', 'BINANCE:BTCUSDT', '--entry', '70000', '--target-pct', '1');
    expect(err).toBe('');
  });
});

describe('microfut hedge', () => {
  it('shorts 150 contracts of 0.01 BTC against 1.5 BTC at $60,000; a 10 % drop loses $9,000 on spot and gains $9,000', () => {
    const { json } = runJson('hedge', '--spot-qty', '1.5', '--spot-price', '60000', '--multiplier', '0.01');
    expect(json['contracts']).toBe(150);
    const rows = json['scenarios'] as { movePct: number; spotPnlQuote: number; hedgePnlQuote: number }[];
    expect(rows.find((r) => r.movePct === -10)).toMatchObject({ spotPnlQuote: -9000, hedgePnlQuote: 9000 });
    expect(rows.map((r) => r.movePct)).toEqual([-20, -15, -10, -5, 0, 5, 10, 15, 20]);
  });

  it('hedges on BINANCE:BTCUSDT with funding over the duration', () => {
    const { json } = runJson('hedge', '--spot-qty', '1.5', '--spot-price', '60000', '--instrument', 'BINANCE:BTCUSDT', '--hours', '24');
    expect(json).toMatchObject({ contracts: 1.5, fundingPeriods: 3, fundingQuote: 27, residualBase: 0 });
  });
});

describe('microfut scale-plan', () => {
  it('plans 3 micro contracts in thirds with the stop at breakeven after the first add', () => {
    const { json } = runJson('scale-plan', '--multiplier', '0.01', '--equity', '1000', '--entry', '70000', '--stop-pct', '0.5', '--split', 'thirds', '--trigger', 'pct:0.5', '--total-contracts', '3');
    const steps = json['steps'] as { entryPrice: number; stopPrice: number; worstCaseLossQuote: number }[];
    expect(steps.map((s) => s.entryPrice)).toEqual([70000, 70350, 70701.75]);
    expect(steps.map((s) => s.stopPrice)).toEqual([69650, 70000, 70349.99]);
    expect(steps.map((s) => s.worstCaseLossQuote)).toEqual([3.5, 3.5, 0.0178]);
  });

  it('sizes the total from the risk budget when no total is given', () => {
    const { json } = runJson('scale-plan', '--multiplier', '0.01', '--equity', '1000', '--entry', '70000', '--stop-pct', '0.5', '--split', '1/4-1/4-1/2', '--trigger', 'pct:0.5');
    expect(json['totalContracts']).toBe(8);
    expect(json['maxWorstCaseLossQuote'] as number).toBeLessThanOrEqual(10);
  });
});
