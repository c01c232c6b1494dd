// What paper and live sessions share once the session is built: feeding it the live trade stream, the order book and
// the best bid / ask (a clock that keeps closing bars in a quiet market; entries blocked while either is stale), and running it for a
// duration or until stopped, finishing it once in the journal. Must never decide how orders reach a venue.
import type { Money } from '../core/money.js';
import type { Clock } from '../core/time.js';
import type { EngineResult } from '../engine/engine.js';
import type { JournalWriter } from '../journal/journal-writer.js';
import type { LiveSession } from './session.js';
import { openDepthFeed, type DepthFeed, type DepthWatch } from './depth-feed.js';
import { openTradeStream, type TradeFeed } from './trade-stream.js';
import type { OpenTradeFeed } from './trade-stream-for.js';

/** Bars held at most by one session: a week of 1m bars. */
export const SESSION_CAPACITY_BARS = 7 * 24 * 60 + 1;

export interface SessionHandle {
  readonly runId: string;
  readonly session: LiveSession;
  /** Stops early; resolves like `done`. */
  stop(): Promise<EngineResult>;
  /** Resolves when the duration is over (or stop was called) and the run is finished in the journal. */
  readonly done: Promise<EngineResult>;
}

export interface TradeFeeding {
  readonly feed: TradeFeed;
  /** Advances the session's clock to the last trade's time plus the wall time since: call it on a timer. */
  tick(): void;
  /** True once a trade has arrived. */
  readonly started: () => boolean;
  /** The order book, when the session keeps one. */
  readonly depth: DepthFeed | undefined;
}

/**
 * Opens the trade stream into the session, and the order book when `depth` is given (depth-feed.ts). A dropped
 * trade stream blocks entries until trades return; a stale book (gap being resynced, stall, drop, not synced yet)
 * blocks them until it is resynced. `feed.close` closes both.
 */
export function feedFromTrades(
  session: LiveSession,
  o: { readonly wsBase: string; readonly symbol: string; readonly clock: Clock; readonly log: (line: string) => void; readonly depth?: DepthWatch | undefined; readonly trades?: OpenTradeFeed | undefined },
): TradeFeeding {
  let lastTradeMs = 0;
  let lastWallMs = o.clock.nowMs();
  let tradesDown: string | undefined;
  session.watchFreshness(() => tradesDown);
  // The venue's feed (trade-stream-for.ts) when given, else Binance USD-M's socket on wsBase.
  const trades = (o.trades ?? ((h) => openTradeStream({ wsBase: o.wsBase, symbol: o.symbol, ...h })))({
    onTrade: (t) => {
      lastTradeMs = t.timeMs;
      lastWallMs = o.clock.nowMs();
      tradesDown = undefined;
      session.onTrade(t);
    },
    onDrop: (reason) => {
      tradesDown = reason;
      o.log(`market data: ${reason}; entries blocked until it is back`);
    },
  });
  // Quotes (Binance's bookTicker on the book's stream) are not handed to the strategy yet: under load a bar closed
  // after a later quote or trade had been shown, so ctx.time went back; LiveSession.onQuote stays for when bar
  // closing and quotes share one clock.
  const depth = o.depth === undefined ? undefined : openDepthFeed({ wsBase: o.wsBase, watch: o.depth, spec: session.spec, log: o.log });
  if (depth !== undefined) session.watchFreshness(depth.reason);
  return {
    feed: {
      close: () => {
        trades.close();
        depth?.close();
      },
    },
    depth,
    // A quiet market still closes bars: venue time is estimated as the last trade's time plus the wall time since.
    tick: () => {
      if (lastTradeMs > 0) session.onClock(lastTradeMs + (o.clock.nowMs() - lastWallMs));
    },
    started: () => lastTradeMs > 0,
  };
}

/**
 * Runs the session for `durationMs` or until `stop()`. `close` releases the caller's timers, streams and venue (it
 * runs once, first); then the session finishes and the run is marked completed in the journal.
 */
export function runForDuration(o: {
  readonly runId: string;
  readonly session: LiveSession;
  readonly writer: JournalWriter;
  readonly clock: Clock;
  readonly durationMs: number;
  readonly close: () => Promise<void>;
}): SessionHandle {
  let finished: Promise<EngineResult> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopEarly: () => void = () => undefined;
  const finish = (): Promise<EngineResult> => {
    finished ??= (async () => {
      if (timer !== undefined) clearTimeout(timer);
      await o.close();
      const result = o.session.finish();
      o.writer.finishRun(o.runId, {
        finishedMs: o.clock.nowMs(),
        status: 'completed',
        endEquity: Math.round(o.session.engine.ledger.equityUnits()) as Money,
        message: `${result.bars} bars, ${result.trips.length} round trips`,
      });
      return result;
    })();
    return finished;
  };
  const done = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, o.durationMs);
    stopEarly = resolve;
  }).then(finish);
  return {
    runId: o.runId,
    session: o.session,
    stop: () => {
      stopEarly();
      return done;
    },
    done,
  };
}
