/**
 * Cross coverage of two or more coverpoints: one bin per combination of their value bins,
 * named "binA,binB". Ignore and illegal combinations are given as matchers (point name ->
 * bin name or names) or as a predicate; both are resolved when the cross is built, so a
 * sample is a table lookup.
 */
import { IllegalBinError, type Coverpoint } from "./coverpoint.ts";
import type { ItemDb } from "./db.ts";

/** Matches a combination when, for every point listed, its bin is one of those given. */
export type CrossMatcher = Readonly<Record<string, string | readonly string[]>> | ((bins: Readonly<Record<string, string>>) => boolean);

export interface CrossOptions {
  ignore?: readonly CrossMatcher[];
  illegal?: readonly CrossMatcher[];
  atLeast?: number;
  weight?: number;
}

const IGNORED = -1;
const ILLEGAL = -2;

export class Cross {
  readonly binNames: string[] = [];
  readonly counts: Float64Array;
  readonly illegalNames: string[] = [];
  readonly illegalCounts: Float64Array;
  readonly atLeast: number;
  readonly weight: number;
  /** product index -> cross bin index, or IGNORED / ILLEGAL - illegal index. */
  private readonly map: Int32Array;
  private readonly strides: Int32Array;
  private readonly idx: Int32Array;

  constructor(
    readonly group: string,
    readonly name: string,
    readonly points: readonly Coverpoint[],
    opts: CrossOptions,
    defaults: { atLeast: number },
  ) {
    const where = `cross ${group}.${name}`;
    if (points.length < 2) throw new RangeError(`${where}: needs at least two coverpoints`);
    this.atLeast = opts.atLeast ?? defaults.atLeast;
    this.weight = opts.weight ?? 1;
    const sizes = points.map((p) => p.valueBins);
    points.forEach((p, i) => {
      if (sizes[i] === 0) throw new RangeError(`${where}: coverpoint '${p.name}' has no value bins`);
    });
    const total = sizes.reduce((a, b) => a * b, 1);
    if (total > 1 << 22) throw new RangeError(`${where}: ${total} combinations is too many`);
    this.strides = new Int32Array(points.length);
    let s = 1;
    for (let i = points.length - 1; i >= 0; i--) {
      this.strides[i] = s;
      s *= sizes[i]!;
    }
    this.idx = new Int32Array(points.length);
    const compile = (m: CrossMatcher, kind: string): ((b: Record<string, string>) => boolean) => {
      if (typeof m === "function") return m;
      for (const [p, names] of Object.entries(m)) {
        const pt = points.find((x) => x.name === p);
        if (pt === undefined) throw new RangeError(`${where}: ${kind} names unknown coverpoint '${p}'`);
        for (const n of typeof names === "string" ? [names] : names)
          if (pt.binNames.indexOf(n) < 0 || pt.binNames.indexOf(n) >= pt.valueBins) throw new RangeError(`${where}: ${kind} names unknown bin '${n}' of '${p}'`);
      }
      return (b) => Object.entries(m).every(([p, names]) => (typeof names === "string" ? b[p] === names : names.includes(b[p]!)));
    };
    const ignore = (opts.ignore ?? []).map((m) => compile(m, "ignore"));
    const illegal = (opts.illegal ?? []).map((m) => compile(m, "illegal"));
    this.map = new Int32Array(total);
    for (let k = 0; k < total; k++) {
      const combo: Record<string, string> = {};
      const parts: string[] = [];
      points.forEach((p, i) => {
        const b = Math.floor(k / this.strides[i]!) % sizes[i]!;
        combo[p.name] = p.binNames[b]!;
        parts.push(p.binNames[b]!);
      });
      const label = parts.join(",");
      if (illegal.some((f) => f(combo))) {
        this.map[k] = ILLEGAL - this.illegalNames.length;
        this.illegalNames.push(label);
      } else if (ignore.some((f) => f(combo))) this.map[k] = IGNORED;
      else {
        this.map[k] = this.binNames.length;
        this.binNames.push(label);
      }
    }
    if (this.binNames.length === 0) throw new RangeError(`${where}: every combination is ignored or illegal`);
    this.counts = new Float64Array(this.binNames.length);
    this.illegalCounts = new Float64Array(this.illegalNames.length);
  }

  /** Counts every combination of the bins its points hit in their last sample. */
  sample(): void {
    const pts = this.points;
    const n = pts.length;
    for (let i = 0; i < n; i++) {
      if (pts[i]!.hitCount === 0) return;
      this.idx[i] = 0;
    }
    for (;;) {
      let k = 0;
      for (let i = 0; i < n; i++) k += pts[i]!.hitBins[this.idx[i]!]! * this.strides[i]!;
      const b = this.map[k]!;
      if (b >= 0) this.counts[b]!++;
      else if (b <= ILLEGAL) {
        const il = ILLEGAL - b;
        this.illegalCounts[il]!++;
        throw new IllegalBinError(this.group, this.name, this.illegalNames[il]!, NaN);
      }
      // odometer over the hit lists
      let i = n - 1;
      while (i >= 0) {
        if (++this.idx[i]! < pts[i]!.hitCount) break;
        this.idx[i] = 0;
        i--;
      }
      if (i < 0) return;
    }
  }

  toDb(): ItemDb {
    return {
      kind: "cross",
      weight: this.weight,
      atLeast: this.atLeast,
      bins: [...this.binNames],
      defs: this.binNames.map(() => ""),
      counts: Array.from(this.counts),
      illegal: [...this.illegalNames],
      illegalCounts: Array.from(this.illegalCounts),
    };
  }

  clear(): void {
    this.counts.fill(0);
    this.illegalCounts.fill(0);
  }
}
