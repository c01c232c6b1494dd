import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { loadRegistry } from '../data/spec-files.js';
import { buildRegistry } from './registry.js';

const registry = loadRegistry({ env: {} });

function thrown(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('registry lookup', () => {
  it('finds TradingView ids case-insensitively, with the .P perpetual and 1! continuous suffixes', () => {
    expect(registry.get('BINANCE:BTCUSDT').id).toBe('BINANCE:BTCUSDT');
    expect(registry.get('binance:btcusdt').id).toBe('BINANCE:BTCUSDT');
    expect(registry.get('BINANCE:BTCUSDT.P').id, 'TradingView writes perpetuals with .P').toBe('BINANCE:BTCUSDT');
    expect(registry.get('CME:MBT1!').id, 'TradingView writes the front month as 1!').toBe('CME:MBT');
    expect(registry.get('BYBIT:BTCUSD').contractType).toBe('inverse');
  });

  it('resolves a bare ccxt symbol to the first venue in VENUE_IDS order, and a venue-prefixed one to that venue', () => {
    expect(registry.get('BTC/USDT:USDT').id, 'Binance USD-M comes first').toBe('BINANCE:BTCUSDT');
    expect(registry.get('BYBIT:BTC/USDT:USDT').id).toBe('BYBIT:BTCUSDT');
    expect(registry.get('MEXC:btc/usdt:usdt').id).toBe('MEXC:BTC_USDT');
    expect(registry.get('BTC/USD:BTC').id, 'inverse BTC/USD:BTC is Binance COIN-M first').toBe('BINANCECOINM:BTCUSD_PERP');
  });

  it('names a dated contract month by its code', () => {
    const r = registry.resolve('CME:MBTZ5');
    expect(r.spec.id).toBe('CME:MBT');
    expect(r.contract).toEqual({ code: 'MBTZ5', year: 2025, month: 12 });
    expect(registry.resolve('COINBASE:BITH26').contract).toEqual({ code: 'BITH6', year: 2026, month: 3 });
  });

  it('makes the PRODUCT.md 0.01 BTC contract reachable as COINBASE:BIT', () => {
    const bit = registry.get('COINBASE:BIT');
    expect(bit.contractSize).toEqual({ units: 1n, scale: 2 });
    expect(bit.contractType).toBe('linear');
  });

  it('refuses an unknown instrument and names close matches', () => {
    const e = thrown(() => registry.get('BINANCE:BTCUSD'));
    expect(e.code).toBe('UNKNOWN_INSTRUMENT');
    expect(e.input).toContain('BINANCE:BTCUSD');
    expect(e.fix, 'the same symbol on another venue comes first').toMatch(/^Did you mean BYBIT:BTCUSD, /);
    expect(e.fix, 'an id one letter away is offered').toContain('BINANCE:BTCUSDT');
  });

  it('answers a bare symbol with the venues that list it', () => {
    const e = thrown(() => registry.get('BTCUSDT'));
    expect(e.problem).toBe('names no venue');
    expect(e.fix).toContain('BINANCE:BTCUSDT');
    expect(e.fix).toContain('BYBIT:BTCUSDT');
  });

  it('refuses an unknown venue and lists the known ones', () => {
    const e = thrown(() => registry.get('KRAKEN:XBTUSD'));
    expect(e.problem).toBe('unknown venue KRAKEN');
    expect(e.fix).toContain('BINANCE, BINANCECOINM, BYBIT');
  });

  it('refuses an empty reference and an unknown ccxt symbol', () => {
    expect(thrown(() => registry.get('  ')).problem).toBe('is empty');
    expect(thrown(() => registry.get('BTC/EUR:EUR')).code).toBe('UNKNOWN_INSTRUMENT');
    expect(registry.find('NOPE:X')).toBeUndefined();
  });

  it('lets a later layer replace a spec with the same id and add new ones', () => {
    const base = registry.get('BINANCE:BTCUSDT');
    const changed = { ...base, description: 'mine' };
    const extra = { ...base, id: 'BINANCE:MYUSDT' as const, symbol: 'MYUSDT', ccxtSymbol: 'MY/USDT:USDT' };
    const r = buildRegistry([
      { origin: 'built-in', instruments: [base] },
      { origin: 'user.json', instruments: [changed, extra] },
    ]);
    expect(r.get('BINANCE:BTCUSDT').description).toBe('mine');
    expect(r.originOf('BINANCE:BTCUSDT')).toBe('user.json');
    expect(r.size).toBe(2);
  });

  it('lists by venue in symbol order', () => {
    expect(registry.list('CME').map((s) => s.id)).toEqual(['CME:MBT', 'CME:MET']);
    expect(registry.list().length).toBe(registry.size);
  });
});
