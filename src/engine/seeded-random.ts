// The seeded random source handed to strategies (`ctx.random`): same seed, same sequence, so a run repeats
// exactly. Must never read Math.random or the clock.
import type { RandomSource } from './strategy.js';

/**
 * Mulberry32 (Tommy Ettinger's 32-bit generator, public domain: https://gist.github.com/tommyettinger/46a874533244883189143505d203312c):
 * a 32-bit state advanced by a Weyl sequence and mixed; returns floats in [0, 1) with 32 random bits.
 */
export class SeededRandom implements RandomSource {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
