/**
 * Seeded, splittable pseudo-random numbers: xoshiro128** on four 32-bit words, seeded through
 * splitmix32. No BigInt and no allocation on the hot path (`next`, `int`, `float`, `bool`).
 */

/** splitmix32 step: returns the next output for state `s` (the caller advances `s`). */
function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** 32-bit FNV-1a hash of a string, used to derive labelled streams. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const TWO32 = 4294967296;

export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** The seed words this generator started from (for `fork`). */
  private o0 = 0;
  private o1 = 0;

  /** A generator for a seed: any safe integer (the same seed always gives the same stream). */
  constructor(seed: number, salt = 0) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`Rng: seed must be a safe integer, got ${seed}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO32) >>> 0;
    this.reseed(lo, (hi ^ salt) >>> 0);
  }

  private reseed(a: number, b: number): void {
    this.o0 = a;
    this.o1 = b;
    let z = (a ^ Math.imul(b, 0x9e3779b9) ^ 0x6a09e667) >>> 0;
    z = (z + 0x9e3779b9) >>> 0;
    this.s0 = mix32(z);
    z = (z + 0x9e3779b9 + b) >>> 0;
    this.s1 = mix32(z);
    z = (z + 0x9e3779b9) >>> 0;
    this.s2 = mix32(z ^ a);
    z = (z + 0x9e3779b9) >>> 0;
    this.s3 = mix32(z);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned value. */
  next(): number {
    const s1 = this.s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r;
  }

  /**
   * An independent generator derived from this one's current state (advances this one).
   * Use it to give each driver its own stream.
   */
  split(): Rng {
    const child = new Rng(0);
    child.reseed(this.next(), this.next());
    child.s2 ^= this.next();
    child.s3 ^= this.next();
    if ((child.s0 | child.s1 | child.s2 | child.s3) === 0) child.s0 = 1;
    return child;
  }

  /**
   * A generator named by `label`, derived from this generator's seed only: it does not depend
   * on how many numbers were drawn before, so adding a stream never perturbs the others.
   */
  fork(label: string): Rng {
    const child = new Rng(0);
    child.reseed((this.o0 ^ hashString(label)) >>> 0, (this.o1 + hashString(label + "\u0001")) >>> 0);
    return child;
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  float(): number {
    return ((this.next() >>> 5) * 67108864 + (this.next() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer in [lo, hi] (inclusive, unbiased); the span may be up to 2^53. */
  int(lo: number, hi: number): number {
    const span = hi - lo + 1;
    if (!(span >= 1) || !Number.isSafeInteger(span)) throw new RangeError(`Rng.int: bad range [${lo}, ${hi}]`);
    if (span <= TWO32) {
      // Rejection on the top of the 32-bit range: exact, usually one draw.
      const limit = TWO32 - (TWO32 % span);
      let r = this.next();
      while (r >= limit) r = this.next();
      return lo + (r % span);
    }
    for (;;) {
      const r = Math.floor(this.float() * span);
      if (r < span) return lo + r;
    }
  }

  /** Uniform value of `width` bits (1..32), unsigned. */
  bits(width: number): number {
    if (width >= 32) return this.next();
    return this.next() >>> (32 - width);
  }

  /** Uniform value of any width as a bigint (for wide signals; allocates). */
  bigBits(width: number): bigint {
    let v = 0n;
    let left = width;
    while (left > 0) {
      const take = Math.min(32, left);
      v = (v << BigInt(take)) | BigInt(this.bits(take));
      left -= take;
    }
    return v;
  }

  /** True with probability p. */
  bool(p = 0.5): boolean {
    return this.float() < p;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("Rng.pick: empty array");
    return items[this.int(0, items.length - 1)]!;
  }

  /** Index chosen with probability proportional to `weights[i]` (non-negative, not all 0). */
  weightedIndex(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]!;
    if (!(total > 0)) throw new RangeError("Rng.weightedIndex: weights must be non-negative and not all zero");
    let x = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0 && weights[i]! > 0) return i;
    }
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
    return 0;
  }

  /** Key of a record chosen with probability proportional to its weight: `rng.weighted({ read: 3, write: 1 })`. */
  weighted<K extends string>(choices: Readonly<Record<K, number>>): K {
    const keys = Object.keys(choices) as K[];
    const w = keys.map((k) => choices[k]);
    return keys[this.weightedIndex(w)]!;
  }

  /** In-place Fisher-Yates shuffle; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }

  /** Normal distribution (Box-Muller). */
  normal(mean = 0, sd = 1): number {
    let u = this.float();
    while (u === 0) u = this.float();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }

  /** Exponential distribution with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** Poisson-distributed count (Knuth for small means, normal approximation above 60). */
  poisson(mean: number): number {
    if (mean > 60) return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
    const l = Math.exp(-mean);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.float();
    } while (p > l);
    return k - 1;
  }

  /** Number of failures before the first success, success probability p (0 < p <= 1). */
  geometric(p: number): number {
    if (p >= 1) return 0;
    return Math.floor(Math.log(1 - this.float()) / Math.log(1 - p));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * A precomputed weighted choice for hot loops: `pick()` is a binary search over cumulative
 * weights, without allocation.
 */
export class WeightedTable<T> {
  private readonly cum: Float64Array;
  private readonly total: number;
  constructor(
    readonly items: readonly T[],
    weights: readonly number[],
  ) {
    if (items.length !== weights.length || items.length === 0) throw new RangeError("WeightedTable: items and weights must be non-empty and the same length");
    this.cum = new Float64Array(items.length);
    let t = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i]!;
      if (!(w >= 0)) throw new RangeError(`WeightedTable: weight ${i} is ${w}`);
      t += w;
      this.cum[i] = t;
    }
    if (t <= 0) throw new RangeError("WeightedTable: all weights are zero");
    this.total = t;
  }
  pick(rng: Rng): T {
    const x = rng.float() * this.total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}
