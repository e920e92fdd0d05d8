/**
 * Runs one (test, seed) in the current thread and returns its result with its coverage.
 * Used by the worker threads of the regression runner and directly by mocha tests.
 * A failing run is run again with a VCD of the cycles before the failure when `vcdDir` is set.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { AssertionFailure, Assertions } from "../assert/assertions.ts";
import { Coverage } from "../coverage/covergroup.ts";
import { IllegalBinError } from "../coverage/coverpoint.ts";
import type { CoverageDb } from "../coverage/db.ts";
import { illegalHits } from "../coverage/db.ts";
import { Stimulus } from "../coverage/driven.ts";
import { Rng, hashString } from "../random/rng.ts";
import type { Suite, TestContext, TestDef } from "./suite.ts";

export type Status = "pass" | "fail" | "timeout" | "crash";

export interface SeedResult {
  suite: string;
  test: string;
  seed: number;
  status: Status;
  message?: string;
  stack?: string;
  /** Assertion that failed, and the cycle (when the failure was an assertion). */
  assertion?: { name: string; cycle: number };
  /** Cycle of the design when the test failed (-1 if unknown). */
  failCycle?: number;
  /** VCD written by the re-run of a failure. */
  vcd?: string;
  durationMs: number;
  log: string[];
  coverage: CoverageDb | null;
}

export interface RunOptions {
  /** Force coverage-driven stimulus on (true) or off (false); default: the test's setting. */
  driven?: boolean | undefined;
  prior?: CoverageDb | null;
  /** Directory for the VCD of a failing run (re-run with dumping); none when undefined. */
  vcdDir?: string | undefined;
  /** Cycles of waveform kept before the failing cycle (default 64). */
  vcdCycles?: number;
}

class Context implements TestContext {
  readonly rng: Rng;
  readonly coverage = new Coverage();
  readonly assertions = new Assertions();
  readonly stimulus: Stimulus;
  readonly cleanups: (() => void)[] = [];
  readonly lines: string[] = [];
  cycleProbe: () => number = () => -1;
  constructor(
    readonly suite: string,
    readonly test: string,
    readonly seed: number,
    driven: boolean,
    readonly prior: CoverageDb | null,
    readonly vcd: string | undefined,
    readonly vcdWindow: readonly [number, number] | undefined,
  ) {
    this.rng = new Rng(seed, hashString(`${suite}/${test}`));
    this.stimulus = new Stimulus(this.rng.fork("stimulus"), driven, driven ? prior : null);
  }
  log(message: string): void {
    if (this.lines.length < 1000) this.lines.push(message);
  }
}

async function attempt(suite: string, def: TestDef, seed: number, opts: RunOptions, vcd?: string, window?: [number, number]): Promise<{ ctx: Context; error: unknown }> {
  const driven = opts.driven ?? def.coverageDriven ?? false;
  const ctx = new Context(suite, def.name, seed, driven, opts.prior ?? null, vcd, window);
  let error: unknown = null;
  try {
    await def.run(ctx);
    if (illegalHits(ctx.coverage.toDb()) > 0) throw new Error("an illegal bin was hit (the error was caught inside the test)");
    if (ctx.assertions.firstFailure !== null) throw ctx.assertions.firstFailure;
  } catch (e) {
    error = e ?? new Error("test threw a nullish value");
  } finally {
    for (const c of ctx.cleanups.splice(0).reverse()) {
      try {
        c();
      } catch {
        /* cleanup failures must not hide the result */
      }
    }
  }
  return { ctx, error };
}

/** Runs `test` of `suite` with `seed`. Never throws for a test failure: it is in the result. */
export async function runTest(suiteName: string, suite: Suite, testName: string, seed: number, opts: RunOptions = {}): Promise<SeedResult> {
  const def = suite.tests.find((t) => t.name === testName);
  if (def === undefined) throw new RangeError(`suite ${suiteName} has no test '${testName}' (tests: ${suite.tests.map((t) => t.name).join(", ")})`);
  const t0 = performance.now();
  const { ctx, error } = await attempt(suiteName, def, seed, opts);
  const result: SeedResult = {
    suite: suiteName,
    test: testName,
    seed,
    status: error === null ? "pass" : "fail",
    durationMs: 0,
    log: ctx.lines,
    coverage: ctx.coverage.toDb(`${suiteName}/${testName}`),
  };
  if (error !== null) {
    const e = error instanceof Error ? error : new Error(String(error));
    result.message = e.message;
    result.stack = e.stack ?? "";
    const cycle = e instanceof AssertionFailure ? e.cycle : ctx.cycleProbe();
    result.failCycle = cycle;
    if (e instanceof AssertionFailure) result.assertion = { name: e.assertion, cycle: e.cycle };
    if (e instanceof IllegalBinError) result.message = e.message;
    if (opts.vcdDir !== undefined && cycle >= 0) {
      mkdirSync(opts.vcdDir, { recursive: true });
      const file = join(opts.vcdDir, `${suiteName}.${testName}.seed${seed}.vcd`);
      const keep = opts.vcdCycles ?? 64;
      rmSync(file, { force: true });
      await attempt(suiteName, def, seed, opts, file, [Math.max(0, cycle - keep), cycle + 1]);
      if (existsSync(file)) result.vcd = file;
    }
  }
  result.durationMs = performance.now() - t0;
  return result;
}
