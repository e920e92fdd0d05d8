/**
 * `tsrtl demo` (what `npm start` runs for now): elaborates the demo design, simulates it,
 * writes out/demo.vcd and out/demo.gtkw, and prints what happened.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { Simulator } from "../../hw/rtl/index.ts";
import { Demo } from "../../hw/top/demo.ts";
import { intOption, optionValue, parseArgs } from "../command.ts";

export const summary = "simulate the demo design and write out/demo.vcd + out/demo.gtkw";

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ["--cycles", "--out"] });
  const cycles = intOption(args, "--cycles", 2000);
  const outDir = resolve(optionValue(args, "--out") ?? "out");
  mkdirSync(outDir, { recursive: true });
  const vcd = resolve(outDir, "demo.vcd");

  const t0 = performance.now();
  const top = new Demo();
  const sim = new Simulator(top);
  const elaborated = performance.now();
  const tracer = sim.trace(vcd);
  sim.reset(2);
  const grants = [0, 0];
  sim.onCycle(() => {
    if (top.arbiter.grant_valid.value === 1 && top.skid.in_ready.value === 1) grants[top.arbiter.grant_index.value]!++;
  });
  sim.step(cycles);
  sim.close();
  const done = performance.now();

  const info = sim.signals();
  console.log(`tsrtl demo: ${info.length} signals in ${sim.design.modules.length} modules, elaborated in ${(elaborated - t0).toFixed(0)} ms`);
  console.log(`simulated ${sim.cycle} cycles (${cycles} after a 2-cycle reset) in ${(done - elaborated).toFixed(0)} ms`);
  console.log(`beats granted: producer0 ${grants[0]}, producer1 ${grants[1]}; consumed ${sim.peek(top.consumed.count)}, checksum 0x${(sim.peek(top.checksum) >>> 0).toString(16)}`);
  console.log(`waveform: ${vcd}`);
  console.log(`GTKWave:  gtkwave ${tracer.gtkwPath}`);
  return 0;
}
