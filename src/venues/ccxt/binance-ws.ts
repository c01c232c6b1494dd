// Live Binance USD-M market data over websockets (`ws`, not ccxt pro): one combined stream per symbol with depth
// diffs into a LocalBook (REST snapshot + sequence rules), best bid/ask, trades and mark price; a gap or a silent
// stall makes the book stale and resyncs it; a dropped socket reconnects with backoff. Must never report a book as
// fresh that it cannot vouch for, and never send anything but public requests.
import { WebSocket } from 'ws';
import { countFromText, type Grid } from '../../core/grid.js';
import { LocalBook, type DepthDiff, type DepthSnapshot } from './local-book.js';

export interface BookTickerUpdate { readonly bidTicks: number; readonly bidLots: number; readonly askTicks: number; readonly askLots: number; readonly tsVenue: number }
export interface TradeUpdate { readonly priceTicks: number; readonly lots: number; readonly aggressor: 'buy' | 'sell'; readonly tsVenue: number }
export interface MarkPriceUpdate { readonly markTicks: number; /** Fraction, e.g. 0.0001 = 0.01 %. */ readonly fundingRate: number; readonly nextFundingMs: number; readonly tsVenue: number }

/** Why the book went stale: a sequence gap, no message for `stallMs`, or the socket closed. */
export type StaleCause = 'gap' | 'stall' | 'disconnected';

export interface MarketStreamHandlers {
  /** Binance's best bid / ask. The object is rewritten for every update (no allocation per quote): read it inside the call. */
  onBookTicker?(u: BookTickerUpdate): void;
  onTrade?(u: TradeUpdate): void;
  onMarkPrice?(u: MarkPriceUpdate): void;
  /** The book went stale (entries must be blocked); `afterU`/`pu` bound a gap's missing events. */
  onStale?(cause: StaleCause, detail: { readonly afterU: number | undefined; readonly pu: number | undefined }): void;
  /** The book is live again from a snapshot with this lastUpdateId. */
  onResync?(lastUpdateId: number): void;
}

export interface MarketStreamOptions {
  /** e.g. wss://fstream.binance.com, or fakex's ws://127.0.0.1:PORT. */
  readonly wsBaseUrl: string;
  /** e.g. https://fapi.binance.com, or fakex's http://127.0.0.1:PORT (for GET /fapi/v1/depth). */
  readonly restBaseUrl: string;
  /** The exchange symbol, e.g. BTCUSDT. */
  readonly symbol: string;
  readonly tick: Grid;
  readonly lot: Grid;
  /** No message for this long (ms) is a stall: the book goes stale and the socket is replaced. Default 5000. */
  readonly stallMs?: number;
  /** Reconnect backoff: initial and maximum delay (ms), doubling per failed attempt. Default 250 / 10000. */
  readonly backoffMs?: { readonly initial: number; readonly max: number };
  /** Depth levels in the snapshot (Binance: 5..1000). Default 1000. */
  readonly snapshotLimit?: number;
  readonly handlers?: MarketStreamHandlers;
}

/** Why a book is stale (BinanceMarketStream.staleness). */
export type BookStaleness =
  | { readonly cause: 'disconnected' }
  | { readonly cause: 'stall'; readonly silentMs: number }
  | { readonly cause: 'gap'; readonly afterU: number | undefined; readonly pu: number | undefined }
  | { readonly cause: 'syncing' };

/** Counters a session or a test reads. */
export interface MarketStreamStats { gaps: number; stalls: number; resyncs: number; reconnects: number; snapshots: number }

export class BinanceMarketStream {
  readonly book: LocalBook;
  readonly stats: MarketStreamStats = { gaps: 0, stalls: 0, resyncs: 0, reconnects: 0, snapshots: 0 };
  private socket: WebSocket | undefined;
  private stopped = true;
  private connected = false;
  private attempt = 0;
  private lastMessageMs = 0;
  private lastAppliedU: number | undefined;
  private snapshotInFlight = false;
  /** The gap being resynced (cleared by a resync or another kind of staleness). */
  private lastGap: { readonly afterU: number | undefined; readonly pu: number | undefined } | undefined;
  /** A snapshot ahead of the buffered diffs, offered again as diffs arrive. */
  private waitingSnapshot: DepthSnapshot | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly stream: string;
  private readonly ticker = { bidTicks: 0, bidLots: 0, askTicks: 0, askLots: 0, tsVenue: 0 };

  constructor(private readonly o: MarketStreamOptions) {
    this.book = new LocalBook(o.tick, o.lot);
    this.stream = o.symbol.toLowerCase();
  }

  /** Entries must be blocked while this is true: not connected, book not synced, or no message for `stallMs`. */
  get stale(): boolean {
    return this.staleness() !== undefined;
  }

  /**
   * Why the book is stale now, undefined when it is fresh: the socket is down, no message for longer than `stallMs`
   * (`silentMs` says how long), a gap being resynced (`gap`: the last detection's bounds), or not synced yet
   * (`syncing`: before the first snapshot, after a reconnect or a stall).
   */
  staleness(): BookStaleness | undefined {
    if (!this.connected) return { cause: 'disconnected' };
    const silentMs = Date.now() - this.lastMessageMs;
    if (silentMs > (this.o.stallMs ?? 5000)) return { cause: 'stall', silentMs };
    if (this.book.live) return undefined;
    return this.lastGap === undefined ? { cause: 'syncing' } : { cause: 'gap', ...this.lastGap };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
    const stallMs = this.o.stallMs ?? 5000;
    this.stallTimer = setInterval(() => this.checkStall(stallMs), Math.max(10, Math.floor(stallMs / 4)));
    this.stallTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.stallTimer);
    clearTimeout(this.reconnectTimer);
    this.socket?.terminate();
    this.socket = undefined;
    this.connected = false;
  }

  private connect(): void {
    const s = this.stream;
    const url = `${this.o.wsBaseUrl}/stream?streams=${s}@depth@100ms/${s}@bookTicker/${s}@aggTrade/${s}@markPrice`;
    const ws = new WebSocket(url);
    this.socket = ws;
    ws.on('open', () => {
      this.connected = true;
      this.lastMessageMs = Date.now();
      this.book.invalidate();
    });
    ws.on('message', (raw) => this.onMessage(raw.toString()));
    // An error is always followed by close, where reconnecting happens.
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (this.socket !== ws) return;
      this.connected = false;
      this.markStale('disconnected', undefined);
      if (this.stopped) return;
      const { initial, max } = this.o.backoffMs ?? { initial: 250, max: 10_000 };
      const delay = Math.min(max, initial * 2 ** this.attempt);
      this.attempt += 1;
      this.stats.reconnects += 1;
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    });
  }

  private checkStall(stallMs: number): void {
    if (!this.connected || Date.now() - this.lastMessageMs <= stallMs) return;
    this.stats.stalls += 1;
    this.markStale('stall', undefined);
    // A silent socket may be half-open: replace it rather than wait for TCP to notice.
    this.socket?.terminate();
  }

  private markStale(cause: StaleCause, pu: number | undefined): void {
    const afterU = this.lastAppliedU;
    this.lastGap = cause === 'gap' ? { afterU, pu } : undefined;
    this.waitingSnapshot = undefined;
    this.book.invalidate();
    this.lastAppliedU = undefined;
    this.o.handlers?.onStale?.(cause, { afterU, pu });
  }

  private onMessage(text: string): void {
    this.lastMessageMs = Date.now();
    this.attempt = 0;
    let msg: { stream?: string; data?: Record<string, unknown> };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    const d = msg.data;
    if (d === undefined || typeof msg.stream !== 'string') return;
    const kind = msg.stream.slice(this.stream.length + 1);
    if (kind.startsWith('depth')) return this.onDepth(d);
    if (kind === 'bookTicker') {
      const onTicker = this.o.handlers?.onBookTicker;
      if (onTicker === undefined) return;
      const bidTicks = this.ticks(d['b']);
      const askTicks = this.ticks(d['a']);
      if (bidTicks === undefined || askTicks === undefined) return;
      const u = this.ticker;
      u.bidTicks = bidTicks;
      u.bidLots = this.lots(d['B']);
      u.askTicks = askTicks;
      u.askLots = this.lots(d['A']);
      // T: the matching engine's transaction time, the same clock as a trade's T.
      u.tsVenue = Number(d['T'] ?? d['E']);
      onTicker.call(this.o.handlers, u);
      return;
    }
    if (kind === 'aggTrade' || kind === 'trade') {
      const priceTicks = this.ticks(d['p']);
      // m: the buyer is the maker, so the aggressor sold.
      if (priceTicks !== undefined) this.o.handlers?.onTrade?.({ priceTicks, lots: this.lots(d['q']), aggressor: d['m'] === true ? 'sell' : 'buy', tsVenue: Number(d['T'] ?? d['E']) });
      return;
    }
    if (kind.startsWith('markPrice')) {
      const markTicks = this.ticks(d['p']);
      if (markTicks !== undefined) this.o.handlers?.onMarkPrice?.({ markTicks, fundingRate: Number(d['r'] ?? 0), nextFundingMs: Number(d['T'] ?? 0), tsVenue: Number(d['E']) });
    }
  }

  private onDepth(d: Record<string, unknown>): void {
    const diff = d as unknown as DepthDiff & { b?: DepthDiff['bids']; a?: DepthDiff['asks'] };
    const event: DepthDiff = { U: diff.U, u: diff.u, pu: diff.pu, bids: diff.b ?? [], asks: diff.a ?? [] };
    const outcome = this.book.onDiff(event);
    switch (outcome) {
      case 'applied':
        this.lastAppliedU = event.u;
        return;
      case 'gap':
        this.stats.gaps += 1;
        this.markStale('gap', event.pu);
        this.book.onDiff(event);
        return this.requestSnapshot();
      case 'buffered':
        if (this.waitingSnapshot !== undefined) return this.offer(this.waitingSnapshot);
        return this.requestSnapshot();
    }
  }

  private offer(snap: DepthSnapshot): void {
    const gapsBefore = this.book.gaps;
    const outcome = this.book.onSnapshot(snap);
    // A break inside the buffered events is a gap like any other.
    this.stats.gaps += this.book.gaps - gapsBefore;
    this.waitingSnapshot = outcome === 'wait' ? snap : undefined;
    switch (outcome) {
      case 'live':
        this.stats.resyncs += 1;
        this.lastGap = undefined;
        this.lastAppliedU = this.book.lastAppliedU;
        this.o.handlers?.onResync?.(snap.lastUpdateId);
        return;
      case 'wait':
        return;
      case 'refetch':
        return this.requestSnapshot();
    }
  }

  private requestSnapshot(): void {
    if (this.snapshotInFlight) return;
    this.snapshotInFlight = true;
    void this.fetchSnapshot()
      .then((snap) => {
        this.snapshotInFlight = false;
        this.offer(snap);
      })
      .catch(() => {
        // The next diff asks again.
        this.snapshotInFlight = false;
      });
  }

  private async fetchSnapshot(): Promise<DepthSnapshot> {
    this.stats.snapshots += 1;
    const res = await fetch(`${this.o.restBaseUrl}/fapi/v1/depth?symbol=${this.o.symbol}&limit=${this.o.snapshotLimit ?? 1000}`);
    if (!res.ok) throw new Error(`depth snapshot: HTTP ${res.status}`);
    return (await res.json()) as DepthSnapshot;
  }

  private ticks(v: unknown): number | undefined {
    const r = countFromText(String(v), this.o.tick, 'nearest');
    return r.ok ? r.value : undefined;
  }

  private lots(v: unknown): number {
    const r = countFromText(String(v), this.o.lot, 'floor');
    return r.ok ? r.value : 0;
  }
}
