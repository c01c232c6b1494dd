// Time: epoch milliseconds (UTC) and the injected clock. Core, domain, engine and the simulated venue read time
// only through a Clock, never from the wall clock directly.
import type { Brand } from './brand.js';

/** Milliseconds since the Unix epoch, UTC. An integer. */
export type TimestampMs = Brand<number, 'TimestampMs'>;

export const MS_PER_SECOND = 1_000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

export const asTimestampMs = (ms: number): TimestampMs => ms as TimestampMs;

/** A source of the current time. Backtests use a simulated clock driven by the data; live uses the system clock. */
export interface Clock {
  nowMs(): TimestampMs;
}

/** A clock whose time is set explicitly (tests, backtests). */
export class ManualClock implements Clock {
  private current: number;
  constructor(startMs: number) {
    this.current = startMs;
  }
  nowMs(): TimestampMs {
    return this.current as TimestampMs;
  }
  set(ms: number): void {
    this.current = ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/** ISO 8601 in UTC with milliseconds, e.g. 2025-05-04T15:33:00.000Z. */
export const formatIsoMs = (ms: number): string => new Date(ms).toISOString();
