import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { badSpecCases } from '../support/spec-cases.js';
import { ensureBuilt, runCli } from './run-cli.js';

beforeAll(ensureBuilt);

const dir = mkdtempSync(join(tmpdir(), 'microfut-planner-'));
const badSpecFile = join(dir, 'bad.json');
writeFileSync(badSpecFile, badSpecCases.find((c) => c.name === 'tick "0"')!.text);

const BIT = ['--instrument', 'COINBASE:BIT'];
const MICRO = ['--multiplier', '0.01', '--tick', '0.01'];
const size = (...args: string[]): string[] => ['size', ...args];
const okSize = ['--equity', '5000', '--entry', '70000', '--stop-pct', '1'];
const costs = (...args: string[]): string[] => ['costs', '--instrument', 'BINANCE:BTCUSDT', '--entry', '70000', ...args];
const hedge = (...args: string[]): string[] => ['hedge', ...args];
const scale = (...args: string[]): string[] => ['scale-plan', ...MICRO, '--equity', '1000', '--entry', '70000', '--stop-pct', '0.5', ...args];

/** [what, argv, what stderr must say: the flag and the problem]. */
const cases: readonly (readonly [string, readonly string[], RegExp])[] = [
  ['negative equity', size(...BIT, '--equity', '-5000', '--entry', '70000', '--stop-pct', '1'), /--equity: -5000 is too small \(must be above 0\)/],
  ['non-numeric equity', size(...BIT, '--equity', 'lots', '--entry', '70000', '--stop-pct', '1'), /--equity: "lots" is not a decimal number/],
  ['equity with a thousands separator', size(...BIT, '--equity', '5,000', '--entry', '70000', '--stop-pct', '1'), /--equity: "5,000" is not a decimal number/],
  ['risk 150 %', size(...BIT, ...okSize, '--risk-pct', '150'), /--risk-pct: 150 is too large \(must be at most 100\)/],
  ['risk 0 %', size(...BIT, ...okSize, '--risk-pct', '0'), /--risk-pct: 0 is too small/],
  ['unknown venue', size('--instrument', 'KRAKEN:BTCUSD', ...okSize), /instrument "KRAKEN:BTCUSD": unknown venue KRAKEN/],
  ['unknown instrument', size('--instrument', 'BINANCE:NOPEUSDT', ...okSize), /instrument "BINANCE:NOPEUSDT": is not in the registry/],
  ['entry off the tick grid', size(...BIT, '--equity', '5000', '--entry', '70001', '--stop-pct', '1'), /--entry: 70001 is not a multiple of the step 5 \(nearest: 70000 or 70005\)/],
  ['stop off the tick grid', size(...BIT, '--equity', '5000', '--entry', '70000', '--stop', '69301'), /--stop: 69301 is not a multiple of the step 5/],
  ['--stop and --stop-pct together', size(...BIT, ...okSize, '--stop', '69300'), /--stop and --stop-pct: were both given/],
  ['neither --stop nor --stop-pct', size(...BIT, '--equity', '5000', '--entry', '70000'), /--stop or --stop-pct: neither was given/],
  ['stop on the wrong side of an explicit side', size(...BIT, '--equity', '5000', '--entry', '70000', '--stop', '70700', '--side', 'long'), /--stop: a long needs its stop below the entry 70000, got 70700/],
  ['stop at the entry', size(...BIT, '--equity', '5000', '--entry', '70000', '--stop', '70000'), /--stop: the stop equals the entry 70000/],
  ['a 100 % stop below a long', size(...BIT, '--equity', '5000', '--entry', '70000', '--stop-pct', '100'), /--stop-pct: a 100 % stop below the entry would be at or below zero/],
  ['leverage 0', size(...MICRO, ...okSize, '--leverage', '0'), /--leverage: 0 is too small \(must be above 0\)/],
  ['leverage above the instrument max', size('--instrument', 'BINANCE:BTCUSDT', ...okSize, '--leverage', '200'), /--leverage: 200 is too large \(must be at most 125\)/],
  ['leverage above the bracket max', size('--instrument', 'BINANCE:BTCUSDT', '--equity', '50000', '--entry', '100000', '--stop-pct', '1', '--leverage', '125', '--margin-mode', 'cross'), /--leverage: 125x is above this position's maximum 100x/],
  ['unknown margin mode', size(...MICRO, ...okSize, '--margin-mode', 'portfolio'), /--margin-mode: "portfolio" is not one of isolated, cross/],
  ['unknown side', size(...MICRO, ...okSize, '--side', 'up'), /--side: "up" is not one of long, short/],
  ['unknown entry order type', size(...MICRO, ...okSize, '--entry-order', 'market'), /--entry-order: "market" is not one of maker, taker/],
  ['liquidation before the stop', size(...MICRO, '--equity', '5000', '--entry', '70000', '--stop-pct', '2', '--leverage', '50'), /--leverage: the liquidation price 68875.51 comes before the stop 68600/],
  ['one contract over the risk budget', size(...MICRO, '--equity', '500', '--entry', '70000', '--stop-pct', '1'), /--risk-pct: even one lot risks 7.00 USD, more than the budget 5.00 USD by 2.00 USD/],
  ['below the venue minimum notional', size('--instrument', 'BINANCE:BTCUSDT', '--equity', '1000', '--entry', '70000', '--stop-pct', '10'), /--risk-pct: the order notional 70.00 USDT is below the venue's minimum 100.00 USDT/],
  ['malformed spec file', size('--specs', badSpecFile, ...BIT, ...okSize), /bad\.json: instruments\[0\]\.tickSize: tickSize is "0" but must be greater than zero/],
  ['missing spec file', size('--specs', join(dir, 'nope.json'), ...BIT, ...okSize), /--specs .*nope\.json: no such file/],
  ['no contract named', size(...okSize), /--instrument or --multiplier: neither was given/],
  ['instrument and multiplier together', size(...BIT, '--multiplier', '0.01', ...okSize), /--instrument and --multiplier: were both given/],
  ['multiplier without tick', size('--multiplier', '0.01', ...okSize), /--tick: is required with --multiplier/],
  ['zero multiplier', size('--multiplier', '0', '--tick', '0.01', ...okSize), /--multiplier: 0 is too small/],
  ['missing entry', size(...BIT, '--equity', '5000', '--stop-pct', '1'), /--entry: is required/],
  ['non-numeric fee', size(...MICRO, ...okSize, '--fee-taker', 'cheap'), /--fee-taker: "cheap" is not a decimal number/],
  ['negative target', costs('--target-pct', '-1'), /--target-pct: -1 is too small/],
  ['contracts off the lot grid', costs('--target-pct', '0.2', '--contracts', '0.0005'), /--contracts: 0.0005 is not a multiple of the step 0.001/],
  ['non-numeric hold', costs('--target-pct', '0.2', '--hold-hours', 'a day'), /--hold-hours: "a day" is not a decimal number/],
  ['unknown exit order type', costs('--target-pct', '0.2', '--exit-order', 'stop'), /--exit-order: "stop" is not one of maker, taker/],
  ['zero spot quantity', hedge('--spot-qty', '0', '--spot-price', '60000', '--multiplier', '0.01'), /--spot-qty: 0 is too small/],
  ['spot quantity below one contract', hedge('--spot-qty', '0.005', '--spot-price', '60000', '--multiplier', '0.01'), /--spot-qty: the spot holding is smaller than one lot/],
  ['negative spot price', hedge('--spot-qty', '1.5', '--spot-price', '-60000', '--multiplier', '0.01'), /--spot-price: -60000 is too small/],
  ['cross hedge without a wallet', hedge('--spot-qty', '1.5', '--spot-price', '60000', '--multiplier', '0.01', '--margin-mode', 'cross'), /--equity: is required with --margin-mode cross/],
  ['custom split not summing to 100', scale('--split', '30/30/30', '--trigger', 'pct:0.5'), /--split: the parts sum to 90 %, not 100 %/],
  ['a one-part split', scale('--split', '100', '--trigger', 'pct:0.5'), /--split: "100" has only one part/],
  ['averaging down', scale('--split', 'thirds', '--trigger', '69800,70500'), /--trigger: step 2 adds at 69800, which is not above the average entry 70000: that is averaging down/],
  ['an unknown trigger rule', scale('--trigger', 'moon:1'), /--trigger: "moon:1" is not a trigger rule/],
  ['a missing trigger', scale(), /--trigger: is required/],
  ['an RSI trigger without prices', scale('--trigger', 'rsi:60'), /--trigger: an RSI trigger needs the prices/],
  ['too few trigger prices', scale('--trigger', '70300'), /--trigger: the split has 3 steps, so it needs 2 add triggers, got 1/],
  ['a total whose first stage exceeds the budget', scale('--split', 'thirds', '--trigger', 'pct:0.5', '--total-contracts', '30'), /--total-contracts: at step 1 the loss at the stop would be 35.00 USD, above the budget 10.00 USD/],
];

describe('planner commands refuse bad input', () => {
  it.each(cases)('%s: a clear error on stderr, exit 2, nothing on stdout', (_name, argv, message) => {
    const r = runCli(...argv);
    expect(r.out, 'stdout stays empty').toBe('');
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(/^error: /);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n'), 'one line, no stack trace').toHaveLength(1);
  });

  it('covers at least 30 bad inputs', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it('refuses an unknown flag through commander with exit 2 and nothing on stdout', () => {
    const r = runCli('size', '--equity', '5000', '--frobnicate');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/unknown option '--frobnicate'/);
  });
});
