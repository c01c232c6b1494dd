// The instrument model: what a contract is, on which grid it trades, how it is margined, charged and settled.
// Specs come from data files (see spec-schema.ts and specs/), never from constants in code. Pure types.
import type { Grid } from '../core/grid.js';
import type { ExactDecimal } from '../core/decimal.js';

/** Venues microfut knows. A closed union: adding a venue is a code change with its spec file and adapter. */
export type VenueId = 'BINANCE' | 'BINANCECOINM' | 'BYBIT' | 'BINGX' | 'MEXC' | 'WEEX' | 'CME' | 'COINBASE';

/** `VENUE:SYMBOL`, e.g. `BINANCE:BTCUSDT` (USD-M perpetual), `BYBIT:BTCUSD` (inverse), `CME:MBT`. */
export type InstrumentId = `${VenueId}:${string}`;

/**
 * Linear: quantity in base units, P&L and margin in the quote/settle asset: qty x multiplier x (exit - entry).
 * Inverse: each contract is worth a fixed amount of quote (USD); P&L and margin in the base coin:
 * contracts x contractValue x (1/entry - 1/exit).
 */
export type ContractType = 'linear' | 'inverse';

/** How initial and maintenance margin are set. */
export type MarginModel =
  | {
      /** Crypto venues: initial = notional / leverage; maintenance from notional brackets. */
      readonly kind: 'tiered';
      readonly maxLeverage: number;
      /** Ascending by notional; the first floor is 0; the last cap may be Infinity. */
      readonly brackets: readonly MaintenanceBracket[];
    }
  | {
      /** CME / Coinbase Derivatives: exchange-set margin per contract, in the settlement asset. */
      readonly kind: 'fixed-per-contract';
      readonly initialPerContract: ExactDecimal;
      readonly maintenancePerContract: ExactDecimal;
    };

/**
 * One maintenance-margin bracket (Binance "leverage bracket", Bybit "risk limit"): for a position notional in
 * [floor, cap): maintenance margin = notional x maintRate - cumulative, and leverage at most maxLeverage.
 * Notional values are in the settle asset for linear contracts and in the base coin for inverse (Binance COIN-M
 * uses qtyCap in contracts; the registry converts it to that venue's unit, see spec-schema.ts).
 */
export interface MaintenanceBracket {
  readonly bracket: number;
  readonly notionalFloor: number;
  readonly notionalCap: number;
  readonly maintRate: number;
  /** Maintenance amount ("cum") that makes the brackets continuous: cum_n = cum_{n-1} + floor_n x (rate_n - rate_{n-1}). */
  readonly cum: number;
  readonly maxLeverage: number;
}

/** Funding: perpetuals pay or receive funding at fixed intervals; dated contracts have none. */
export type FundingModel =
  | { readonly kind: 'none' }
  | {
      /** Settled every intervalHours at the venue's rate: payment = position notional at mark x rate (longs pay when rate > 0). */
      readonly kind: 'periodic';
      readonly intervalHours: number;
      /** Rate bounds where the venue publishes them (fractions, e.g. 0.003). */
      readonly capRate?: number;
      readonly floorRate?: number;
    }
  | {
      /** Coinbase Derivatives US perpetual-style: accrued hourly, settled twice a day. */
      readonly kind: 'accrued';
      readonly accrualHours: number;
      readonly settlementHoursUtc: readonly number[];
    };

/** Expiry rules. */
export type ExpiryModel =
  | { readonly kind: 'perpetual' }
  | {
      readonly kind: 'dated';
      /** Which months are listed, e.g. CME MBT: every month (monthly) plus quarterlies. */
      readonly listingCycle: 'monthly' | 'quarterly' | 'monthly-and-quarterly';
      /** How many consecutive contracts are listed at once. */
      readonly listedCount: number;
      /** Last trading day rule, e.g. 'last-friday' (CME: last Friday of the contract month, 4:00 pm London). */
      readonly lastTradingDay: 'last-friday' | 'last-friday-of-month';
      /** Time of day (UTC hours, fractional allowed) trading stops on the last day. */
      readonly lastTradingHourUtc: number;
      /** Years until expiry for "perpetual-style" dated contracts (Coinbase five-year nano). */
      readonly tenorYears?: number;
      /** The root of the contract codes, e.g. MBT for MBTZ5 (defaults to the symbol). */
      readonly contractCodeRoot?: string;
      /** Extra December contracts listed beyond the consecutive months (CME MBT: the nearest two Decembers). */
      readonly additionalDecembers?: number;
      /**
       * Local wall-clock time trading stops on the last day, where the venue states it in a time zone with summer
       * time (CME MBT: 16:00 Europe/London). When present it overrides lastTradingHourUtc.
       */
      readonly lastTradingLocalTime?: { readonly hour: number; readonly minute: number; readonly timeZone: ExpiryTimeZone };
      /**
       * A single contract expiring on this UTC date (YYYY-MM-DD) instead of a monthly cycle: Coinbase's five-year
       * perpetual-style nano futures (BIP-20DEC30-CDE expires 2030-12-20).
       */
      readonly fixedExpiryDate?: string;
      /** Whether a last Friday that is not a business day in both named markets rolls back to the prior one. */
      readonly holidayRollback?: readonly ('UK' | 'US')[];
    };

/** Time zones the expiry rules are written in; summer-time rules are in expiry.ts. */
export type ExpiryTimeZone = 'Europe/London' | 'America/New_York' | 'UTC';

/** Where a spec came from, so a user can check it. */
export interface SpecSource {
  readonly url: string;
  /** What was read: the document, API endpoint or file, and its date. */
  readonly note: string;
  readonly retrieved: string;
}

/** A fully validated instrument. All decimal fields are exact; grids are the venue's tick and lot step. */
export interface InstrumentSpec {
  readonly id: InstrumentId;
  readonly venue: VenueId;
  /** The venue's own symbol, e.g. BTCUSDT, BTCUSD_PERP, MBT. */
  readonly symbol: string;
  /** The ccxt unified symbol, e.g. BTC/USDT:USDT, BTC/USD:BTC. */
  readonly ccxtSymbol: string;
  readonly description: string;
  readonly base: string;
  readonly quote: string;
  /** The asset P&L, margin and fees are paid in (USDT, USD, BTC for inverse). */
  readonly settle: string;
  readonly contractType: ContractType;
  /**
   * The contract multiplier ("contractSize" in ccxt): base units per contract for linear (1 on Binance USD-M,
   * 0.1 BTC for CME MBT, 0.01 BTC for Coinbase BIT); quote (USD) value per contract for inverse (100 USD on
   * Binance COIN-M BTCUSD_PERP, 1 USD on Bybit BTCUSD).
   */
  readonly contractSize: ExactDecimal;
  /** Price tick (quote per one unit of base). */
  readonly tick: Grid;
  /** Quantity step, in contracts. */
  readonly lot: Grid;
  /** Smallest order quantity, in lots (>= 1). */
  readonly minQtyLots: number;
  /** Largest order quantity, in lots, where the venue sets one. */
  readonly maxQtyLots?: number;
  /** Smallest order notional in the settle asset (Binance MIN_NOTIONAL), where the venue sets one. */
  readonly minNotional?: ExactDecimal;
  readonly margin: MarginModel;
  /** Fractions of notional: 0.0002 = 0.02 %. Negative maker fees (rebates) are allowed. */
  readonly fees: { readonly maker: number; readonly taker: number };
  /** Fraction of notional charged on liquidation (Binance liquidationFee, e.g. 0.0125 or 0.02). */
  readonly liquidationFeeRate?: number;
  readonly funding: FundingModel;
  readonly expiry: ExpiryModel;
  readonly source: SpecSource;
  /** Figures a trader should know change over time (e.g. "CME margin $X per contract as of DATE"). */
  readonly notes?: readonly string[];
}

/** All venue ids, in the order a bare ccxt symbol is resolved (the first venue that lists it wins). */
export const VENUE_IDS: readonly VenueId[] = ['BINANCE', 'BINANCECOINM', 'BYBIT', 'BINGX', 'MEXC', 'WEEX', 'CME', 'COINBASE'];
