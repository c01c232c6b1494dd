// Id generation, injected so that a run is deterministic: the same seed gives the same ids.

export interface IdGenerator {
  next(prefix: string): string;
}

/** Sequential ids: `${prefix}-${n}`, n counting from 1. Deterministic. */
export class SequentialIds implements IdGenerator {
  private n = 0;
  next(prefix: string): string {
    this.n += 1;
    return `${prefix}-${this.n}`;
  }
}
