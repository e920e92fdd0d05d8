/**
 * Coverage-driven stimulus: random choices re-weighted toward the bins they reach that are
 * still holes, counting this run's hits and those of earlier seeds (`prior`). When the test is
 * not coverage-driven the same calls give plain weighted-random choices, so one testbench runs
 * both ways.
 *
 *   const op = ctx.stimulus.chooser([
 *     { value: "push", weight: 3, reaches: [{ item: ops, bin: "push" }] },
 *     { value: "burst", weight: 1, reaches: [{ item: level, bin: "full" }] },
 *   ]);
 *   op.pick();                                // every cycle: no allocation
 *   const len = ctx.stimulus.valueFor(lenPoint, () => ctx.rng.int(1, 64));
 */
import type { Rng } from "../random/rng.ts";
import type { Coverpoint } from "./coverpoint.ts";
import type { Cross } from "./cross.ts";
import type { CoverageDb } from "./db.ts";

/** A bin of a coverpoint or cross, by name. */
export interface BinRef {
  readonly item: Coverpoint | Cross;
  readonly bin: string;
}

export interface ChoiceOption<T> {
  readonly value: T;
  /** Base weight (default 1). */
  readonly weight?: number;
  /** Bins this choice tends to reach: while any is a hole, the choice is boosted. */
  readonly reaches?: readonly BinRef[];
}

/** Resolved bin: where to read the local count, plus the prior count. */
interface Target {
  counts: Float64Array;
  index: number;
  prior: number;
  atLeast: number;
}

export class Chooser<T> {
  private readonly weights: Float64Array;
  constructor(
    private readonly stim: Stimulus,
    private readonly values: readonly T[],
    private readonly base: Float64Array,
    /** targets[i]: the bins option i reaches. */
    private readonly targets: readonly (readonly Target[])[],
  ) {
    this.weights = new Float64Array(base.length);
  }
  /** One choice; when coverage-driven, options reaching holes get `boost` times their weight. */
  pick(): T {
    const w = this.weights;
    const driven = this.stim.enabled;
    for (let i = 0; i < w.length; i++) {
      let hole = false;
      if (driven) {
        const ts = this.targets[i]!;
        for (let k = 0; k < ts.length; k++) {
          const t = ts[k]!;
          if (t.counts[t.index]! + t.prior < t.atLeast) {
            hole = true;
            break;
          }
        }
      }
      w[i] = hole ? this.base[i]! * this.stim.boost : this.base[i]!;
    }
    return this.values[this.stim.rng.weightedIndex(w)]!;
  }
}

export class Stimulus {
  /** Weight multiplier for choices that reach holes. */
  boost = 16;
  /** Probability that `valueFor` aims at a hole rather than using the fallback. */
  aim = 0.9;
  private readonly priorCache = new Map<Coverpoint | Cross, Float64Array>();

  constructor(
    readonly rng: Rng,
    readonly enabled: boolean,
    readonly prior: CoverageDb | null,
  ) {}

  /** Prior counts of an item's bins (zeros without prior or when the bins differ). */
  priorCounts(item: Coverpoint | Cross): Float64Array {
    let p = this.priorCache.get(item);
    if (p === undefined) {
      p = new Float64Array(item.binNames.length);
      const db = this.prior?.groups[item.group]?.items[item.name];
      if (db !== undefined && db.bins.length === item.binNames.length && db.bins.every((b, i) => b === item.binNames[i])) p.set(db.counts);
      this.priorCache.set(item, p);
    }
    return p;
  }

  /** Indices of the item's bins that are holes (local + prior hits below atLeast). */
  holes(item: Coverpoint | Cross): number[] {
    const prior = this.priorCounts(item);
    const out: number[] = [];
    for (let i = 0; i < item.counts.length; i++) if (item.counts[i]! + prior[i]! < item.atLeast) out.push(i);
    return out;
  }

  isHole(ref: BinRef): boolean {
    const i = this.index(ref);
    return ref.item.counts[i]! + this.priorCounts(ref.item)[i]! < ref.item.atLeast;
  }

  chooser<T>(options: readonly ChoiceOption<T>[]): Chooser<T> {
    if (options.length === 0) throw new RangeError("stimulus.chooser: no options");
    const base = Float64Array.from(options.map((o) => o.weight ?? 1));
    const targets = options.map((o) => (o.reaches ?? []).map((r) => ({ counts: r.item.counts, index: this.index(r), prior: this.priorCounts(r.item)[this.index(r)]!, atLeast: r.item.atLeast })));
    return new Chooser(this, options.map((o) => o.value), base, targets);
  }

  /**
   * A value for a coverpoint's value bins: when coverage-driven, usually a value inside a
   * random hole; otherwise (or when no value bin is a hole) `fallback()`.
   */
  valueFor(point: Coverpoint, fallback: () => number): number {
    if (!this.enabled || this.rng.float() >= this.aim) return fallback();
    const prior = this.priorCounts(point);
    let holes = 0;
    for (let i = 0; i < point.valueBins; i++) if (point.counts[i]! + prior[i]! < point.atLeast) holes++;
    if (holes === 0) return fallback();
    let k = this.rng.int(0, holes - 1);
    for (let i = 0; i < point.valueBins; i++) {
      if (point.counts[i]! + prior[i]! >= point.atLeast) continue;
      if (k-- > 0) continue;
      const rs = point.valueRanges[i]!;
      let size = 0;
      for (const [a, b] of rs) size += b - a + 1;
      let x = this.rng.int(0, size - 1);
      for (const [a, b] of rs) {
        if (x <= b - a) return a + x;
        x -= b - a + 1;
      }
    }
    return fallback();
  }

  private index(ref: BinRef): number {
    const i = ref.item.binNames.indexOf(ref.bin);
    if (i < 0) throw new RangeError(`stimulus: '${ref.item.group}.${ref.item.name}' has no bin '${ref.bin}'`);
    return i;
  }
}
