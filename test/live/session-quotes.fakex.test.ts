// Quotes in paper sessions: fakex replays a real Binance USD-M capture, and the session hands every bookTicker it
// sends to the strategy's onQuote, in the capture's order, between the trades, with ctx.time never going back. A
// recorder strategy (fixtures/quote-recorder.mjs) sees exactly the capture's best bid / ask (in ticks and lots), and
// ema-impulse's entry checklist judges the live spread: with a spread limit below one tick it refuses its setups
// for the spread, where without quotes it would read "spread n/a".
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { loadCapture } from '../../src/apps/fakex/capture-replay.js';
import { startFakex, type FakexServer } from '../../src/apps/fakex/fakex-server.js';
import { NO_FAULTS } from '../../src/apps/fakex/fault-plan.js';
import { countFromFloat, countFromText } from '../../src/core/grid.js';
import { moneyFromText, type Money } from '../../src/core/money.js';
import type { Clock, TimestampMs } from '../../src/core/time.js';
import { loadRegistry } from '../../src/data/spec-files.js';
import type { StrategyContext, StrategyDefinition } from '../../src/engine/strategy.js';
import { IN_MEMORY, openJournalDb, type JournalDb } from '../../src/journal/journal-db.js';
import { startPaper, type PaperHandle } from '../../src/live/paper-session.js';
import { binanceWsBase } from '../../src/live/trade-stream.js';
import { DEFAULT_GUARD_LIMITS } from '../../src/risk/guard.js';
import emaImpulse from '../../src/strategies/ema-impulse.js';
import { REPO_ROOT, sharedData } from '../support/shared-data.js';

const CAPTURE = sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2024-08-08T2354.txt.gz');
const clock: Clock = { nowMs: () => Date.now() as TimestampMs };
const registry = loadRegistry();
const spec = registry.get('BINANCE:BTCUSDT');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Quotes the test waits for: a few seconds of the capture at fakex speed 10. */
const QUOTES = 3000;

interface Seen {
  readonly kind: 'quote' | 'trade' | 'bar';
  readonly timeMs: number;
  readonly ctxMs: number;
  readonly bid?: number;
  readonly bidQty?: number;
  readonly ask?: number;
  readonly askQty?: number;
}

/** The capture's bookTicker values in file order, in ticks and lots (what fakex publishes, uncrossed ones). */
function captureQuotes(): { bid: number; bidLots: number; ask: number; askLots: number }[] {
  const count = (text: unknown, grid: typeof spec.tick): number => {
    const r = countFromText(String(text), grid, 'nearest');
    if (!r.ok) throw new Error(`capture value ${String(text)} is off the grid`);
    return r.value;
  };
  return loadCapture(CAPTURE)
    .messages.filter((m) => m.kind === 'bookTicker')
    .map((m) => ({ bid: count(m.data['b'], spec.tick), bidLots: count(m.data['B'], spec.lot), ask: count(m.data['a'], spec.tick), askLots: count(m.data['A'], spec.lot) }))
    .filter((q) => q.bid > 0 && q.ask > q.bid);
}

let server: FakexServer | undefined;
const handles: PaperHandle[] = [];
const journals: JournalDb[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.stop();
  for (const j of journals.splice(0)) j.close();
  await server?.close();
  server = undefined;
});

function paper(s: FakexServer, strategy: StrategyDefinition, params: Readonly<Record<string, unknown>>, log: (line: string) => void = () => undefined): PaperHandle {
  const journal = openJournalDb(IN_MEMORY, { create: true });
  journals.push(journal);
  const h = startPaper({
    spec,
    strategy,
    params,
    journal,
    wsBase: binanceWsBase(s.url),
    limits: DEFAULT_GUARD_LIMITS,
    equity: '10000',
    startingBalance: moneyFromText('10000') as Money,
    leverage: 10,
    // 100 ms bars of stream time: enough bars in a few seconds for the scalp's indicators.
    replaySpeed: 600,
    durationMs: 120_000,
    depth: { restBase: s.url, stallMs: 5000 },
    clock,
    config: {},
    log,
  });
  handles.push(h);
  return h;
}

describe('quotes in a paper session on fakex', () => {
  test("the strategy gets every bookTicker in the capture's order, ctx.time never goes back, and a scalp's spread check judges them", async () => {
    const s = (server = await startFakex({ port: 0, replayFile: CAPTURE, speed: 10, faults: NO_FAULTS, credentials: { apiKey: 'k', secret: 'quotes-test-secret' }, registry, paused: true, log: () => undefined }));
    const recorder = (await import(pathToFileURL(resolve(REPO_ROOT, 'test/live/fixtures/quote-recorder.mjs')).href)) as { default: StrategyDefinition; seen: Seen[] };
    const seen = recorder.seen;
    seen.length = 0;
    const notes: string[] = [];
    // ema-impulse as it is, its notes copied out (the session keeps notes in the engine only), and its bars shown
    // as the 1m bars they stand for: --replay-speed 600 makes them 100 ms of stream time, which the checklist's
    // timeframe item (1m or 3m bars) would refuse before it reaches the spread.
    const scalp = {
      ...emaImpulse,
      create: (ctx: StrategyContext, p: never) => {
        const inner = emaImpulse.create(new Proxy(ctx, { get: (t, k) => (k === 'note' ? (text: string) => (notes.push(text), t.note(text)) : Reflect.get(t, k, t)) }), p);
        return { ...inner, onBar: (bar: Parameters<NonNullable<typeof inner.onBar>>[0]) => inner.onBar?.({ ...bar, openTimeMs: bar.closeTimeMs - 60_000 }) };
      },
    } as unknown as StrategyDefinition;
    const recording = paper(s, recorder.default, {});
    const scalping = paper(s, scalp, emaImpulse.params.parse({ maxSpreadPct: 0.00001, minQuoteVolume: 0, minSeparationPct: 0, minRewardRisk: 0.5, volumeWindow: 2 }) as Record<string, unknown>);
    // Both sockets of both sessions open on the paused replay, so the first quote each gets is the capture's first.
    await sleep(800);
    await fetch(`${s.url}/__control`, { method: 'POST', body: JSON.stringify({ replay: 'resume' }) });
    const quotes = (): Seen[] => seen.filter((x) => x.kind === 'quote');
    for (let waited = 0; quotes().length < QUOTES || !notes.some((n) => /rejected: liquidity .*spread [\d.e-]+ %/.test(n)); waited += 50) {
      if (waited > 60_000) throw new Error(`only ${quotes().length} quotes and ${notes.length} notes within 60 s (${notes.slice(-3).join(' | ')})`);
      await sleep(50);
    }
    await fetch(`${s.url}/__control`, { method: 'POST', body: JSON.stringify({ replay: 'pause' }) });

    const got = quotes().map((q) => ({ bid: countFromFloat(q.bid!, spec.tick, 'nearest'), bidLots: countFromFloat(q.bidQty!, spec.lot, 'nearest'), ask: countFromFloat(q.ask!, spec.tick, 'nearest'), askLots: countFromFloat(q.askQty!, spec.lot, 'nearest') }));
    // The replay may start past the capture's head (fakex begins at its first depth snapshot): the quotes must be one
    // contiguous run of the capture's, from where the session's socket joined.
    const all = captureQuotes();
    const same = (a: (typeof got)[number] | undefined, b: (typeof all)[number] | undefined): boolean => a !== undefined && b !== undefined && a.bid === b.bid && a.ask === b.ask && a.bidLots === b.bidLots && a.askLots === b.askLots;
    const from = all.findIndex((_, k) => got.slice(0, 20).every((g, i) => same(g, all[k + i])));
    expect(from, 'the first quotes the strategy got are in the capture').toBeGreaterThanOrEqual(0);
    const expected = all.slice(from, from + got.length);
    expect(got.length, 'the session handed on the quotes (the test proves nothing without them)').toBeGreaterThanOrEqual(QUOTES);
    expect(got, "the strategy's quotes are the capture's bookTicker values, in order, none lost or repeated").toEqual(expected);
    expect(recording.session.quotes, 'the session counted what it handed on').toBeGreaterThanOrEqual(got.length);

    let back = 0;
    for (let i = 1; i < seen.length; i++) if (seen[i]!.ctxMs < seen[i - 1]!.ctxMs) back++;
    expect(back, 'ctx.time never goes back across quotes, trades and bars').toBe(0);
    expect(seen.filter((x) => x.kind === 'quote').every((q) => q.ctxMs === q.timeMs), "a quote's time is ctx.time while it is handled").toBe(true);
    expect(seen.some((x) => x.kind === 'trade') && seen.some((x) => x.kind === 'bar'), 'trades and bars came between the quotes').toBe(true);

    const spreadNotes = notes.filter((n) => n.includes('checklist rejected: liquidity') && /spread [\d.e-]+ % \(max 0\.00001 %\)/.test(n));
    expect(spreadNotes.length, `ema-impulse refuses its setups for the live spread (notes: ${notes.slice(0, 3).join(' | ')})`).toBeGreaterThan(0);
    expect(notes.some((n) => n.includes('spread n/a')), 'no setup was judged without a quote').toBe(false);
    expect(scalping.session.guarded.denials.length + scalping.session.engine.trips.length, 'the refused setups sent nothing').toBe(0);
  }, 120_000);
});
