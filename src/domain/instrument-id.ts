// Reading what a user typed to name an instrument: `VENUE:SYMBOL` as TradingView writes it (case-insensitive,
// `.P` perpetual and `1!` continuous suffixes allowed) or a ccxt symbol, optionally venue-prefixed. Never looks up.
import type { VenueId } from './instrument.js';
import { VENUE_IDS } from './instrument.js';

/** What an instrument reference names, before it is looked up in a registry. */
export type InstrumentRef =
  | { readonly kind: 'id'; readonly venue: VenueId; readonly symbol: string }
  /** A ccxt symbol such as BTC/USDT:USDT; without a venue the registry takes the first venue in VENUE_IDS order. */
  | { readonly kind: 'ccxt'; readonly venue: VenueId | undefined; readonly ccxtSymbol: string }
  /** A symbol without a venue (BTCUSDT): ambiguous, the registry answers with the venues that list it. */
  | { readonly kind: 'bare'; readonly symbol: string };

/** Why a reference could not be read. */
export type InstrumentRefProblem =
  | { readonly kind: 'empty' }
  | { readonly kind: 'unknown-venue'; readonly venue: string; readonly symbol: string };

export type ParsedRef = { readonly ok: true; readonly ref: InstrumentRef } | { readonly ok: false; readonly problem: InstrumentRefProblem };

const isVenue = (v: string): v is VenueId => (VENUE_IDS as readonly string[]).includes(v);

/**
 * Parses an instrument reference. Case-insensitive; surrounding whitespace ignored. Accepts:
 * `BINANCE:BTCUSDT`, `binance:btcusdt.p` (TradingView perpetual suffix), `CME:MBT1!` (TradingView continuous),
 * `BTC/USDT:USDT` (ccxt), `BYBIT:BTC/USDT:USDT` (ccxt symbol on a named venue), and a bare `BTCUSDT`.
 */
export function parseInstrumentRef(text: string): ParsedRef {
  const t = text.trim().toUpperCase();
  if (t === '') return { ok: false, problem: { kind: 'empty' } };
  const colon = t.indexOf(':');
  const head = colon < 0 ? '' : t.slice(0, colon);
  const rest = colon < 0 ? t : t.slice(colon + 1);
  if (t.includes('/')) {
    if (colon >= 0 && !head.includes('/')) {
      if (!isVenue(head)) return { ok: false, problem: { kind: 'unknown-venue', venue: head, symbol: rest } };
      return { ok: true, ref: { kind: 'ccxt', venue: head, ccxtSymbol: rest } };
    }
    return { ok: true, ref: { kind: 'ccxt', venue: undefined, ccxtSymbol: t } };
  }
  const symbol = stripTradingViewSuffix(rest);
  if (colon < 0) return { ok: true, ref: { kind: 'bare', symbol } };
  if (!isVenue(head)) return { ok: false, problem: { kind: 'unknown-venue', venue: head, symbol } };
  return { ok: true, ref: { kind: 'id', venue: head, symbol } };
}

/** TradingView marks perpetuals with `.P` and continuous futures with `1!`/`2!`; the venue symbol has neither. */
function stripTradingViewSuffix(symbol: string): string {
  return symbol.replace(/\.P$/, '').replace(/[12]!$/, '');
}

/**
 * The candidates closest to what was typed, best first: same symbol on another venue, then by edit distance
 * (Levenshtein, case-insensitive) of the whole id, then of the symbol alone, then those containing the symbol.
 */
export function closeMatches(typed: string, candidates: readonly string[], limit = 5): readonly string[] {
  const t = typed.trim().toUpperCase();
  const symbolOf = (c: string): string => c.slice(c.indexOf(':') + 1);
  const tSymbol = stripTradingViewSuffix(symbolOf(t));
  const maxDistance = Math.max(2, Math.floor(t.length / 3));
  const scored = candidates.map((c) => {
    const u = c.toUpperCase();
    const sameSymbol = symbolOf(u) === tSymbol;
    const full = editDistance(t, u);
    const symbolOnly = editDistance(tSymbol, symbolOf(u));
    const contains = tSymbol.length >= 3 && u.includes(tSymbol);
    // Same symbol elsewhere, then near misses on this venue, then near misses of the symbol on any venue.
    const score = sameSymbol
      ? 0
      : full <= maxDistance
        ? 1 + full
        : symbolOnly <= maxDistance
          ? 20 + symbolOnly
          : contains
            ? 100
            : Number.POSITIVE_INFINITY;
    return { c, score };
  });
  return scored
    .filter((s) => Number.isFinite(s.score))
    .sort((a, b) => a.score - b.score || a.c.localeCompare(b.c))
    .slice(0, limit)
    .map((s) => s.c);
}

/** Levenshtein distance (insert, delete, substitute, each cost 1). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
