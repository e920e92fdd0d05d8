/**
 * Covergroups and the per-test coverage registry.
 *
 *   const cg = ctx.coverage.group("fifo", { atLeast: 1 });
 *   const level = cg.coverpoint("level", { bins: { empty: 0, some: bins.range(1, 7), full: 8 }, sample: () => sim.peek(f.count) });
 *   const op = cg.coverpoint("op", { bins: { idle: 0, push: 1, pop: 2, both: 3 }, sample: () => ... });
 *   cg.cross("op_x_level", [op, level], { ignore: [{ op: "pop", level: "empty" }] });
 *   cg.sampleOn(sim);            // every cycle; or cg.sample() / cg.sampleValues({ level: 3, op: 1 })
 */
import { Coverpoint, type CoverpointOptions } from "./coverpoint.ts";
import { Cross, type CrossOptions } from "./cross.ts";
import { emptyDb, type CoverageDb, type GroupDb, type GroupKind, groupScore } from "./db.ts";

export interface CovergroupOptions {
  /** Default hits per bin to count as covered (default 1). */
  atLeast?: number;
  /** Weight of the group in the overall score (default 1). */
  weight?: number;
  /** Target percentage (default 100). */
  goal?: number;
  /** Most automatic bins per coverpoint (default 64). */
  autoBins?: number;
}

/** Anything with a per-cycle callback (the kernel's Simulator has `onCycle`). */
export interface CycleSource {
  onCycle(fn: () => void): unknown;
}

export class Covergroup {
  readonly points: Coverpoint[] = [];
  readonly crosses: Cross[] = [];
  readonly atLeast: number;
  readonly weight: number;
  readonly goal: number;
  private readonly autoBins: number;
  /** Number of samples taken. */
  samples = 0;

  constructor(
    readonly name: string,
    opts: CovergroupOptions = {},
    readonly kind: GroupKind = "covergroup",
  ) {
    this.atLeast = opts.atLeast ?? 1;
    this.weight = opts.weight ?? 1;
    this.goal = opts.goal ?? 100;
    this.autoBins = opts.autoBins ?? 64;
    if (!(this.goal > 0 && this.goal <= 100)) throw new RangeError(`covergroup ${name}: goal must be in (0, 100]`);
  }

  coverpoint(name: string, opts: CoverpointOptions): Coverpoint {
    if (this.points.some((p) => p.name === name) || this.crosses.some((c) => c.name === name)) throw new RangeError(`covergroup ${this.name}: duplicate item '${name}'`);
    const p = new Coverpoint(this.name, name, opts, { atLeast: this.atLeast, autoBins: this.autoBins });
    this.points.push(p);
    return p;
  }

  cross(name: string, points: readonly Coverpoint[], opts: CrossOptions = {}): Cross {
    if (this.points.some((p) => p.name === name) || this.crosses.some((c) => c.name === name)) throw new RangeError(`covergroup ${this.name}: duplicate item '${name}'`);
    for (const p of points) if (!this.points.includes(p)) throw new RangeError(`covergroup ${this.name}: cross '${name}' uses a coverpoint of another group`);
    const c = new Cross(this.name, name, points, opts, { atLeast: this.atLeast });
    this.crosses.push(c);
    return c;
  }

  /** Samples every coverpoint from its `sample` source, then the crosses. */
  sample(): void {
    const pts = this.points;
    for (let i = 0; i < pts.length; i++) {
      const src = pts[i]!.source;
      if (src === undefined) throw new RangeError(`covergroup ${this.name}: coverpoint '${pts[i]!.name}' has no sample source; use sampleValues`);
      pts[i]!.sample(src());
    }
    this.samples++;
    for (let i = 0; i < this.crosses.length; i++) this.crosses[i]!.sample();
  }

  /** Samples explicit values by coverpoint name (every coverpoint must be given). */
  sampleValues(values: Readonly<Record<string, number>>): void {
    const pts = this.points;
    for (let i = 0; i < pts.length; i++) {
      const v = values[pts[i]!.name];
      if (v === undefined) throw new RangeError(`covergroup ${this.name}: no value for coverpoint '${pts[i]!.name}'`);
      pts[i]!.sample(v);
    }
    this.samples++;
    for (let i = 0; i < this.crosses.length; i++) this.crosses[i]!.sample();
  }

  /** Samples on every cycle of `clock` (when `when()` is true, if given). */
  sampleOn(clock: CycleSource, when?: () => boolean): void {
    if (when === undefined) clock.onCycle(() => this.sample());
    else
      clock.onCycle(() => {
        if (when()) this.sample();
      });
  }

  toDb(): GroupDb {
    const items: GroupDb["items"] = {};
    for (const p of this.points) items[p.name] = p.toDb();
    for (const c of this.crosses) items[c.name] = c.toDb();
    return { kind: this.kind, weight: this.weight, goal: this.goal, items };
  }

  /** Coverage of this group in percent. */
  percent(): number {
    return groupScore(this.toDb());
  }
}

/** Something that contributes groups to a coverage database (covergroups, toggle and FSM collectors). */
export interface CoverageSource {
  readonly name: string;
  toDb(): GroupDb;
}

/** The coverage registry of one test run. */
export class Coverage {
  private readonly sources = new Map<string, CoverageSource>();

  /** A new covergroup, registered under its name. */
  group(name: string, opts: CovergroupOptions = {}): Covergroup {
    const g = new Covergroup(name, opts);
    this.add(g);
    return g;
  }

  /** Registers another source (toggle, FSM). */
  add(src: CoverageSource): void {
    if (this.sources.has(src.name)) throw new RangeError(`coverage: a group named '${src.name}' is already registered`);
    this.sources.set(src.name, src);
  }

  get(name: string): CoverageSource | undefined {
    return this.sources.get(name);
  }

  toDb(test?: string): CoverageDb {
    const db = emptyDb();
    db.runs = 1;
    if (test !== undefined) db.tests[test] = 1;
    for (const [n, s] of this.sources) db.groups[n] = s.toDb();
    return db;
  }
}
