// The instrument registry: built from validated spec layers (built-in files, then the user's file, which overrides
// or adds by id), looked up by `VENUE:SYMBOL`, ccxt symbol or dated contract code. Pure: never reads files.
import { InputError } from '../core/errors.js';
import { contractCode, parseContractCode } from './expiry.js';
import type { InstrumentId, InstrumentSpec, VenueId } from './instrument.js';
import { VENUE_IDS } from './instrument.js';
import { closeMatches, parseInstrumentRef } from './instrument-id.js';

/** A set of specs from one origin (a file), applied in order: later layers replace earlier specs with the same id. */
export interface SpecLayer {
  /** Where the specs came from, e.g. `specs/binance-usdm.json` or the user's file. */
  readonly origin: string;
  readonly instruments: readonly InstrumentSpec[];
}

/** A lookup result; `contract` is set when a dated contract month was named (CME:MBTZ5). */
export interface ResolvedInstrument {
  readonly spec: InstrumentSpec;
  readonly contract: { readonly code: string; readonly year: number; readonly month: number } | undefined;
  /** The layer the spec came from. */
  readonly origin: string;
}

export interface Registry {
  /** The spec for an id or ccxt symbol; throws InputError (UNKNOWN_INSTRUMENT) naming close matches. */
  get(idOrCcxtSymbol: string): InstrumentSpec;
  /** Like get, but also reports a named contract month and the spec's origin. */
  resolve(idOrCcxtSymbol: string): ResolvedInstrument;
  /** Undefined when nothing matches (no error). */
  find(idOrCcxtSymbol: string): InstrumentSpec | undefined;
  /** All specs, sorted by venue (VENUE_IDS order) then symbol; optionally one venue only. */
  list(venue?: VenueId): readonly InstrumentSpec[];
  originOf(id: InstrumentId): string | undefined;
  readonly size: number;
}

/** Builds a registry from layers applied in order. */
export function buildRegistry(layers: readonly SpecLayer[]): Registry {
  const byId = new Map<string, { spec: InstrumentSpec; origin: string }>();
  for (const layer of layers) for (const spec of layer.instruments) byId.set(spec.id, { spec, origin: layer.origin });
  const venueRank = (v: VenueId): number => VENUE_IDS.indexOf(v);
  const all = [...byId.values()].sort(
    (a, b) => venueRank(a.spec.venue) - venueRank(b.spec.venue) || a.spec.symbol.localeCompare(b.spec.symbol),
  );
  const byCcxt = new Map<string, { spec: InstrumentSpec; origin: string }[]>();
  for (const entry of all) {
    const key = entry.spec.ccxtSymbol.toUpperCase();
    byCcxt.set(key, [...(byCcxt.get(key) ?? []), entry]);
  }

  const lookup = (text: string): ResolvedInstrument | undefined => {
    const parsed = parseInstrumentRef(text);
    if (!parsed.ok) return undefined;
    const ref = parsed.ref;
    switch (ref.kind) {
      case 'ccxt': {
        const hits = byCcxt.get(ref.ccxtSymbol) ?? [];
        const hit = ref.venue === undefined ? hits[0] : hits.find((h) => h.spec.venue === ref.venue);
        return hit && { spec: hit.spec, contract: undefined, origin: hit.origin };
      }
      case 'id': {
        const hit = byId.get(`${ref.venue}:${ref.symbol}`);
        if (hit) return { spec: hit.spec, contract: undefined, origin: hit.origin };
        return datedContract(all, ref.venue, ref.symbol);
      }
      case 'bare':
        return undefined;
    }
  };

  const resolve = (text: string): ResolvedInstrument => {
    const hit = lookup(text);
    if (hit) return hit;
    throw unknownInstrument(text, all.map((e) => e.spec));
  };

  return {
    get: (text) => resolve(text).spec,
    resolve,
    find: (text) => lookup(text)?.spec,
    list: (venue) => all.filter((e) => venue === undefined || e.spec.venue === venue).map((e) => e.spec),
    originOf: (id) => byId.get(id)?.origin,
    size: all.length,
  };
}

/** `CME:MBTZ5` names the MBT spec's December 2025 contract. */
function datedContract(
  all: readonly { spec: InstrumentSpec; origin: string }[],
  venue: VenueId,
  code: string,
): ResolvedInstrument | undefined {
  for (const { spec, origin } of all) {
    if (spec.venue !== venue || spec.expiry.kind !== 'dated') continue;
    const ym = parseContractCode(code, spec.expiry.contractCodeRoot ?? spec.symbol);
    if (ym) return { spec, origin, contract: { code: contractCode(spec, ym.year, ym.month), ...ym } };
  }
  return undefined;
}

function unknownInstrument(text: string, specs: readonly InstrumentSpec[]): InputError {
  const parsed = parseInstrumentRef(text);
  const shown = JSON.stringify(text);
  if (!parsed.ok) {
    if (parsed.problem.kind === 'empty') {
      return new InputError('UNKNOWN_INSTRUMENT', 'instrument', 'is empty', 'Name one as VENUE:SYMBOL, e.g. BINANCE:BTCUSDT');
    }
    return new InputError(
      'UNKNOWN_INSTRUMENT',
      `instrument ${shown}`,
      `unknown venue ${parsed.problem.venue}`,
      `Use one of ${VENUE_IDS.join(', ')} (e.g. BINANCE:${parsed.problem.symbol})`,
    );
  }
  const candidates = parsed.ref.kind === 'ccxt' ? specs.map((s) => `${s.venue}:${s.ccxtSymbol}`) : specs.map((s) => s.id);
  const typed = parsed.ref.kind === 'ccxt' ? `${parsed.ref.venue ?? ''}:${parsed.ref.ccxtSymbol}` : text;
  const matches =
    parsed.ref.kind === 'bare'
      ? specs.filter((s) => s.symbol === (parsed.ref.kind === 'bare' ? parsed.ref.symbol : '')).map((s) => s.id)
      : [];
  const close = matches.length > 0 ? matches : closeMatches(typed, candidates);
  const problem =
    parsed.ref.kind === 'bare'
      ? 'names no venue'
      : `is not in the registry (${specs.length} instruments known)`;
  const fix =
    close.length > 0
      ? `Did you mean ${close.join(', ')}? (run \`microfut specs list\` for all, or add it with --specs FILE)`
      : 'Run `microfut specs list` for the known instruments, or add yours with --specs FILE (see docs/instruments.md)';
  return new InputError('UNKNOWN_INSTRUMENT', `instrument ${shown}`, problem, fix);
}
