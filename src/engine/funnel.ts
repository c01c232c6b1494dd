// The decision funnel of a run, for "why no trades": how many orders the strategy asked for, how many the engine
// sent, how many the venue took, how many filled, and the reasons for everything that stopped on the way.
// Must never affect the run: counters only.

/** Counts and reasons, in the order a decision travels. */
export class Funnel {
  /** Order API calls (a bracket counts once). */
  signals = 0;
  /** Requests the engine sent to the venue (a bracket counts once). */
  sent = 0;
  /** Orders the venue took (accepted, or filled without an acceptance first). */
  venueAccepted = 0;
  fills = 0;
  private readonly reasons = new Map<string, number>();

  /** Counts a refusal; `stage` is "not sent" (the engine) or "rejected" / "cancelled" / "expired" (the venue). */
  refuse(stage: string, reason: string): void {
    const key = `${stage}: ${reason}`;
    this.reasons.set(key, (this.reasons.get(key) ?? 0) + 1);
  }

  /** Refusal reasons, most frequent first (ties by text, so the order is deterministic). */
  topReasons(limit = 5): readonly { readonly reason: string; readonly count: number }[] {
    return [...this.reasons.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, limit)
      .map(([reason, count]) => ({ reason, count }));
  }
}
