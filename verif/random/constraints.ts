/**
 * Constrained-random objects without an SMT solver.
 *
 *   const Packet = randClass()
 *     .rand("kind", { dist: [{ value: READ, weight: 3 }, { value: WRITE, weight: 1 }] })
 *     .rand("len", { min: 1, max: 64 })
 *     .rand("addr", { width: 16 })
 *     .constraint("aligned", ["addr", "len"], (v) => v.addr % v.len === 0)
 *     .implies("reads are short", ["kind", "len"], (v) => v.kind === READ, (v) => v.len <= 8)
 *     .solveBefore(["kind"], ["len"])
 *     .build();
 *   const p = Packet.randomize(rng);   // { kind, len, addr }
 *
 * Variables are solved one at a time in declaration order, adjusted by `solveBefore`. Each
 * constraint is checked as soon as all of its variables have values; a value is drawn from
 * the variable's distribution by rejection (so `dist` weights are honoured among the values
 * the constraints allow), falling back to enumerating the domain, and the solver backtracks
 * when a variable has no allowed value. Unlike SystemVerilog, the result is not uniform over
 * the whole solution space: earlier variables are drawn from their own distributions.
 */
import type { Rng } from "./rng.ts";

/** One entry of a `dist`: a value or an inclusive range, with a weight. `each` (default true):
 * every value of the range gets `weight` (SV `:=`); false: the range shares it (SV `:/`). */
export type DistItem = { value: number; weight: number } | { range: readonly [number, number]; weight: number; each?: boolean };

export type VarSpec =
  | { min: number; max: number }
  | { width: number }
  | { values: readonly number[] }
  | { dist: readonly DistItem[] };

export type Values<K extends string> = { [P in K]: number };

interface Constraint {
  name: string;
  vars: string[];
  check: (v: Record<string, number>) => boolean;
}

/** Thrown when no assignment satisfies the constraints; names the variables and constraints. */
export class UnsatisfiableError extends Error {
  constructor(
    message: string,
    readonly variables: readonly string[],
    readonly constraints: readonly string[],
  ) {
    super(message);
    this.name = "UnsatisfiableError";
  }
}

/** Segments of a variable's domain with weights, sampled by cumulative weight. */
interface Segment {
  lo: number;
  hi: number;
  /** Weight per value. */
  w: number;
}

interface CompiledVar {
  name: string;
  segs: Segment[];
  cum: Float64Array;
  total: number;
  size: number;
  describe: string;
  /** Constraints whose last variable (in solve order) is this one. */
  checks: Constraint[];
  /** Uniqueness groups this variable belongs to, as the earlier members in solve order. */
  uniqueWith: string[][];
}

const ENUMERATE_LIMIT = 1 << 16;
const REJECTION_TRIES = 24;
const DEFAULT_BUDGET = 20000;

function compileSpec(name: string, spec: VarSpec): { segs: Segment[]; describe: string } {
  const bad = (why: string): never => {
    throw new RangeError(`randClass: variable '${name}': ${why}`);
  };
  const int = (x: number, what: string): number => (Number.isSafeInteger(x) ? x : bad(`${what} must be a safe integer, got ${x}`));
  if ("width" in spec) {
    if (!(spec.width >= 1 && spec.width <= 52)) bad(`width must be 1..52, got ${spec.width}`);
    return { segs: [{ lo: 0, hi: 2 ** spec.width - 1, w: 1 }], describe: `${spec.width} bits` };
  }
  if ("min" in spec) {
    if (int(spec.min, "min") > int(spec.max, "max")) bad(`min ${spec.min} > max ${spec.max}`);
    return { segs: [{ lo: spec.min, hi: spec.max, w: 1 }], describe: `${spec.min}..${spec.max}` };
  }
  if ("values" in spec) {
    if (spec.values.length === 0) bad("values is empty");
    const uniq = [...new Set(spec.values.map((v) => int(v, "value")))];
    return { segs: uniq.map((v) => ({ lo: v, hi: v, w: 1 })), describe: `{${uniq.join(", ")}}` };
  }
  if (spec.dist.length === 0) bad("dist is empty");
  const segs: Segment[] = [];
  for (const d of spec.dist) {
    if (!(d.weight >= 0)) bad(`dist weight must be >= 0, got ${d.weight}`);
    if ("value" in d) segs.push({ lo: int(d.value, "dist value"), hi: d.value, w: d.weight });
    else {
      const [lo, hi] = d.range;
      if (int(lo, "dist range") > int(hi, "dist range")) bad(`dist range [${lo}, ${hi}] is empty`);
      segs.push({ lo, hi, w: d.each === false ? d.weight / (hi - lo + 1) : d.weight });
    }
  }
  return { segs: segs.filter((s) => s.w > 0), describe: `dist{${spec.dist.map((d) => ("value" in d ? d.value : `[${d.range[0]}:${d.range[1]}]`)).join(", ")}}` };
}

/** Builder for a constrained-random class; `build()` gives the solver. */
export class RandClassBuilder<K extends string = never> {
  private readonly specs = new Map<string, VarSpec>();
  private readonly constraints: Constraint[] = [];
  private readonly before: [string[], string[]][] = [];
  private readonly uniques: { name: string; vars: string[] }[] = [];

  /** Declares a random variable with its domain or distribution. */
  rand<N extends string>(name: N, spec: VarSpec): RandClassBuilder<K | N> {
    if (this.specs.has(name)) throw new RangeError(`randClass: variable '${name}' declared twice`);
    compileSpec(name, spec);
    this.specs.set(name, spec);
    return this as unknown as RandClassBuilder<K | N>;
  }

  /** A named constraint over the listed variables. */
  constraint(name: string, vars: readonly K[], check: (v: Values<K>) => boolean): this {
    this.checkVars(name, vars);
    this.constraints.push({ name, vars: [...vars], check: check as (v: Record<string, number>) => boolean });
    return this;
  }

  /** `cond -> then` over the listed variables. */
  implies(name: string, vars: readonly K[], cond: (v: Values<K>) => boolean, then: (v: Values<K>) => boolean): this {
    return this.constraint(name, vars, (v) => !cond(v) || then(v));
  }

  /** The first variables get values before the second ones (shapes the distribution only). */
  solveBefore(first: readonly K[], then: readonly K[]): this {
    this.checkVars("solveBefore", [...first, ...then]);
    this.before.push([[...first], [...then]]);
    return this;
  }

  /** The listed variables all take different values. */
  unique(vars: readonly K[], name = `unique(${vars.join(", ")})`): this {
    this.checkVars(name, vars);
    this.uniques.push({ name, vars: [...vars] });
    return this;
  }

  build(options: { budget?: number } = {}): RandClass<K> {
    return new RandClass<K>(this.specs, this.constraints, this.before, this.uniques, options.budget ?? DEFAULT_BUDGET);
  }

  private checkVars(what: string, vars: readonly string[]): void {
    for (const v of vars) if (!this.specs.has(v)) throw new RangeError(`randClass: '${what}' names unknown variable '${v}'`);
  }
}

export function randClass(): RandClassBuilder {
  return new RandClassBuilder();
}

export class RandClass<K extends string> {
  private readonly vars: CompiledVar[];
  readonly order: readonly string[];

  constructor(
    specs: ReadonlyMap<string, VarSpec>,
    constraints: readonly Constraint[],
    before: readonly [string[], string[]][],
    uniques: readonly { name: string; vars: string[] }[],
    private readonly budget: number,
  ) {
    const order = solveOrder([...specs.keys()], before);
    this.order = order;
    const pos = new Map(order.map((n, i) => [n, i]));
    this.vars = order.map((name) => {
      const { segs, describe } = compileSpec(name, specs.get(name)!);
      const cum = new Float64Array(segs.length);
      let total = 0;
      let size = 0;
      segs.forEach((s, i) => {
        total += s.w * (s.hi - s.lo + 1);
        size += s.hi - s.lo + 1;
        cum[i] = total;
      });
      return { name, segs, cum, total, size, describe, checks: [], uniqueWith: [] };
    });
    for (const c of constraints) {
      const last = Math.max(...c.vars.map((v) => pos.get(v)!));
      this.vars[last]!.checks.push(c);
    }
    for (const u of uniques) {
      const sorted = [...u.vars].sort((a, b) => pos.get(a)! - pos.get(b)!);
      sorted.forEach((v, i) => {
        if (i > 0) this.vars[pos.get(v)!]!.uniqueWith.push(sorted.slice(0, i));
      });
    }
  }

  /** Draws values satisfying every constraint (plus `extra` inline constraints, like SV `randomize() with`). */
  randomize(rng: Rng, extra: readonly { name: string; vars: readonly K[]; check: (v: Values<K>) => boolean }[] = []): Values<K> {
    let vars = this.vars;
    if (extra.length > 0) {
      const pos = new Map(this.order.map((n, i) => [n, i]));
      vars = this.vars.map((v) => ({ ...v, checks: [...v.checks] }));
      for (const c of extra) {
        const last = Math.max(...c.vars.map((v) => pos.get(v)!));
        vars[last]!.checks.push({ name: c.name, vars: [...c.vars], check: c.check as (v: Record<string, number>) => boolean });
      }
    }
    const values: Record<string, number> = {};
    const state = { nodes: 0, deepest: -1, deepestWhy: new Set<string>(), deepestCtx: "" };
    if (!this.solve(rng, vars, 0, values, state)) {
      const exhausted = state.nodes < this.budget;
      const involved = [...state.deepestWhy];
      const names = this.involvedVars(vars, involved);
      const failVar = vars[state.deepest]?.name ?? "?";
      throw new UnsatisfiableError(
        (exhausted ? "constraints unsatisfiable" : `no solution found within ${this.budget} search steps`) +
          `: no value of '${failVar}' (domain ${vars[state.deepest]?.describe ?? "?"}) satisfies [${involved.join(", ")}]` +
          (state.deepestCtx ? ` given ${state.deepestCtx}` : "") +
          `; variables involved: ${names.join(", ")}`,
        names,
        involved,
      );
    }
    return values as Values<K>;
  }

  private involvedVars(vars: readonly CompiledVar[], names: readonly string[]): string[] {
    const set = new Set<string>();
    for (const v of vars) {
      for (const c of v.checks) if (names.includes(c.name)) c.vars.forEach((x) => set.add(x));
      if (v.uniqueWith.length > 0 && names.some((n) => n.startsWith("unique"))) set.add(v.name);
    }
    return this.order.filter((n) => set.has(n));
  }

  private solve(rng: Rng, vars: readonly CompiledVar[], i: number, values: Record<string, number>, st: { nodes: number; deepest: number; deepestWhy: Set<string>; deepestCtx: string }): boolean {
    if (i === vars.length) return true;
    const v = vars[i]!;
    const ok = (x: number, why: Set<string> | null): boolean => {
      values[v.name] = x;
      for (const group of v.uniqueWith)
        for (const other of group)
          if (values[other] === x) {
            why?.add(`unique(${[...group, v.name].join(", ")})`);
            return false;
          }
      for (const c of v.checks)
        if (!c.check(values)) {
          why?.add(c.name);
          return false;
        }
      return true;
    };
    const tried = new Set<number>();
    // Fast path: rejection sampling from the distribution.
    for (let t = 0; t < REJECTION_TRIES; t++) {
      if (++st.nodes > this.budget) return false;
      const x = this.draw(rng, v);
      if (tried.has(x)) continue;
      if (ok(x, null) && this.solve(rng, vars, i + 1, values, st)) return true;
      tried.add(x);
    }
    if (v.size > ENUMERATE_LIMIT) {
      this.noteFailure(st, i, vars, values, v.checks.map((c) => c.name));
      return false;
    }
    // Enumerate the allowed values, then draw among them by weight without replacement.
    const cand: number[] = [];
    const weight: number[] = [];
    const why = new Set<string>();
    for (const s of v.segs)
      for (let x = s.lo; x <= s.hi; x++) {
        if (tried.has(x)) continue;
        if (ok(x, why)) {
          cand.push(x);
          weight.push(s.w);
        }
      }
    while (cand.length > 0) {
      if (++st.nodes > this.budget) return false;
      const k = rng.weightedIndex(weight);
      values[v.name] = cand[k]!;
      if (this.solve(rng, vars, i + 1, values, st)) return true;
      cand.splice(k, 1);
      weight.splice(k, 1);
    }
    if (tried.size === 0 || why.size > 0) this.noteFailure(st, i, vars, values, [...why]);
    delete values[v.name];
    return false;
  }

  private noteFailure(st: { deepest: number; deepestWhy: Set<string>; deepestCtx: string }, i: number, vars: readonly CompiledVar[], values: Record<string, number>, why: string[]): void {
    if (i > st.deepest) {
      st.deepest = i;
      st.deepestWhy = new Set();
      st.deepestCtx = vars
        .slice(0, i)
        .map((x) => `${x.name}=${values[x.name]}`)
        .join(", ");
    }
    if (i === st.deepest) why.forEach((w) => st.deepestWhy.add(w));
  }

  private draw(rng: Rng, v: CompiledVar): number {
    if (v.segs.length === 1) {
      const s = v.segs[0]!;
      return rng.int(s.lo, s.hi);
    }
    const x = rng.float() * v.total;
    let k = 0;
    while (k < v.cum.length - 1 && v.cum[k]! <= x) k++;
    const s = v.segs[k]!;
    return s.lo === s.hi ? s.lo : rng.int(s.lo, s.hi);
  }
}

function solveOrder(names: readonly string[], before: readonly [string[], string[]][]): string[] {
  const preds = new Map<string, Set<string>>(names.map((n) => [n, new Set()]));
  for (const [first, then] of before) for (const t of then) for (const f of first) if (f !== t) preds.get(t)!.add(f);
  const out: string[] = [];
  const done = new Set<string>();
  while (out.length < names.length) {
    const next = names.find((n) => !done.has(n) && [...preds.get(n)!].every((p) => done.has(p)));
    if (next === undefined) {
      const cyc = names.filter((n) => !done.has(n));
      throw new RangeError(`randClass: solveBefore ordering has a cycle among: ${cyc.join(", ")}`);
    }
    out.push(next);
    done.add(next);
  }
  return out;
}
