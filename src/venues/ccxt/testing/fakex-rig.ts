// A CcxtVenue on ccxt's real binanceusdm client pointed at an in-process fakex on 127.0.0.1 (port 0), for tests that
// need a whole Binance USD-M-compatible exchange (REST, algo orders, websockets, faults). Tests only; the fakex app
// is passed in by each test file (`FAKEX_API` there), because the venues layer must not import an app.
import { countFromFloat } from '../../../core/grid.js';
import type { TimestampMs } from '../../../core/time.js';
import { loadRegistry } from '../../../data/spec-files.js';
import type { InstrumentSpec } from '../../../domain/instrument.js';
import { sharedData } from '../../../../test/support/shared-data.js';
import type { Exchange } from 'ccxt';
import type { Registry } from '../../../domain/registry.js';
import type { VenueEvent } from '../../venue.js';
import { binanceUsdmProfile } from '../binanceusdm.js';
import { CcxtVenue, type CcxtVenueOptions, type UserStreamSettings } from '../ccxt-venue.js';

export const FAKEX_CAPTURE = sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2023-04-04T2358.txt.gz');
export const FAKEX_KEYS = { apiKey: 'fakex-key', secret: 'fakex-canary-secret-4c1d' } as const;

/** A running fakex as the rig uses it. */
export interface FakexHandle {
  readonly url: string;
  readonly wsUrl: string;
  close(): Promise<void>;
}

/** The fakex app's entry points (src/apps/fakex: startFakex, ccxtForFakex, untilReplayDone, parseFaultSpec). */
export interface FakexApi<Faults> {
  startFakex(o: { port: number; replayFile: string; speed: number; faults: Faults; credentials: { apiKey: string; secret: string }; registry: Registry; paused?: boolean; withdrawalsEnabled?: boolean }): Promise<FakexHandle>;
  ccxtForFakex(baseUrl: string, apiKey: string, secret: string, timeoutMs?: number): Exchange;
  untilReplayDone(baseUrl: string, limitMs?: number): Promise<void>;
  parseFaultSpec(spec: string): Faults;
}

export interface FakexRig {
  readonly server: FakexHandle;
  readonly venue: CcxtVenue;
  readonly spec: InstrumentSpec;
  readonly events: VenueEvent[];
  /** The replay's last quote (the market stands still there once the replay is done), in ticks. */
  readonly bidTicks: number;
  readonly askTicks: number;
  close(): Promise<void>;
}

export interface FakexRigOptions {
  readonly faults?: string;
  /** Leave the replay paused (websocket tests resume it once their sockets are open). */
  readonly paused?: boolean;
  readonly venue?: Partial<CcxtVenueOptions>;
  /** Start the venue's user data stream on fakex's websocket (timers as given). */
  readonly userStream?: Omit<UserStreamSettings, 'wsBaseUrl'>;
  /** fakex reports the key as able to withdraw. */
  readonly withdrawalsEnabled?: boolean;
}

/** Starts fakex, waits for its replay to end (unless paused), and builds the venue with markets loaded. */
export async function fakexRig<F>(api: FakexApi<F>, options: FakexRigOptions = {}): Promise<FakexRig> {
  const registry = loadRegistry();
  const server = await api.startFakex({
    port: 0,
    replayFile: FAKEX_CAPTURE,
    speed: 0,
    faults: api.parseFaultSpec(options.faults ?? ''),
    credentials: FAKEX_KEYS,
    registry,
    paused: options.paused ?? false,
    withdrawalsEnabled: options.withdrawalsEnabled ?? false,
  });
  if (options.paused !== true) await api.untilReplayDone(server.url);
  const exchange = api.ccxtForFakex(server.url, FAKEX_KEYS.apiKey, FAKEX_KEYS.secret, 2000);
  await exchange.loadMarkets();
  const spec = registry.get('BINANCE:BTCUSDT');
  const venue = new CcxtVenue({
    profile: binanceUsdmProfile,
    exchange,
    instruments: [spec],
    clock: { nowMs: () => Date.now() as TimestampMs },
    positionMode: 'one-way',
    marginMode: 'cross',
    unknownOutcome: { queries: 3, delayMs: 50 },
    ...(options.userStream === undefined ? {} : { userStream: { ...options.userStream, wsBaseUrl: server.wsUrl } }),
    ...options.venue,
  });
  const events: VenueEvent[] = [];
  venue.connect({ onVenueEvent: (e) => events.push(e) });
  const quote = (await (await fetch(`${server.url}/fapi/v1/ticker/bookTicker?symbol=BTCUSDT`)).json()) as { bidPrice: string; askPrice: string };
  const ticks = (p: string): number => countFromFloat(Number(p), spec.tick, 'nearest') ?? Number.NaN;
  const close = async (): Promise<void> => {
    await venue.close();
    await server.close();
  };
  return { server, venue, spec, events, bidTicks: ticks(quote.bidPrice), askTicks: ticks(quote.askPrice), close };
}

/** The orders fakex holds that still work (regular NEW/PARTIALLY_FILLED, algo NEW), as its JSON. */
export async function workingOrders(url: string): Promise<Record<string, unknown>[]> {
  const truth = (await (await fetch(`${url}/__truth`)).json()) as { orders: Record<string, unknown>[] };
  return truth.orders.filter((o) => o['status'] === 'NEW' || o['status'] === 'PARTIALLY_FILLED' || o['algoStatus'] === 'NEW');
}
