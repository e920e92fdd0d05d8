/**
 * `tsrtl run prog.s|prog.elf [--max-cycles N] [--vcd out.vcd] [--vcd-scope S] [--vcd-window A:B]
 *  [--trace] [--latency L] [--banks N]`: assembles (if needed) and runs a program on one PE
 * cycle-accurately; prints cycles, instructions retired, CPI and stall cycles by cause. Exit
 * code: 0 pass, 1 fail (tohost), a0 for an ecall-93 exit, 124 at the cycle limit, 2 on errors.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, optionValue, intOption, UsageError } from "../command.ts";
import { assemble, formatDiagnostic, isElf, writeElf } from "../../riscv-asm/index.ts";
import { PeRunner, formatCommit, programFromElf, type RunResult } from "../../hw/pe/runner.ts";
import type { Pe } from "../../hw/pe/pe.ts";
import type { Bits, TraceOptions, ViewGroup } from "../../hw/rtl/index.ts";

export const summary = "run a RISC-V program (.s or .elf) on one PE, cycle-accurately; --trace, --vcd";

const USAGE =
  "usage: tsrtl run prog.s|prog.elf [--max-cycles N] [--vcd out.vcd] [--vcd-scope S] [--vcd-window A:B] [--trace]\n" +
  "                 [--latency L] [--banks N] [--quiet]";

/** The pipeline view of the .gtkw: PC and instruction of every stage (disassembled), stalls, flushes. */
export function pipelineViews(pe: Pe): ViewGroup[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const filter = [process.execPath, resolve(join(here, "..", "tsrtl.js")), "disasm", "--gtkw-filter"];
  const c = pe.core;
  /** A stage's valid, PC and instruction (disassembled by the filter). */
  const stage = (name: string, valid: Bits, pc: Bits, insn: Bits): ViewGroup["signals"] => [
    { signal: valid, alias: `${name} valid` },
    { signal: pc, alias: `${name} pc` },
    { signal: insn, processFilter: filter, alias: `${name} insn` },
  ];
  return [
    {
      name: "pipeline",
      signals: [
        { signal: c.i_req_addr, alias: "IF pc" },
        ...stage("ID", c.id_valid, c.id_pc, c.id_insn),
        ...stage("EX", c.ex_valid, c.ex_pc, c.ex_insn),
        ...stage("MEM", c.mem_valid, c.mem_pc, c.mem_insn),
        ...stage("WB", c.wb_valid, c.wb_pc, c.wb_insn),
        { signal: c.wb_rd, alias: "WB rd" },
        { signal: c.wb_data, alias: "WB data" },
      ],
    },
    {
      name: "stalls and flushes",
      signals: [
        { signal: c.stall_load_use, alias: "stall load-use" },
        { signal: c.stall_ex, alias: "stall EX (div/wfi)" },
        { signal: c.stall_mem, alias: "stall MEM (load data)" },
        { signal: c.i_req_ready, alias: "fetch granted" },
        { signal: c.flush, alias: "flush (EX redirect)" },
        { signal: c.id_redirect, alias: "ID predict redirect" },
        { signal: c.ex_trap, alias: "trap" },
        { signal: c.ex_cause, alias: "mcause" },
      ],
    },
    { name: "registers", signals: c.rf.entries.slice(1).map((x, i) => ({ signal: x, alias: `x${i + 1}` })) },
  ];
}

export function formatResult(r: RunResult): string {
  const lines = [
    r.message,
    `cycles               ${r.cycles}`,
    `instructions retired ${r.retired}`,
    `CPI                  ${r.cpi.toFixed(3)}`,
    "stall cycles by cause:",
    ...Object.entries(r.stalls).map(([k, v]) => `  ${k.padEnd(18)} ${v}`),
  ];
  return lines.join("\n");
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    flags: ["--trace", "--help", "--quiet"],
    values: ["--max-cycles", "--vcd", "--vcd-scope", "--vcd-window", "--latency", "--banks"],
  });
  if (args.options.has("--help")) {
    console.log(USAGE);
    return 0;
  }
  if (args.positional.length !== 1) throw new UsageError(`expected exactly one program file\n${USAGE}`);
  const file = args.positional[0]!;
  const maxCycles = intOption(args, "--max-cycles", 10_000_000);
  const latency = intOption(args, "--latency", 1);
  const banks = intOption(args, "--banks", 4);
  if (latency < 1) throw new UsageError("--latency: at least 1");
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (e) {
    console.error(`tsrtl run: cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 2;
  }
  let elf: Uint8Array;
  if (isElf(bytes)) {
    elf = bytes;
  } else {
    const r = assemble(new TextDecoder().decode(bytes), { file, includeDirs: [dirname(file)] });
    if (r.diagnostics.length > 0) process.stderr.write(r.diagnostics.map(formatDiagnostic).join("\n") + "\n");
    if (!r.ok || r.program === undefined) return 2;
    elf = writeElf(r.program);
  }
  let program;
  try {
    program = programFromElf(elf);
  } catch (e) {
    console.error(`tsrtl run: ${file}: ${(e as Error).message}`);
    return 2;
  }
  const trace = args.options.has("--trace");
  const vcd = optionValue(args, "--vcd");
  const runner = new PeRunner({ monitorCommits: trace, localStore: { latency, banks } });
  if (trace) {
    const out: string[] = [];
    runner.onCommit = (c) => {
      out.push(formatCommit(0, c));
      if (out.length >= 4096) {
        process.stdout.write(out.join("\n") + "\n");
        out.length = 0;
      }
    };
    runner.load(program);
    const flush = (): void => {
      if (out.length > 0) process.stdout.write(out.join("\n") + "\n");
      out.length = 0;
    };
    const result = runWith(runner, vcd, args, maxCycles);
    flush();
    return report(result, args.options.has("--quiet"), vcd);
  }
  runner.load(program);
  return report(runWith(runner, vcd, args, maxCycles), args.options.has("--quiet"), vcd);
}

function runWith(runner: PeRunner, vcd: string | undefined, args: ReturnType<typeof parseArgs>, maxCycles: number): RunResult {
  if (vcd === undefined) return runner.run(maxCycles);
  // A dozen cycles: enough to follow instructions through the five stages, with room for their text.
  const opts: TraceOptions & { views: ViewGroup[] } = { views: pipelineViews(runner.pe), viewCycles: 8 };
  const scope = args.options.get("--vcd-scope");
  if (scope) opts.scopes = scope;
  const win = optionValue(args, "--vcd-window");
  if (win !== undefined) {
    const m = /^(\d+):(\d+)$/.exec(win);
    if (m === null) throw new UsageError(`--vcd-window: expected A:B (cycles), got '${win}'`);
    opts.window = [Number(m[1]), Number(m[2])];
  }
  const tracer = runner.sim.trace(vcd, opts);
  try {
    return runner.run(maxCycles);
  } finally {
    tracer.close();
  }
}

function report(r: RunResult, quiet: boolean, vcd: string | undefined): number {
  const text = formatResult(r);
  if (!quiet) console.error(text + (vcd !== undefined ? `\nwaveform: ${vcd} (+ .gtkw)` : ""));
  else if (r.status !== "pass" && r.status !== "exit") console.error(r.message);
  return r.exitCode;
}
