// Reads a venue's account truth through ccxt: wallet balance, positions, working orders (plain and conditional),
// position and margin mode. Used at start-up and for reconciliation; must never change anything on the venue.
import type { Balances, Exchange, Order as CcxtOrder } from 'ccxt';
import { countFromFloat, type Lots } from '../../core/grid.js';
import { moneyFromFloat, moneyFromText } from '../../core/money.js';
import type { Clock } from '../../core/time.js';
import type { InstrumentId, InstrumentSpec } from '../../domain/instrument.js';
import type { MarginMode, PositionMode, VenueOpenOrder, VenuePosition, VenueSnapshot } from '../venue.js';
import { repairedOrder } from './order-lookup.js';
import { fromCcxtPosition, specFromCcxtOrder } from './order-mapping.js';
import type { VenueFailure } from './venue-failure.js';
import type { VenueProfile } from './venue-profile.js';

export interface SnapshotSource {
  readonly profile: VenueProfile;
  readonly exchange: Exchange;
  readonly instruments: readonly InstrumentSpec[];
  readonly clock: Clock;
  readonly positionMode: PositionMode;
  readonly marginMode: MarginMode;
}

/** One instrument's margin mode and leverage as the venue reports them; undefined where it does not say. */
export interface InstrumentSettings {
  readonly instrument: InstrumentId;
  readonly marginMode: MarginMode | undefined;
  /** The leverage multiplier (e.g. 10 = 10x). */
  readonly leverage: number | undefined;
}

/**
 * The port's snapshot plus each instrument's settings as the account reports them (pre-flight compares these).
 * `marginMode` is the first instrument's as the venue reports it, the configured one only where the venue does not say.
 */
export interface CcxtVenueSnapshot extends VenueSnapshot {
  readonly settings: readonly InstrumentSettings[];
}

/**
 * The wallet balance of the settle asset (deposits + realised P&L - fees +/- funding, no unrealised P&L): Binance's
 * `walletBalance` (GET /fapi/v2/account assets[]) where ccxt keeps the raw answer, else the profile's reading of the
 * raw answer (BingX `balance`, MEXC `cashBalance`), else ccxt's total for the asset, which some venues fill with
 * equity (unrealised P&L included).
 */
export function walletBalance(balances: Balances, settle: string, profile?: VenueProfile): number | string {
  const info = balances.info as { assets?: readonly { asset?: string; walletBalance?: string }[] } | undefined;
  const raw = info?.assets?.find((a) => a.asset === settle)?.walletBalance;
  return raw ?? profile?.walletBalanceText?.(balances.info, settle) ?? balances[settle]?.total ?? 0;
}

/**
 * The account's position mode as last read through each client. Read once per client (Binance GET
 * /fapi/v1/positionSide/dual weighs 30, and ccxt's throttle made every restart wait ~1.5 s for the second read): the
 * mode cannot change while a position or order is open, and this process changes it only through setPositionMode,
 * which forgets the cached value.
 */
const POSITION_MODES = new WeakMap<Exchange, PositionMode>();

/** Forgets the cached position mode of a client (after setting it). */
export function forgetPositionMode(ex: Exchange): void {
  POSITION_MODES.delete(ex);
}

/** Reads the snapshot; throws a VenueFailure (redacted, with its code) when the venue cannot be read. */
export async function readSnapshot(src: SnapshotSource, failure: (e: unknown) => VenueFailure): Promise<CcxtVenueSnapshot> {
  const ex = src.exchange;
  const settleAsset = src.instruments[0]?.settle ?? 'USDT';
  try {
    // ccxt picks the derivatives wallet by market type; without it some venues answer with the spot wallet.
    const balances = await ex.fetchBalance({ type: 'swap' });
    const wallet = walletBalance(balances, settleAsset, src.profile);
    const balance = (typeof wallet === 'string' ? moneyFromText(wallet, 'nearest') : undefined) ?? moneyFromFloat(Number(wallet), 'nearest');
    const bySymbol = new Map(src.instruments.map((s) => [s.ccxtSymbol, s]));
    const rawPositions = await ex.fetchPositions(src.instruments.map((s) => s.ccxtSymbol));
    const positions: VenuePosition[] = [];
    const found = new Map<InstrumentId, { marginMode: MarginMode | undefined; leverage: number | undefined }>();
    for (const raw of rawPositions) {
      const p = src.profile.repairPosition?.(raw) ?? raw;
      const spec = p.symbol === undefined ? undefined : bySymbol.get(p.symbol);
      if (spec === undefined) continue;
      const pos = fromCcxtPosition(p, spec);
      if (pos !== undefined) positions.push(pos);
      const seen = found.get(spec.id);
      const mode = p.marginMode === 'isolated' || p.marginMode === 'cross' ? p.marginMode : undefined;
      const leverage = typeof p.leverage === 'number' && Number.isFinite(p.leverage) && p.leverage > 0 ? p.leverage : undefined;
      found.set(spec.id, { marginMode: seen?.marginMode ?? mode, leverage: seen?.leverage ?? leverage });
    }
    const settings = src.profile.ccxtId === 'binanceusdm'
      ? await binanceSettings(ex, src.instruments)
      : await Promise.all(src.instruments.map(async (s) => ({ instrument: s.id, marginMode: found.get(s.id)?.marginMode ?? (await askedMarginMode(ex, s)), leverage: found.get(s.id)?.leverage })));
    let positionMode = src.positionMode;
    const first = src.instruments[0];
    if (ex.has['fetchPositionMode'] === true && first !== undefined) {
      positionMode = POSITION_MODES.get(ex) ?? ((await ex.fetchPositionMode(first.ccxtSymbol)).hedged ? 'hedge' : 'one-way');
      POSITION_MODES.set(ex, positionMode);
    }
    const openOrders: VenueOpenOrder[] = [];
    const conditional = src.profile.queryParams('stop-market');
    for (const spec of src.instruments) {
      const lists = [await ex.fetchOpenOrders(spec.ccxtSymbol)];
      if (Object.keys(conditional).length > 0) lists.push(await ex.fetchOpenOrders(spec.ccxtSymbol, undefined, undefined, conditional));
      for (const o of lists.flat()) {
        const open = openOrderOf(repairedOrder(src.profile, o), spec, positionMode === 'hedge');
        if (open !== undefined) openOrders.push(open);
      }
    }
    return { tsVenue: src.clock.nowMs(), settleAsset, balance, positions, openOrders, positionMode, marginMode: settings[0]?.marginMode ?? src.marginMode, settings };
  } catch (e) {
    throw failure(e);
  }
}

/**
 * The symbol's margin mode from ccxt's fetchMarginMode, for a flat symbol whose positions say nothing; undefined
 * where ccxt cannot ask the venue or the venue does not answer (pre-flight then cannot check it).
 */
export async function askedMarginMode(ex: Exchange, spec: InstrumentSpec): Promise<MarginMode | undefined> {
  if (ex.has['fetchMarginMode'] !== true) return undefined;
  try {
    const m = (await ex.fetchMarginMode(spec.ccxtSymbol)).marginMode;
    return m === 'isolated' || m === 'cross' ? m : undefined;
  } catch {
    // Some venues report the mode only with a position: unknown here, and pre-flight cannot compare it.
    return undefined;
  }
}

function openOrderOf(o: CcxtOrder, spec: InstrumentSpec, hedged: boolean): VenueOpenOrder | undefined {
  const order = specFromCcxtOrder(o, spec, hedged);
  if (order === undefined) return undefined;
  const filledLots = (countFromFloat(o.filled ?? 0, spec.lot, 'nearest') ?? 0) as Lots;
  return { clientId: order.clientId, venueOrderId: String(o.id), order, filledLots };
}

interface BinancePositionRiskV2 {
  fapiPrivateV2GetPositionRisk(params?: object): Promise<readonly { symbol?: unknown; marginType?: unknown; leverage?: unknown }[]>;
}

/**
 * Binance's own settings per symbol: GET /fapi/v2/positionRisk lists every symbol, flat ones too, with `marginType`
 * ("cross" | "isolated") and `leverage` (https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V2).
 * Called through ccxt's implicit method because ccxt's fetchPositions drops flat rows and v3 has neither field.
 */
async function binanceSettings(ex: Exchange, instruments: readonly InstrumentSpec[]): Promise<InstrumentSettings[]> {
  const rows = await (ex as unknown as BinancePositionRiskV2).fapiPrivateV2GetPositionRisk();
  return instruments.map((spec) => {
    const row = rows.find((r) => r.symbol === spec.symbol);
    const mt = String(row?.marginType ?? '').toLowerCase();
    const leverage = Number(row?.leverage);
    return {
      instrument: spec.id,
      marginMode: mt === 'isolated' ? 'isolated' : mt === 'cross' || mt === 'crossed' ? 'cross' : undefined,
      leverage: Number.isFinite(leverage) && leverage > 0 ? leverage : undefined,
    };
  });
}
