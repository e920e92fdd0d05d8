/**
 * Bin specifications for coverpoints: explicit values, ranges (optionally split into an array
 * of bins), and transitions. Written with the helpers in `bins`:
 *
 *   bins: { empty: 0, low: bins.range(1, 3), odd: bins.values(1, 3, 5), quarter: bins.split(0, 63, 4),
 *           fill: bins.seq(0, 1, 2), drain: bins.seq(bins.range(1, 8), 0) }
 */

/** An inclusive range of values. */
export type Range = readonly [number, number];

export interface ValueBinSpec {
  readonly kind: "values";
  readonly ranges: readonly Range[];
  /** Split into this many bins (SV `bins b[n] = {...}`); 0: one bin. */
  readonly split: number;
}

export interface TransitionBinSpec {
  readonly kind: "transition";
  /** Each step is a set of values; the bin is hit when consecutive samples match every step. */
  readonly steps: readonly (readonly Range[])[];
}

export type BinSpec = ValueBinSpec | TransitionBinSpec;
/** A bin: a single value, or a spec built with `bins.*`. */
export type BinLike = number | BinSpec;
/** A transition step: a value, a range, or a union of values. */
export type StepLike = number | ValueBinSpec;

function checkRange(lo: number, hi: number): Range {
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo > hi) throw new RangeError(`bins: bad range [${lo}, ${hi}]`);
  return [lo, hi];
}

export const bins = {
  /** One value. */
  value(v: number): ValueBinSpec {
    return { kind: "values", ranges: [checkRange(v, v)], split: 0 };
  },
  /** Several values counted in one bin. */
  values(...vs: number[]): ValueBinSpec {
    if (vs.length === 0) throw new RangeError("bins.values: no values");
    return { kind: "values", ranges: vs.map((v) => checkRange(v, v)), split: 0 };
  },
  /** The inclusive range lo..hi counted in one bin. */
  range(lo: number, hi: number): ValueBinSpec {
    return { kind: "values", ranges: [checkRange(lo, hi)], split: 0 };
  },
  /** lo..hi split into n bins of equal size (the last takes the remainder), named name[0..n-1]. */
  split(lo: number, hi: number, n: number): ValueBinSpec {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`bins.split: bad count ${n}`);
    return { kind: "values", ranges: [checkRange(lo, hi)], split: n };
  },
  /** Union of several ranges/values in one bin. */
  union(...parts: ValueBinSpec[]): ValueBinSpec {
    return { kind: "values", ranges: parts.flatMap((p) => p.ranges), split: 0 };
  },
  /** A transition `a => b => c` over consecutive samples. */
  seq(...steps: StepLike[]): TransitionBinSpec {
    if (steps.length < 2) throw new RangeError("bins.seq: a transition needs at least two steps");
    if (steps.length > 30) throw new RangeError("bins.seq: at most 30 steps");
    return { kind: "transition", steps: steps.map((s) => (typeof s === "number" ? [checkRange(s, s)] : s.ranges)) };
  },
  /** Step `s` repeated n times in a row, for use inside `seq` via spread: seq(0, ...repeat(1, 3), 2). */
  repeat(s: StepLike, n: number): StepLike[] {
    return Array.from({ length: n }, () => s);
  },
};

export function toSpec(b: BinLike): BinSpec {
  return typeof b === "number" ? bins.value(b) : b;
}

/** Human-readable definition of a bin, stored in the coverage database. */
export function describeSpec(s: BinSpec): string {
  const r = (rs: readonly Range[]): string => {
    const parts = rs.map(([a, b]) => (a === b ? `${a}` : `[${a}:${b}]`));
    return parts.length === 1 ? parts[0]! : `{${parts.join(",")}}`;
  };
  return s.kind === "values" ? r(s.ranges) : s.steps.map(r).join(" => ");
}

/** Splits lo..hi into n contiguous ranges of floor(size/n) values, the last taking the rest (SV rule). */
export function splitRange(lo: number, hi: number, n: number): Range[] {
  const size = hi - lo + 1;
  const count = Math.min(n, size);
  const step = Math.floor(size / count);
  const out: Range[] = [];
  for (let i = 0; i < count; i++) out.push([lo + i * step, i === count - 1 ? hi : lo + (i + 1) * step - 1]);
  return out;
}

/** True when every value of [lo, hi] is inside the union of `cover`. */
export function rangeCovered(lo: number, hi: number, cover: readonly Range[]): boolean {
  const sorted = [...cover].sort((a, b) => a[0] - b[0]);
  let next = lo;
  for (const [a, b] of sorted) {
    if (a > next) break;
    if (b >= next) next = b + 1;
    if (next > hi) return true;
  }
  return next > hi;
}

/**
 * Value -> bins lookup compiled from possibly overlapping ranges: the number line is cut into
 * segments at every range boundary; each segment lists the bins containing it. `find` is a
 * binary search and never allocates.
 */
export class RangeLookup {
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  /** Bins of segment i are members[offsets[i] .. offsets[i+1]). */
  private readonly offsets: Int32Array;
  readonly members: Int32Array;
  /** Most bins any value falls into. */
  readonly maxOverlap: number;

  constructor(binRanges: readonly (readonly Range[])[]) {
    const cuts = new Set<number>();
    binRanges.forEach((rs) =>
      rs.forEach(([a, b]) => {
        cuts.add(a);
        cuts.add(b + 1);
      }),
    );
    const points = [...cuts].sort((a, b) => a - b);
    const segs: { lo: number; hi: number; bins: number[] }[] = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const lo = points[i]!;
      const hi = points[i + 1]! - 1;
      const inside: number[] = [];
      binRanges.forEach((rs, b) => {
        if (rs.some(([a, z]) => a <= lo && hi <= z) && !inside.includes(b)) inside.push(b);
      });
      if (inside.length > 0) segs.push({ lo, hi, bins: inside });
    }
    this.starts = Float64Array.from(segs.map((s) => s.lo));
    this.ends = Float64Array.from(segs.map((s) => s.hi));
    this.offsets = new Int32Array(segs.length + 1);
    const flat: number[] = [];
    segs.forEach((s, i) => {
      this.offsets[i] = flat.length;
      flat.push(...s.bins);
    });
    this.offsets[segs.length] = flat.length;
    this.members = Int32Array.from(flat);
    this.maxOverlap = segs.reduce((m, s) => Math.max(m, s.bins.length), 0);
  }

  /** Index of the segment holding v, or -1. Bins: members[first(seg) .. last(seg)). */
  find(v: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! > v) hi = mid - 1;
      else if (this.ends[mid]! < v) lo = mid + 1;
      else return mid;
    }
    return -1;
  }
  first(seg: number): number {
    return this.offsets[seg]!;
  }
  last(seg: number): number {
    return this.offsets[seg + 1]!;
  }
}
