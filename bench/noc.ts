/**
 * NoC benchmark (issue 5): simulated cycles per second of the 8x8 mesh in the BookSim2
 * validation configuration under uniform traffic at 0.30 packets/node/cycle, and of the idle
 * mesh. BookSim2 (C++, -O3) runs the loaded case at about 1,400 cycles/s on this machine kind.
 * The loaded case runs with each router engine: the compiled one (WebAssembly, the default),
 * the compiled one with a second thread stepping routers (`-2threads`, RouterParams.threads)
 * and the same router code as JavaScript (`-js`), so their ratios are measured in one run.
 *
 * The host's other jobs move a run's speed by a quarter or more from minute to minute, so the
 * configurations run in rounds (each round runs every configuration once, a fresh network
 * each time) and each line gives the median over the rounds (`cyclesPerSecond`), the best and
 * every run: compare medians of one invocation.
 * Options: --cycles N (default 20000), --rate R (default 0.3), --seed S, --rounds K (default 3).
 */
import { buildExperiment } from "../hw/noc/experiment.ts";
import { DEFAULT_ROUTER } from "../hw/noc/params.ts";
import { UsageError } from "../bin/command.ts";
import { median } from "./lib/stats.ts";

const BOOKSIM_CPS = 1400;

interface Config {
  readonly name: string;
  readonly rate: number;
  readonly engine: "wasm" | "js";
  readonly threads: 1 | 2;
}

interface Sample {
  readonly cps: number;
  readonly cpuCps: number;
  readonly flitsPerCycle: number;
}

/** One run: a fresh network, a warm-up (fills it, lets V8 optimise), then `cycles` timed. */
function measure(config: Config, cycles: number, seed: number): Sample {
  const { top, sim } = buildExperiment({
    width: 8, height: 8, router: { ...DEFAULT_ROUTER, engine: config.engine, threads: config.threads }, pattern: { name: "uniform" }, rate: config.rate, packetSize: 1, seed, warmup: 0, measure: 1 << 30,
  });
  const warmup = 3000;
  sim.step(warmup);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  sim.step(cycles);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const flits = top.endpoints.reduce((s, e) => s + e.accepted.value, 0);
  return { cps: cycles / seconds, cpuCps: cycles / ((cpu.user + cpu.system) / 1e6), flitsPerCycle: flits / (cycles + warmup) };
}

export async function main(args: string[]): Promise<void> {
  const value = (flag: string, fallback: number): number => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const cycles = value("--cycles", 20000);
  const seed = value("--seed", 1);
  const rate = value("--rate", 0.3);
  const rounds = value("--rounds", 3);
  for (const [flag, v] of [["--cycles", cycles], ["--rounds", rounds]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new UsageError(`bench noc: ${flag} must be a positive integer, got ${args[args.indexOf(flag) + 1]}`);
  }
  const loaded = `noc-8x8-uniform-${rate.toFixed(2)}`;
  const configs: Config[] = [
    { name: loaded, rate, engine: "wasm", threads: 1 },
    { name: `${loaded}-2threads`, rate, engine: "wasm", threads: 2 },
    { name: `${loaded}-js`, rate, engine: "js", threads: 1 },
    { name: "noc-8x8-idle", rate: 0, engine: "wasm", threads: 1 },
  ];
  const samples = configs.map((): Sample[] => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < configs.length; k++) {
      samples[k]!.push(measure(configs[k]!, cycles, seed));
      // a turn of the event loop between networks: the NoC heap gets a collected network's memory back then
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  configs.forEach((c, k) => {
    const runs = samples[k]!;
    const cps = Math.round(median(runs.map((s) => s.cps)));
    console.log(JSON.stringify({
      name: c.name,
      engine: c.engine,
      threads: c.threads,
      cycles,
      rounds,
      cyclesPerSecond: cps,
      bestCyclesPerSecond: Math.round(Math.max(...runs.map((s) => s.cps))),
      runsCyclesPerSecond: runs.map((s) => Math.round(s.cps)),
      cpuCyclesPerSecond: Math.round(median(runs.map((s) => s.cpuCps))),
      booksimCyclesPerSecond: BOOKSIM_CPS,
      speedupVsBooksim: +(cps / BOOKSIM_CPS).toFixed(2),
      goalCyclesPerSecond: 28000,
      flitsPerCycle: +runs[0]!.flitsPerCycle.toFixed(2),
    }));
  });
}
