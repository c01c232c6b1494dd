// The Binance USD-M user data stream: a listen key (created, kept alive, closed through ccxt's implicit API), one
// websocket on it, ORDER_TRADE_UPDATE / ALGO_UPDATE / ACCOUNT_UPDATE parsed into plain records, reconnects with backoff, and a
// resync call after every gap (drop, expiry, failed keepalive) so the owner can read REST truth. Must never sign a
// request itself, never log the listen key, and never report a gap as closed before the new socket is open.
import type { Exchange } from 'ccxt';
import { WebSocket } from 'ws';

/**
 * The three listen-key calls (https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams):
 * POST /fapi/v1/listenKey (create, or return the live key), PUT (keepalive: extends validity by 60 min), DELETE.
 */
export interface ListenKeyApi {
  create(): Promise<string>;
  keepAlive(): Promise<void>;
  close(): Promise<void>;
}

interface BinanceListenKeyMethods {
  fapiPrivatePostListenKey(params?: object): Promise<{ listenKey?: unknown }>;
  fapiPrivatePutListenKey(params?: object): Promise<unknown>;
  fapiPrivateDeleteListenKey(params?: object): Promise<unknown>;
}

/** The listen-key calls through ccxt's binanceusdm implicit methods (ccxt sends only the API-key header for them). */
export function ccxtListenKeys(exchange: Exchange): ListenKeyApi {
  const api = exchange as unknown as BinanceListenKeyMethods;
  return {
    create: async () => {
      const key = (await api.fapiPrivatePostListenKey()).listenKey;
      if (typeof key !== 'string' || key === '') throw new Error('POST /fapi/v1/listenKey answered without a listenKey');
      return key;
    },
    keepAlive: async () => {
      await api.fapiPrivatePutListenKey();
    },
    close: async () => {
      await api.fapiPrivateDeleteListenKey();
    },
  };
}

/** Binance execution types (`x`) of ORDER_TRADE_UPDATE; anything newer is `other`. */
export type ExecutionType = 'NEW' | 'CANCELED' | 'CALCULATED' | 'EXPIRED' | 'TRADE' | 'AMENDMENT' | 'other';
const EXECUTIONS: ReadonlySet<ExecutionType> = new Set(['NEW', 'CANCELED', 'CALCULATED', 'EXPIRED', 'TRADE', 'AMENDMENT']);

/** One trade inside an ORDER_TRADE_UPDATE; quantities and prices stay decimal text (the venue's own digits). */
export interface StreamFill {
  /** `t`: the venue trade id, the same id GET /fapi/v1/userTrades reports (so polling and the stream dedupe). */
  readonly tradeId: string;
  /** `l`: last filled quantity, base units. */
  readonly qtyText: string;
  /** `L`: last filled price. */
  readonly priceText: string;
  /** `n`: commission for this trade, in `feeAsset`. */
  readonly feeText: string;
  readonly feeAsset: string;
  /** `m`: the trade made the book. */
  readonly maker: boolean;
  /** `T`: trade time, venue ms. */
  readonly tsVenue: number;
}

export interface StreamOrderUpdate {
  readonly symbol: string;
  readonly clientId: string;
  readonly venueOrderId: string;
  readonly execution: ExecutionType;
  /** `X`: the order status after this event (NEW, PARTIALLY_FILLED, FILLED, CANCELED, EXPIRED, ...). */
  readonly status: string;
  readonly fill: StreamFill | undefined;
  /** `E`: event time, venue ms. */
  readonly tsVenue: number;
}

/**
 * Binance algo-order statuses (`X` of ALGO_UPDATE): NEW (waiting for its trigger), TRIGGERING (forwarded to the
 * matching engine), TRIGGERED (placed there: its regular order `ai` works), FINISHED (that order filled or ended),
 * CANCELED, REJECTED (refused by the matching engine, e.g. margin or reduce-only), EXPIRED (cancelled by the system);
 * anything newer is `other`. https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Algo-Order-Update
 */
export type AlgoStatus = 'NEW' | 'TRIGGERING' | 'TRIGGERED' | 'FINISHED' | 'CANCELED' | 'REJECTED' | 'EXPIRED' | 'other';
const ALGO_STATUSES: ReadonlySet<AlgoStatus> = new Set(['NEW', 'TRIGGERING', 'TRIGGERED', 'FINISHED', 'CANCELED', 'REJECTED', 'EXPIRED']);

/** One ALGO_UPDATE: a conditional order's lifecycle (its fills arrive as ORDER_TRADE_UPDATE of its regular order). */
export interface StreamAlgoUpdate {
  readonly symbol: string;
  /** `caid`: the client algo id (our client id). */
  readonly clientId: string;
  /** `aid`: the algo id (the venue order id ccxt reports for the conditional order). */
  readonly algoId: string;
  readonly status: AlgoStatus;
  /** `ai`: the regular order working for it once triggered; undefined while it is empty. */
  readonly actualOrderId: string | undefined;
  /** `rm`: the failure reason of a rejected conditional order; '' when none. */
  readonly reason: string;
  /** `E` (the docs' example labels E and T the other way round; both are venue ms of the same change). */
  readonly tsVenue: number;
}

export interface StreamAccountUpdate {
  /** `m`: why the account changed (ORDER, FUNDING_FEE, DEPOSIT, ...). */
  readonly reason: string;
  readonly balances: readonly { readonly asset: string; readonly walletText: string }[];
  readonly positions: readonly { readonly symbol: string; readonly qtyText: string; readonly entryPriceText: string; readonly positionSide: string; readonly marginType: string }[];
  readonly tsVenue: number;
}

/** Why the owner must read REST truth: the socket was down, the key expired, or a keepalive failed. */
export type ResyncReason = 'reconnected' | 'listenKeyExpired' | 'keepAliveFailed';

export interface UserStreamHandlers {
  onOrderUpdate(u: StreamOrderUpdate): void;
  onAlgoUpdate?(u: StreamAlgoUpdate): void;
  onAccountUpdate(u: StreamAccountUpdate): void;
  /** Called once the new socket is open after a gap: events in the gap are lost, so read orders and account by REST. */
  onResync(reason: ResyncReason): void;
  /** A listen-key call or the socket failed (the stream retries by itself); for alerts. */
  onError?(e: unknown): void;
}

export interface UserStreamOptions {
  /** e.g. wss://fstream.binance.com, or fakex's ws://127.0.0.1:PORT; the socket is `<base>/ws/<listenKey>`. */
  readonly wsBaseUrl: string;
  readonly listenKeys: ListenKeyApi;
  /** Keepalive period (ms). Binance keys expire 60 min after the last keepalive; it advises every 30 min. */
  readonly keepAliveMs?: number;
  /** Reconnect backoff: first and maximum delay (ms), doubling per failed attempt. Default 250 / 10000. */
  readonly backoffMs?: { readonly initial: number; readonly max: number };
  readonly handlers: UserStreamHandlers;
}

export interface UserStreamStats { connects: number; reconnects: number; keepAlives: number; listenKeys: number; expiries: number; resyncs: number }

export const KEEPALIVE_MS = 30 * 60_000;

export class BinanceUserStream {
  readonly stats: UserStreamStats = { connects: 0, reconnects: 0, keepAlives: 0, listenKeys: 0, expiries: 0, resyncs: 0 };
  private socket: WebSocket | undefined;
  private listenKey: string | undefined;
  private stopped = true;
  private attempt = 0;
  private pending: ResyncReason | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private openWaiters: (() => void)[] = [];

  constructor(private readonly o: UserStreamOptions) {}

  get open(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Creates the key and opens the socket; resolves once it is open (it keeps retrying with backoff until then). */
  start(): Promise<void> {
    if (!this.stopped) return this.opened();
    this.stopped = false;
    const waiting = this.opened();
    void this.connect();
    this.keepAliveTimer = setInterval(() => void this.keepAlive(), this.o.keepAliveMs ?? KEEPALIVE_MS);
    this.keepAliveTimer.unref();
    return waiting;
  }

  /** Resolves when the socket is open (at once if it is). */
  opened(): Promise<void> {
    if (this.open) return Promise.resolve();
    return new Promise((resolve) => this.openWaiters.push(resolve));
  }

  /** Closes the socket and, best effort, the listen key. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.keepAliveTimer);
    clearTimeout(this.reconnectTimer);
    this.socket?.terminate();
    this.socket = undefined;
    if (this.listenKey === undefined) return;
    this.listenKey = undefined;
    await this.o.listenKeys.close().catch((e: unknown) => this.o.handlers.onError?.(e));
  }

  /** One keepalive now (the timer calls this); a failure means the key is gone: a new key, a new socket, a resync. */
  async keepAlive(): Promise<void> {
    if (this.stopped || this.listenKey === undefined) return;
    try {
      await this.o.listenKeys.keepAlive();
      this.stats.keepAlives += 1;
    } catch (e) {
      this.o.handlers.onError?.(e);
      this.replace('keepAliveFailed');
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.listenKey === undefined) {
        this.listenKey = await this.o.listenKeys.create();
        this.stats.listenKeys += 1;
      }
    } catch (e) {
      this.o.handlers.onError?.(e);
      this.retry();
      return;
    }
    if (this.stopped) return;
    const ws = new WebSocket(`${this.o.wsBaseUrl}/ws/${this.listenKey}`);
    this.socket = ws;
    ws.on('open', () => {
      if (this.socket !== ws) return;
      this.attempt = 0;
      this.stats.connects += 1;
      for (const w of this.openWaiters.splice(0)) w();
      const reason = this.pending;
      this.pending = undefined;
      if (reason !== undefined) {
        this.stats.resyncs += 1;
        this.o.handlers.onResync(reason);
      }
    });
    ws.on('message', (raw) => this.onMessage(raw.toString()));
    // An error is always followed by close, where reconnecting happens.
    ws.on('error', (e) => this.o.handlers.onError?.(e));
    ws.on('close', () => {
      if (this.socket !== ws) return;
      this.socket = undefined;
      // Before the first open nothing was delivered, so nothing can have been missed.
      if (this.stats.connects > 0) this.pending ??= 'reconnected';
      this.retry();
    });
  }

  private retry(): void {
    if (this.stopped) return;
    const { initial, max } = this.o.backoffMs ?? { initial: 250, max: 10_000 };
    const delay = Math.min(max, initial * 2 ** this.attempt);
    this.attempt += 1;
    this.stats.reconnects += 1;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  /** Drops the key and the socket; the close handler reconnects with a new key. */
  private replace(reason: ResyncReason): void {
    this.listenKey = undefined;
    this.pending = reason;
    const ws = this.socket;
    if (ws === undefined) return;
    this.socket = undefined;
    ws.terminate();
    this.retry();
  }

  private onMessage(text: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      this.o.handlers.onError?.(e);
      return;
    }
    switch (msg['e']) {
      case 'ORDER_TRADE_UPDATE': {
        const u = parseOrderTradeUpdate(msg);
        if (u !== undefined) this.o.handlers.onOrderUpdate(u);
        return;
      }
      case 'ALGO_UPDATE': {
        const u = parseAlgoUpdate(msg);
        if (u !== undefined) this.o.handlers.onAlgoUpdate?.(u);
        return;
      }
      case 'ACCOUNT_UPDATE':
        this.o.handlers.onAccountUpdate(parseAccountUpdate(msg));
        return;
      case 'listenKeyExpired':
        this.stats.expiries += 1;
        this.replace('listenKeyExpired');
        return;
      default:
        return;
    }
  }
}

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));

/** ORDER_TRADE_UPDATE `o` fields (Event: Order Update); undefined when it names no client id. */
export function parseOrderTradeUpdate(msg: Readonly<Record<string, unknown>>): StreamOrderUpdate | undefined {
  const o = msg['o'] as Record<string, unknown> | undefined;
  if (o === undefined || text(o['c']) === '') return undefined;
  const x = text(o['x']) as ExecutionType;
  const execution: ExecutionType = EXECUTIONS.has(x) ? x : 'other';
  const qtyText = text(o['l']);
  const fill: StreamFill | undefined = execution === 'TRADE' && Number(qtyText) > 0
    ? { tradeId: text(o['t']), qtyText, priceText: text(o['L']), feeText: text(o['n']) || '0', feeAsset: text(o['N']), maker: o['m'] === true, tsVenue: num(o['T']) }
    : undefined;
  return { symbol: text(o['s']), clientId: text(o['c']), venueOrderId: text(o['i']), execution, status: text(o['X']), fill, tsVenue: num(msg['E']) };
}

/**
 * ALGO_UPDATE `o` fields (Event: Algo Order Update,
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Algo-Order-Update);
 * undefined when it names no client algo id or algo id.
 */
export function parseAlgoUpdate(msg: Readonly<Record<string, unknown>>): StreamAlgoUpdate | undefined {
  const o = msg['o'] as Record<string, unknown> | undefined;
  if (o === undefined || text(o['caid']) === '' || text(o['aid']) === '') return undefined;
  const x = text(o['X']) as AlgoStatus;
  const actual = text(o['ai']);
  const ts = num(msg['E']) || num(msg['T']);
  return { symbol: text(o['s']), clientId: text(o['caid']), algoId: text(o['aid']), status: ALGO_STATUSES.has(x) ? x : 'other', actualOrderId: actual === '' || actual === '0' ? undefined : actual, reason: text(o['rm']), tsVenue: ts };
}

/** ACCOUNT_UPDATE `a` fields (Event: Balance and Position Update). */
export function parseAccountUpdate(msg: Readonly<Record<string, unknown>>): StreamAccountUpdate {
  const a = (msg['a'] ?? {}) as { m?: unknown; B?: Record<string, unknown>[]; P?: Record<string, unknown>[] };
  return {
    reason: text(a.m),
    balances: (a.B ?? []).map((b) => ({ asset: text(b['a']), walletText: text(b['wb']) })),
    positions: (a.P ?? []).map((p) => ({ symbol: text(p['s']), qtyText: text(p['pa']), entryPriceText: text(p['ep']), positionSide: text(p['ps']), marginType: text(p['mt']) })),
    tsVenue: num(msg['E']),
  };
}
