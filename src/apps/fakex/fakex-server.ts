// `microfut fakex`: the composition root of the Binance USD-M-compatible fake exchange on loopback. Wires the
// capture replay, the fake exchange (our simulated venue), REST routes with Binance's auth, the websocket hub, the
// seeded faults and the truth/control endpoints. Must never log a secret, a signature or a request's parameters.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Clock, TimestampMs } from '../../core/time.js';
import { countFromText } from '../../core/grid.js';
import { formatMoney } from '../../core/money.js';
import type { Registry } from '../../domain/registry.js';
import { BINANCE_ERRORS } from './binance-errors.js';
import { CaptureReplay, loadCapture, type CaptureMessage } from './capture-replay.js';
import { DepthBook } from './depth-book.js';
import { FakeExchange, type AccountSettings } from './fake-exchange.js';
import { fillJson } from './fake-order.js';
import { FaultPlan, parseFaultSpec, type FaultSettings } from './fault-plan.js';
import { verifySignedRequest, type ApiCredentials } from './request-auth.js';
import { errorReply, findRoute, type RestContext } from './rest-routes.js';
import { serveSpotAccount } from './spot-account.js';
import { userDataEvent } from './user-data-events.js';
import { WsHub } from './ws-hub.js';

export interface FakexOptions {
  /** 0 = any free port. */
  readonly port: number;
  /** Loopback by default; anything else must be asked for explicitly. */
  readonly host?: string;
  readonly replayFile: string;
  /** 1 = real time, 0 = as fast as possible. */
  readonly speed: number;
  readonly faults: FaultSettings;
  readonly credentials: ApiCredentials;
  readonly registry: Registry;
  readonly startingBalance?: string;
  readonly account?: AccountSettings;
  readonly clock?: Clock;
  /** Start with the replay paused (tests resume it through POST /__control once their sockets are open). */
  readonly paused?: boolean;
  /** Report the key as able to withdraw on GET /sapi/v1/account/apiRestrictions (to test the live refusal). */
  readonly withdrawalsEnabled?: boolean;
  /** One line per request (method, path, status); never parameters or headers. */
  readonly log?: (line: string) => void;
}

export interface FakexServer {
  readonly url: string;
  readonly wsUrl: string;
  readonly symbol: string;
  readonly exchange: FakeExchange;
  close(): Promise<void>;
}

const systemClock: Clock = { nowMs: () => Date.now() as TimestampMs };

/** Starts the server; resolves once it listens and the replay has delivered the first quote and book snapshot. */
export async function startFakex(options: FakexOptions): Promise<FakexServer> {
  const clock = options.clock ?? systemClock;
  const capture = loadCapture(options.replayFile);
  const spec = options.registry.get(`BINANCE:${capture.symbol}`);
  const faults = new FaultPlan(options.faults);
  const exchange = new FakeExchange(spec, clock, options.startingBalance ?? '10000', options.account ?? { positionMode: 'one-way', marginMode: 'cross', leverage: 10 });
  const book = new DepthBook(spec);
  const serverNowMs = (): number => clock.nowMs() + faults.settings.skewMs;
  let listenKey: string | undefined;
  const hub = new WsHub(faults, (k) => k === listenKey);
  const depthGaps: { readonly U: number; readonly u: number }[] = [];
  const stream = capture.symbol.toLowerCase();

  const deliver = (m: CaptureMessage, rebasedMs: number): void => {
    const shift = rebasedMs - m.timeMs;
    const rebase = (d: Readonly<Record<string, unknown>>): Record<string, unknown> => ({
      ...d,
      ...(typeof d.E === 'number' ? { E: d.E + shift } : {}),
      ...(typeof d.T === 'number' ? { T: d.T + shift } : {}),
    });
    switch (m.kind) {
      case 'snapshot':
        book.applySnapshot(m.data);
        return;
      case 'depth':
        book.applyDiff(m.data);
        // The gap is in what clients receive; the server's book (REST depth) stays whole, so a resync heals it.
        if (faults.strikes('depth-gap')) depthGaps.push({ U: m.data.U as number, u: m.data.u as number });
        else hub.publish(`${stream}@depth`, rebase(m.data));
        return;
      case 'bookTicker': {
        const d = m.data;
        const tick = (t: unknown): number | undefined => {
          const r = countFromText(String(t), spec.tick, 'nearest');
          return r.ok ? r.value : undefined;
        };
        const lots = (q: unknown): number => {
          const r = countFromText(String(q), spec.lot, 'floor');
          return r.ok ? r.value : 0;
        };
        const bid = tick(d.b);
        const ask = tick(d.a);
        if (bid !== undefined && ask !== undefined) exchange.onQuote(rebasedMs, bid, lots(d.B), ask, lots(d.A));
        hub.publish(`${stream}@bookTicker`, rebase(d));
        return;
      }
      case 'trade': {
        const d = rebase(m.data);
        hub.publish(`${stream}@trade`, d);
        hub.publish(`${stream}@aggTrade`, { e: 'aggTrade', E: d.E, s: d.s, a: d.t, p: d.p, q: d.q, f: d.t, l: d.t, T: d.T, m: d.m });
        return;
      }
      case 'markPrice':
        hub.publish(`${stream}@markPrice`, rebase(m.data));
        return;
    }
  };
  const replay = new CaptureReplay(capture, { speed: options.speed, clock, deliver });
  replay.primeUntil(() => book.lastUpdateId !== undefined && exchange.bestTicks !== undefined);

  exchange.onUpdate((u) => {
    if (listenKey !== undefined) hub.publishUser(listenKey, userDataEvent(exchange, u, serverNowMs()));
  });

  const ctx: RestContext = {
    exchange,
    book,
    serverNowMs,
    withdrawalsEnabled: options.withdrawalsEnabled ?? false,
    listenKeys: {
      create: () => (listenKey ??= randomBytes(32).toString('base64url')),
      keepAlive: (k) => listenKey !== undefined && (k === null || k === listenKey),
      remove: (k) => {
        if (listenKey === undefined || (k !== null && k !== listenKey)) return false;
        hub.expire(listenKey, serverNowMs());
        listenKey = undefined;
        return true;
      },
    },
  };

  let bannedUntilMs = 0;
  const held = new Set<Socket>();
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const truth = (): unknown => {
    const snap = exchange.snapshot();
    return {
      symbol: spec.symbol,
      serverTimeMs: serverNowMs(),
      replay: { position: replay.position, messages: capture.messages.length, done: replay.done, paused: replay.paused, file: capture.file },
      account: { ...exchange.account, balance: formatMoney(snap.balance, 8), settleAsset: snap.settleAsset, totals: mapMoney(exchange.totals()) },
      positions: snap.positions,
      orders: [...exchange.orders.values()].map((o) => (o.algo ? o.toAlgoJson(spec) : o.toJson(spec))),
      fills: exchange.fills.map((f) => fillJson(f, exchange.orders.get(f.orderId), spec)),
      rejections: exchange.rejections,
      liquidations: exchange.liquidations,
      faults: { settings: faults.settings, injected: faults.injected(), wsDrops: hub.drops, depthGaps },
    };
  };

  const control = (body: string): { status: number; body: unknown } => {
    let msg: { replay?: unknown; faults?: unknown };
    try {
      msg = JSON.parse(body === '' ? '{}' : body) as typeof msg;
    } catch {
      return { status: 400, body: { error: 'the body is not JSON; send {"replay":"pause"|"resume","faults":"SPEC"}' } };
    }
    if (msg.replay === 'pause') replay.pause();
    else if (msg.replay === 'resume') replay.resume();
    else if (msg.replay !== undefined) return { status: 400, body: { error: 'replay must be "pause" or "resume"' } };
    if (typeof msg.faults === 'string') {
      try {
        faults.reset(parseFaultSpec(msg.faults, '__control faults'));
      } catch (e) {
        return { status: 400, body: { error: (e as Error).message } };
      }
    }
    return { status: 200, body: { ok: true, paused: replay.paused, faults: faults.settings } };
  };

  const handle = (req: IncomingMessage, res: ServerResponse, rawBody: string): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const log = (status: number | string): void => options.log?.(`${method} ${url.pathname} ${status}`);
    if (serveSpotAccount({ exchange, credentials: options.credentials, serverNowMs, method, url, rawBody, apiKey: req.headers['x-mbx-apikey'], reply: (status, body) => send(res, status, body), log })) return;
    if (url.pathname === '/__truth' && method === 'GET') return send(res, 200, truth());
    if (url.pathname === '/__control' && method === 'POST') {
      const r = control(rawBody);
      return send(res, r.status, r.body);
    }
    const route = findRoute(method, url.pathname);
    if (route === undefined) {
      log(404);
      return send(res, 404, { code: BINANCE_ERRORS.notFound.code, msg: `fakex does not serve ${method} ${url.pathname}` });
    }
    const now = clock.nowMs();
    if (now < bannedUntilMs) {
      log(418);
      return send(res, 418, { code: BINANCE_ERRORS.banned.code, msg: BINANCE_ERRORS.banned.msg }, { 'retry-after': String(Math.ceil((bannedUntilMs - now) / 1000)) });
    }
    if (faults.strikes('rate-limit')) {
      bannedUntilMs = now + faults.settings.retryAfterS * 1000;
      log(429);
      return send(res, 429, { code: BINANCE_ERRORS.tooManyRequests.code, msg: BINANCE_ERRORS.tooManyRequests.msg }, { 'retry-after': String(faults.settings.retryAfterS) });
    }
    if (faults.strikes('reset')) {
      log('reset');
      req.socket.destroy();
      return;
    }
    const params = new URLSearchParams(url.search);
    for (const [k, v] of new URLSearchParams(rawBody)) params.append(k, v);
    const apiKey = req.headers['x-mbx-apikey'];
    const apiKeyText = Array.isArray(apiKey) ? apiKey[0] : apiKey;
    if (route.security === 'USER_STREAM' && apiKeyText !== options.credentials.apiKey) {
      log(401);
      return send(res, 401, { code: BINANCE_ERRORS.apiKey.code, msg: BINANCE_ERRORS.apiKey.msg });
    }
    if (route.security === 'SIGNED') {
      const bad = verifySignedRequest(options.credentials, apiKeyText, url.search.slice(1), rawBody, params, serverNowMs());
      if (bad !== undefined) {
        log(bad.httpStatus);
        return send(res, bad.httpStatus, { code: bad.code, msg: bad.msg });
      }
    }
    const timeout = faults.strikes('timeout');
    const reply = (() => {
      try {
        return route.handler(ctx, params);
      } catch (e) {
        options.log?.(`${method} ${url.pathname} failed: ${(e as Error).message}`);
        return errorReply({ httpStatus: 500, code: -1000, msg: 'An unknown error occurred while processing the request.' });
      }
    })();
    if (timeout) {
      // The request took effect; the answer never comes (the socket is dropped after the hold).
      log('timeout');
      held.add(req.socket);
      setTimeout(() => {
        held.delete(req.socket);
        req.socket.destroy();
      }, faults.settings.holdMs).unref();
      return;
    }
    if (reply.mutatedOrders && faults.strikes('5xx-after-accept')) {
      log(503);
      return send(res, 503, { code: BINANCE_ERRORS.unknownAfterAccept.code, msg: BINANCE_ERRORS.unknownAfterAccept.msg });
    }
    log(reply.status);
    send(res, reply.status, reply.body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('upgrade', (req, socket, head) => hub.upgrade(req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  replay.start();
  if (options.paused === true) replay.pause();
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    wsUrl: `ws://${host}:${address.port}`,
    symbol: spec.symbol,
    exchange,
    close: async () => {
      replay.stop();
      hub.close();
      for (const s of held) s.destroy();
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function mapMoney(totals: object): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(totals)) out[k] = typeof v === 'number' && Number.isInteger(v) && k !== 'liquidations' ? formatMoney(v as never, 8) : (v as number);
  return out;
}
