// Pre-flight reads and setters of a venue account through ccxt: position mode (one-way / hedge), margin mode
// (isolated / cross) and leverage per instrument, each failure mapped by the venue's error table. Used by the live
// session before its first order; must never change a setting the caller did not ask to change.
import type { Exchange, Position } from 'ccxt';
import type { InstrumentSpec } from '../../domain/instrument.js';
import type { MarginMode, PositionMode } from '../venue.js';
import { classifyError, VenueFailure } from './venue-failure.js';
import type { VenueProfile } from './venue-profile.js';

export interface AccountSetupSource {
  readonly profile: VenueProfile;
  readonly exchange: Exchange;
  readonly redact?: (text: string) => string;
}

/** The settings of one instrument as the venue reports them. */
export interface AccountSettings {
  readonly positionMode: PositionMode;
  readonly marginMode: MarginMode;
  /** The leverage multiplier set for the instrument (e.g. 10 = 10x); undefined when the venue does not say. */
  readonly leverage: number | undefined;
}

async function call<T>(src: AccountSetupSource, task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (e) {
    throw new VenueFailure(src.profile.name, classifyError(e, src.profile.errors, src.redact ?? ((t) => t)));
  }
}

/**
 * Reads position mode (GET /fapi/v1/positionSide/dual on Binance), margin mode and leverage (ccxt
 * fetchAccountPositions: Binance GET /fapi/v2/account `positions[]`, `leverage`, `isolated`). Throws a VenueFailure with the mapped code when the venue cannot
 * be read.
 */
export function readAccountSettings(src: AccountSetupSource, spec: InstrumentSpec): Promise<AccountSettings> {
  return call(src, async () => {
    const ex = src.exchange;
    const hedged = (await ex.fetchPositionMode(spec.ccxtSymbol)).hedged;
    // Binance's account positions list every symbol, flat or not, with its leverage and margin type.
    const rows: Position[] = ex.has['fetchAccountPositions'] === true ? await ex.fetchAccountPositions([spec.ccxtSymbol]) : await ex.fetchPositions([spec.ccxtSymbol]);
    const row = rows.find((p: Position) => p.symbol === spec.ccxtSymbol);
    const marginMode: MarginMode = row?.marginMode === 'isolated' ? 'isolated' : 'cross';
    const raw = row?.leverage ?? Number((row?.info as { leverage?: string } | undefined)?.leverage);
    return { positionMode: hedged ? 'hedge' : 'one-way', marginMode, leverage: raw !== undefined && Number.isFinite(raw) && raw > 0 ? raw : undefined };
  });
}

/** Sets the account's position mode (Binance: account-wide, only with no position and no open order, else -4068). */
export function setPositionMode(src: AccountSetupSource, spec: InstrumentSpec, mode: PositionMode): Promise<void> {
  return call(src, async () => {
    await src.exchange.setPositionMode(mode === 'hedge', spec.ccxtSymbol);
  });
}

/** Sets the instrument's margin mode (Binance POST /fapi/v1/marginType; -4048/-4047 with an open position or order). */
export function setMarginMode(src: AccountSetupSource, spec: InstrumentSpec, mode: MarginMode): Promise<void> {
  return call(src, async () => {
    await src.exchange.setMarginMode(mode, spec.ccxtSymbol);
  });
}

/** Sets the instrument's leverage (Binance POST /fapi/v1/leverage, 1..the bracket's maximum). */
export function setLeverage(src: AccountSetupSource, spec: InstrumentSpec, leverage: number): Promise<void> {
  return call(src, async () => {
    await src.exchange.setLeverage(leverage, spec.ccxtSymbol);
  });
}
