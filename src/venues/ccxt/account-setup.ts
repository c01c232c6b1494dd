// Pre-flight reads and setters of a venue account through ccxt: position mode (one-way / hedge), margin mode
// (isolated / cross) and leverage per instrument, each failure mapped by the venue's error table. Used by the live
// session before its first order; must never change a setting the caller did not ask to change.
import type { Exchange, Position } from 'ccxt';
import type { InstrumentSpec } from '../../domain/instrument.js';
import type { MarginMode, PositionMode } from '../venue.js';
import { classifyError, VenueFailure } from './venue-failure.js';
import type { AccountContext, VenueProfile } from './venue-profile.js';
import { askedMarginMode, forgetPositionMode } from './venue-snapshot.js';

export interface AccountSetupSource {
  readonly profile: VenueProfile;
  readonly exchange: Exchange;
  readonly redact?: (text: string) => string;
}

/** The settings of one instrument as the venue reports them; undefined where the venue does not say. */
export interface AccountSettings {
  readonly positionMode: PositionMode | undefined;
  /** Undefined also for a mode we do not model (Bybit PORTFOLIO_MARGIN). */
  readonly marginMode: MarginMode | undefined;
  /** The leverage multiplier set for the instrument (e.g. 10 = 10x). */
  readonly leverage: number | undefined;
}

async function call<T>(src: AccountSetupSource, task: () => Promise<T>): Promise<T | undefined> {
  try {
    return await task();
  } catch (e) {
    // ccxt 4.5's weex throws on the venue's own success answer ({"code":"200","msg":"success"}).
    if (e instanceof Error && src.profile.isSuccessAnswer?.(e.message) === true) return undefined;
    throw new VenueFailure(src.profile.name, classifyError(e, src.profile.errors, src.redact ?? ((t) => t)));
  }
}

/** Sends one setter request per entry of the profile's setterParams (one request without params where it has none). */
async function setEach(src: AccountSetupSource, setting: 'position-mode' | 'margin-mode' | 'leverage', account: AccountContext, send: (params: Record<string, unknown>) => Promise<unknown>): Promise<void> {
  const requests = src.profile.setterParams?.(setting, account) ?? [{}];
  for (const params of requests) await call(src, () => send({ ...params }));
}

const modeOf = (m: unknown): MarginMode | undefined => (m === 'isolated' || m === 'cross' ? m : undefined);

/**
 * The position mode where ccxt has no fetchPositionMode (Bybit): the legs of the symbol's position rows, which Bybit
 * lists even when flat (`positionIdx` 0 one-way, 1 and 2 the legs of hedge mode,
 * https://bybit-exchange.github.io/docs/v5/position); undefined when no row says.
 */
function positionModeFromRows(rows: readonly Position[]): PositionMode | undefined {
  const legs = rows.map((p) => Number((p.info as { positionIdx?: unknown } | undefined)?.positionIdx)).filter((i) => i === 0 || i === 1 || i === 2);
  if (legs.length === 0) return undefined;
  return legs.some((i) => i !== 0) ? 'hedge' : 'one-way';
}

/**
 * Reads position mode (ccxt fetchPositionMode: GET /fapi/v1/positionSide/dual on Binance; Bybit from its position
 * rows), margin mode and leverage (ccxt fetchAccountPositions where it exists: Binance GET /fapi/v2/account
 * `positions[]`, `leverage`, `isolated`; else fetchPositions; a margin mode the rows do not state from ccxt
 * fetchMarginMode, e.g. Bybit GET /v5/account/info, undefined where that cannot answer). Throws a VenueFailure with the mapped code when the venue cannot be read.
 */
export async function readAccountSettings(src: AccountSetupSource, spec: InstrumentSpec): Promise<AccountSettings> {
  const read = await call(src, async () => {
    const ex = src.exchange;
    // Binance's account positions list every symbol, flat or not, with its leverage and margin type.
    const raw: Position[] = ex.has['fetchAccountPositions'] === true ? await ex.fetchAccountPositions([spec.ccxtSymbol]) : await ex.fetchPositions([spec.ccxtSymbol]);
    const rows = raw.map((p) => src.profile.repairPosition?.(p) ?? p).filter((p) => p.symbol === spec.ccxtSymbol);
    const positionMode = ex.has['fetchPositionMode'] === true ? ((await ex.fetchPositionMode(spec.ccxtSymbol)).hedged ? 'hedge' : 'one-way') : positionModeFromRows(rows);
    const row = rows[0];
    const marginMode = modeOf(row?.marginMode) ?? (await askedMarginMode(ex, spec));
    const leverage = row?.leverage ?? Number((row?.info as { leverage?: string } | undefined)?.leverage);
    return { positionMode, marginMode, leverage: leverage !== undefined && Number.isFinite(leverage) && leverage > 0 ? leverage : undefined } satisfies AccountSettings;
  });
  return read ?? { positionMode: undefined, marginMode: undefined, leverage: undefined };
}

/**
 * Sets the account's position mode (Binance: account-wide, only with no position and no open order, else -4068).
 * `account` names the other settings where the venue sets them in the same request (WEEX: the margin type).
 */
export function setPositionMode(src: AccountSetupSource, spec: InstrumentSpec, mode: PositionMode, account: AccountContext = {}): Promise<void> {
  forgetPositionMode(src.exchange);
  return setEach(src, 'position-mode', { ...account, positionMode: mode }, (params) => src.exchange.setPositionMode(mode === 'hedge', spec.ccxtSymbol, params)).finally(() => forgetPositionMode(src.exchange));
}

/**
 * Sets the instrument's margin mode (Binance POST /fapi/v1/marginType; -4048/-4047 with an open position or order).
 * MEXC sets margin mode and leverage in one request, so it needs `account.leverage`.
 */
export function setMarginMode(src: AccountSetupSource, spec: InstrumentSpec, mode: MarginMode, account: AccountContext = {}): Promise<void> {
  return setEach(src, 'margin-mode', { ...account, marginMode: mode }, (params) => src.exchange.setMarginMode(mode, spec.ccxtSymbol, params));
}

/**
 * Sets the instrument's leverage (Binance POST /fapi/v1/leverage, 1..the bracket's maximum). BingX needs
 * `account.positionMode` (the side), MEXC and WEEX `account.marginMode`.
 */
export function setLeverage(src: AccountSetupSource, spec: InstrumentSpec, leverage: number, account: AccountContext = {}): Promise<void> {
  return setEach(src, 'leverage', { ...account, leverage }, (params) => src.exchange.setLeverage(leverage, spec.ccxtSymbol, params));
}
