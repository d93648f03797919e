// Seeded pseudo-random numbers. The simulation is mostly analytic (expected values over page
// populations); the few choices it makes at random (where a moving hot set lands, which light
// compaction attempt succeeds) draw from this generator so that a seed reproduces a run exactly.

/** mulberry32: small, fast, good enough for simulation choices; never Math.random. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    // Mix the seed so that seeds 0, 1, 2 do not start from near-identical states.
    this.state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}
