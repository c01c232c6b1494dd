// The venue's one-leg cross-margin shortcut must give exactly the bounds of the general cross formula
// (domain/liquidation.ts crossLiquidation and bankruptcyPrices) on Binance's real tiered BTCUSDT brackets, linear and
// inverse, long and short, for any wallet, other maintenance and other unrealised P&L.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asMoney, MONEY_UNITS } from '../../core/money.js';
import { bankruptcyPrices, conservativeTicks, crossLiquidation } from '../../domain/liquidation.js';
import { maintenanceBrackets } from '../../domain/margin.js';
import { binanceBrackets, decimal, testSpec } from '../../../test/support/contract-terms.js';
import { InstrumentAccount } from './instrument-account.js';
import { legLiquidationBounds } from './sim-liquidation.js';

const UP = Number.POSITIVE_INFINITY;
const DOWN = Number.NEGATIVE_INFINITY;

describe('sim-liquidation: one-leg cross shortcut', () => {
  it('equals the general cross formula (liquidation and bankruptcy bounds in ticks)', () => {
    const brackets = binanceBrackets('BTCUSDT');
    const linear = testSpec({ margin: { kind: 'tiered', maxLeverage: 125, brackets } });
    const inverse = { ...testSpec({ contractType: 'inverse', lot: '1', margin: { kind: 'tiered', maxLeverage: 125, brackets } }), contractSize: decimal('100') };
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 50_000 }),
        fc.integer({ min: 100_000, max: 1_500_000 }),
        fc.integer({ min: -1_000_000, max: 5_000_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: -100_000, max: 100_000 }),
        (isInverse, long, lots, entryTicks, walletCents, otherMmCents, otherUpnlCents) => {
          const spec = isInverse ? inverse : linear;
          const ia = new InstrumentAccount(spec, 0, {});
          ia.legs[0]!.applyFill(long ? lots : -lots, entryTicks);
          // Inverse wallets are in coin: scale the amounts down so they are of a sensible size.
          const scale = isInverse ? 1e-4 : 1;
          const wb = asMoney(Math.round(walletCents * 1e6 * scale));
          const tmm = asMoney(Math.round(otherMmCents * 1e6 * scale));
          const upnl = asMoney(Math.round(otherUpnlCents * 1e6 * scale));
          legLiquidationBounds(ia, 'cross', wb, tmm, upnl);
          const leg = { side: long ? ('long' as const) : ('short' as const), lots, entryTicks };
          const r = crossLiquidation(spec, ia.math, { walletBalance: wb, otherMaintenance: tmm, otherUnrealisedPnl: upnl }, [leg]);
          const expectedLower = r.immediate ? UP : (r.lower?.ticks ?? DOWN);
          const expectedUpper = r.immediate ? DOWN : (r.upper?.ticks ?? UP);
          // A short bound at or below zero ticks is crossed by every price, as an immediate liquidation is.
          const norm = (upper: number): number => (upper <= 0 ? DOWN : upper);
          if (long) expect(ia.liqLower[0], 'long liquidation bound').toBe(expectedLower);
          else expect(norm(ia.liqUpper[0]!), 'short liquidation bound').toBe(norm(expectedUpper));
          const tick = spec.tick;
          const b = bankruptcyPrices(
            spec.contractType,
            { walletBalance: wb / MONEY_UNITS, otherMaintenance: tmm / MONEY_UNITS, otherUnrealisedPnl: upnl / MONEY_UNITS },
            [{ side: leg.side, size: ia.math.positionSize(lots), entryPrice: (entryTicks * tick.stepUnits) / 10 ** tick.scale, brackets: maintenanceBrackets(spec, lots) }],
          );
          if (long && b.lower !== undefined && Number.isFinite(b.lower)) expect(ia.bankruptLower[0], 'long bankruptcy bound').toBe(conservativeTicks(b.lower, 'long', tick));
          if (!long && b.upper !== undefined && b.upper > 0) expect(ia.bankruptUpper[0], 'short bankruptcy bound').toBe(conservativeTicks(b.upper, 'short', tick));
          return true;
        },
      ),
      { numRuns: 2000 },
    );
  });
});
