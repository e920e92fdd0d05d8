/**
 * Immediate and temporal assertions, checked once per cycle without allocation.
 *
 *   const a = ctx.assertions;                     // checked after every cycle of an attached simulator
 *   a.always("count in range", () => f.count.value <= 8);
 *   a.never("push when full", () => f.in_valid.value === 1 && f.in_ready.value === 0 && pushed());
 *   a.eventually("drains", () => f.out_valid.value === 1, 16, () => f.out_ready.value === 1);
 *   a.impliesNext("valid held", () => valid() && !ready(), () => valid());
 *   a.stableWhile("data stable", () => f.in_data.value, () => valid() && !ready());
 *   check(x === 3, "x is 3");                      // immediate
 */

/** An assertion failed: names the assertion and the cycle; `vcd` is set when a waveform of the cycles around it was written. */
export class AssertionFailure extends Error {
  vcd: string | undefined;
  constructor(
    readonly assertion: string,
    readonly cycle: number,
    detail: string,
  ) {
    super(`assertion '${assertion}' failed at cycle ${cycle}: ${detail}`);
    this.name = "AssertionFailure";
  }
}

/** Immediate assertion: throws AssertionFailure (cycle -1 when no cycle is known). */
export function check(cond: boolean, name: string, cycle = -1): asserts cond {
  if (!cond) throw new AssertionFailure(name, cycle, "condition is false");
}

type Value = number | bigint | boolean;

const enum Kind {
  Always,
  Never,
  Eventually,
  ImpliesNext,
  StableWhile,
}

/** One temporal checker; all state is in numbers, updated in `step`. */
class Checker {
  /** Eventually: deadline cycle of the oldest pending obligation, -1 when none. ImpliesNext: 1 when the antecedent held last cycle. */
  pending = -1;
  prevCond = false;
  prevValue: Value = 0;
  failures = 0;
  evaluations = 0;
  constructor(
    readonly name: string,
    readonly kind: Kind,
    readonly a: () => boolean,
    readonly b: (() => boolean) | null,
    readonly value: (() => Value) | null,
    readonly within: number,
  ) {}

  /** Returns a failure detail, or null. */
  step(cycle: number): string | null {
    this.evaluations++;
    switch (this.kind) {
      case Kind.Always:
        return this.a() ? null : "condition is false";
      case Kind.Never:
        return this.a() ? "forbidden condition is true" : null;
      case Kind.ImpliesNext: {
        const due = this.pending === 1;
        this.pending = this.a() ? 1 : 0;
        if (due && !this.b!()) return "antecedent held on the previous cycle but the consequent is false";
        return null;
      }
      case Kind.Eventually: {
        const trig = this.a();
        const ok = this.b!();
        if (ok) {
          this.pending = -1;
          return null;
        }
        if (this.pending >= 0 && cycle >= this.pending) {
          const started = this.pending - this.within;
          this.pending = -1;
          return `triggered at cycle ${started}, condition not seen within ${this.within} cycles`;
        }
        if (trig && this.pending < 0) this.pending = cycle + this.within;
        return null;
      }
      case Kind.StableWhile: {
        const v = this.value!();
        const cond = this.a();
        const bad = this.prevCond && v !== this.prevValue;
        const detail = bad ? `value changed from ${String(this.prevValue)} to ${String(v)} while the condition held` : null;
        this.prevCond = cond;
        this.prevValue = v;
        return detail;
      }
    }
  }

  reset(): void {
    this.pending = -1;
    this.prevCond = false;
    this.prevValue = 0;
  }
}

export interface AssertionStats {
  name: string;
  evaluations: number;
  failures: number;
}

/** A set of assertions checked together each cycle. */
export class Assertions {
  private readonly checkers: Checker[] = [];
  /** When false, failures are counted instead of thrown. */
  throwOnFailure = true;
  /** First failure seen (also when not throwing). */
  firstFailure: AssertionFailure | null = null;
  /** Cycles during which checking is off (e.g. while in reset). */
  private enabled = true;

  private add(c: Checker): this {
    if (this.checkers.some((x) => x.name === c.name)) throw new RangeError(`assertion '${c.name}' declared twice`);
    this.checkers.push(c);
    return this;
  }

  /** `cond` holds on every cycle. */
  always(name: string, cond: () => boolean): this {
    return this.add(new Checker(name, Kind.Always, cond, null, null, 0));
  }
  /** `cond` holds on no cycle. */
  never(name: string, cond: () => boolean): this {
    return this.add(new Checker(name, Kind.Never, cond, null, null, 0));
  }
  /** Whenever `trigger` holds, `cond` holds on that cycle or one of the next `within` cycles. */
  eventually(name: string, trigger: () => boolean, within: number, cond: () => boolean): this {
    if (!(Number.isInteger(within) && within >= 0)) throw new RangeError(`assertion '${name}': within must be a non-negative integer`);
    return this.add(new Checker(name, Kind.Eventually, trigger, cond, null, within));
  }
  /** Whenever `antecedent` holds, `consequent` holds on the next cycle. */
  impliesNext(name: string, antecedent: () => boolean, consequent: () => boolean): this {
    return this.add(new Checker(name, Kind.ImpliesNext, antecedent, consequent, null, 1));
  }
  /** While `cond` holds on a cycle, `value` on the next cycle equals its value on that cycle. */
  stableWhile(name: string, value: () => Value, cond: () => boolean): this {
    return this.add(new Checker(name, Kind.StableWhile, cond, null, value, 0));
  }

  /** Turns checking on or off (pending obligations are dropped when turned off). */
  setEnabled(on: boolean): void {
    if (!on) for (const c of this.checkers) c.reset();
    this.enabled = on;
  }

  /** Evaluates every assertion for `cycle`; throws AssertionFailure on the first failure (unless throwOnFailure is false). */
  check(cycle: number): void {
    if (!this.enabled) return;
    const cs = this.checkers;
    for (let i = 0; i < cs.length; i++) {
      const detail = cs[i]!.step(cycle);
      if (detail !== null) {
        cs[i]!.failures++;
        const f = new AssertionFailure(cs[i]!.name, cycle, detail);
        if (this.firstFailure === null) this.firstFailure = f;
        if (this.throwOnFailure) throw f;
      }
    }
  }

  /** Checks left pending at the end of a test: an `eventually` still waiting is a failure. */
  finish(cycle: number): void {
    for (const c of this.checkers)
      if (c.kind === Kind.Eventually && c.pending >= 0) {
        const f = new AssertionFailure(c.name, cycle, `triggered at cycle ${c.pending - c.within}, still pending at the end of the test`);
        if (this.firstFailure === null) this.firstFailure = f;
        throw f;
      }
  }

  stats(): AssertionStats[] {
    return this.checkers.map((c) => ({ name: c.name, evaluations: c.evaluations, failures: c.failures }));
  }

  get size(): number {
    return this.checkers.length;
  }
}
