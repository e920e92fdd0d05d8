/**
 * PE scalar core benchmarks (issue 4). One JSON object per line:
 *   core-compute       ALU / multiply loop (examples-style compute kernel)
 *   core-loadbranch    load / store / branch-heavy mix (pointer chasing, data-dependent branches)
 *   each with VCD off and on (every signal of the PE dumped to a temporary file), plus the
 *   golden model (instruction-level, not pipelined) on the compute loop for reference.
 * Fields: simulated cycles per second, CPI, instructions. Without VCD each workload runs
 * `--runs` times (default 3) on one warmed-up runner: `cyclesPerSecond` is the best run and
 * `medianCyclesPerSecond` the median, so that a busy shared machine disturbs the figure less.
 * Options: --cycles N (default 2000000), --runs N.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assemble, formatDiagnostic, writeElf } from "../riscv-asm/index.ts";
import { PeRunner, programFromElf, type LoadedProgram, type RunResult } from "../hw/pe/runner.ts";
import { GoldenModel } from "../hw/pe/iss.ts";

const COMPUTE = `
  .text
  .globl _start
_start:
  li s0, 0x7fffffff
  li a0, 0
  li a1, 1
  li a2, 3
loop:
  mul a3, a1, a2
  add a0, a0, a3
  xor a1, a1, a0
  slli a4, a1, 3
  srai a5, a4, 2
  sub a2, a5, a1
  andi a2, a2, 255
  or a2, a2, a1
  addi s0, s0, -1
  bnez s0, loop
  li a7, 93
  ecall
`;

const LOADBRANCH = `
  .text
  .globl _start
_start:
  # a ring of 256 nodes: next pointer and a value
  la t0, nodes
  li t1, 256
  li t2, 0
1:addi t3, t2, 37
  andi t3, t3, 255
  slli t3, t3, 3
  add t3, t3, t0
  slli t4, t2, 3
  add t4, t4, t0
  sw t3, 0(t4)
  sw t2, 4(t4)
  addi t2, t2, 1
  bne t2, t1, 1b
  li s0, 0x7fffffff
  mv a0, t0
  li a1, 0
walk:
  lw a2, 4(a0)
  andi a3, a2, 1
  beqz a3, even
  add a1, a1, a2
  j next
even:
  sub a1, a1, a2
  sw a1, 4(a0)
next:
  lw a0, 0(a0)
  addi s0, s0, -1
  bnez s0, walk
  li a7, 93
  ecall
  .bss
  .align 3
nodes: .space 2048
`;

function build(src: string, name: string): LoadedProgram {
  const r = assemble(src, { file: name });
  if (!r.ok || !r.program) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
  return programFromElf(writeElf(r.program));
}

function measure(name: string, prog: LoadedProgram, cycles: number, runs: number, vcdDir?: string): Record<string, string | number> {
  const runner = new PeRunner();
  runner.load(prog);
  runner.run(Math.min(100_000, cycles)); // warm-up: let V8 optimise
  const file = vcdDir !== undefined ? join(vcdDir, `${name}.vcd`) : undefined;
  const seconds: number[] = [];
  let r: RunResult | undefined;
  for (let i = 0; i < (file !== undefined ? 1 : runs); i++) {
    runner.load(prog);
    const tracer = file !== undefined ? runner.sim.trace(file, { gtkw: false }) : undefined;
    const t0 = performance.now();
    r = runner.run(cycles);
    seconds.push((performance.now() - t0) / 1000);
    tracer?.close();
  }
  if (r === undefined) throw new Error("no run");
  seconds.sort((a, b) => a - b);
  const best = seconds[0]!;
  const out: Record<string, string | number> = {
    name: `${name}${file ? "-vcd" : ""}`,
    cycles: r.cycles,
    instructions: r.retired,
    cpi: +r.cpi.toFixed(3),
    seconds: +best.toFixed(3),
    cyclesPerSecond: Math.round(r.cycles / best),
  };
  if (seconds.length > 1) {
    out["runs"] = seconds.length;
    out["medianCyclesPerSecond"] = Math.round(r.cycles / seconds[seconds.length >> 1]!);
  }
  if (file) out["vcdBytes"] = statSync(file).size;
  return out;
}

function golden(prog: LoadedProgram, steps: number): Record<string, string | number> {
  const g = new GoldenModel();
  for (const s of prog.segments) g.load(s.bytes, s.address);
  g.pc = prog.entry;
  g.run(100_000);
  const t0 = performance.now();
  g.run(steps);
  const seconds = (performance.now() - t0) / 1000;
  return { name: "golden-compute", instructions: steps, seconds: +seconds.toFixed(3), instructionsPerSecond: Math.round(steps / seconds) };
}

export async function main(args: string[]): Promise<void> {
  const i = args.indexOf("--cycles");
  const cycles = i >= 0 ? Number(args[i + 1]) : 2_000_000;
  const k = args.indexOf("--runs");
  const runs = k >= 0 ? Math.max(1, Number(args[k + 1])) : 3;
  const compute = build(COMPUTE, "compute.s");
  const mix = build(LOADBRANCH, "loadbranch.s");
  const dir = mkdtempSync(join(tmpdir(), "tsrtl-bench-core-"));
  try {
    console.log(JSON.stringify(measure("core-compute", compute, cycles, runs)));
    console.log(JSON.stringify(measure("core-loadbranch", mix, cycles, runs)));
    console.log(JSON.stringify(measure("core-compute", compute, Math.round(cycles / 4), 1, dir)));
    console.log(JSON.stringify(measure("core-loadbranch", mix, Math.round(cycles / 4), 1, dir)));
    console.log(JSON.stringify(golden(compute, cycles)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
