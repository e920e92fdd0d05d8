/**
 * A coverpoint: value bins (explicit, ranges, split arrays, or automatic), transition bins,
 * ignore bins (excluded from coverage) and illegal bins (a hit throws). `sample(v)` does not
 * allocate: value lookups are binary searches over precompiled segments, transitions are
 * bit-parallel prefix matches.
 */
import { RangeLookup, describeSpec, rangeCovered, splitRange, toSpec, type BinLike, type Range } from "./bins.ts";
import type { ItemDb } from "./db.ts";

export interface CoverpointOptions {
  /** Named bins; without bins, automatic bins cover the domain given by width or min/max. */
  bins?: Readonly<Record<string, BinLike>>;
  ignore?: Readonly<Record<string, BinLike>>;
  illegal?: Readonly<Record<string, BinLike>>;
  /** Domain for automatic bins: 0 .. 2^width-1. */
  width?: number;
  min?: number;
  max?: number;
  /** Most automatic bins (default 64); a larger domain is split into this many ranges. */
  autoBins?: number;
  /** Hits a bin needs to count as covered (default: the group's, 1). */
  atLeast?: number;
  /** Weight of this point in its group's score (default 1). */
  weight?: number;
  /** Where `Covergroup.sample()` reads the value from. */
  sample?: () => number;
}

/** Thrown when a sample hits an illegal bin: the test fails. */
export class IllegalBinError extends Error {
  constructor(
    readonly group: string,
    readonly point: string,
    readonly bin: string,
    readonly value: number,
  ) {
    super(`illegal bin hit: ${group}.${point} bin '${bin}' (value ${value})`);
    this.name = "IllegalBinError";
  }
}

/** Transition bins compiled into flat arrays. */
class Transitions {
  readonly names: string[] = [];
  readonly defs: string[] = [];
  private lens: number[] = [];
  /** Per bin, per step: ranges as [lo, hi] pairs, flattened. */
  private steps: Float64Array[][] = [];
  state: Int32Array = new Int32Array(0);

  add(name: string, def: string, steps: readonly (readonly Range[])[]): void {
    this.names.push(name);
    this.defs.push(def);
    this.lens.push(steps.length);
    this.steps.push(steps.map((rs) => Float64Array.from(rs.flat())));
    this.state = new Int32Array(this.names.length);
  }
  get size(): number {
    return this.names.length;
  }
  /** Advances every transition with v; calls hit(i) for each completed one. Returns the first completed bin or -1 (used for illegal). */
  advance(v: number, counts: Float64Array | null, offset: number): number {
    let first = -1;
    for (let b = 0; b < this.lens.length; b++) {
      const st = this.steps[b]!;
      const prev = this.state[b]!;
      let next = 0;
      for (let j = 0; j < st.length; j++) {
        if (j > 0 && (prev & (1 << (j - 1))) === 0) continue;
        const rs = st[j]!;
        for (let k = 0; k < rs.length; k += 2)
          if (v >= rs[k]! && v <= rs[k + 1]!) {
            next |= 1 << j;
            break;
          }
      }
      if ((next & (1 << (st.length - 1))) !== 0) {
        if (counts) counts[offset + b]!++;
        if (first < 0) first = b;
      }
      this.state[b] = next;
    }
    return first;
  }
  reset(): void {
    this.state.fill(0);
  }
}

export class Coverpoint {
  /** Regular bins: value bins first (indices < valueBins), then transition bins. */
  readonly binNames: string[] = [];
  readonly binDefs: string[] = [];
  /** Value ranges of each value bin (for crosses and coverage-driven stimulus). */
  readonly valueRanges: Range[][] = [];
  readonly counts: Float64Array;
  readonly illegalNames: string[] = [];
  readonly illegalCounts: Float64Array;
  readonly atLeast: number;
  readonly weight: number;
  readonly source: (() => number) | undefined;
  /** Value bins hit by the last sample (for crosses): hitBins[0 .. hitCount). */
  readonly hitBins: Int32Array;
  hitCount = 0;

  private readonly valueLookup: RangeLookup;
  private readonly ignoreLookup: RangeLookup;
  private readonly illegalLookup: RangeLookup;
  private readonly trans = new Transitions();
  private readonly illegalTrans = new Transitions();
  /** Number of illegal value bins (transition illegal bins follow them in illegalNames). */
  private readonly illegalValueBins: number;

  constructor(
    readonly group: string,
    readonly name: string,
    opts: CoverpointOptions,
    defaults: { atLeast: number; autoBins: number },
  ) {
    this.atLeast = opts.atLeast ?? defaults.atLeast;
    this.weight = opts.weight ?? 1;
    this.source = opts.sample;
    const where = `coverpoint ${group}.${name}`;
    if (!(this.atLeast >= 1)) throw new RangeError(`${where}: atLeast must be >= 1`);
    if (!(this.weight >= 0)) throw new RangeError(`${where}: weight must be >= 0`);

    const excluded: Range[] = [];
    const illegalValueRanges: Range[][] = [];
    for (const [n, b] of Object.entries(opts.illegal ?? {})) {
      const s = toSpec(b);
      if (s.kind === "values") {
        this.illegalNames.push(n);
        illegalValueRanges.push([...s.ranges]);
        excluded.push(...s.ranges);
      }
    }
    this.illegalValueBins = this.illegalNames.length;
    for (const [n, b] of Object.entries(opts.illegal ?? {})) {
      const s = toSpec(b);
      if (s.kind === "transition") {
        this.illegalNames.push(n);
        this.illegalTrans.add(n, describeSpec(s), s.steps);
      }
    }
    const ignoreRanges: Range[] = [];
    for (const [n, b] of Object.entries(opts.ignore ?? {})) {
      const s = toSpec(b);
      if (s.kind !== "values") throw new RangeError(`${where}: ignore bin '${n}' must be values or ranges, not a transition`);
      ignoreRanges.push(...s.ranges);
      excluded.push(...s.ranges);
    }

    const addValueBin = (n: string, rs: Range[]): void => {
      // A bin all of whose values are ignored or illegal is removed (SV semantics).
      if (rs.every(([a, z]) => rangeCovered(a, z, excluded))) return;
      if (this.binNames.includes(n)) throw new RangeError(`${where}: duplicate bin name '${n}'`);
      this.binNames.push(n);
      this.binDefs.push(describeSpec({ kind: "values", ranges: rs, split: 0 }));
      this.valueRanges.push(rs);
    };
    const transitions: [string, BinLike][] = [];
    if (opts.bins !== undefined) {
      for (const [n, b] of Object.entries(opts.bins)) {
        const s = toSpec(b);
        if (s.kind === "transition") transitions.push([n, s]);
        else if (s.split > 0) {
          if (s.ranges.length !== 1) throw new RangeError(`${where}: split bin '${n}' needs one range`);
          splitRange(s.ranges[0]![0], s.ranges[0]![1], s.split).forEach((r, i) => addValueBin(`${n}[${i}]`, [r]));
        } else addValueBin(n, [...s.ranges]);
      }
    } else {
      let lo: number;
      let hi: number;
      if (opts.width !== undefined) {
        if (!(opts.width >= 1 && opts.width <= 52)) throw new RangeError(`${where}: width must be 1..52`);
        lo = 0;
        hi = 2 ** opts.width - 1;
      } else if (opts.min !== undefined && opts.max !== undefined) {
        lo = opts.min;
        hi = opts.max;
        if (!(lo <= hi)) throw new RangeError(`${where}: min > max`);
      } else throw new RangeError(`${where}: give bins, or width / min+max for automatic bins`);
      const auto = opts.autoBins ?? defaults.autoBins;
      for (const [a, z] of splitRange(lo, hi, auto)) addValueBin(a === z ? `${a}` : `[${a}:${z}]`, [[a, z]]);
    }
    for (const [n, b] of transitions) {
      const s = toSpec(b);
      if (s.kind !== "transition") continue;
      if (this.binNames.includes(n)) throw new RangeError(`${where}: duplicate bin name '${n}'`);
      this.binNames.push(n);
      this.binDefs.push(describeSpec(s));
      this.trans.add(n, describeSpec(s), s.steps);
    }
    if (this.binNames.length === 0) throw new RangeError(`${where}: no bins left (all ignored or illegal?)`);
    this.counts = new Float64Array(this.binNames.length);
    this.illegalCounts = new Float64Array(this.illegalNames.length);
    this.valueLookup = new RangeLookup(this.valueRanges);
    this.ignoreLookup = new RangeLookup([ignoreRanges]);
    this.illegalLookup = new RangeLookup(illegalValueRanges);
    this.hitBins = new Int32Array(Math.max(1, this.valueLookup.maxOverlap));
  }

  /** Number of value bins (they come first in binNames). */
  get valueBins(): number {
    return this.valueRanges.length;
  }

  /** Records one sample. Throws IllegalBinError on an illegal bin. */
  sample(v: number): void {
    this.hitCount = 0;
    const ill = this.illegalLookup.find(v);
    if (ill >= 0) {
      const b = this.illegalLookup.members[this.illegalLookup.first(ill)]!;
      this.illegalCounts[b]!++;
      throw new IllegalBinError(this.group, this.name, this.illegalNames[b]!, v);
    }
    if (this.illegalTrans.size > 0) {
      const t = this.illegalTrans.advance(v, this.illegalCounts, this.illegalValueBins);
      if (t >= 0) throw new IllegalBinError(this.group, this.name, this.illegalTrans.names[t]!, v);
    }
    if (this.trans.size > 0) this.trans.advance(v, this.counts, this.valueRanges.length);
    if (this.ignoreLookup.find(v) >= 0) return;
    const seg = this.valueLookup.find(v);
    if (seg < 0) return;
    const members = this.valueLookup.members;
    for (let k = this.valueLookup.first(seg), end = this.valueLookup.last(seg); k < end; k++) {
      const b = members[k]!;
      this.counts[b]!++;
      this.hitBins[this.hitCount++] = b;
    }
  }

  /** Forgets partial transition matches (e.g. after a reset of the design). */
  resetTransitions(): void {
    this.trans.reset();
    this.illegalTrans.reset();
  }

  /** Index of a bin by name, or -1. */
  binIndex(name: string): number {
    return this.binNames.indexOf(name);
  }

  toDb(): ItemDb {
    return {
      kind: "point",
      weight: this.weight,
      atLeast: this.atLeast,
      bins: [...this.binNames],
      defs: [...this.binDefs],
      counts: Array.from(this.counts),
      illegal: [...this.illegalNames],
      illegalCounts: Array.from(this.illegalCounts),
    };
  }

  /** Zeroes every count. */
  clear(): void {
    this.counts.fill(0);
    this.illegalCounts.fill(0);
  }
}
