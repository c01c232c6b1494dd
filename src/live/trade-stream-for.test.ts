// Which market data a session reads per venue: the refusals (with their fixes) and the book decision, and a paper
// session on bybit-linear fed in-process by a loopback server speaking Bybit's public trade topic (no exchange):
// its bars are the served trades' bars and ema-cross trades them through the simulated venue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { moneyFromText, type Money } from '../core/money.js';
import type { Clock, TimestampMs } from '../core/time.js';
import { loadRegistry } from '../data/spec-files.js';
import { parseParams } from '../engine/strategy-params.js';
import type { EngineResult } from '../engine/engine.js';
import type { StrategyDefinition } from '../engine/strategy.js';
import { IN_MEMORY, openJournalDb } from '../journal/journal-db.js';
import { DEFAULT_GUARD_LIMITS } from '../risk/guard.js';
import emaCross from '../strategies/ema-cross.js';
import { startPaper, type PaperHandle } from './paper-session.js';
import { startVenueTradeServer, type ServedTrade, type VenueTradeServer } from './testing/venue-trade-server.js';
import { depthFor, tradeStreamFor } from './trade-stream-for.js';

const registry = loadRegistry();
const bybit = registry.get('BYBIT:BTCUSDT');

function refusal(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('tradeStreamFor', () => {
  it('refuses an instrument the venue does not trade, naming the venue that does', () => {
    const e = refusal(() => tradeStreamFor({ venue: 'binanceusdm', spec: bybit, log: () => undefined }));
    expect(e.input).toBe('--instrument');
    expect(e.message, 'Binance USD-M would stream its own BTCUSDT, not Bybit\'s').toContain('BYBIT:BTCUSDT is not traded through --venue binanceusdm');
    expect(e.fix).toBe('use --venue bybit-linear, or an instrument of binanceusdm');
    expect(refusal(() => tradeStreamFor({ venue: 'bybit-inverse', spec: bybit, log: () => undefined })).fix, 'a linear contract is not on the inverse profile').toContain('--venue bybit-linear');
  });

  it('refuses a venue name that is not a profile, listing the profiles', () => {
    const e = refusal(() => tradeStreamFor({ venue: 'bybit', spec: bybit, log: () => undefined }));
    expect(e.input).toBe('--venue');
    expect(e.fix).toContain('binanceusdm, bybit-linear, bybit-inverse, bingx, mexc, weex');
  });

  it('keeps the order book on binanceusdm only and says so once elsewhere', () => {
    const lines: string[] = [];
    const watch = { restBase: 'https://fapi.binance.com', stallMs: 5000 };
    expect(depthFor('binanceusdm', watch, (l) => lines.push(l))).toBe(watch);
    expect(depthFor('mexc', undefined, (l) => lines.push(l)), '--depth off asks for nothing').toBeUndefined();
    expect(lines).toEqual([]);
    expect(depthFor('bybit-linear', watch, (l) => lines.push(l)), 'Binance\'s depth stream says nothing about Bybit\'s book').toBeUndefined();
    expect(lines).toEqual(['order book: kept for binanceusdm only; on bybit-linear entries wait for the trade stream alone (--depth off silences this)']);
  });
});

describe('a paper session on bybit-linear fed by a loopback Bybit', () => {
  const T0 = 1_700_000_000_000;
  // replaySpeed 600: each "1m" bar is 100 ms of venue time. Bar k: open p, high p + 0.5, low p - 0.3, close p + 0.1,
  // where p follows a triangle wave of +-450 USDT (0.64 %), wide enough for ema-cross's 0.2 % / 0.15 % bracket.
  const BARS = 36;
  const wave = [0, 1, 2, 3, 2, 1, 0, -1, -2, -3, -2, -1];
  const base = (k: number): number => 70_000 + 150 * wave[k % wave.length]!;
  const barTrades = (k: number): ServedTrade[] =>
    [
      [10, 0, '0.010'],
      [40, 0.5, '0.020'],
      [70, -0.3, '0.005'],
      [90, 0.1, '0.001'],
    ].map(([ms, d, qty], i) => ({ timeMs: T0 + k * 100 + (ms as number), price: (base(k) + (d as number)).toFixed(1), qty: qty as string, takerSide: i % 2 === 0 ? 'buy' : 'sell', id: `b${k}-${i}` }));
  const journal = openJournalDb(IN_MEMORY, { create: true });
  const logs: string[] = [];
  let server: VenueTradeServer;
  let handle: PaperHandle;
  let result: EngineResult;
  let blockedWhileDown: string | undefined;
  let blockedAfter: string | undefined;

  beforeAll(async () => {
    server = await startVenueTradeServer('bybit', bybit.symbol);
    const clock: Clock = { nowMs: () => Date.now() as TimestampMs };
    const strategy = emaCross as unknown as StrategyDefinition;
    handle = startPaper({
      spec: bybit,
      strategy,
      params: parseParams(strategy.params, { fast: '2', slow: '3', notional: '1000' }),
      journal,
      wsBase: 'ws://127.0.0.1:9',
      trades: tradeStreamFor({
        venue: 'bybit-linear',
        spec: bybit,
        log: (l) => logs.push(l),
        reconnectMs: 50,
        // What `--base-url http://127.0.0.1:PORT` gives: Bybit's websocket paths on the loopback host.
        baseUrl: server.origin.replace(/^ws/, 'http'),
      }),
      limits: DEFAULT_GUARD_LIMITS,
      equity: '10000',
      startingBalance: moneyFromText('10000') as Money,
      leverage: 10,
      replaySpeed: 600,
      durationMs: 60_000,
      clock,
      config: {},
      log: (l) => logs.push(l),
    });
    await server.untilSubscribed(1);
    for (let k = 0; k < BARS / 2; k += 6) {
      server.push(Array.from({ length: 6 }, (_, j) => barTrades(k + j)).flat());
      await new Promise((r) => setTimeout(r, 30));
    }
    await until(() => handle.session.bars.count >= BARS / 2 - 1);
    server.dropAll();
    await until(() => handle.session.blockedReason() !== undefined);
    blockedWhileDown = handle.session.blockedReason();
    await server.untilSubscribed(2);
    for (let k = BARS / 2; k < BARS; k += 6) {
      server.push(Array.from({ length: 6 }, (_, j) => barTrades(k + j)).flat());
      await new Promise((r) => setTimeout(r, 30));
    }
    blockedAfter = handle.session.blockedReason();
    // The last bar closes on the session's clock: 100 ms of venue time after its open, estimated from wall time.
    await until(() => handle.session.bars.count === BARS);
    result = await handle.stop();
  }, 20_000);
  afterAll(async () => {
    journal.close();
    await server.close();
  });

  it('builds one bar per 100 ms of served trades with their exact open, high, low and close', () => {
    expect(result.bars, `${BARS} bars of 4 trades each`).toBe(BARS);
    const b = handle.session.bars;
    for (let k = 0; k < BARS; k++) {
      const p = base(k);
      expect({ open: b.openTimeMs[k], o: b.openTicks[k], h: b.highTicks[k], l: b.lowTicks[k], c: b.closeTicks[k] }, `bar ${k}: tick 0.1, so ticks = price x 10`).toEqual({
        open: T0 + k * 100,
        o: p * 10,
        h: p * 10 + 5,
        l: p * 10 - 3,
        c: p * 10 + 1,
      });
    }
  });

  it('blocks entries while the Bybit stream is down and lets them through once trades return', () => {
    expect(blockedWhileDown).toMatch(/^trade stream bybit down: /);
    expect(blockedAfter, 'trades flowed again after the resubscription').toBeUndefined();
    expect(logs.some((l) => l.startsWith('market data: trade stream bybit down'))).toBe(true);
  });

  it('trades ema-cross through the simulated venue at served prices', () => {
    const fills = journal.db.prepare("SELECT payload FROM events WHERE type = 'Fill'").all() as { payload: string }[];
    expect(fills.length, 'EMA(2)/EMA(3) crosses at every turn of the wave').toBeGreaterThan(2);
    expect(result.trips.length, 'the 0.64 % swings reach the bracket').toBeGreaterThan(0);
  });
});

async function until(done: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
