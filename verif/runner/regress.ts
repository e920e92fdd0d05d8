/**
 * The regression runner: every (test, seed) is a task for a pool of worker threads (piscina).
 *
 * Determinism: a task's result depends only on (suite, test, seed) and, for coverage-driven
 * tests, on the prior coverage it is given, which is the merged coverage of the earlier rounds
 * of seeds of the same test (rounds of fixed size, whatever the number of workers). Coverage
 * is merged by adding counts, in seed order. With --until-coverage, a test stops at the first
 * seed (in seed order) whose cumulative coverage reaches the goal; later seeds already started
 * are discarded, so the reported seeds do not depend on the number of workers.
 *
 * A task that exceeds its timeout is aborted, which terminates its worker; piscina starts a
 * new one and the run goes on. A worker that dies (process.exit, out of memory) fails only
 * its task.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import { emptyDb, mergeInto, serializeDb, totalScore, type CoverageDb } from "../coverage/db.ts";
import { discoverSuites, projectRoot, type SuiteRef } from "./discover.ts";
import { formatSeeds } from "./options.ts";
import type { SeedResult } from "./run-test.ts";
import type { SeedTask } from "./worker.ts";
import { loadSuite } from "./worker.ts";

export interface RegressOptions {
  suites: readonly SuiteRef[];
  /** Only these tests (names), when given. */
  tests?: readonly string[] | undefined;
  /** Seeds to run (after sharding). */
  seeds: readonly number[];
  workers?: number;
  timeoutMs?: number;
  /** Stop each test once its coverage reaches this percentage (seeds taken in order from `seeds`). */
  untilCoverage?: number | undefined;
  /** With untilCoverage: at most this many seeds per test. */
  maxSeeds?: number | undefined;
  /** Force coverage-driven stimulus on or off for every test. */
  driven?: boolean | undefined;
  /** Seeds per round for coverage-driven tests (prior coverage is updated between rounds). Default 8. */
  roundSize?: number;
  /** Prior coverage given to coverage-driven tests before the first round. */
  prior?: CoverageDb | null;
  /** Where failing seeds write their VCDs and prior databases (default out/regress). */
  outDir?: string;
  /** Collect code coverage of TypeScript files under these folders. */
  codeCoverage?: readonly string[] | undefined;
  /** Extra words for reproduction commands (e.g. the shard's options are not needed: seeds are explicit). */
  reproExtra?: readonly string[];
  /** Called for every reported result, in completion order. */
  onResult?: (r: ReportedResult, done: number, total: number) => void;
}

export interface ReportedResult extends SeedResult {
  /** Command line that runs this (test, seed) again. */
  repro: string;
}

export interface TestSummary {
  suite: string;
  test: string;
  seedsRun: number;
  failures: number;
  coverage: number;
  /** With untilCoverage: the seed at which the goal was reached, or null. */
  reachedAt: number | null;
}

export interface RegressReport {
  results: ReportedResult[];
  coverage: CoverageDb;
  tests: TestSummary[];
  durationMs: number;
  workers: number;
}

interface TestState {
  ref: SuiteRef;
  test: string;
  driven: boolean;
  seeds: number[];
  next: number;
  inflight: number;
  /** Results by seed index, waiting for the prefix before them. */
  buffer: Map<number, SeedResult>;
  /** Seeds [0, merged) are merged into `coverage`. */
  merged: number;
  coverage: CoverageDb;
  /** Prior coverage frozen at the start of each round. */
  priorForRound: Map<number, CoverageDb>;
  stopAt: number;
  reachedAt: number | null;
  reported: ReportedResult[];
}

/** Time a worker may take to boot and load a suite, beyond the test's own timeout. */
const STARTUP_GRACE_MS = 60_000;

const workerFile = join(fileURLToPath(new URL(".", import.meta.url)), "worker.ts");

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

export async function regress(opts: RegressOptions): Promise<RegressReport> {
  const t0 = performance.now();
  const workers = Math.max(1, opts.workers ?? availableParallelism());
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const roundSize = Math.max(1, opts.roundSize ?? 8);
  const outDir = opts.outDir ?? join(projectRoot, "out", "regress");
  const vcdDir = join(outDir, "vcd");

  // Plan: one state per (suite, test).
  const states: TestState[] = [];
  for (const ref of opts.suites) {
    const suite = await loadSuite(ref.file);
    const tests = suite.tests.filter((t) => opts.tests === undefined || opts.tests.includes(t.name));
    for (const t of tests) {
      let seeds = [...opts.seeds];
      if (opts.untilCoverage !== undefined && opts.maxSeeds !== undefined) seeds = seeds.slice(0, opts.maxSeeds);
      states.push({
        ref,
        test: t.name,
        driven: opts.driven ?? t.coverageDriven ?? false,
        seeds,
        next: 0,
        inflight: 0,
        buffer: new Map(),
        merged: 0,
        coverage: emptyDb(),
        priorForRound: new Map(),
        stopAt: Infinity,
        reachedAt: null,
        reported: [],
      });
    }
  }
  if (opts.tests !== undefined)
    for (const name of opts.tests) if (!states.some((s) => s.test === name)) throw new RangeError(`no test named '${name}' in suite(s) ${opts.suites.map((s) => s.name).join(", ")}`);

  const total = states.reduce((n, s) => n + s.seeds.length, 0);
  let done = 0;
  const pool = new Piscina<SeedTask, SeedResult>({
    filename: workerFile,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    concurrentTasksPerWorker: 1,
    execArgv: ["--import", "tsx"],
  });
  pool.on("error", () => {
    /* a worker died outside a task: its task (if any) is reported as a crash */
  });

  const priorFile = (st: TestState, round: number): string | null => {
    const p = st.priorForRound.get(round);
    if (p === undefined || p.runs === 0) return null;
    mkdirSync(join(outDir, "prior"), { recursive: true });
    const file = join(outDir, "prior", `${st.ref.name}.${st.test}.round${round}.json`);
    writeFileSync(file, serializeDb(p));
    return file;
  };

  // Name a suite by its name when discovery finds exactly that file, else by its path.
  const known = discoverSuites();
  const suiteArg = (ref: SuiteRef): string =>
    known.filter((k) => k.name === ref.name).length === 1 && known.find((k) => k.name === ref.name)!.file === ref.file ? ref.name : relative(process.cwd(), ref.file);
  const repro = (st: TestState, seed: number, round: number): string => {
    const words = ["tsrtl", "regress", suiteArg(st.ref), "--test", st.test, "--seeds", String(seed), "--workers", "1", "--timeout", `${timeoutMs}ms`];
    if (opts.driven !== undefined) words.push(opts.driven ? "--driven" : "--plain-random");
    if (st.driven) {
      const pf = priorFile(st, round);
      if (pf !== null) words.push("--prior", relative(process.cwd(), pf));
    }
    words.push(...(opts.reproExtra ?? []));
    return words.map(shellQuote).join(" ");
  };

  const goalReached = (st: TestState): boolean => opts.untilCoverage !== undefined && st.coverage.runs > 0 && totalScore(st.coverage) >= opts.untilCoverage;

  // Merge the contiguous prefix of results in seed order; stop the test at its goal.
  const absorb = (st: TestState): void => {
    while (st.merged < st.seeds.length && st.merged <= st.stopAt && st.buffer.has(st.merged)) {
      const r = st.buffer.get(st.merged)!;
      st.buffer.delete(st.merged);
      const round = Math.floor(st.merged / roundSize);
      const rep: ReportedResult = { ...r, repro: repro(st, r.seed, round) };
      // Coverage of failing runs is not counted: a failure can reach states a correct design never does.
      if (r.coverage !== null && r.status === "pass") mergeInto(st.coverage, r.coverage);
      st.reported.push(rep);
      st.merged++;
      done++;
      opts.onResult?.(rep, done, total);
      if (st.stopAt === Infinity && goalReached(st)) {
        st.stopAt = st.merged - 1;
        st.reachedAt = r.seed;
        done += st.seeds.length - st.merged; // the rest is skipped
      }
    }
  };

  const canDispatch = (st: TestState): boolean => {
    if (st.next >= st.seeds.length || st.next > st.stopAt) return false;
    if (!st.driven) return true;
    // Coverage-driven: a round starts once every earlier round is merged.
    const round = Math.floor(st.next / roundSize);
    return st.merged >= round * roundSize;
  };

  const runOne = async (st: TestState, index: number): Promise<void> => {
    const seed = st.seeds[index]!;
    const round = Math.floor(index / roundSize);
    let prior: CoverageDb | null = null;
    if (st.driven) {
      if (!st.priorForRound.has(round)) {
        const p = emptyDb();
        if (opts.prior) mergeInto(p, opts.prior);
        mergeInto(p, st.coverage);
        st.priorForRound.set(round, p);
      }
      prior = st.priorForRound.get(round)!;
      if (prior.runs === 0) prior = null;
    }
    const task: SeedTask = { file: st.ref.file, suite: st.ref.name, test: st.test, seed, driven: opts.driven, prior, vcdDir, codeCoverage: opts.codeCoverage ? [...opts.codeCoverage] : undefined };
    const ac = new AbortController();
    const limit = timeoutMs;
    // The timeout counts from the moment the worker starts the test (after a fresh worker has
    // booted and loaded the suite); a worker that never gets there is stopped after a grace period.
    const started = new Float64Array(new SharedArrayBuffer(8));
    task.started = started;
    const submitted = Date.now();
    const poll = Math.max(10, Math.min(250, limit / 4));
    const timer = setInterval(() => {
      const t = started[0]!;
      const now = Date.now();
      if ((t > 0 && now - t > limit) || (t === 0 && now - submitted > limit + STARTUP_GRACE_MS)) ac.abort();
    }, poll);
    const t1 = performance.now();
    let result: SeedResult;
    try {
      result = await pool.run(task, { signal: ac.signal });
    } catch (e) {
      const timedOut = ac.signal.aborted;
      result = {
        suite: st.ref.name,
        test: st.test,
        seed,
        status: timedOut ? "timeout" : "crash",
        message: timedOut ? `timed out after ${limit} ms (worker terminated)` : `worker crashed: ${e instanceof Error ? e.message : String(e)}`,
        durationMs: performance.now() - t1,
        log: [],
        coverage: null,
      };
    } finally {
      clearInterval(timer);
    }
    st.buffer.set(index, result);
  };

  await new Promise<void>((resolveAll, rejectAll) => {
    let inflight = 0;
    // One task per worker: a task starts as soon as it is submitted, so its timeout timer
    // measures its own run time (plus a worker restart after a timeout), not queueing.
    const maxInflight = workers;
    let rr = 0;
    const pump = (): void => {
      try {
        let progressed = true;
        while (inflight < maxInflight && progressed) {
          progressed = false;
          for (let k = 0; k < states.length && inflight < maxInflight; k++) {
            const st = states[(rr + k) % states.length]!;
            if (!canDispatch(st)) continue;
            const index = st.next++;
            st.inflight++;
            inflight++;
            progressed = true;
            runOne(st, index).then(
              () => {
                inflight--;
                st.inflight--;
                try {
                  absorb(st);
                } catch (e) {
                  rejectAll(e);
                  return;
                }
                pump();
              },
              (e: unknown) => rejectAll(e),
            );
          }
          rr++;
        }
        if (inflight === 0) resolveAll();
      } catch (e) {
        rejectAll(e);
      }
    };
    pump();
  });
  await pool.destroy();

  const coverage = emptyDb();
  const results: ReportedResult[] = [];
  const tests: TestSummary[] = [];
  for (const st of states) {
    mergeInto(coverage, st.coverage);
    results.push(...st.reported);
    tests.push({
      suite: st.ref.name,
      test: st.test,
      seedsRun: st.reported.length,
      failures: st.reported.filter((r) => r.status !== "pass").length,
      coverage: st.coverage.runs > 0 ? totalScore(st.coverage) : 0,
      reachedAt: st.reachedAt,
    });
  }
  results.sort((a, b) => a.suite.localeCompare(b.suite) || a.test.localeCompare(b.test) || a.seed - b.seed);
  return { results, coverage, tests, durationMs: performance.now() - t0, workers };
}

/** One line per failure, with its reproduction command. */
export function failureLines(report: RegressReport): string[] {
  return report.results
    .filter((r) => r.status !== "pass")
    .map((r) => `${r.status.toUpperCase()} ${r.suite}/${r.test} seed ${r.seed}: ${r.message ?? ""}${r.vcd ? `\n  vcd: ${relative(process.cwd(), r.vcd)}` : ""}\n  reproduce: ${r.repro}`);
}

export { formatSeeds };
