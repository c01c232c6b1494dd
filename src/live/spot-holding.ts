// The spot holding a paper or live hedge keeper hedges: a given quantity, or the venue's spot balance of the base
// asset read on a timer and on demand (after each hedge fill), with the venue's spot price when it gives one. A failed
// read keeps the last value and says so. Must never log a key, nor report a quantity it did not read or was not given.
import ccxt from 'ccxt';
import type { Clock } from '../core/time.js';
import type { StrategyDefinition } from '../engine/strategy.js';
import { createHedgeKeeper } from '../strategies/hedge-keeper.js';
import type { Credentials } from '../venues/ccxt/credentials.js';
import { pointAt } from '../venues/ccxt/venue-profiles.js';

/** Where the hedge keeper's spot quantity (and, when known, the spot price) comes from. */
export interface SpotHolding {
  /** In words, for logs and notes: "given quantity of BTC" or "binance spot balance of BTC". */
  readonly source: string;
  /** The holding in base units (e.g. BTC); undefined before the first successful read. */
  qty(): number | undefined;
  /** Where `price()` comes from (e.g. "binance spot ticker BTCUSDT"); undefined when the holding has no prices. */
  readonly pricesFrom: string | undefined;
  /** The last spot price in the quote asset; undefined when there is none (the hedge keeper then uses the perpetual's close). */
  price(): number | undefined;
  /** Reads the venue now (a read already under way is shared); never rejects: failures are logged and kept in `lastError`. */
  refresh(): Promise<void>;
  /** Starts reading on a timer (a given quantity has nothing to read). */
  start(): void;
  stop(): void;
  /** Why the last read failed, redacted; undefined after a successful one. */
  readonly lastError: string | undefined;
}

/** A quantity the user gave (`--spot-qty`): constant, no price (the perpetual's close is the proxy). */
export function givenSpotHolding(qty: number, asset: string): SpotHolding {
  return {
    source: `given quantity of ${asset}`,
    qty: () => qty,
    pricesFrom: undefined,
    price: () => undefined,
    refresh: () => Promise.resolve(),
    start: () => undefined,
    stop: () => undefined,
    lastError: undefined,
  };
}

/** The reads a venue holding needs; both throw on a venue or network failure. */
export interface SpotAccountReader {
  /** The venue, for messages (e.g. "binance"). */
  readonly venue: string;
  /** Total (free + locked in open orders) spot balance of `asset`, base units; 0 when the account has none. */
  balance(asset: string): Promise<number>;
  /** The last spot price of `symbol` (e.g. BTCUSDT) in the quote asset; undefined when the venue gives none. */
  lastPrice(symbol: string): Promise<number | undefined>;
}

export interface VenueSpotHoldingOptions {
  readonly reader: SpotAccountReader;
  /** The base asset (InstrumentSpec.base), e.g. BTC. */
  readonly asset: string;
  /** The spot symbol of the price, e.g. BTCUSDT. */
  readonly symbol: string;
  /** Time between timer reads, ms (the CLI's `--spot-poll`, 30 s by default). */
  readonly pollMs: number;
  readonly clock: Clock;
  readonly redact: (text: string) => string;
  readonly log: (line: string) => void;
}

/**
 * The venue's spot balance of the base asset. A changed quantity is logged; a failed read keeps the last quantity
 * and price and logs why (redacted), so one bad answer never moves the hedge. The price is best-effort: its failure
 * alone keeps the last price and is not an error of the holding.
 */
export function venueSpotHolding(o: VenueSpotHoldingOptions): SpotHolding {
  let qty: number | undefined;
  let price: number | undefined;
  let readAtMs: number | undefined;
  let lastError: string | undefined;
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const source = `${o.reader.venue} spot balance of ${o.asset}`;

  const read = async (): Promise<void> => {
    try {
      const q = await o.reader.balance(o.asset);
      if (!Number.isFinite(q) || q < 0) throw new Error(`the venue answered a balance of ${q}`);
      if (q !== qty) o.log(`spot holding: ${source} is ${q}${qty === undefined ? '' : ` (was ${qty})`}`);
      qty = q;
      readAtMs = o.clock.nowMs();
      lastError = undefined;
    } catch (e) {
      lastError = o.redact(e instanceof Error ? e.message : String(e));
      const kept = qty === undefined ? 'no holding is known yet: the hedge waits' : `keeping ${qty} ${o.asset} read at ${new Date(readAtMs!).toISOString()}`;
      o.log(`spot holding: reading the ${source} failed (${lastError}); ${kept}`);
      return;
    }
    try {
      const p = await o.reader.lastPrice(o.symbol);
      if (p !== undefined && Number.isFinite(p) && p > 0) price = p;
    } catch {
      // The price only values the spot leg in reports; the last one (or the perpetual's close) stands in.
    }
  };

  const holding: SpotHolding = {
    source,
    qty: () => qty,
    pricesFrom: `${o.reader.venue} spot ticker ${o.symbol}`,
    price: () => price,
    refresh: () => {
      inFlight ??= read().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    start: () => {
      timer ??= setInterval(() => void holding.refresh(), o.pollMs);
      // The session's own timers decide when the process ends, never this one.
      timer.unref();
    },
    stop: () => {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
    get lastError() {
      return lastError;
    },
  };
  return holding;
}

/**
 * Binance spot through ccxt's `binance` with the session's keys: `fetchBalance` (GET /api/v3/account, signed) and the
 * public GET /api/v3/ticker/price. `baseUrl` points every REST URL at a fakex. No ccxt retries.
 */
export function binanceSpotReader(credentials: Credentials, baseUrl?: string): SpotAccountReader {
  const exchange = new ccxt.binance({ enableRateLimit: true, apiKey: credentials.apiKey, secret: credentials.secret, options: { maxRetriesOnFailure: 0, fetchCurrencies: false } });
  if (baseUrl !== undefined) pointAt(exchange, baseUrl);
  // fetchBalance would first download every market list (spot, USD-M and COIN-M exchangeInfo, megabytes each); the
  // balance needs none of them, so the client starts with an empty market table.
  exchange.setMarkets({});
  return {
    venue: 'binance',
    balance: async (asset) => {
      const b = await exchange.fetchBalance({ type: 'spot' });
      const total = (b.total as unknown as Record<string, number | undefined>)[asset];
      return total ?? 0;
    },
    lastPrice: async (symbol) => {
      const t = (await exchange.publicGetTickerPrice({ symbol })) as { price?: string };
      const p = Number(t.price);
      return Number.isFinite(p) && p > 0 ? p : undefined;
    },
  };
}

/**
 * The built-in hedge keeper on this holding: it rebalances to `holding.qty()` at each bar close (the `spotQty` and
 * `schedule` params give way), values the spot leg at `holding.price()` when there is one, and asks the venue again
 * after each hedge fill.
 */
export function hedgeKeeperOn(holding: SpotHolding): StrategyDefinition {
  const definition = createHedgeKeeper({
    spotQty: () => holding.qty(),
    // A live price is the latest read, at or before the bar's close: there is no later one to look ahead to.
    ...(holding.pricesFrom === undefined ? {} : { spot: { source: holding.pricesFrom, closeAt: () => holding.price() } }),
    onRow: (row) => {
      if (row.rebalanced) void holding.refresh();
    },
  });
  return definition as unknown as StrategyDefinition;
}
