/**
 * Benchmarks of the verification framework (JSON lines):
 * - regress_speedup: the runner with 2 workers against 1 on CPU-bound seeds (goal >= 1.7x);
 * - regress_overhead: runner cost per (test, seed) for an empty test (goal < 5 ms);
 * - coverage_driven_seeds: seeds to reach 100% of the short-FIFO covergroups with
 *   coverage-driven stimulus against plain random (coverage-driven must need fewer);
 * - sample_ns: cost of one covergroup sample and one assertion check (no allocation).
 */
import { loadavg } from "node:os";
import { join } from "node:path";
import { Assertions } from "../verif/assert/assertions.ts";
import { bins } from "../verif/coverage/bins.ts";
import { Covergroup } from "../verif/coverage/covergroup.ts";
import { projectRoot } from "../verif/runner/discover.ts";
import { regress } from "../verif/runner/regress.ts";

const fixtures = join(projectRoot, "test", "verif", "fixtures");
const cpu = { name: "cpu", file: join(fixtures, "cpu.suite.ts") };
const short = { name: "fifo-short", file: join(fixtures, "fifo-short.suite.ts") };
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

function emit(o: Record<string, unknown>): void {
  console.log(JSON.stringify(o));
}

async function speedup(seeds: number): Promise<void> {
  const t: Record<number, number> = {};
  const perSeed: Record<number, number> = {};
  const load = loadavg()[0]!;
  for (const workers of [1, 2]) {
    const r = await regress({ suites: [cpu], tests: ["spin"], seeds: range(1, seeds), workers, outDir: join(projectRoot, "out", "bench-verif") });
    if (r.results.some((x) => x.status !== "pass")) throw new Error("bench: spin failed");
    t[workers] = r.durationMs;
    perSeed[workers] = r.results.reduce((a, x) => a + x.durationMs, 0) / r.results.length;
  }
  // mean_task_ms rising with 2 workers means the cores were not free (see load_avg_1min).
  emit({
    bench: "regress_speedup",
    seeds,
    ms_1_worker: Math.round(t[1]!),
    ms_2_workers: Math.round(t[2]!),
    speedup: Number((t[1]! / t[2]!).toFixed(2)),
    goal: 1.7,
    mean_task_ms_1_worker: Number(perSeed[1]!.toFixed(1)),
    mean_task_ms_2_workers: Number(perSeed[2]!.toFixed(1)),
    load_avg_1min_before: Number(load.toFixed(2)),
    load_avg_1min_after: Number(loadavg()[0]!.toFixed(2)),
  });
}

async function overhead(n: number): Promise<void> {
  const run = async (count: number): Promise<number> => (await regress({ suites: [cpu], tests: ["empty"], seeds: range(1, count), workers: 1 })).durationMs;
  const one = await run(1);
  const many = await run(n);
  emit({ bench: "regress_overhead", seeds: n, ms_total: Math.round(many), ms_startup: Math.round(one), ms_per_seed: Number(((many - one) / (n - 1)).toFixed(3)), goal_ms: 5 });
}

async function drivenVsRandom(starts: readonly number[]): Promise<void> {
  const seedsTo = async (driven: boolean, from: number): Promise<number> => {
    const r = await regress({ suites: [short], seeds: range(from, from + 999), workers: 2, untilCoverage: 100, driven });
    const t = r.tests[0]!;
    if (t.reachedAt === null) throw new Error(`bench: ${driven ? "driven" : "random"} did not reach 100% from seed ${from}`);
    return t.seedsRun;
  };
  const d: number[] = [];
  const p: number[] = [];
  for (const s of starts) {
    d.push(await seedsTo(true, s));
    p.push(await seedsTo(false, s));
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  emit({ bench: "coverage_driven_seeds", test: "fifo-short/short (depth 16, 48 cycles per seed)", seed_blocks: starts, driven: d, plain_random: p, mean_driven: mean(d), mean_plain_random: mean(p), ratio: Number((mean(p) / mean(d)).toFixed(2)) });
}

function sampleCost(n: number): void {
  const cg = new Covergroup("bench");
  let v = 0;
  const a = cg.coverpoint("a", { width: 8, sample: () => v & 255 });
  const b = cg.coverpoint("b", { bins: { lo: bins.range(0, 3), hi: bins.range(4, 7), up: bins.seq(0, 1, 2) }, sample: () => v & 7 });
  cg.cross("axb", [a, b]);
  const as = new Assertions();
  as.always("bound", () => v >= 0);
  as.stableWhile("stable", () => v >> 4, () => false);
  as.eventually("ev", () => (v & 15) === 0, 32, () => (v & 15) === 15);
  for (let i = 0; i < 10000; i++) {
    v = i;
    cg.sample();
    as.check(i);
  }
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    v = i;
    cg.sample();
  }
  const t1 = performance.now();
  for (let i = 0; i < n; i++) {
    v = i;
    as.check(i);
  }
  const t2 = performance.now();
  emit({ bench: "sample_ns", samples: n, covergroup_sample_ns: Number(((1e6 * (t1 - t0)) / n).toFixed(1)), three_assertions_check_ns: Number(((1e6 * (t2 - t1)) / n).toFixed(1)) });
}

export async function main(args: string[]): Promise<void> {
  const quick = args.includes("--quick");
  if (args.includes("--speedup-only")) return speedup(quick ? 40 : 120);
  sampleCost(quick ? 200_000 : 2_000_000);
  await overhead(quick ? 300 : 2000);
  await speedup(quick ? 40 : 120);
  await drivenVsRandom(quick ? [1] : [1, 1001, 2001]);
}
