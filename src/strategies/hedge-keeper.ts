// The spot hedge keeper (the source "hedging with micro-futures"): holds a short of micro contracts against a spot
// holding (a fixed quantity or a schedule), rebalances when the delta drifts beyond a band, ends the hedge after its
// duration or at its stop, and reports hedged against unhedged equity. Funding is paid and received by the venue.
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
      let hedgeStartMs = 0;
      let stopId: string | undefined;
      let pendingId: string | undefined;
      let rebalancedNow = false;
      let spotQty = p.spotQty;
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

      const rebalance = (reason: string): void => {
        const delta = targetLots() - heldLots();
        if (delta === 0) return;
        ctx.note(`hedge-keeper: ${reason}: ${delta > 0 ? 'sell' : 'buy'} ${countToFloat(Math.abs(delta), spec.lot)} to short ${countToFloat(targetLots(), spec.lot)} against ${spotQty} spot`);
        pendingId = ctx.orders.market({ action: delta > 0 ? 'sell' : 'buy', lots: Math.abs(delta), ...(delta < 0 ? { reduceOnly: true } : {}), tag: 'hedge-keeper:rebalance' });
      };

      const close = (why: 'stopped' | 'expired', text: string): void => {
        state = why;
        ctx.note(`hedge-keeper: ${text}`);
        if (stopId !== undefined && ctx.orders.isWorking(stopId)) ctx.orders.cancel(stopId);
        if (heldLots() > 0) pendingId = ctx.orders.market({ action: 'buy', lots: heldLots(), reduceOnly: true, tag: 'hedge-keeper:close' });
      };

      return {
        onBar(bar) {
          const spotPrice = spotFeed?.closeAt(bar.openTimeMs) ?? bar.close;
          const q = quantityAt(bar.closeTimeMs);
          if (q !== spotQty) {
            // The holder bought or sold spot at this close: the cash moves, the holding's value does not jump.
            spotCash -= (q - spotQty) * spotPrice;
            spotQty = q;
          }
          const working = pendingId !== undefined && ctx.orders.isWorking(pendingId);
          if (!working) pendingId = undefined;
          if (state === 'hedged' && p.durationHours > 0 && bar.closeTimeMs - hedgeStartMs >= p.durationHours * 3_600_000) {
            close('expired', `hedge duration of ${p.durationHours} h is over: closing the short, the spot is unhedged from here`);
          } else if (state === 'waiting' && !working && targetLots() > 0) {
            state = 'hedged';
            hedgeStartMs = bar.closeTimeMs;
            ctx.note(`hedge-keeper: short ${countToFloat(targetLots(), spec.lot)} contracts against ${spotQty} spot at ${spotPrice} (ratio ${p.hedgeRatio}), stop ${p.stopPct} % above the fill`);
            const ids = ctx.orders.bracket({ entry: { action: 'sell', lots: targetLots(), tag: 'hedge-keeper:hedge' }, stopLoss: { pct: p.stopPct } });
            pendingId = ids?.entry;
            stopId = ids?.stopLoss;
          } else if (state === 'hedged' && !working && heldLots() > 0) {
            const delta = targetLots() - heldLots();
            if (Math.abs(delta) > (targetLots() * p.bandPct) / 100) rebalance(`delta ${countToFloat(delta, spec.lot)} outside the ${p.bandPct} % band`);
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
        onFill(fill) {
          if (fill.clientId === stopId) {
            if (position.isFlat) close('stopped', `hedge stop hit at ${fill.price}: the short is closed and the spot unhedged`);
            return;
          }
          if (state !== 'hedged' || position.isFlat || position.entryPrice === undefined) return;
          rebalancedNow = true;
          // The stop covers the whole short at stopPct above its average entry after every change of size.
          if (stopId !== undefined && ctx.orders.isWorking(stopId)) ctx.orders.modify(stopId, { lots: heldLots(), trigger: { ticks: stopTicksFor(position.entryPrice) } });
          else stopId = ctx.orders.stop({ action: 'buy', lots: heldLots(), trigger: { ticks: stopTicksFor(position.entryPrice) }, reduceOnly: true, tag: 'hedge-keeper:stop' });
        },
      };
    },
  });
}

export default createHedgeKeeper();
