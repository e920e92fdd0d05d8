/**
 * Kernel benchmarks (issue: foundation). Prints one JSON object per line:
 *   K1  1000 counters + LFSR enables + XOR of all counters
 *   K2  64-stage chain of 2-entry pipe FIFOs, sink stalling on a seeded pattern
 *   K3  K1 while dumping every signal to a VCD file
 *   K1-verilator  the same K1 design (bench/designs/counters.v) built with Verilator -O3,
 *                 measured in the same run when `--verilator` is given and verilator is installed.
 * Options: --cycles N (default 200000), --verilator, --seed S.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Simulator } from "../hw/rtl/index.ts";
import { CounterArray } from "./designs/counters.ts";
import { FifoChain } from "./designs/fifo-chain.ts";

export interface KernelResult {
  name: string;
  cycles: number;
  seconds: number;
  cyclesPerSecond: number;
  [extra: string]: string | number;
}

/** Steps `sim` for `cycles` after a warm-up and measures wall-clock time. */
function measure(name: string, sim: Simulator, cycles: number, extra: Record<string, string | number> = {}): KernelResult {
  sim.step(Math.min(20000, cycles)); // let V8 optimise the per-cycle path first
  const t0 = performance.now();
  sim.step(cycles);
  const seconds = (performance.now() - t0) / 1000;
  return { name, cycles, seconds: +seconds.toFixed(4), cyclesPerSecond: Math.round(cycles / seconds), ...extra };
}

export function runK1(cycles: number): KernelResult {
  const top = new CounterArray(null, "top");
  const sim = new Simulator(top);
  sim.reset();
  return measure("K1", sim, cycles, { counters: 1000, checksum: sim.peek(top.checksum) });
}

export function runK2(cycles: number, seed: number): KernelResult {
  const top = new FifoChain(null, "top", 64, seed);
  const sim = new Simulator(top);
  sim.reset();
  const r = measure("K2", sim, cycles, { stages: 64, seed });
  r["received"] = sim.peek(top.received);
  return r;
}

export function runK3(cycles: number, dir: string): KernelResult {
  const top = new CounterArray(null, "top");
  const sim = new Simulator(top);
  sim.reset();
  const file = join(dir, "k3.vcd");
  sim.trace(file, { gtkw: false });
  const r = measure("K3", sim, cycles);
  sim.close();
  r["vcdBytes"] = statSync(file).size;
  r["signals"] = sim.signals().length;
  return r;
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
export function runVerilatorK1(cycles: number): KernelResult | undefined {
  if (!hasVerilator()) return undefined;
  const out = execFileSync(verilatorBuild("verilator-k1", "counters_main.cpp", []), [String(cycles * 5)], { encoding: "utf8" });
  return JSON.parse(out.trim()) as KernelResult;
}

/** K3 with Verilator (`--trace`, every signal to a VCD in `dir`); undefined without verilator. */
export function runVerilatorK3(cycles: number, dir: string): KernelResult | undefined {
  if (!hasVerilator()) return undefined;
  const file = join(dir, "k3-verilator.vcd");
  const out = execFileSync(verilatorBuild("verilator-k3", "counters_trace_main.cpp", ["--trace"]), [String(cycles), file], { encoding: "utf8" });
  const r = JSON.parse(out.trim()) as KernelResult;
  r["vcdBytes"] = statSync(file).size;
  rmSync(file, { force: true });
  return r;
}

export async function main(args: string[]): Promise<void> {
  const value = (flag: string, fallback: number): number => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const cycles = value("--cycles", 200000);
  const seed = value("--seed", 1);
  const dir = mkdtempSync(join(tmpdir(), "tsrtl-bench-"));
  const results: KernelResult[] = [runK1(cycles), runK2(cycles, seed), runK3(Math.floor(cycles / 2), dir)];
  rmSync(join(dir, "k3.vcd"), { force: true });
  for (const r of results) console.log(JSON.stringify(r));
  const k1 = results[0]!;
  const k3 = results[2]!;
  console.log(JSON.stringify({ name: "K3/K1", ratio: +(k3.cyclesPerSecond / k1.cyclesPerSecond).toFixed(3) }));
  if (args.includes("--verilator")) {
    const v = runVerilatorK1(cycles);
    const v3 = runVerilatorK3(Math.floor(cycles / 2), dir);
    if (v === undefined || v3 === undefined) console.log(JSON.stringify({ name: "K1-verilator", error: "verilator not installed" }));
    else {
      console.log(JSON.stringify(v));
      console.log(JSON.stringify(v3));
      console.log(JSON.stringify({ name: "K1/verilator", ratio: +(k1.cyclesPerSecond / v.cyclesPerSecond).toFixed(3) }));
      console.log(JSON.stringify({ name: "K3-verilator/K1-verilator", ratio: +(v3.cyclesPerSecond / v.cyclesPerSecond).toFixed(3) }));
    }
  }
}
