// Websocket streams of the fake exchange on the HTTP server's port: raw (`/ws/<stream>`), combined
// (`/stream?streams=a/b`), SUBSCRIBE/UNSUBSCRIBE messages, and user data streams (`/ws/<listenKey>`), with the
// ws-drop and depth-gap faults. Must never send a user's events to another listen key's socket.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { FaultPlan } from './fault-plan.js';

interface Client {
  readonly socket: WebSocket;
  readonly combined: boolean;
  readonly streams: Set<string>;
  readonly listenKey: string | undefined;
}

/** Depth streams differ only in their update speed suffix; fakex relays the capture's own diffs to all of them. */
function canonical(stream: string): string {
  const s = stream.toLowerCase();
  if (/@depth(@\d+ms)?$/.test(s)) return s.replace(/@depth(@\d+ms)?$/, '@depth');
  if (s.endsWith('@markprice@1s')) return s.replace(/@markprice@1s$/, '@markprice');
  return s;
}

export class WsHub {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly clients = new Set<Client>();
  private dropped = 0;

  constructor(private readonly faults: FaultPlan, private readonly isListenKey: (key: string) => boolean) {}

  /** Handles an HTTP upgrade; unknown paths get a 404 before the handshake. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    let combined = false;
    let names: string[] = [];
    let listenKey: string | undefined;
    if (url.pathname === '/stream') {
      combined = true;
      names = (url.searchParams.get('streams') ?? '').split('/').filter((s) => s !== '');
    } else if (url.pathname === '/ws' || url.pathname.startsWith('/ws/')) {
      const rest = url.pathname.slice(4);
      if (rest !== '' && this.isListenKey(rest)) listenKey = rest;
      else names = rest.split('/').filter((s) => s !== '');
    } else {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => {
      const client: Client = { socket: ws, combined, streams: new Set(names.map(canonical)), listenKey };
      this.clients.add(client);
      ws.on('close', () => this.clients.delete(client));
      ws.on('error', () => this.clients.delete(client));
      ws.on('message', (raw) => this.onMessage(client, raw.toString()));
    });
  }

  /** Publishes one market message to the clients of `stream` (e.g. `btcusdt@depth`). */
  publish(stream: string, data: unknown): void {
    const key = canonical(stream);
    let text: string | undefined;
    let envelope: string | undefined;
    for (const c of this.clients) {
      if (c.listenKey !== undefined || !c.streams.has(key)) continue;
      if (c.combined) this.send(c, (envelope ??= JSON.stringify({ stream, data })));
      else this.send(c, (text ??= JSON.stringify(data)));
    }
  }

  /** Publishes a user data event to the sockets of one listen key. */
  publishUser(listenKey: string, data: unknown): void {
    const text = JSON.stringify(data);
    for (const c of this.clients) if (c.listenKey === listenKey) this.send(c, text);
  }

  /** Sends `listenKeyExpired` and closes the sockets of an expired or deleted key. */
  expire(listenKey: string, eventMs: number): void {
    this.publishUser(listenKey, { e: 'listenKeyExpired', E: eventMs, listenKey });
    for (const c of this.clients) if (c.listenKey === listenKey) c.socket.close(1000, 'listenKey expired');
  }

  /** Sockets dropped by the ws-drop fault so far. */
  get drops(): number {
    return this.dropped;
  }

  get connections(): number {
    return this.clients.size;
  }

  close(): void {
    for (const c of this.clients) c.socket.terminate();
    this.clients.clear();
    this.server.close();
  }

  private send(c: Client, text: string): void {
    if (c.socket.readyState !== WebSocket.OPEN) return;
    if (this.faults.strikes('ws-drop')) {
      this.dropped += 1;
      this.clients.delete(c);
      c.socket.terminate();
      return;
    }
    c.socket.send(text);
  }

  private onMessage(c: Client, text: string): void {
    let msg: { method?: unknown; params?: unknown; id?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      c.socket.send(JSON.stringify({ error: { code: 3, msg: 'Invalid JSON' } }));
      return;
    }
    const params = Array.isArray(msg.params) ? msg.params.filter((p): p is string => typeof p === 'string') : [];
    switch (msg.method) {
      case 'SUBSCRIBE':
        for (const p of params) c.streams.add(canonical(p));
        c.socket.send(JSON.stringify({ result: null, id: msg.id ?? null }));
        return;
      case 'UNSUBSCRIBE':
        for (const p of params) c.streams.delete(canonical(p));
        c.socket.send(JSON.stringify({ result: null, id: msg.id ?? null }));
        return;
      case 'LIST_SUBSCRIPTIONS':
        c.socket.send(JSON.stringify({ result: [...c.streams], id: msg.id ?? null }));
        return;
      default:
        c.socket.send(JSON.stringify({ error: { code: 2, msg: 'Invalid request: unknown method' }, id: msg.id ?? null }));
    }
  }
}
