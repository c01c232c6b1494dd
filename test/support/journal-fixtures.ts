// Hand-built journal inputs for the journal tests: a BTCUSDT run, one round trip with its order events written out
// with hand-computed money, and a seeded generator of many such trips. Test support only; never used by src.
import { asLots, asTicks } from '../../src/core/grid.js';
import type { Money } from '../../src/core/money.js';
import type { ExitReason, RoundTrip } from '../../src/domain/round-trip.js';
import type { RunEvent, RunInstrument, RunMeta } from '../../src/journal/journal-events.js';

export const BTCUSDT: RunInstrument = { id: 'BINANCE:BTCUSDT', tickSize: '0.1', lotSize: '0.001', settle: 'USDT' };
export const ETHUSDT: RunInstrument = { id: 'BINANCE:ETHUSDT', tickSize: '0.01', lotSize: '0.001', settle: 'USDT' };

export const T0 = Date.UTC(2024, 0, 1, 0, 0); // Monday 2024-01-01 00:00 UTC

export function runMeta(runId: string, source: RunMeta['source'] = 'backtest', config: Record<string, unknown> = { targetPct: 0.2 }): RunMeta {
  return { runId, source, strategy: 'vwap-bounce', instruments: [BTCUSDT, ETHUSDT], startedMs: T0, config };
}

/**
 * Long 0.005 BTC at 70000.0, exit at 70100.0 by take-profit, 10 minutes later. By hand:
 * gross = 0.005 x (70100 - 70000) = 0.5 USDT; taker fees 0.05 %: 70000 x 0.005 x 0.0005 = 0.175 and
 * 70100 x 0.005 x 0.0005 = 0.17525, total 0.35025 USDT; funding 0; net = 0.5 - 0.35025 = 0.14975 USDT.
 * Initial risk to the 69900.0 stop: 0.005 x 100 = 0.5 USDT.
 */
export function handTrip(runId: string, id = 1, startMs = T0): { readonly events: readonly RunEvent[]; readonly trip: RoundTrip } {
  const stamp = (dtMs: number): { runId: string; tsVenue: number; tsLocal: number } => ({ runId, tsVenue: startMs + dtMs, tsLocal: startMs + dtMs });
  const instrument = BTCUSDT.id;
  const events: RunEvent[] = [
    { type: 'OrderIntent', ...stamp(0), clientId: `${id}-entry`, instrument, action: 'buy', orderType: 'market', qtyLots: asLots(5), reduceOnly: false, purpose: 'entry' },
    { type: 'OrderAccepted', ...stamp(0), clientId: `${id}-entry`, instrument },
    { type: 'Fill', ...stamp(0), clientId: `${id}-entry`, instrument, action: 'buy', qtyLots: 5, priceTicks: 700_000, fee: 17_500_000 as Money, liquidity: 'taker' },
    { type: 'OrderIntent', ...stamp(0), clientId: `${id}-stop`, instrument, action: 'sell', orderType: 'stop-market', qtyLots: asLots(5), triggerTicks: asTicks(699_000), reduceOnly: true, purpose: 'stop' },
    { type: 'OrderIntent', ...stamp(0), clientId: `${id}-target`, instrument, action: 'sell', orderType: 'take-profit-market', qtyLots: asLots(5), triggerTicks: asTicks(701_000), reduceOnly: true, purpose: 'target' },
    { type: 'Fill', ...stamp(600_000), clientId: `${id}-target`, instrument, action: 'sell', qtyLots: 5, priceTicks: 701_000, fee: 17_525_000 as Money, liquidity: 'taker' },
    { type: 'OrderCancelled', ...stamp(600_000), clientId: `${id}-stop`, instrument, reason: 'oco' },
  ];
  const trip: RoundTrip = {
    id,
    runId,
    source: 'backtest',
    instrument,
    side: 'long',
    entryTimeMs: startMs,
    exitTimeMs: startMs + 600_000,
    entryPrice: 70000,
    exitPrice: 70100,
    maxLots: 5,
    maxContracts: '0.005',
    entries: 1,
    exits: 1,
    grossPnl: 50_000_000 as Money,
    fees: 35_025_000 as Money,
    funding: 0 as Money,
    netPnl: 14_975_000 as Money,
    exitReason: 'take-profit',
    entryTag: 'vwap-bounce:long',
    plannedStop: 69900,
    plannedTarget: 70100,
    initialRisk: 50_000_000 as Money,
    mae: -2_000_000 as Money,
    mfe: 50_000_000 as Money,
    barsHeld: 10,
  };
  return { events, trip };
}

/** mulberry32: a tiny seeded PRNG so generated journals are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REASONS: readonly ExitReason[] = ['take-profit', 'stop-loss', 'signal', 'trailing-stop', 'time-stop'];

/**
 * A generated round trip with its entry and exit fills (`entries` + `exits` Fill events), on BTCUSDT or ETHUSDT,
 * starting `startMs`. Money values are arbitrary but consistent (net = gross - fees + funding).
 */
export function randomTrip(runId: string, id: number, startMs: number, rnd: () => number): { readonly events: readonly RunEvent[]; readonly trip: RoundTrip } {
  const inst = rnd() < 0.7 ? BTCUSDT : ETHUSDT;
  const side = rnd() < 0.5 ? 'long' : 'short';
  const entries = 1 + Math.floor(rnd() * 3);
  const exits = 1 + Math.floor(rnd() * 2);
  const lots = 1 + Math.floor(rnd() * 20);
  const price = 100_000 + Math.floor(rnd() * 600_000);
  const heldMs = 60_000 * (1 + Math.floor(rnd() * 90));
  const events: RunEvent[] = [];
  const fill = (k: number, dt: number, opening: boolean): void => {
    const buy = (side === 'long') === opening;
    const clientId = `${id}-${opening ? 'in' : 'out'}-${k}`;
    const base = { runId, tsVenue: startMs + dt, tsLocal: startMs + dt, clientId, instrument: inst.id };
    events.push({ type: 'OrderIntent', ...base, action: buy ? 'buy' : 'sell', orderType: 'market', qtyLots: asLots(lots), reduceOnly: !opening });
    events.push({ type: 'Fill', ...base, action: buy ? 'buy' : 'sell', qtyLots: lots, priceTicks: price + k, fee: (1000 + k) as Money, liquidity: 'taker' });
  };
  for (let k = 0; k < entries; k += 1) fill(k, k * 1000, true);
  if (rnd() < 0.3) events.push({ type: 'Funding', runId, tsVenue: startMs + 2000, tsLocal: startMs + 2000, instrument: inst.id, amount: -500 as Money, rate: 0.0001 });
  for (let k = 0; k < exits; k += 1) fill(k, heldMs - (exits - 1 - k) * 1000, false);
  const gross = Math.floor((rnd() - 0.45) * 2e8);
  const fees = 2000 * (entries + exits);
  const funding = -Math.floor(rnd() * 1000);
  const trip: RoundTrip = {
    id,
    runId,
    source: 'backtest',
    instrument: inst.id,
    side,
    entryTimeMs: startMs,
    exitTimeMs: startMs + heldMs,
    entryPrice: price / 10,
    exitPrice: (price + Math.floor((rnd() - 0.5) * 1000)) / 10,
    maxLots: lots * entries,
    maxContracts: String(lots * entries / 1000),
    entries,
    exits,
    grossPnl: gross as Money,
    fees: fees as Money,
    funding: funding as Money,
    netPnl: (gross - fees + funding) as Money,
    exitReason: REASONS[Math.floor(rnd() * REASONS.length)] ?? 'signal',
    mae: -Math.floor(rnd() * 1e8) as Money,
    mfe: Math.floor(rnd() * 1e8) as Money,
    barsHeld: heldMs / 60_000,
    ...(rnd() < 0.5 ? { entryTag: 'vwap-bounce:long', plannedStop: price / 10 - 50, plannedTarget: price / 10 + 80, initialRisk: 30_000_000 as Money } : {}),
  };
  return { events, trip };
}
