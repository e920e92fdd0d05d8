/**
 * FSM coverage: a register declared with `fsm: { IDLE: 0, RUN: 1, ... }` gets a group
 * `fsm:<path>` with items `states` (one bin per state) and `transitions` (one bin per arc
 * `A->B`, A != B: every arc by default, or the legal ones given). A value that is not a named
 * state, or an arc not in the given list, is an illegal bin hit (the test fails).
 */
import type { Bits } from "../../hw/rtl/index.ts";
import { IllegalBinError } from "./coverpoint.ts";
import type { GroupDb } from "./db.ts";

export class FsmCoverage {
  readonly name: string;
  private readonly stateNames: string[];
  /** value -> state index (Map: state encodings may be sparse). */
  private readonly index: Map<number, number>;
  private readonly stateCounts: Float64Array;
  /** arc (from * n + to) -> transition bin, or -1 when illegal. */
  private readonly arcBin: Int32Array;
  private readonly arcNames: string[] = [];
  private readonly arcCounts: Float64Array;
  private readonly illegalArcs: string[] = [];
  private illegalCounts: Float64Array;
  private prev = -1;

  constructor(
    private readonly reg: Bits,
    states: Readonly<Record<string, number>>,
    arcs?: readonly (readonly [string, string])[],
  ) {
    this.name = `fsm:${reg.path}`;
    this.stateNames = Object.keys(states);
    this.index = new Map(this.stateNames.map((n, i) => [states[n]!, i]));
    const n = this.stateNames.length;
    this.stateCounts = new Float64Array(n);
    this.arcBin = new Int32Array(n * n).fill(-1);
    const legal = arcs === undefined ? null : new Set(arcs.map(([a, b]) => `${a}->${b}`));
    if (arcs !== undefined)
      for (const [a, b] of arcs)
        if (!(a in states) || !(b in states)) throw new RangeError(`fsm coverage ${reg.path}: arc ${a}->${b} names an unknown state`);
    for (let a = 0; a < n; a++)
      for (let b = 0; b < n; b++) {
        if (a === b) continue;
        const name = `${this.stateNames[a]}->${this.stateNames[b]}`;
        if (legal === null || legal.has(name)) {
          this.arcBin[a * n + b] = this.arcNames.length;
          this.arcNames.push(name);
        } else this.illegalArcs.push(name);
      }
    this.arcCounts = new Float64Array(this.arcNames.length);
    this.illegalCounts = new Float64Array(this.illegalArcs.length + 1);
  }

  sample(): void {
    const v = this.reg.value;
    const s = this.index.get(v);
    if (s === undefined) {
      this.illegalCounts[this.illegalArcs.length]!++;
      throw new IllegalBinError(this.name, "states", "unknown state", v);
    }
    this.stateCounts[s]!++;
    if (this.prev >= 0 && this.prev !== s) {
      const k = this.arcBin[this.prev * this.stateNames.length + s]!;
      if (k >= 0) this.arcCounts[k]!++;
      else {
        const name = `${this.stateNames[this.prev]}->${this.stateNames[s]}`;
        this.illegalCounts[this.illegalArcs.indexOf(name)]!++;
        throw new IllegalBinError(this.name, "transitions", name, v);
      }
    }
    this.prev = s;
  }

  toDb(): GroupDb {
    const item = (bins: string[], counts: Float64Array, illegal: string[], illegalCounts: number[]) => ({
      kind: "point" as const,
      weight: 1,
      atLeast: 1,
      bins: [...bins],
      defs: bins.map(() => ""),
      counts: Array.from(counts),
      illegal,
      illegalCounts,
    });
    const ic = Array.from(this.illegalCounts);
    return {
      kind: "fsm",
      weight: 1,
      goal: 100,
      items: {
        states: item(this.stateNames, this.stateCounts, ["unknown state"], [ic[this.illegalArcs.length]!]),
        ...(this.arcNames.length > 0 ? { transitions: item(this.arcNames, this.arcCounts, [...this.illegalArcs], ic.slice(0, this.illegalArcs.length)) } : {}),
      },
    };
  }
}
