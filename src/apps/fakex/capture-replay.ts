// Replays a raw Binance websocket capture (../shared/data/.../stream/*.txt.gz, `<receive time> <JSON>` per line, the
// format src/data/parse-ws-capture.ts reads) in file order at a chosen speed, with venue times rebased to now.
// Must never reorder messages or repair the depth update-id chain: gaps are only ever injected downstream.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../../core/errors.js';
import type { Clock } from '../../core/time.js';

export type CaptureKind = 'depth' | 'bookTicker' | 'trade' | 'markPrice' | 'snapshot';

export interface CaptureMessage {
  readonly kind: CaptureKind;
  /** Venue event time (E, else T) in the capture's own clock, ms. */
  readonly timeMs: number;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface Capture {
  readonly file: string;
  readonly symbol: string;
  readonly messages: readonly CaptureMessage[];
}

/** Reads a capture (.txt or .txt.gz) whole; a damaged line is an InputError naming the file and line. */
export function loadCapture(file: string): Capture {
  let text: string;
  try {
    const raw = readFileSync(file);
    text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  } catch (e) {
    throw new InputError('INVALID_FILE', `--replay ${file}`, `cannot be read (${(e as Error).message})`, 'give a Binance USD-M websocket capture, e.g. ../shared/data/binance/futures-um/stream/BTCUSDT-wsRaw-2023-04-04T2358.txt.gz');
  }
  const messages: CaptureMessage[] = [];
  let symbol: string | undefined;
  let lastMs = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const bad = (problem: string): InputError =>
      new InputError('INVALID_DATA', `--replay ${file} line ${i + 1}`, problem, 'give an unmodified capture: `<receive time> <JSON message>` per line');
    const space = line.indexOf(' ');
    if (space <= 0) throw bad('expected "<receive time> <JSON message>"');
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line.slice(space + 1)) as Record<string, unknown>;
    } catch {
      throw bad('the message is not JSON');
    }
    const stream = typeof msg.stream === 'string' ? msg.stream : undefined;
    const data = (stream === undefined ? msg : msg.data) as Record<string, unknown> | undefined;
    if (data === undefined || typeof data !== 'object') throw bad('a stream message without data');
    const kind: CaptureKind | undefined =
      stream === undefined ? 'snapshot'
      : data.e === 'depthUpdate' ? 'depth'
      : data.e === 'bookTicker' || stream.endsWith('@bookTicker') ? 'bookTicker'
      : data.e === 'trade' ? 'trade'
      : data.e === 'markPriceUpdate' ? 'markPrice'
      : undefined;
    if (kind === undefined) continue;
    if (typeof data.s === 'string') {
      if (symbol === undefined) symbol = data.s;
      else if (symbol !== data.s) throw bad(`the symbol changes from ${symbol} to ${data.s}`);
    }
    const t = typeof data.E === 'number' ? data.E : typeof data.T === 'number' ? data.T : lastMs;
    lastMs = Math.max(lastMs, t);
    messages.push({ kind, timeMs: lastMs, data });
  }
  if (symbol === undefined || messages.length === 0) throw new InputError('INVALID_DATA', `--replay ${file}`, 'holds no depth, bookTicker or trade messages', 'give a Binance USD-M websocket capture');
  return { file, symbol, messages };
}

export interface ReplayOptions {
  /** 1 = real time, 10 = ten times faster, 0 = as fast as possible. */
  readonly speed: number;
  readonly clock: Clock;
  /** Called for every message with the venue time rebased to the server clock. */
  readonly deliver: (message: CaptureMessage, rebasedMs: number) => void;
  /** Called once when the last message has been delivered. */
  readonly finished?: () => void;
}

/** Delivers a capture on timers; pause and resume keep the pace (a pause shifts the rest of the capture later). */
export class CaptureReplay {
  private index = 0;
  private originWallMs = 0;
  private pausedAtMs: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastRebasedMs = 0;
  private stopped = false;

  constructor(private readonly capture: Capture, private readonly options: ReplayOptions) {}

  get position(): number {
    return this.index;
  }

  get done(): boolean {
    return this.index >= this.capture.messages.length;
  }

  /** Delivers messages at once, without timers, until `until` holds (server start-up: the first quote and book). */
  primeUntil(until: () => boolean): void {
    this.originWallMs = this.options.clock.nowMs();
    while (!this.done && !until()) this.deliverNext(this.options.clock.nowMs());
    // Later messages keep their spacing from the first one delivered on the clock.
    if (!this.done) this.originWallMs = this.options.clock.nowMs() - this.offsetOf(this.index);
  }

  start(): void {
    if (this.originWallMs === 0) this.originWallMs = this.options.clock.nowMs();
    this.schedule();
  }

  pause(): void {
    if (this.pausedAtMs !== undefined) return;
    this.pausedAtMs = this.options.clock.nowMs();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  resume(): void {
    if (this.pausedAtMs === undefined) return;
    this.originWallMs += this.options.clock.nowMs() - this.pausedAtMs;
    this.pausedAtMs = undefined;
    this.schedule();
  }

  get paused(): boolean {
    return this.pausedAtMs !== undefined;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Wall-clock offset of message i from the start of the replay at the chosen speed (0 at speed 0). */
  private offsetOf(i: number): number {
    const m = this.capture.messages;
    return this.options.speed === 0 ? 0 : (m[i]!.timeMs - m[0]!.timeMs) / this.options.speed;
  }

  private deliverNext(wallMs: number): void {
    const message = this.capture.messages[this.index++]!;
    const rebased = this.options.speed === 0 ? wallMs : Math.round(this.originWallMs + this.offsetOf(this.index - 1));
    this.lastRebasedMs = Math.max(this.lastRebasedMs, rebased);
    this.options.deliver(message, this.lastRebasedMs);
  }

  private schedule(): void {
    if (this.stopped || this.pausedAtMs !== undefined) return;
    if (this.done) {
      this.options.finished?.();
      return;
    }
    const now = this.options.clock.nowMs();
    const waitMs = this.options.speed === 0 ? 0 : this.originWallMs + this.offsetOf(this.index) - now;
    this.timer = setTimeout(() => this.run(), Math.max(0, waitMs));
  }

  private run(): void {
    this.timer = undefined;
    const now = this.options.clock.nowMs();
    // Speed 0 delivers in batches so that requests and sockets are still served between them.
    let budget = this.options.speed === 0 ? 200 : Number.POSITIVE_INFINITY;
    while (!this.done && budget-- > 0 && this.pausedAtMs === undefined && !this.stopped && (this.options.speed === 0 || this.originWallMs + this.offsetOf(this.index) <= now)) {
      this.deliverNext(now);
    }
    this.schedule();
  }
}
