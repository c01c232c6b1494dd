// The circuit breaker: stops new entries after N consecutive losing trades or once the day's loss reaches a limit,
// until the next UTC day, and says so once in the journal. Must never close positions or cancel orders: it only
// answers "may I enter now?".

const DAY_MS = 86_400_000;

export interface CircuitBreakerConfig {
  /** Losing trades in a row that stop entries (PRODUCT.md: five straight 1 % stops cost about 5 %); 0 = off. */
  readonly maxConsecutiveLosses: number;
  /** Loss from the day's starting equity, percent, that stops entries; 0 = off. */
  readonly dailyLossLimitPct: number;
}

/** Why entries are stopped. */
export type BreakerTrip =
  | { readonly kind: 'consecutive-losses'; readonly losses: number }
  | { readonly kind: 'daily-loss'; readonly lossPct: number };

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * Feed it every closed trade's net result (`recordTrade`) and the equity at every bar (`allowsEntry`). A win resets
 * the loss streak. A trip lasts until the first check in a later UTC day, which also resets the streak and takes
 * that day's first equity as its start.
 */
export class CircuitBreaker {
  /** Losing trades in a row so far. */
  consecutiveLosses = 0;
  /** Entries refused while tripped (setups that would have been judged). */
  refused = 0;
  /** How many times it tripped. */
  trips = 0;
  private dayIndex: number | undefined;
  private dayStartEquity = 0;
  private tripped: BreakerTrip | undefined;

  constructor(
    readonly config: CircuitBreakerConfig,
    private readonly note: (text: string) => void,
  ) {}

  /** The current trip, undefined while entries are allowed. */
  get state(): BreakerTrip | undefined {
    return this.tripped;
  }

  /** A trade closed with this net P&L (settle asset, after fees and funding). Zero counts as a loss: it paid nothing. */
  recordTrade(netPnl: number, timeMs: number): void {
    if (netPnl > 0) {
      this.consecutiveLosses = 0;
      return;
    }
    this.consecutiveLosses++;
    const max = this.config.maxConsecutiveLosses;
    if (max > 0 && this.consecutiveLosses >= max && this.tripped === undefined) {
      this.trip({ kind: 'consecutive-losses', losses: this.consecutiveLosses }, timeMs);
    }
  }

  /**
   * Whether a new entry may be taken now, given the account's equity (settle asset). Rolls the day over (clearing a
   * trip) and trips on the daily loss limit. Counts a refusal when it says no.
   */
  allowsEntry(timeMs: number, equity: number): boolean {
    this.observe(timeMs, equity);
    if (this.tripped === undefined) return true;
    this.refused++;
    return false;
  }

  /** Rolls the day and checks the daily limit without counting a refusal (call it every bar). */
  observe(timeMs: number, equity: number): void {
    const day = Math.floor(timeMs / DAY_MS);
    if (day !== this.dayIndex) {
      if (this.tripped !== undefined) this.note(`circuit breaker: reset for ${isoDay(timeMs)}; entries allowed again`);
      this.dayIndex = day;
      this.dayStartEquity = equity;
      this.tripped = undefined;
      this.consecutiveLosses = 0;
    }
    const limit = this.config.dailyLossLimitPct;
    if (limit > 0 && this.tripped === undefined && this.dayStartEquity > 0) {
      const lossPct = ((this.dayStartEquity - equity) / this.dayStartEquity) * 100;
      if (lossPct >= limit) this.trip({ kind: 'daily-loss', lossPct }, timeMs);
    }
  }

  private trip(t: BreakerTrip, timeMs: number): void {
    this.tripped = t;
    this.trips++;
    const why =
      t.kind === 'consecutive-losses'
        ? `${t.losses} consecutive losing trades (limit ${this.config.maxConsecutiveLosses})`
        : `day's loss ${t.lossPct.toFixed(2)} % of the day's starting equity (limit ${this.config.dailyLossLimitPct} %)`;
    const next = isoDay((Math.floor(timeMs / DAY_MS) + 1) * DAY_MS);
    this.note(`circuit breaker tripped: ${why}; no new entries until ${next} 00:00 UTC`);
  }
}
