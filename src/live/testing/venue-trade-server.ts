// A loopback websocket server that speaks one venue's public trade topic as its documentation shows it, for offline
// tests of the ccxt trade feed: it acknowledges the subscription, pushes the trades a test gives it, and can drop or
// go silent. Tests only; must never listen beyond 127.0.0.1.
//   Bybit v5 `publicTrade.<symbol>`: https://bybit-exchange.github.io/docs/v5/websocket/public/trade
//   BingX swap `<symbol>@trade` (gzip frames): https://bingx-api.github.io/docs-v3/#/en/Swap/Websocket%20Market%20Data/Subscribe%20the%20Latest%20Trade%20Detail
//   MEXC contract `sub.deal` / `push.deal`: https://www.mexc.com/api-docs/futures/websocket-api (Deal)
//   WEEX contract `<symbol>@trade`: https://www.weex.com/api-doc/contract/Websocket/public/Trades-Channel
import { gzipSync } from 'node:zlib';
import { WebSocketServer, type WebSocket } from 'ws';

export type TradeVenue = 'bybit' | 'bingx' | 'mexc' | 'weex';

/** One trade as a test writes it: the venue's decimal text, the taker's side, and the venue's id where it sends one. */
export interface ServedTrade {
  readonly timeMs: number;
  readonly price: string;
  readonly qty: string;
  readonly takerSide: 'buy' | 'sell';
  readonly id?: string;
}

export interface VenueTradeServer {
  /** ws://127.0.0.1:PORT */
  readonly origin: string;
  /** Subscriptions received so far (one per (re)connection that asked for trades). */
  readonly subscriptions: () => number;
  /** Sockets accepted so far, and open now. */
  readonly connections: () => number;
  readonly open: () => number;
  /** The request path of every socket accepted, in order (the venue's websocket path, e.g. /v5/public/linear). */
  readonly paths: () => readonly string[];
  /** Resolves once `n` subscriptions have arrived. */
  untilSubscribed(n: number, timeoutMs?: number): Promise<void>;
  /** Sends one message with these trades to every subscribed socket. */
  push(trades: readonly ServedTrade[]): void;
  /** Drops every socket without a close handshake (a reset connection). */
  dropAll(): void;
  close(): Promise<void>;
}

/** `symbol` is the venue's own symbol (BTCUSDT, BTC-USDT, BTC_USDT, ETHUSDT). */
export async function startVenueTradeServer(venue: TradeVenue, symbol: string): Promise<VenueTradeServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as { port: number }).port;
  const subscribed = new Set<WebSocket>();
  let subscriptions = 0;
  let connections = 0;
  const paths: string[] = [];
  const send = (ws: WebSocket, body: unknown): void => {
    const text = JSON.stringify(body);
    // BingX compresses every frame (ccxt's bingx client sets options.ws.gunzip).
    ws.send(venue === 'bingx' ? gzipSync(text) : text);
  };
  wss.on('connection', (ws, req) => {
    connections++;
    paths.push(req.url ?? '');
    ws.on('close', () => subscribed.delete(ws));
    ws.on('message', (raw) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(String(raw)) as Record<string, unknown>;
      } catch {
        return;
      }
      const ack = acknowledge(venue, symbol, msg);
      if (ack === undefined) return;
      if (ack.subscribed) {
        subscriptions++;
        subscribed.add(ws);
      }
      send(ws, ack.reply);
    });
  });
  return {
    origin: `ws://127.0.0.1:${port}`,
    subscriptions: () => subscriptions,
    connections: () => connections,
    open: () => wss.clients.size,
    paths: () => paths,
    async untilSubscribed(n, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (subscriptions < n) {
        if (Date.now() > until) throw new Error(`${venue}: ${subscriptions} subscriptions after ${timeoutMs} ms, expected ${n}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    push(trades) {
      const body = tradeMessage(venue, symbol, trades);
      for (const ws of subscribed) send(ws, body);
    },
    dropAll() {
      for (const ws of wss.clients) ws.terminate();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** The venue's answer to a client message; `subscribed` when it was the trade subscription for `symbol`. */
function acknowledge(venue: TradeVenue, symbol: string, m: Record<string, unknown>): { readonly reply: unknown; readonly subscribed: boolean } | undefined {
  switch (venue) {
    case 'bybit':
      if (m['op'] === 'ping') return { reply: { success: true, ret_msg: 'pong', conn_id: 'loopback', req_id: m['req_id'], op: 'ping' }, subscribed: false };
      if (m['op'] !== 'subscribe') return undefined;
      return { reply: { success: true, ret_msg: '', conn_id: 'loopback', req_id: m['req_id'], op: 'subscribe' }, subscribed: (m['args'] as string[]).includes(`publicTrade.${symbol}`) };
    case 'bingx':
      if (m['reqType'] !== 'sub') return undefined;
      return { reply: { id: m['id'], code: 0, msg: '', dataType: '', data: null }, subscribed: m['dataType'] === `${symbol}@trade` };
    case 'mexc':
      if (m['method'] === 'ping') return { reply: { channel: 'pong', data: Date.now() }, subscribed: false };
      if (m['method'] !== 'sub.deal') return undefined;
      return { reply: { channel: 'rs.sub.deal', data: 'success', ts: Date.now() }, subscribed: (m['param'] as { symbol?: string }).symbol === symbol };
    case 'weex':
      if (m['method'] !== 'SUBSCRIBE') return undefined;
      return { reply: { result: true, id: m['id'] }, subscribed: (m['params'] as string[]).includes(`${symbol}@trade`) };
  }
}

/** One push of `trades` in the venue's documented shape. */
function tradeMessage(venue: TradeVenue, symbol: string, trades: readonly ServedTrade[]): unknown {
  const last = trades.at(-1)?.timeMs ?? 0;
  switch (venue) {
    case 'bybit':
      return {
        topic: `publicTrade.${symbol}`,
        type: 'snapshot',
        ts: last + 2,
        data: trades.map((t) => ({ T: t.timeMs, s: symbol, S: t.takerSide === 'buy' ? 'Buy' : 'Sell', v: t.qty, p: t.price, L: 'PlusTick', i: t.id, BT: false })),
      };
    case 'bingx':
      // The linear swap push carries no trade id; m = the buyer was the maker (the taker sold).
      return { code: 0, dataType: `${symbol}@trade`, data: trades.map((t) => ({ q: t.qty, p: t.price, T: t.timeMs, m: t.takerSide === 'sell', s: symbol })) };
    case 'mexc':
      // Numbers, not strings, in MEXC's push; T = the taker's direction (1 buy, 2 sell); O open/close, M self-trade flags.
      return { symbol, data: trades.map((t) => ({ p: Number(t.price), v: Number(t.qty), T: t.takerSide === 'buy' ? 1 : 2, O: 3, M: 2, t: t.timeMs })), channel: 'push.deal', ts: last + 2 };
    case 'weex':
      return { e: 'trade', E: last + 2, s: symbol, d: trades.map((t) => ({ T: t.timeMs, t: t.id, p: t.price, q: t.qty, v: String(Number(t.price) * Number(t.qty)), m: t.takerSide === 'sell' })) };
  }
}
