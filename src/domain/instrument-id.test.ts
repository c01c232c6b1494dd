import { describe, expect, it } from 'vitest';
import { closeMatches, editDistance, parseInstrumentRef } from './instrument-id.js';

describe('parseInstrumentRef', () => {
  it('reads VENUE:SYMBOL, ccxt symbols with or without a venue, and bare symbols', () => {
    expect(parseInstrumentRef(' bybit:btcusd ')).toEqual({ ok: true, ref: { kind: 'id', venue: 'BYBIT', symbol: 'BTCUSD' } });
    expect(parseInstrumentRef('BTC/USDT:USDT')).toEqual({ ok: true, ref: { kind: 'ccxt', venue: undefined, ccxtSymbol: 'BTC/USDT:USDT' } });
    expect(parseInstrumentRef('mexc:BTC/USDT:USDT')).toEqual({ ok: true, ref: { kind: 'ccxt', venue: 'MEXC', ccxtSymbol: 'BTC/USDT:USDT' } });
    expect(parseInstrumentRef('ethusdt')).toEqual({ ok: true, ref: { kind: 'bare', symbol: 'ETHUSDT' } });
  });

  it('reports an empty text and an unknown venue', () => {
    expect(parseInstrumentRef('')).toEqual({ ok: false, problem: { kind: 'empty' } });
    expect(parseInstrumentRef('FTX:BTC-PERP')).toEqual({ ok: false, problem: { kind: 'unknown-venue', venue: 'FTX', symbol: 'BTC-PERP' } });
  });
});

describe('closeMatches', () => {
  it('ranks the same symbol on other venues first, then by edit distance', () => {
    const ids = ['BINANCE:BTCUSDT', 'BYBIT:BTCUSDT', 'BINANCE:ETHUSDT', 'CME:MBT'];
    expect(closeMatches('OKX:BTCUSDT', ids)).toEqual(['BINANCE:BTCUSDT', 'BYBIT:BTCUSDT', 'BINANCE:ETHUSDT']);
    expect(closeMatches('CME:MTB', ids)[0], 'a transposition is distance 2').toBe('CME:MBT');
    expect(closeMatches('ZZZ:QQQQQQQQ', ids)).toEqual([]);
  });

  it('computes Levenshtein distances by hand examples', () => {
    // kitten -> sitten -> sittin -> sitting: 3 edits (the textbook example).
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('MBT', 'MBT')).toBe(0);
  });
});
