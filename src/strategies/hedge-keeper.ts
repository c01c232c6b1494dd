// The spot hedge keeper (the source "hedging with micro-futures"): holds a short of micro contracts against a spot
// holding (a fixed quantity, a schedule, or a live session's holding source), rebalances when the delta drifts beyond
// a band, ends the hedge after its duration or at its stop, and reports hedged against unhedged equity. Funding is
// paid and received by the venue.
// The spot leg is modelled here (quantity x spot close); must never trade it or look past the bar being handled.
import { z } from 'zod';
import { countFromFloat, countToFloat } from '../core/grid.js';
import { defineStrategy, type StrategyDefinition } from '../engine/strategy.js';
import type { SpotFeed } from './blocks/spot-feed.js';

/** One bar of the hedge's book, for reports and tests. Quantities in base units, money in the settle asset (floats). */
export interface HedgeRow {
  readonly timeMs: number;
  readonly spotQty: number;
  readonly spotPrice: number;
  /** Contracts held short (positive), in base units. */
  readonly hedgeQty: number;
  /** Target short minus held short, base units: what the next rebalance would trade. */
  readonly deltaQty: number;
  /** The spot holding's value plus the cash its scheduled changes moved: what the holder has without the hedge. */
  readonly unhedgedEquity: number;
  /** Unhedged equity plus the futures account's change (hedge P&L - fees + funding). */
  readonly hedgedEquity: number;
  /** Cumulative fees and funding of the futures account (funding > 0 received). */
  readonly fees: number;
  readonly funding: number;
  /** True on the bar a rebalance (or the first hedge) filled. */
  readonly rebalanced: boolean;
}

export interface HedgeKeeperOptions {
  /**
   * Spot closes aligned to the run's bars; without it the strategy reads `ctx.spot` (the backtest's spot klines), and
   * without either the spot leg is valued at the perpetual's close (no basis).
   */
  readonly spot?: SpotFeed;
  /** Called with every bar's row (after the strategy acted on the bar). */
  readonly onRow?: (row: HedgeRow) => void;
  /**
   * The spot holding now, base units, asked at every bar close: a paper or live session's holding source
   * (src/live/spot-holding.ts: a given quantity or the venue's spot balance). It replaces the `spotQty` and
   * `schedule` params. Undefined means not known yet: no hedge is placed or changed until it is.
   */
  readonly spotQty?: () => number | undefined;
}

/** A spot-quantity schedule "2025-06-01=1.5,2025-06-10T12:00=0.8": from each UTC time on, that quantity. */
export interface ScheduleStep {
  readonly fromMs: number;
  readonly qty: number;
}

export function parseSchedule(text: string): ScheduleStep[] | undefined {
  if (text.trim() === '') return [];
  const steps: ScheduleStep[] = [];
  for (const part of text.split(',')) {
    const [when, qty] = part.split('=');
    if (when === undefined || qty === undefined) return undefined;
    const iso = when.trim().length === 10 ? `${when.trim()}T00:00:00Z` : `${when.trim()}Z`;
    const fromMs = Date.parse(iso);
    const q = Number(qty);
    if (!Number.isFinite(fromMs) || !(q >= 0) || (steps.length > 0 && fromMs <= steps[steps.length - 1]!.fromMs)) return undefined;
    steps.push({ fromMs, qty: q });
  }
  return steps;
}

const params = z
  .object({
    spotQty: z.number().min(0).max(1_000_000).default(0.1).describe('spot holding to hedge, base units (e.g. 0.1 BTC); the schedule overrides it from its first time on'),
    schedule: z.string().default('').describe('spot quantity over time: "YYYY-MM-DD[THH:MM]=qty,..." (UTC), e.g. 2025-06-01=0.2,2025-06-10=0.05'),
    hedgeRatio: z.number().min(0.1).max(1.5).default(1).describe('short this share of the spot quantity (1 = delta-neutral)'),
    bandPct: z.number().min(0).max(50).default(5).describe('rebalance when the delta exceeds this share of the target hedge, percent'),
    durationHours: z.number().min(0).max(100_000).default(0).describe('end the hedge this many hours after it is placed (0 = keep it to the end of the data); the source suggests e.g. 168 (7 days)'),
    stopPct: z.number().gt(0).max(100).default(10).describe('stop on the hedge leg: buy back if price rises this far above the hedge\'s average entry, percent'),
    reportEveryHours: z.number().min(1).max(10_000).default(24).describe('note hedged vs unhedged equity this often'),
  })
  .refine((p) => parseSchedule(p.schedule) !== undefined, { message: 'not a schedule: "YYYY-MM-DD[THH:MM]=qty" pairs in increasing time, comma-separated', path: ['schedule'] });

/** The hedge keeper with an optional injected spot feed (default: `ctx.spot`, the run's spot klines) and row callback. */
export function createHedgeKeeper(options: HedgeKeeperOptions = {}): StrategyDefinition<typeof params> {
  return defineStrategy({
    name: 'hedge-keeper',
    description: 'delta-neutral micro-contract short against a spot holding: band rebalancing, duration, hedge stop; hedged vs unhedged equity',
    params,
    data: { bars: '1m', spot: true },
    create(ctx, p) {
      const spec = ctx.instrument;
      const spotFeed = options.spot ?? ctx.spot;
      let last: { row: HedgeRow; perpClose: number } | undefined;
      const schedule = parseSchedule(p.schedule)!;
      const position = ctx.position();
      const startEquity = ctx.account.equity;
      let state: 'waiting' | 'hedged' | 'stopped' | 'expired' = 'waiting';
      /** When the first hedge filled: the duration counts from there. */
      let hedgeStartMs: number | undefined;
      let stopId: string | undefined;
      /** The working hedge or rebalance order, and the stop its bracket brought (undefined for a buy-back). */
      let pending: { readonly id: string; readonly stopId: string | undefined; readonly targetLots: number } | undefined;
      /**
       * After a refusal (by the venue, or a risk guard that may only be waiting for fresh market data), the same target
       * is asked again after 1, 2, 4 ... 64 bars; a new target is asked at once.
       */
      let refused: { readonly targetLots: number; readonly times: number; readonly retryAtBar: number } | undefined;
      let barIndex = 0;
      let rebalancedNow = false;
      let spotQty = p.spotQty;
      let spotKnown = options.spotQty === undefined;
      let unknownNoted = false;
      let spotCash = 0;
      let nextReportMs = 0;
      if (spotFeed === undefined) ctx.note('hedge-keeper: no spot series given: the spot leg is valued at the perpetual close (basis ignored)');

      const quantityAt = (timeMs: number): number => {
        let q = p.spotQty;
        for (const s of schedule) if (s.fromMs <= timeMs) q = s.qty;
        return q;
      };
      const heldLots = (): number => 0 - position.signedLots;
      const targetLots = (): number => countFromFloat(spotQty * p.hedgeRatio, spec.lot, 'floor') ?? 0;
      const stopTicksFor = (averagePrice: number): number => countFromFloat(averagePrice * (1 + p.stopPct / 100), spec.tick, 'ceil')!;

      // Adding to the short goes as a bracket with its own stop, so the order carries the stop a pre-trade risk guard
      // checks; once it fills, the one hedge stop is resized over the whole short (onFill).
      const sell = (lots: number, closeNow: number, tag: string): void => {
        const ids = ctx.orders.bracket({ entry: { action: 'sell', lots, tag }, stopLoss: { price: { ticks: stopTicksFor(closeNow) } } });
        pending = ids === undefined ? undefined : { id: ids.entry, stopId: ids.stopLoss, targetLots: targetLots() };
      };
      const buyBack = (lots: number, tag: string): void => {
        const id = ctx.orders.market({ action: 'buy', lots, reduceOnly: true, tag });
        pending = id === undefined ? undefined : { id, stopId: undefined, targetLots: targetLots() };
      };

      const rebalance = (reason: string, closeNow: number): void => {
        const delta = targetLots() - heldLots();
        if (delta === 0) return;
        ctx.note(`hedge-keeper: ${reason}: ${delta > 0 ? 'sell' : 'buy'} ${countToFloat(Math.abs(delta), spec.lot)} to short ${countToFloat(targetLots(), spec.lot)} against ${spotQty} spot`);
        if (delta > 0) sell(delta, closeNow, 'hedge-keeper:rebalance');
        else buyBack(-delta, 'hedge-keeper:rebalance');
      };

      const close = (why: 'stopped' | 'expired', text: string): void => {
        state = why;
        ctx.note(`hedge-keeper: ${text}`);
        // The buy-back goes first and the stop rests until the short is gone (onFill cancels it): never unprotected.
        if (heldLots() > 0) buyBack(heldLots(), 'hedge-keeper:close');
        else if (stopId !== undefined && ctx.orders.isWorking(stopId)) ctx.orders.cancel(stopId);
      };

      const readSpotQty = (timeMs: number): number | undefined => {
        if (options.spotQty === undefined) return quantityAt(timeMs);
        const q = options.spotQty();
        return q !== undefined && Number.isFinite(q) && q >= 0 ? q : undefined;
      };

      return {
        onBar(bar) {
          const spotPrice = spotFeed?.closeAt(bar.openTimeMs) ?? bar.close;
          const q = readSpotQty(bar.closeTimeMs);
          if (q === undefined) {
            if (!unknownNoted) ctx.note('hedge-keeper: the spot holding is not known yet: no hedge change until it is');
            unknownNoted = true;
          } else if (!spotKnown) {
            // The first reading of a live holding: what the holder had when the session started, no cash moved.
            spotQty = q;
            spotKnown = true;
          } else if (q !== spotQty) {
            // The holder bought or sold spot at this close: the cash moves, the holding's value does not jump.
            spotCash -= (q - spotQty) * spotPrice;
            spotQty = q;
          }
          if (pending !== undefined && !ctx.orders.isWorking(pending.id)) pending = undefined;
          const working = pending !== undefined;
          barIndex = bar.index;
          if (refused !== undefined && refused.targetLots !== targetLots()) refused = undefined;
          const waitingRetry = refused !== undefined && bar.index < refused.retryAtBar;
          if (state === 'hedged' && p.durationHours > 0 && hedgeStartMs !== undefined && bar.closeTimeMs - hedgeStartMs >= p.durationHours * 3_600_000) {
            close('expired', `hedge duration of ${p.durationHours} h is over: closing the short, the spot is unhedged from here`);
          } else if (state === 'waiting' && heldLots() > 0 && !working) {
            // A resumed session starts from the venue's short and its resting stop: keep them, never sell a second hedge.
            state = 'hedged';
            hedgeStartMs = bar.closeTimeMs;
            stopId = ctx.orders.open().find((o) => o.action === 'buy' && (o.type === 'stop-market' || o.type === 'stop-limit'))?.clientId;
            ctx.note(`hedge-keeper: took over a short of ${countToFloat(heldLots(), spec.lot)} ${stopId === undefined ? 'without a stop' : `and its stop ${stopId}`}; the duration counts from here`);
            if (stopId === undefined && position.entryPrice !== undefined) stopId = ctx.orders.stop({ action: 'buy', lots: heldLots(), trigger: { ticks: stopTicksFor(position.entryPrice) }, reduceOnly: true, tag: 'hedge-keeper:stop' });
          } else if (!spotKnown || working || waitingRetry) {
            // Nothing to decide: the holding is unknown, an order is on its way, or a refused target waits to be asked again.
          } else if (state === 'waiting' && targetLots() > 0) {
            state = 'hedged';
            ctx.note(`hedge-keeper: short ${countToFloat(targetLots(), spec.lot)} contracts against ${spotQty} spot at ${spotPrice} (ratio ${p.hedgeRatio}), stop ${p.stopPct} % above the fill`);
            sell(targetLots(), bar.close, 'hedge-keeper:hedge');
          } else if (state === 'hedged') {
            const delta = targetLots() - heldLots();
            if (Math.abs(delta) > (targetLots() * p.bandPct) / 100) rebalance(`delta ${countToFloat(delta, spec.lot)} outside the ${p.bandPct} % band`, bar.close);
          }
          const unhedged = spotQty * spotPrice + spotCash;
          const row: HedgeRow = {
            timeMs: bar.closeTimeMs,
            spotQty,
            spotPrice,
            hedgeQty: countToFloat(heldLots(), spec.lot),
            deltaQty: countToFloat(targetLots() - heldLots(), spec.lot),
            unhedgedEquity: unhedged,
            hedgedEquity: unhedged + (ctx.account.equity - startEquity),
            fees: ctx.account.fees,
            funding: ctx.account.funding,
            rebalanced: rebalancedNow,
          };
          rebalancedNow = false;
          last = { row, perpClose: bar.close };
          options.onRow?.(row);
          if (bar.closeTimeMs >= nextReportMs) {
            nextReportMs = bar.closeTimeMs + p.reportEveryHours * 3_600_000;
            ctx.note(`hedge-keeper report: spot ${spotQty} at ${spotPrice}, short ${row.hedgeQty}; unhedged equity ${unhedged.toFixed(2)}, hedged ${row.hedgedEquity.toFixed(2)} (fees ${ctx.account.fees.toFixed(2)}, funding ${ctx.account.funding.toFixed(2)})`);
          }
        },
        onEnd() {
          if (last === undefined) return;
          const r = last.row;
          const perpOnly = r.spotQty * last.perpClose + spotCash;
          ctx.note(
            `hedge-keeper final: spot ${r.spotQty} at ${r.spotPrice} (${spotFeed === undefined ? 'no spot series: the perpetual close' : spotFeed.source}), short ${r.hedgeQty}; ` +
              `unhedged equity ${r.unhedgedEquity.toFixed(2)}, hedged ${r.hedgedEquity.toFixed(2)} (fees ${r.fees.toFixed(2)}, funding ${r.funding.toFixed(2)}); ` +
              `valued at the perpetual close ${last.perpClose} instead, the spot leg would read ${perpOnly.toFixed(2)}`,
          );
        },
        onOrder(update) {
          if (pending === undefined || update.clientId !== pending.id || update.status !== 'rejected') return;
          const times = refused?.targetLots === pending.targetLots ? refused.times + 1 : 1;
          const waitBars = Math.min(64, 2 ** (times - 1));
          refused = { targetLots: pending.targetLots, times, retryAtBar: barIndex + 1 + waitBars };
          ctx.note(`hedge-keeper: the order for a short of ${countToFloat(pending.targetLots, spec.lot)} was refused (${update.reason ?? 'no reason given'}); asked again in ${waitBars} bar(s) unless the target changes`);
          pending = undefined;
        },
        onFill(fill) {
          if (pending !== undefined && fill.clientId === pending.id) refused = undefined;
          if (fill.clientId === stopId) {
            if (position.isFlat) close('stopped', `hedge stop hit at ${fill.price}: the short is closed and the spot unhedged`);
            return;
          }
          if (position.isFlat || position.entryPrice === undefined) {
            // Bought back to flat (the end of the hedge, or a holding gone to nothing): the stop has nothing to protect.
            if (stopId !== undefined && ctx.orders.isWorking(stopId)) ctx.orders.cancel(stopId);
            return;
          }
          if (state !== 'hedged') return;
          if (pending !== undefined && fill.clientId === pending.id && pending.stopId !== undefined && pending.stopId !== stopId) {
            // An added sell brought its own stop: it becomes the hedge's one stop (a venue that keeps brackets has
            // already retired the old one; a venue that does not still holds it, so it is cancelled here).
            if (stopId !== undefined && ctx.orders.isWorking(stopId)) ctx.orders.cancel(stopId);
            stopId = pending.stopId;
          }
          rebalancedNow = true;
          hedgeStartMs ??= fill.timeMs;
          // The stop covers the whole short at stopPct above its average entry after every change of size.
          if (stopId !== undefined && ctx.orders.isWorking(stopId)) ctx.orders.modify(stopId, { lots: heldLots(), trigger: { ticks: stopTicksFor(position.entryPrice) } });
          else stopId = ctx.orders.stop({ action: 'buy', lots: heldLots(), trigger: { ticks: stopTicksFor(position.entryPrice) }, reduceOnly: true, tag: 'hedge-keeper:stop' });
        },
      };
    },
  });
}

export default createHedgeKeeper();
