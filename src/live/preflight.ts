// Pre-flight for a live session: the venue's account (position mode, margin mode, leverage, balance, open orders,
// positions)
// against what the session is configured for, before the first order. Must never change anything on the venue:
// a mismatch is reported with the fix, and the trader makes the change.
import type { Money } from '../core/money.js';
import type { InstrumentId } from '../domain/instrument.js';
import type { InstrumentSettings } from '../venues/ccxt/venue-snapshot.js';
import type { MarginMode, PositionMode, VenueSnapshot } from '../venues/venue.js';

export interface PreflightConfig {
  readonly venue: string;
  readonly instrument: InstrumentId;
  readonly positionMode: PositionMode;
  readonly marginMode: MarginMode;
  /**
   * The leverage the session computes initial margin with (`--leverage`): the account's setting for the instrument
   * must be the same, or the guard's margin figures would not be the venue's. Undefined: not checked.
   */
  readonly leverage?: number;
  /** Least wallet balance to start with (settle-asset units). */
  readonly minBalance: Money;
  /** Whether working orders or a position on the instrument may be taken over (a restart of the same run). */
  readonly adopt: boolean;
}

/** One failed check: what was found, what was expected and how to fix it. */
export interface PreflightProblem {
  readonly check: 'position-mode' | 'margin-mode' | 'leverage' | 'balance' | 'open-orders' | 'position';
  readonly found: string;
  readonly expected: string;
  readonly fix: string;
}

/**
 * A venue snapshot, with each instrument's settings as the account reports them where the adapter read them
 * (CcxtVenue: Binance `marginType` of GET /fapi/v2/positionRisk per symbol; elsewhere ccxt's positions or
 * fetchMarginMode).
 */
export type PreflightSnapshot = VenueSnapshot & { readonly settings?: readonly InstrumentSettings[] };

/**
 * The instrument's margin mode on the account: its own setting when the snapshot has settings (undefined when the
 * venue does not say), else the snapshot's margin mode.
 */
export function accountMarginMode(snap: PreflightSnapshot, instrument: InstrumentId): MarginMode | undefined {
  return snap.settings === undefined ? snap.marginMode : snap.settings.find((s) => s.instrument === instrument)?.marginMode;
}

/** The instrument's leverage setting on the account; undefined when the venue does not report it. */
export function accountLeverage(snap: PreflightSnapshot, instrument: InstrumentId): number | undefined {
  return snap.settings?.find((s) => s.instrument === instrument)?.leverage;
}

/**
 * All failed checks (empty = ready to trade). The margin mode is the instrument's as the account reports it (margin
 * mode is per symbol on Binance); a venue that does not report it is not refused for it.
 */
export function preflight(snap: PreflightSnapshot, c: PreflightConfig): readonly PreflightProblem[] {
  const problems: PreflightProblem[] = [];
  if (snap.positionMode !== c.positionMode) {
    problems.push({ check: 'position-mode', found: snap.positionMode, expected: c.positionMode, fix: `switch ${c.venue} to ${c.positionMode} position mode (no open position or order allowed while switching), or pass --position-mode ${snap.positionMode}` });
  }
  const marginMode = accountMarginMode(snap, c.instrument);
  if (marginMode !== undefined && marginMode !== c.marginMode) {
    problems.push({
      check: 'margin-mode',
      found: `${marginMode} for ${c.instrument}`,
      expected: c.marginMode,
      fix: `set ${c.instrument} to ${c.marginMode} margin on ${c.venue} (no open position or order on it allowed while switching), or pass --margin-mode ${marginMode}`,
    });
  }
  const leverage = accountLeverage(snap, c.instrument);
  if (c.leverage !== undefined && leverage !== undefined && leverage !== c.leverage) {
    problems.push({
      check: 'leverage',
      found: `${leverage}x for ${c.instrument}`,
      expected: `${c.leverage}x`,
      fix: `set ${c.instrument}'s leverage to ${c.leverage}x on ${c.venue}, or pass --leverage ${leverage}`,
    });
  }
  if (snap.balance < c.minBalance) {
    problems.push({ check: 'balance', found: `${snap.balance / 1e8} ${snap.settleAsset}`, expected: `at least ${c.minBalance / 1e8} ${snap.settleAsset}`, fix: `deposit or transfer ${snap.settleAsset} to the futures wallet, or lower --min-balance` });
  }
  if (!c.adopt) {
    const orders = snap.openOrders.filter((o) => o.order.instrument === c.instrument);
    if (orders.length > 0) {
      problems.push({ check: 'open-orders', found: `${orders.length} working orders (${orders.slice(0, 3).map((o) => o.clientId).join(', ')})`, expected: 'none', fix: 'cancel them (microfut flatten), or resume the run that placed them with --run ID' });
    }
    const held = snap.positions.filter((p) => p.instrument === c.instrument && p.signedLots !== 0);
    if (held.length > 0) {
      problems.push({ check: 'position', found: held.map((p) => `${p.signedLots} lots`).join(', '), expected: 'flat', fix: 'close it (microfut flatten), or resume the run that opened it with --run ID' });
    }
  }
  return problems;
}
