/**
 * Kernel benchmarks (issue: foundation). Prints one JSON object per line:
 *   K1  1000 counters + LFSR enables + XOR of all counters
 *   K2  64-stage chain of 2-entry pipe FIFOs, sink stalling on a seeded pattern
 *   K3  K1 while dumping every signal to a VCD file
 *   K3-encode-only / K3-disk-only  K3's bounds apart: dumping to /dev/null, and K3's bytes
 *       written to disk with no simulation (as cycles/s at K3's bytes per cycle)
 *   K1-verilator  the same K1 design (bench/designs/counters.v) built with Verilator -O3,
 *                 measured in the same run when `--verilator` is given and verilator is installed.
 * Each measurement runs `--runs` times (default 3), Verilator's included: `cyclesPerSecond`
 * is the best run and `medianCyclesPerSecond` the median, so that a busy shared machine
 * disturbs the figures and the ratios less.
 * Options: --cycles N (default 200000), --runs N, --verilator, --seed S.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Simulator } from "../hw/rtl/index.ts";
import { ThreadedFileSink } from "../waveforms/threaded-sink.ts";
import { CounterArray } from "./designs/counters.ts";
import { FifoChain } from "./designs/fifo-chain.ts";

export interface KernelResult {
  name: string;
  cycles: number;
  seconds: number;
  cyclesPerSecond: number;
  [extra: string]: string | number;
}

/** Best and median of several runs' figures (by cycles per second). */
function bestOf(runs: KernelResult[]): KernelResult {
  const sorted = [...runs].sort((a, b) => b.cyclesPerSecond - a.cyclesPerSecond);
  const best = { ...sorted[0]! };
  if (runs.length > 1) {
    best["runs"] = runs.length;
    best["medianCyclesPerSecond"] = sorted[sorted.length >> 1]!.cyclesPerSecond;
  }
  return best;
}

/** Steps `sim` for `cycles`, `runs` times after a warm-up, measuring wall-clock time. */
function measure(name: string, sim: Simulator, cycles: number, runs: number, extra: Record<string, string | number> = {}): KernelResult {
  sim.step(Math.min(20000, cycles)); // let V8 optimise the per-cycle path first
  const results: KernelResult[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    sim.step(cycles);
    const seconds = (performance.now() - t0) / 1000;
    results.push({ name, cycles, seconds: +seconds.toFixed(4), cyclesPerSecond: Math.round(cycles / seconds), ...extra });
  }
  return bestOf(results);
}

/**
 * A traced run: `cycles` after a warm-up, timed up to the closed file (the writer thread's
 * backlog and the writes in flight are part of the dump's cost).
 */
function measureDump(name: string, sim: Simulator, cycles: number): KernelResult {
  sim.step(Math.min(20000, cycles));
  const t0 = performance.now();
  sim.step(cycles);
  sim.close();
  const seconds = (performance.now() - t0) / 1000;
  return { name, cycles, seconds: +seconds.toFixed(4), cyclesPerSecond: Math.round(cycles / seconds) };
}

export function runK1(cycles: number, runs = 1): KernelResult {
  const top = new CounterArray(null, "top");
  const sim = new Simulator(top);
  sim.reset();
  return measure("K1", sim, cycles, runs, { counters: 1000, checksum: sim.peek(top.checksum) });
}

export function runK2(cycles: number, seed: number, runs = 1): KernelResult {
  const top = new FifoChain(null, "top", 64, seed);
  const sim = new Simulator(top);
  sim.reset();
  const r = measure("K2", sim, cycles, runs, { stages: 64, seed });
  r["received"] = sim.peek(top.received);
  return r;
}

/**
 * Each run is a fresh design dumping to a fresh file, deleted afterwards: one file growing over
 * all runs would pass the kernel's dirty-page threshold (10% of RAM here) and measure disk
 * write-back instead of the simulator.
 */
export function runK3(cycles: number, dir: string, runs = 1): KernelResult {
  const results: KernelResult[] = [];
  for (let i = 0; i < runs; i++) {
    const top = new CounterArray(null, "top");
    const sim = new Simulator(top);
    sim.reset();
    const file = join(dir, "k3.vcd");
    sim.trace(file, { gtkw: false });
    const r = measureDump("K3", sim, cycles);
    r["vcdBytes"] = statSync(file).size;
    r["vcdCycles"] = sim.cycle;
    r["signals"] = sim.signals().length;
    rmSync(file, { force: true });
    results.push(r);
  }
  return bestOf(results);
}

/**
 * K3's two bounds, apart: K3 dumping to /dev/null (all the encoding, no disk), and the disk
 * alone: K3's bytes written through the threaded sink from a buffer (4 MiB O_DIRECT writes,
 * one at a time: the scan thread keeps up to three in flight, so the disk may do a little
 * better for K3 itself), as cycles/s at K3's bytes per cycle.
 */
export function runK3Bounds(cycles: number, dir: string, bytesPerCycle: number, runs = 1): KernelResult[] {
  const encode: KernelResult[] = [];
  for (let i = 0; i < runs; i++) {
    const top = new CounterArray(null, "top");
    const sim = new Simulator(top);
    sim.reset();
    sim.trace("/dev/null", { gtkw: false });
    encode.push(measureDump("K3-encode-only", sim, cycles));
  }
  const disk: KernelResult[] = [];
  const chunk = new Uint8Array(1 << 20).fill(0x31);
  const total = Math.round(bytesPerCycle * cycles);
  for (let i = 0; i < runs; i++) {
    const file = join(dir, "k3-disk.bin");
    const sink = new ThreadedFileSink(file);
    const t0 = performance.now();
    for (let done = 0; done < total; done += chunk.length) sink.write(chunk, Math.min(chunk.length, total - done));
    sink.close();
    const seconds = (performance.now() - t0) / 1000;
    rmSync(file, { force: true });
    disk.push({ name: "K3-disk-only", cycles, seconds: +seconds.toFixed(4), cyclesPerSecond: Math.round(cycles / seconds), bytesPerSecond: Math.round(total / seconds) });
  }
  return [bestOf(encode), bestOf(disk)];
}

const designs = join(dirname(fileURLToPath(import.meta.url)), "designs");

/** Builds the Verilog K1 with Verilator -O3 once (cached in out/<dir>) and returns the binary. */
function verilatorBuild(dir: string, main: string, extra: string[]): string {
  const obj = join(designs, "..", "..", "out", dir);
  if (!existsSync(join(obj, "Vtop"))) {
    execFileSync(
      "verilator",
      ["--cc", "--exe", "--build", "-O3", "--x-assign", "fast", "-Wno-fatal", ...extra, "--top-module", "top", "-Mdir", obj, "-CFLAGS", "-O2",
        join(designs, "counters.v"), join(designs, main)],
      { stdio: "ignore" },
    );
  }
  return join(obj, "Vtop");
}

function hasVerilator(): boolean {
  try {
    execFileSync("verilator", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** K1 with Verilator; undefined when verilator is not installed. */
export function runVerilatorK1(cycles: number, runs = 1): KernelResult | undefined {
  if (!hasVerilator()) return undefined;
  const binary = verilatorBuild("verilator-k1", "counters_main.cpp", []);
  const results = Array.from({ length: runs }, () => JSON.parse(execFileSync(binary, [String(cycles * 5)], { encoding: "utf8" }).trim()) as KernelResult);
  return bestOf(results);
}

/** K3 with Verilator (`--trace`, every signal to a VCD in `dir`); undefined without verilator. */
export function runVerilatorK3(cycles: number, dir: string, runs = 1): KernelResult | undefined {
  if (!hasVerilator()) return undefined;
  const binary = verilatorBuild("verilator-k3", "counters_trace_main.cpp", ["--trace"]);
  const file = join(dir, "k3-verilator.vcd");
  const results = Array.from({ length: runs }, () => {
    const r = JSON.parse(execFileSync(binary, [String(cycles), file], { encoding: "utf8" }).trim()) as KernelResult;
    r["vcdBytes"] = statSync(file).size;
    rmSync(file, { force: true });
    return r;
  });
  return bestOf(results);
}

export async function main(args: string[]): Promise<void> {
  const value = (flag: string, fallback: number): number => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const cycles = value("--cycles", 200000);
  const seed = value("--seed", 1);
  const runs = Math.max(1, value("--runs", 3));
  const dir = mkdtempSync(join(tmpdir(), "tsrtl-bench-"));
  const results: KernelResult[] = [runK1(cycles, runs), runK2(cycles, seed, runs), runK3(Math.floor(cycles / 2), dir, runs)];
  for (const r of results) console.log(JSON.stringify(r));
  const k1 = results[0]!;
  const k3 = results[2]!;
  console.log(JSON.stringify({ name: "K3/K1", ratio: +(k3.cyclesPerSecond / k1.cyclesPerSecond).toFixed(3) }));
  const bounds = runK3Bounds(Math.floor(cycles / 2), dir, Number(k3["vcdBytes"]) / Number(k3["vcdCycles"]), runs);
  for (const b of bounds) console.log(JSON.stringify({ ...b, ratioToK1: +(b.cyclesPerSecond / k1.cyclesPerSecond).toFixed(3) }));
  if (args.includes("--verilator")) {
    const v = runVerilatorK1(cycles, runs);
    const v3 = runVerilatorK3(Math.floor(cycles / 2), dir, runs);
    if (v === undefined || v3 === undefined) console.log(JSON.stringify({ name: "K1-verilator", error: "verilator not installed" }));
    else {
      console.log(JSON.stringify(v));
      console.log(JSON.stringify(v3));
      console.log(JSON.stringify({ name: "K1/verilator", ratio: +(k1.cyclesPerSecond / v.cyclesPerSecond).toFixed(3) }));
      console.log(JSON.stringify({ name: "K3-verilator/K1-verilator", ratio: +(v3.cyclesPerSecond / v.cyclesPerSecond).toFixed(3) }));
    }
  }
}
