/**
 * NoC benchmark (issue 5): simulated cycles per second of the 8x8 mesh in the BookSim2
 * validation configuration under uniform traffic at 0.30 packets/node/cycle, and of the idle
 * mesh. BookSim2 (C++, -O3) runs the loaded case at about 1,400 cycles/s on this machine kind.
 * The loaded case runs with each router engine: the compiled one (WebAssembly, the default),
 * the compiled one with a second thread stepping routers (`-2threads`, RouterParams.threads)
 * and the same router code as JavaScript (`-js`), so their ratios are measured in one run.
 * Options: --cycles N (default 20000), --rate R (default 0.3), --seed S.
 */
import { buildExperiment } from "../hw/noc/experiment.ts";
import { DEFAULT_ROUTER } from "../hw/noc/params.ts";

const BOOKSIM_CPS = 1400;

export async function main(args: string[]): Promise<void> {
  const value = (flag: string, fallback: number): number => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const cycles = value("--cycles", 20000);
  const seed = value("--seed", 1);
  const rate = value("--rate", 0.3);
  const runs: [number, "wasm" | "js", 1 | 2][] = [[rate, "wasm", 1], [rate, "wasm", 2], [rate, "js", 1], [0, "wasm", 1]];
  for (const [rate, engine, threads] of runs) {
    const { top, sim } = buildExperiment({
      width: 8, height: 8, router: { ...DEFAULT_ROUTER, engine, threads }, pattern: { name: "uniform" }, rate, packetSize: 1, seed, warmup: 0, measure: 1 << 30,
    });
    sim.step(3000); // warm-up: fill the network, let V8 optimise
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    sim.step(cycles);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const flits = top.endpoints.reduce((s, e) => s + e.accepted.value, 0);
    const cps = Math.round(cycles / seconds);
    console.log(JSON.stringify({
      name: (rate > 0 ? `noc-8x8-uniform-${rate.toFixed(2)}` : "noc-8x8-idle") + (engine === "js" ? "-js" : "") + (threads === 2 ? "-2threads" : ""),
      engine,
      threads,
      cycles,
      seconds: +seconds.toFixed(4),
      cyclesPerSecond: cps,
      cpuCyclesPerSecond: Math.round(cycles / ((cpu.user + cpu.system) / 1e6)),
      booksimCyclesPerSecond: BOOKSIM_CPS,
      speedupVsBooksim: +(cps / BOOKSIM_CPS).toFixed(2),
      goalCyclesPerSecond: 28000,
      flitsPerCycle: +(flits / (cycles + 3000)).toFixed(2),
    }));
  }
}
