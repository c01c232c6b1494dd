// A CcxtVenue on a real ccxt client built by createExchange (the production path, with the profile's ccxt options),
// whose transport answers each `METHOD /path` from recorded venue payloads, and records every request. Tests only;
// an unscripted request is answered with an error that names it, so a test never passes on a silent default.
import type { Exchange } from 'ccxt';
import type { Lots, Ticks } from '../../../core/grid.js';
import { ManualClock } from '../../../core/time.js';
import { loadRegistry } from '../../../data/spec-files.js';
import type { InstrumentSpec } from '../../../domain/instrument.js';
import type { OrderSpec } from '../../../domain/order.js';
import type { MarginMode, PositionMode, VenueEvent } from '../../venue.js';
import { CcxtVenue } from '../ccxt-venue.js';
import type { VenueFailure } from '../venue-failure.js';
import type { VenueProfile } from '../venue-profile.js';
import { createExchange } from '../venue-profiles.js';
import { venueFixture } from './fixtures.js';
import { marketFromSpec } from './market-from-spec.js';
import { installTransport, type HttpCall, type HttpReply } from './recorded-transport.js';

/** The venue time of the recorded answers (2025-05-04T00:00:00Z), also the rig's clock. */
export const RECORDED_T0_MS = Date.UTC(2025, 4, 4);

/** `METHOD /path` -> the replies to give, in order (the last one repeats). */
export type Script = Record<string, HttpReply | readonly HttpReply[]>;

export interface RecordedRig {
  readonly venue: CcxtVenue;
  readonly exchange: Exchange;
  readonly spec: InstrumentSpec;
  readonly calls: HttpCall[];
  readonly events: VenueEvent[];
  readonly failures: VenueFailure[];
  /** Replaces or adds scripted answers. */
  script(more: Script): void;
  /** The recorded requests to one `METHOD /path`. */
  callsTo(route: string): HttpCall[];
  /** Sends a command and waits until the venue has handled it and everything it caused. */
  run(command: Parameters<CcxtVenue['send']>[0]): Promise<VenueEvent[]>;
}

/** A recorded answer from test/fixtures/venues/<dir>/<name>.json, with HTTP status 200 unless given. */
export const recorded = (dir: string, name: string, status = 200): HttpReply => ({ status, body: venueFixture(dir, name) });

export interface RigOptions {
  readonly positionMode?: PositionMode;
  /** The session's margin mode (default cross) and leverage (default none), for venues whose orders name them. */
  readonly marginMode?: MarginMode;
  readonly leverage?: number;
  /** Account flags ccxt would otherwise ask the venue for (Bybit: unified account). */
  readonly ccxtOptions?: Record<string, unknown>;
}

export function recordedRig(profile: VenueProfile, instrumentId: string, script: Script, options: RigOptions = {}): RecordedRig {
  const spec = loadRegistry().get(instrumentId);
  const exchange = createExchange(profile, { apiKey: 'recorded-key', secret: 'recorded-secret', password: 'recorded-pass', origin: 'test' });
  // The rate limiter would only add waits between recorded answers.
  exchange.enableRateLimit = false;
  Object.assign(exchange.options, options.ccxtOptions ?? {});
  exchange.setMarkets([marketFromSpec(spec) as never]);
  const routes = new Map<string, HttpReply[]>();
  const add = (more: Script): void => {
    for (const [route, reply] of Object.entries(more)) routes.set(route, Array.isArray(reply) ? [...(reply as HttpReply[])] : [reply as HttpReply]);
  };
  add(script);
  const calls = installTransport(exchange, (call) => {
    const queue = routes.get(`${call.method} ${call.path}`);
    const reply = queue === undefined ? undefined : queue.length > 1 ? queue.shift() : queue[0];
    return reply ?? { status: 404, body: `{"code":404404,"msg":"the recorded rig has no answer for ${call.method} ${call.path}"}` };
  });
  const clock = new ManualClock(RECORDED_T0_MS);
  const failures: VenueFailure[] = [];
  const venue = new CcxtVenue({
    profile,
    exchange,
    instruments: [spec],
    clock,
    positionMode: options.positionMode ?? 'one-way',
    marginMode: options.marginMode ?? 'cross',
    ...(options.leverage === undefined ? {} : { leverage: options.leverage }),
    sleep: async () => undefined,
    unknownOutcome: { queries: 2, delayMs: 0 },
    onFailure: (f) => failures.push(f),
  });
  const events: VenueEvent[] = [];
  venue.connect({ onVenueEvent: (e) => events.push(e) });
  return {
    venue,
    exchange,
    spec,
    calls,
    events,
    failures,
    script: add,
    callsTo: (route) => calls.filter((c) => `${c.method} ${c.path}` === route),
    async run(command) {
      const before = events.length;
      venue.send(command);
      await venue.idle();
      return events.slice(before);
    },
  };
}

/** An order in prices and sizes a reader can check: `price` in quote units, converted on the instrument's grid. */
export function orderAt(spec: InstrumentSpec, o: { clientId: string; action: 'buy' | 'sell'; lots: number; reduceOnly?: boolean } & (
  | { type: 'market' }
  | { type: 'limit'; price: number; postOnly?: boolean }
  | { type: 'stop-market' | 'take-profit-market'; trigger: number }
)): OrderSpec {
  const ticks = (price: number): Ticks => Math.round(price / spec.tick.stepFloat) as Ticks;
  const base = { clientId: o.clientId, instrument: spec.id, action: o.action, qtyLots: o.lots as Lots, effect: o.reduceOnly === true ? 'reduce-only' : 'open-or-reduce' } as const;
  switch (o.type) {
    case 'market':
      return { ...base, type: 'market' };
    case 'limit':
      return { ...base, type: 'limit', limitTicks: ticks(o.price), timeInForce: o.postOnly === true ? 'GTX' : 'GTC' };
    case 'stop-market':
    case 'take-profit-market':
      return { ...base, type: o.type, triggerTicks: ticks(o.trigger) };
  }
}
