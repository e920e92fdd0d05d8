/**
 * The piscina worker: runs one (test, seed) per task. Suite modules are imported once per
 * worker and reused across tasks.
 *
 * In worker threads, tsx's ESM hooks are not active (only its CommonJS hook is), so suites are
 * loaded with require(): tsx compiles them, and everything they import, to CommonJS. Suites
 * and the code they import must therefore not use top-level await.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { isMainThread } from "node:worker_threads";
import type { CoverageDb } from "../coverage/db.ts";
import { CodeCoverageCollector } from "../coverage/code.ts";
import { runTest, type SeedResult } from "./run-test.ts";
import type { Suite } from "./suite.ts";

export interface SeedTask {
  /** Absolute path of the suite file. */
  file: string;
  suite: string;
  test: string;
  seed: number;
  driven?: boolean | undefined;
  prior?: CoverageDb | null;
  vcdDir?: string | undefined;
  /** Collect V8 code coverage of files under these directories (absolute paths). */
  codeCoverage?: string[] | undefined;
  /** Shared with the runner: the worker writes the wall-clock time (ms) when the test itself starts, so start-up does not count against the timeout. */
  started?: Float64Array | undefined;
}

const suites = new Map<string, Promise<Suite>>();

export async function loadSuite(file: string): Promise<Suite> {
  let s = suites.get(file);
  if (s === undefined) {
    const load: Promise<{ default?: Suite }> = isMainThread
      ? (import(pathToFileURL(file).href) as Promise<{ default?: Suite }>)
      : Promise.resolve().then(() => createRequire(import.meta.url)(file) as { default?: Suite });
    s = load.then((m) => {
      if (m.default === undefined || !Array.isArray(m.default.tests)) throw new Error(`${file}: the default export is not a suite (use defineSuite)`);
      return m.default;
    });
    suites.set(file, s);
  }
  return s;
}

let code: CodeCoverageCollector | null = null;

export default async function runSeed(task: SeedTask): Promise<SeedResult> {
  if (task.codeCoverage !== undefined && code === null) {
    code = new CodeCoverageCollector(task.codeCoverage);
    await code.start();
  }
  const suite = await loadSuite(task.file);
  if (task.started !== undefined) task.started[0] = Date.now();
  const result = await runTest(task.suite, suite, task.test, task.seed, { driven: task.driven, prior: task.prior ?? null, vcdDir: task.vcdDir });
  if (code !== null && result.coverage !== null) result.coverage.code = await code.take();
  return result;
}
