/**
 * Regression suites. A suite is a file named `<name>.suite.ts` whose default export is
 * `defineSuite({ tests: [...] })`; `tsrtl regress <name>` runs each (test, seed) in a worker.
 *
 *   export default defineSuite({
 *     tests: [{ name: "random_traffic", coverageDriven: true, run(ctx) { ... } }],
 *   });
 */
import type { Assertions } from "../assert/assertions.ts";
import type { Coverage } from "../coverage/covergroup.ts";
import type { CoverageDb } from "../coverage/db.ts";
import type { Stimulus } from "../coverage/driven.ts";
import type { Rng } from "../random/rng.ts";

export interface TestContext {
  /** Suite name (file stem). */
  readonly suite: string;
  /** Test name. */
  readonly test: string;
  readonly seed: number;
  /** Seeded random numbers for this (test, seed). */
  readonly rng: Rng;
  /** Register covergroups here; they are collected into the run's coverage database. */
  readonly coverage: Coverage;
  /** Checked every cycle of every simulator attached with `ctx.attach` (see verif/hw.ts). */
  readonly assertions: Assertions;
  /** Random choices that lean toward uncovered bins when the test is coverage-driven, plain random otherwise. */
  readonly stimulus: Stimulus;
  /** Coverage of earlier seeds of this regression (coverage-driven tests only), or null. */
  readonly prior: CoverageDb | null;
  /** Where to write a VCD when the runner re-runs a failing seed (undefined otherwise). */
  readonly vcd: string | undefined;
  /** Cycles to dump into `vcd` (inclusive), when only a window around a failure is wanted. */
  readonly vcdWindow: readonly [number, number] | undefined;
  /** Reports the current cycle of the design under test (set by `attach`; -1 when unknown). */
  cycleProbe: () => number;
  /** Extra objects attached by helpers (e.g. the simulator), cleaned up after the run. */
  readonly cleanups: (() => void)[];
  /** Adds a line to the test's log (kept in the result; printed for failures). */
  log(message: string): void;
}

export interface TestDef {
  readonly name: string;
  /** Stimulus re-weighted toward uncovered bins (default false). */
  readonly coverageDriven?: boolean;
  /** Per-test timeout in ms (overrides the runner's --timeout). */
  readonly timeoutMs?: number;
  run(ctx: TestContext): void | Promise<void>;
}

export interface Suite {
  readonly tests: readonly TestDef[];
  /** Short description shown by `tsrtl regress --list`. */
  readonly description?: string;
}

export function defineSuite(s: Suite): Suite {
  const names = new Set<string>();
  for (const t of s.tests) {
    if (!/^[A-Za-z0-9_.-]+$/.test(t.name)) throw new RangeError(`suite: bad test name '${t.name}' (letters, digits, _ . -)`);
    if (names.has(t.name)) throw new RangeError(`suite: duplicate test '${t.name}'`);
    names.add(t.name);
  }
  return s;
}
