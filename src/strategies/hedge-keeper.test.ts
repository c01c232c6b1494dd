// Hedge keeper and basis trade on scenario tapes (spot series = a hand-written feed) and on the real overlapping
// BTCUSDT spot and perpetual 1m files: the delta stays within its band after every rebalance, the hedge's P&L offsets
// the spot move to the cent before fees and funding, the stop and the duration end the hedge.
import { describe, expect, it } from 'vitest';
import { loadBacktestData } from '../backtest/load-data.js';
import { loadRegistry } from '../data/spec-files.js';
import type { StrategyDefinition } from '../engine/strategy.js';
import { runTape, tapeBars, type Ohlc } from '../../test/support/tape-run.js';
import { SHARED_DATA } from '../../test/support/shared-data.js';
import { createBasis, type BasisTrade } from './basis.js';
import { feedFromColumns } from './blocks/spot-feed.js';
import { createHedgeKeeper, parseSchedule, type HedgeRow } from './hedge-keeper.js';

const T0 = Date.UTC(2025, 5, 1, 0, 0);
const MIN = 60_000;
/** Bars whose every open is the previous close, so fills at the open happen at the spot price of the last close. */
const path = (closes: readonly number[]): Ohlc[] => closes.map((c, i) => { const o = i === 0 ? c : closes[i - 1]!; return [o, Math.max(o, c), Math.min(o, c), c]; });
const asDef = (d: unknown): StrategyDefinition => d as StrategyDefinition;

describe('hedge-keeper on a tape', () => {
  const closes = [60_000, 60_000, 59_000, 57_000, 55_500, 54_000, 54_000, 56_000, 55_000, 54_000];
  const bars = tapeBars(T0, path(closes));
  const spot = feedFromColumns('tape', bars.openTimeMs, bars.close);

  it('shorts the spot quantity, rebalances a schedule change back into the band, and offsets the spot move to the cent', () => {
    const rows: HedgeRow[] = [];
    const def = createHedgeKeeper({ spot, onRow: (r) => rows.push(r) });
    // 1.5 BTC spot, then 2.0 BTC from the 6th bar's close on: the delta jumps by 0.5 (25 % of the target).
    const schedule = `${new Date(T0 + 6 * MIN).toISOString().slice(0, 16)}=2.0`;
    const { result } = runTape(asDef(def), bars, { params: { spotQty: '1.5', schedule, bandPct: '5' }, equity: '100000' });
    const rebalanced = rows.filter((r) => r.rebalanced);
    expect(rebalanced.map((r) => r.hedgeQty), 'the first hedge and one rebalance').toEqual([1.5, 2]);
    for (const r of rebalanced) expect(Math.abs(r.deltaQty), `after the fill at ${r.timeMs} the delta is within 5 % of the target`).toBeLessThanOrEqual(0.05 * r.spotQty);
    // From the bar the hedge filled, hedged equity moves only by fees and funding: spot and short cancel exactly.
    const first = rows.indexOf(rebalanced[0]!);
    const a = rows[first]!;
    const z = rows[rows.length - 1]!;
    const offset = z.hedgedEquity - a.hedgedEquity + (z.fees - a.fees) - (z.funding - a.funding);
    expect(Math.abs(offset), 'hedge P&L offsets the spot move to the cent (hand check: 1.5 x -6,000 + 2.0 x 0 on spot)').toBeLessThan(0.005);
    expect(z.unhedgedEquity - a.unhedgedEquity, 'the unhedged holder lost 1.5 x (54,000 - 60,000) + 2.0 x (54,000 - 54,000)').toBeCloseTo(-9000, 6);
    expect(result.trips, 'the hedge is still open at the end').toHaveLength(0);
  });

  it('closes the hedge at its stop and keeps it off', () => {
    const up = tapeBars(T0, path([60_000, 60_000, 61_000, 63_500, 66_500, 67_000, 60_000]));
    const rows: HedgeRow[] = [];
    const def = createHedgeKeeper({ spot: feedFromColumns('tape', up.openTimeMs, up.close), onRow: (r) => rows.push(r) });
    const { result } = runTape(asDef(def), up, { params: { spotQty: '1', stopPct: '10' }, equity: '100000' });
    expect(result.trips.map((t) => t.exitReason), 'the short is closed by its stop at 66,000 (10 % above 60,000)').toEqual(['stop-loss']);
    expect(result.trips[0]!.exitPrice).toBeGreaterThanOrEqual(66_000);
    expect(rows[rows.length - 1]!.hedgeQty, 'no new hedge after the stop').toBe(0);
  });

  it('ends the hedge after its duration', () => {
    const flat = tapeBars(T0, path(Array.from({ length: 130 }, () => 60_000)));
    const def = createHedgeKeeper({ spot: feedFromColumns('tape', flat.openTimeMs, flat.close) });
    const { result } = runTape(asDef(def), flat, { params: { spotQty: '1', durationHours: '1' }, equity: '100000' });
    expect(result.trips, 'one hedge, closed by the duration').toHaveLength(1);
    expect(result.trips[0]!.exitTimeMs - result.trips[0]!.entryTimeMs, 'held one hour, closed at the next open').toBe(60 * MIN);
  });

  it('follows a live holding read at each bar close, keeping one stop over the whole short, and stops it all out', async () => {
    // Holding 1.0 BTC, 1.5 BTC from bar 3 on (a live source, e.g. the venue's spot balance), then a spike to 70,000.
    const closes = [60_000, 60_000, 60_000, 60_000, 60_000, 60_000, 70_000, 70_000];
    const bars = tapeBars(T0, path(closes));
    let bar = 0;
    const rows: HedgeRow[] = [];
    const def = createHedgeKeeper({ spotQty: () => (bar++ >= 3 ? 1.5 : 1), spot: feedFromColumns('tape', bars.openTimeMs, bars.close), onRow: (r) => rows.push(r) });
    const { result, venue } = runTape(asDef(def), bars, { params: { spotQty: '9', stopPct: '10' }, equity: '100000' });
    expect(rows.filter((r) => r.rebalanced).map((r) => r.hedgeQty), 'the provider, not the spotQty param: 1.0 short, then 1.5').toEqual([1, 1.5]);
    // Average entry 60,000 (both sells filled at the 60,000 open): the one stop sits at 66,000 over 1.5 BTC.
    expect(result.trips.map((t) => ({ reason: t.exitReason, exit: t.exitPrice })), 'the whole short leaves at its stop, 10 % above 60,000').toEqual([{ reason: 'stop-loss', exit: 66_000 }]);
    expect(rows[rows.length - 1]!.hedgeQty, 'flat after the stop, no new hedge').toBe(0);
    expect((await venue.snapshot()).openOrders, 'no stop is left behind (the added sell brought its own, which became the one stop)').toEqual([]);
  });

  it('buys back reduce-only when the holding shrinks and resizes the stop to the smaller short', async () => {
    const bars = tapeBars(T0, path(Array.from({ length: 8 }, () => 60_000)));
    let bar = 0;
    const def = createHedgeKeeper({ spotQty: () => (bar++ >= 3 ? 0.5 : 1.5), spot: feedFromColumns('tape', bars.openTimeMs, bars.close) });
    const { venue } = runTape(asDef(def), bars, { equity: '100000' });
    const snap = await venue.snapshot();
    expect(snap.positions.map((x) => x.signedLots), 'short 0.5 BTC = 500 lots of 0.001').toEqual([-500]);
    expect(snap.openOrders.map((o) => ({ type: o.order.type, lots: o.order.qtyLots - o.filledLots, trigger: 'triggerTicks' in o.order ? o.order.triggerTicks : undefined })), 'one stop, over the 500 lots left, at 66,000').toEqual([
      { type: 'stop-market', lots: 500, trigger: 660_000 },
    ]);
  });

  it('places nothing while the holding is not known', () => {
    const bars = tapeBars(T0, path([60_000, 60_000, 60_000]));
    const { result } = runTape(asDef(createHedgeKeeper({ spotQty: () => undefined })), bars, { equity: '100000' });
    expect(result.trips.length + result.openTrips.length, 'no holding read yet: no hedge').toBe(0);
  });

  it('asks again after a refusal, waiting 1, 2, 4 ... bars, instead of on every bar', () => {
    // 100 USDT cannot margin a 1 BTC short at 60,000: the venue refuses every attempt.
    const bars = tapeBars(T0, path(Array.from({ length: 20 }, () => 60_000)));
    const { result } = runTape(asDef(createHedgeKeeper({ spotQty: () => 1 })), bars, { equity: '100' });
    const waits = [...result.log.events()].filter((e) => e.kind === 'note' && e.text?.includes('was refused') === true).map((e) => Number(/asked again in (\d+) bar/.exec(e.text!)?.[1]));
    expect(waits.slice(0, 3), 'the wait doubles after each refusal of the same target').toEqual([1, 2, 4]);
    expect(waits.length, '20 bars hold 4 or 5 attempts with the doubling wait, not 20').toBeLessThanOrEqual(5);
  });

  it('reads schedules and refuses malformed ones', () => {
    expect(parseSchedule('2025-06-01=1.5,2025-06-10T12:00=0.8')).toEqual([{ fromMs: Date.UTC(2025, 5, 1), qty: 1.5 }, { fromMs: Date.UTC(2025, 5, 10, 12), qty: 0.8 }]);
    expect(parseSchedule('2025-06-10=1,2025-06-01=2'), 'times must increase').toBeUndefined();
    expect(parseSchedule('2025-06-10:1'), 'needs "="').toBeUndefined();
  });
});

describe('hedge-keeper on real BTCUSDT spot and perpetual 1m data (2025-05-20 .. 2025-05-23)', () => {
  it('keeps the delta in band and its hedged equity moves only by basis, fees and funding', async () => {
    const spec = loadRegistry().get('BINANCE:BTCUSDT');
    const data = await loadBacktestData({ spec, interval: '1m', data: SHARED_DATA, spot: SHARED_DATA, fundingOn: true, fromMs: Date.UTC(2025, 4, 20), toMs: Date.UTC(2025, 4, 23), cacheDir: '/nonexistent' });
    expect(data.spot, 'the spot klines beside the perpetual are found').toBeDefined();
    const spotSeries = data.spot!;
    expect(spotSeries.missing, 'both series cover the period minute by minute').toBe(0);
    const rows: HedgeRow[] = [];
    const def = createHedgeKeeper({ spot: feedFromColumns(spotSeries.source, spotSeries.openTimeMs, spotSeries.close), onRow: (r) => rows.push(r) });
    const { result } = runTape(asDef(def), data.bars, { params: { spotQty: '0.5', schedule: '2025-05-21T12:00=0.8' }, equity: '50000', ...(data.funding !== undefined ? { funding: data.funding } : {}) });
    const rebalanced = rows.filter((r) => r.rebalanced);
    expect(rebalanced.length, 'the first hedge and the schedule rebalance').toBe(2);
    for (const r of rebalanced) expect(Math.abs(r.deltaQty)).toBeLessThanOrEqual(0.05 * r.spotQty);
    // Hand identity: hedged change = spot qty x d(spot) - hedge qty x d(perp) - fees + funding, bar by bar; with the
    // quantities fixed after the last rebalance, the residual over that stretch is qty x (d spot - d perp).
    const k = rows.indexOf(rebalanced[1]!);
    const a = rows[k]!;
    const z = rows[rows.length - 1]!;
    const perpA = data.bars.close[k]!;
    const perpZ = data.bars.close[data.bars.length - 1]!;
    const basisMove = 0.8 * (z.spotPrice - a.spotPrice) - 0.8 * (perpZ - perpA);
    const moved = z.hedgedEquity - a.hedgedEquity + (z.fees - a.fees) - (z.funding - a.funding);
    expect(Math.abs(moved - basisMove), 'to the cent').toBeLessThan(0.005);
    expect(Math.abs(z.unhedgedEquity - a.unhedgedEquity), 'the unhedged holder did move').toBeGreaterThan(Math.abs(moved));
    expect(result.equity.length).toBe(data.bars.length);
  }, 60_000);
});

describe('basis on a tape', () => {
  it('enters when the premium beats entry threshold plus costs and exits on convergence, booking the spot leg by hand', () => {
    const perp = [60_000, 60_300, 60_300, 60_250, 60_100, 60_050, 60_050];
    const spotCloses = [60_000, 60_000, 60_050, 60_100, 60_080, 60_050, 60_050];
    const bars = tapeBars(T0, path(perp));
    const trades: BasisTrade[] = [];
    const def = createBasis({ spot: feedFromColumns('tape', bars.openTimeMs, Float64Array.from(spotCloses)), onTrade: (t) => trades.push(t) });
    const { result } = runTape(asDef(def), bars, { params: { notional: '6000', entryBasisPct: '0.1', exitBasisPct: '0.01' } });
    // Bar 1: basis (60,300 - 60,000) / 60,000 = 0.5 % >= 0.1 % + costs 2 x (0.1 + 0.05) = 0.4 %: enter 0.1 BTC.
    // Bar 5: basis 0 <= 0.01 %: converged. Spot leg 0.1 x (60,050 - 60,000) = 5, fees 0.1 x (60,000 + 60,050) x 0.1 % = 12.005.
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ qty: 0.1, exitReason: 'converged', entryMs: T0 + 2 * MIN, exitMs: T0 + 6 * MIN });
    expect(trades[0]!.spotFees).toBeCloseTo(12.005, 9);
    expect(trades[0]!.spotPnl).toBeCloseTo(5 - 12.005, 9);
    // Perp short filled at bar 2's open 60,300 and bought back at bar 6's open 60,050: +25 gross.
    expect(result.trips.map((t) => ({ entry: t.entryPrice, exit: t.exitPrice, gross: t.grossPnl / 1e8 }))).toEqual([{ entry: 60_300, exit: 60_050, gross: 25 }]);
  });

  it('does not trade without a spot series', () => {
    const bars = tapeBars(T0, path([60_000, 61_000, 61_000]));
    const { result } = runTape(asDef(createBasis()), bars);
    expect(result.trips.length + result.openTrips.length).toBe(0);
  });
});
