/**
 * `tsrtl regress [suite...] [--test name] [--seeds 1..1000] [--workers N] [--timeout 60s]
 *   [--until-coverage 100 --max-seeds N] [--shard i/n] [--driven | --plain-random]
 *   [--junit out.xml] [--coverage-out cov.json] [--html out/] [--code-coverage] [--prior cov.json]`
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { UsageError, intOption, optionValue, parseArgs } from "../command.ts";
import { parseDb, serializeDb, type CoverageDb } from "../../verif/coverage/db.ts";
import { textReport, writeHtmlReport } from "../../verif/coverage/report.ts";
import { discoverSuites, projectRoot, resolveSuite, type SuiteRef } from "../../verif/runner/discover.ts";
import { junitXml } from "../../verif/runner/junit.ts";
import { parseDuration, parseSeeds, parseShard, shardSeeds } from "../../verif/runner/options.ts";
import { Progress } from "../../verif/runner/progress.ts";
import { failureLines, regress } from "../../verif/runner/regress.ts";

export const summary = "run testbench suites over many seeds in parallel, with coverage (tsrtl regress [suite] --seeds 1..100)";

const USAGE = `usage: tsrtl regress [suite...] [options]
  suite                 a suite name (file <name>.suite.ts anywhere in the project) or a path; none: every suite
  --list                list the suites and their tests
  --test NAME           only this test (repeatable)
  --seeds LIST          seeds, e.g. 1..1000, 17, 1,5,9 (default 1..20)
  --workers N           worker threads (default: the number of cores)
  --timeout D           per (test, seed) limit, e.g. 60s, 500ms (default 60s)
  --until-coverage P    stop each test when its coverage reaches P percent
  --max-seeds N         with --until-coverage: at most N seeds per test
  --shard I/N           run the I-th of N interleaved slices of the seeds (1-based)
  --driven              coverage-driven stimulus for every test
  --plain-random        plain random stimulus for every test
  --prior FILE          coverage database given to coverage-driven tests as prior knowledge
  --junit FILE          write JUnit XML
  --coverage-out FILE   write the merged coverage database (JSON)
  --html DIR            write an HTML coverage report
  --code-coverage       collect TypeScript code coverage of hw/ (V8 precise coverage)
  --quiet               no per-seed lines`;

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    flags: ["--list", "--driven", "--plain-random", "--code-coverage", "--quiet", "--help"],
    values: ["--test", "--seeds", "--workers", "--timeout", "--until-coverage", "--max-seeds", "--shard", "--junit", "--coverage-out", "--html", "--prior"],
    aliases: { "-j": "--workers", "-h": "--help" },
  });
  if (args.options.has("--help")) {
    console.log(USAGE);
    return 0;
  }
  const wrap = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  };
  const suites: SuiteRef[] = args.positional.length === 0 ? discoverSuites() : args.positional.map((s) => wrap(() => resolveSuite(s)));
  if (suites.length === 0) throw new UsageError("no suites found (files named *.suite.ts)");
  if (args.options.has("--list")) {
    const { loadSuite } = await import("../../verif/runner/worker.ts");
    for (const s of suites) {
      const suite = await loadSuite(s.file);
      console.log(`${s.name}  (${s.file.slice(projectRoot.length + 1)})${suite.description ? `: ${suite.description}` : ""}`);
      for (const t of suite.tests) console.log(`  ${t.name}${t.coverageDriven ? "  [coverage-driven]" : ""}`);
    }
    return 0;
  }
  let seeds = wrap(() => parseSeeds(optionValue(args, "--seeds") ?? "1..20"));
  const shardText = optionValue(args, "--shard");
  if (shardText !== undefined) seeds = shardSeeds(seeds, wrap(() => parseShard(shardText)));
  const workers = intOption(args, "--workers", availableParallelism());
  if (workers < 1) throw new UsageError("option --workers: must be at least 1");
  const timeoutMs = wrap(() => parseDuration(optionValue(args, "--timeout") ?? "60s"));
  const untilText = optionValue(args, "--until-coverage");
  let untilCoverage: number | undefined;
  if (untilText !== undefined) {
    untilCoverage = Number(untilText);
    if (!(untilCoverage > 0 && untilCoverage <= 100)) throw new UsageError(`option --until-coverage: expected a percentage in (0, 100], got '${untilText}'`);
  }
  const maxSeeds = args.options.has("--max-seeds") ? intOption(args, "--max-seeds", 0) : undefined;
  if (maxSeeds !== undefined && untilCoverage === undefined) throw new UsageError("option --max-seeds needs --until-coverage");
  if (args.options.has("--driven") && args.options.has("--plain-random")) throw new UsageError("options --driven and --plain-random exclude each other");
  const driven = args.options.has("--driven") ? true : args.options.has("--plain-random") ? false : undefined;
  let prior: CoverageDb | null = null;
  const priorFile = optionValue(args, "--prior");
  if (priorFile !== undefined) prior = wrap(() => parseDb(readFileSync(priorFile, "utf8"), priorFile));
  const tests = args.options.get("--test");
  const quiet = args.options.has("--quiet");

  const progress = new Progress(process.stderr, quiet);
  const report = await regress({
    suites,
    tests,
    seeds,
    workers,
    timeoutMs,
    untilCoverage,
    maxSeeds,
    driven,
    prior,
    codeCoverage: args.options.has("--code-coverage") ? [join(projectRoot, "hw")] : undefined,
    onResult: (r, done, total) => progress.update(r, done, total),
  });
  progress.finish();

  const fails = failureLines(report);
  for (const line of fails) console.log(line);
  for (const t of report.tests)
    console.log(
      `${t.suite}/${t.test}: ${t.seedsRun} seed(s), ${t.failures} failure(s), coverage ${t.coverage.toFixed(2)}%` +
        (untilCoverage !== undefined ? (t.reachedAt !== null ? `, reached ${untilCoverage}% at seed ${t.reachedAt}` : `, did NOT reach ${untilCoverage}%`) : ""),
    );
  console.log(textReport(report.coverage).trimEnd());
  const nFail = report.results.filter((r) => r.status !== "pass").length;
  console.log(`${report.results.length} run(s), ${nFail} failure(s), ${report.workers} worker(s), ${(report.durationMs / 1000).toFixed(2)} s`);

  const junit = optionValue(args, "--junit");
  if (junit !== undefined) {
    mkdirSync(dirname(junit), { recursive: true });
    writeFileSync(junit, junitXml(report.results));
  }
  const covOut = optionValue(args, "--coverage-out");
  if (covOut !== undefined) {
    mkdirSync(dirname(covOut), { recursive: true });
    writeFileSync(covOut, serializeDb(report.coverage));
  }
  const html = optionValue(args, "--html");
  if (html !== undefined) console.log(`html report: ${writeHtmlReport(report.coverage, html)}`);
  const missed = untilCoverage !== undefined && report.tests.some((t) => t.reachedAt === null);
  return nFail > 0 || missed ? 1 : 0;
}
