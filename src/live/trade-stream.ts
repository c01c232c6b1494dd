// Live trades from Binance USD-M's public websocket (`<symbol>@trade`, the format fakex serves as well), reconnecting
// after a drop. Must never send anything on the socket but the connection itself, nor hold more than one socket.
import { WebSocket } from 'ws';

/** One public trade: venue time (ms), price and base quantity as floats (exchange decimals), aggressor side. */
export interface LiveTrade {
  readonly timeMs: number;
  readonly price: number;
  readonly qty: number;
  readonly isBuyerMaker: boolean;
}

/** A source of live trades; `close` stops it for good. */
export interface TradeFeed {
  close(): void;
}

export interface TradeStreamOptions {
  /** ws(s)://host[:port], e.g. wss://fstream.binance.com or fakex's ws://127.0.0.1:PORT. */
  readonly wsBase: string;
  /** The venue symbol, e.g. BTCUSDT. */
  readonly symbol: string;
  readonly onTrade: (trade: LiveTrade) => void;
  /** Told of each drop (the stream reconnects by itself after `reconnectMs`). */
  readonly onDrop?: (reason: string) => void;
  readonly reconnectMs?: number;
}

/** The Binance websocket base for a REST base URL: https -> wss on fstream for the real API, http -> ws for loopback. */
export function binanceWsBase(restBaseUrl: string | undefined): string {
  if (restBaseUrl === undefined) return 'wss://fstream.binance.com';
  const u = new URL(restBaseUrl);
  return `${u.protocol === 'https:' ? 'wss:' : 'ws:'}//${u.host}`;
}

/** Opens `<wsBase>/stream?streams=<symbol>@trade` and hands every trade on; reconnects until closed. */
export function openTradeStream(o: TradeStreamOptions): TradeFeed {
  let socket: WebSocket | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const url = `${o.wsBase}/stream?streams=${o.symbol.toLowerCase()}@trade`;
  const connect = (): void => {
    const ws = new WebSocket(url);
    socket = ws;
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { data?: { e?: string; T?: number; p?: string; q?: string; m?: boolean } };
      const d = msg.data;
      if (d?.e !== 'trade' || typeof d.T !== 'number') return;
      o.onTrade({ timeMs: d.T, price: Number(d.p), qty: Number(d.q), isBuyerMaker: d.m === true });
    });
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      if (closed) return;
      o.onDrop?.(`trade stream closed (code ${code})`);
      timer = setTimeout(connect, o.reconnectMs ?? 500);
    });
  };
  connect();
  return {
    close(): void {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      socket?.terminate();
    },
  };
}
