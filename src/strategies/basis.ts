// The basis trade, perpetual against spot (cash and carry): when the perpetual trades far enough above spot that
// the premium beats the round trip's costs, short the perpetual and hold the same quantity of spot; exit when the
// basis converges or after a time limit. Funding is paid and received by the venue on the short. The spot leg is
// modelled here (quantity, fill at the spot close, spot fee); must never enter without a spot price for the bar.
import { z } from 'zod';
import { countFromFloat } from '../core/grid.js';
import { defineStrategy, type StrategyDefinition } from '../engine/strategy.js';
import type { SpotFeed } from './blocks/spot-feed.js';

const HOURS_PER_YEAR = 24 * 365;

/** One completed pair trade, for reports and tests. Money in the settle asset (floats). */
export interface BasisTrade {
  readonly entryMs: number;
  readonly exitMs: number;
  readonly qty: number;
  readonly entryBasisPct: number;
  readonly exitBasisPct: number;
  /** Spot leg: qty x (exit - entry) at the spot closes, minus its two fees. */
  readonly spotPnl: number;
  readonly spotFees: number;
  readonly exitReason: 'converged' | 'time-limit';
}

export interface BasisOptions {
  /** Spot closes aligned to the run's bars (default: `ctx.spot`). Without either the strategy never enters and says so. */
  readonly spot?: SpotFeed;
  readonly onTrade?: (trade: BasisTrade) => void;
}

/** Basis in percent of spot: (perp - spot) / spot x 100. */
export const basisPct = (perp: number, spot: number): number => ((perp - spot) / spot) * 100;

const params = z
  .object({
    notional: z.number().positive().max(10_000_000).default(5000).describe('quote value of each leg at entry (e.g. USDT)'),
    entryBasisPct: z.number().min(0).max(20).default(0.08).describe('enter when the basis is at least this far above the round trip\'s cost, percent of spot'),
    exitBasisPct: z.number().min(-5).max(20).default(0.01).describe('converged: exit when the basis falls to this level, percent'),
    maxHoldHours: z.number().gt(0).max(100_000).default(72).describe('time limit: exit after this many hours whatever the basis'),
    spotFeePct: z.number().min(0).max(1).default(0.1).describe('spot fee per side, percent of the spot notional (Binance spot taker 0.1 %)'),
    perpFeePct: z.number().min(0).max(1).default(0.05).describe('the perpetual fee per side this strategy assumes when it weighs costs, percent (the venue charges its own)'),
  })
  .refine((p) => p.exitBasisPct < p.entryBasisPct, { message: 'exitBasisPct must be below entryBasisPct', path: ['exitBasisPct'] });

/** The basis trade with an optional injected spot feed (default: `ctx.spot`, the run's spot klines) and per-trade callback. */
export function createBasis(options: BasisOptions = {}): StrategyDefinition<typeof params> {
  return defineStrategy({
    name: 'basis',
    description: 'perpetual vs spot cash-and-carry: short the perp and hold spot when the premium beats costs; exit on convergence or a time limit',
    params,
    data: { bars: '1m', spot: true },
    create(ctx, p) {
      const spotFeed = options.spot ?? ctx.spot;
      let bars = 0;
      let maxBasisPct = Number.NEGATIVE_INFINITY;
      let trades = 0;
      const spec = ctx.instrument;
      const position = ctx.position();
      // Costs of the whole round trip, both legs, percent of notional.
      const costPct = 2 * (p.spotFeePct + p.perpFeePct);
      let open: { entryMs: number; qty: number; spotEntry: number; entryBasisPct: number; fundingAtEntry: number } | undefined;
      let pendingId: string | undefined;
      if (spotFeed === undefined) ctx.note('basis: no spot series given (run it with the spot klines beside the perpetual): it will not trade');

      return {
        onBar(bar) {
          const spot = spotFeed?.closeAt(bar.openTimeMs);
          if (spot === undefined) return;
          bars++;
          if (pendingId !== undefined && ctx.orders.isWorking(pendingId)) return;
          pendingId = undefined;
          const basis = basisPct(bar.close, spot);
          if (basis > maxBasisPct) maxBasisPct = basis;
          if (open === undefined) {
            if (!position.isFlat || basis < p.entryBasisPct + costPct) return;
            const lots = countFromFloat(p.notional / spot, spec.lot, 'floor') ?? 0;
            if (lots < 1) return;
            const qty = lots * spec.lot.stepFloat;
            open = { entryMs: bar.closeTimeMs, qty, spotEntry: spot, entryBasisPct: basis, fundingAtEntry: ctx.account.funding };
            ctx.note(`basis: enter: perp ${bar.close} vs spot ${spot}, basis ${basis.toFixed(4)} % >= ${p.entryBasisPct} % + costs ${costPct} %; short ${qty} perp, buy ${qty} spot`);
            pendingId = ctx.orders.market({ action: 'sell', lots, tag: 'basis:short-perp' });
            return;
          }
          const heldHours = (bar.closeTimeMs - open.entryMs) / 3_600_000;
          const converged = basis <= p.exitBasisPct;
          if (!converged && heldHours < p.maxHoldHours) return;
          const spotFees = (open.qty * (open.spotEntry + spot) * p.spotFeePct) / 100;
          const trade: BasisTrade = {
            entryMs: open.entryMs,
            exitMs: bar.closeTimeMs,
            qty: open.qty,
            entryBasisPct: open.entryBasisPct,
            exitBasisPct: basis,
            spotPnl: open.qty * (spot - open.spotEntry) - spotFees,
            spotFees,
            exitReason: converged ? 'converged' : 'time-limit',
          };
          const funding = ctx.account.funding - open.fundingAtEntry;
          const fundingAnnualPct = heldHours > 0 ? ((funding / (open.qty * open.spotEntry)) * 100 * HOURS_PER_YEAR) / heldHours : 0;
          ctx.note(
            `basis: exit (${trade.exitReason}) after ${heldHours.toFixed(1)} h: basis ${open.entryBasisPct.toFixed(4)} % -> ${basis.toFixed(4)} %; spot leg ${trade.spotPnl.toFixed(2)} after fees ${spotFees.toFixed(2)}; funding ${funding.toFixed(2)} (${fundingAnnualPct.toFixed(2)} % a year)`,
          );
          options.onTrade?.(trade);
          trades++;
          open = undefined;
          if (!position.isFlat) pendingId = ctx.orders.market({ action: 'buy', lots: Math.abs(position.signedLots), reduceOnly: true, tag: 'basis:close' });
        },
        onEnd() {
          // Says why it did not trade (or how little) when that is the outcome: the premium rarely beats two legs of fees.
          if (spotFeed === undefined) ctx.note('basis final: 0 pair trades: the run had no spot series');
          else if (bars === 0) ctx.note(`basis final: 0 pair trades: no bar of the run had a spot price (${spotFeed.source})`);
          else {
            ctx.note(`basis final: ${trades} pair trades${open === undefined ? '' : '; a pair is still open'}; over ${bars} bars with a spot price the basis peaked at ${maxBasisPct.toFixed(4)} %, entry needs ${(p.entryBasisPct + costPct).toFixed(4)} % (entryBasisPct ${p.entryBasisPct} % + round-trip costs ${Number(costPct.toFixed(6))} %)`);
          }
        },
      };
    },
  });
}

export default createBasis();
