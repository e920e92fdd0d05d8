/**
 * The single-PE runner: loads an ELF (from our assembler) into the local store, runs the
 * pipeline, and ends on the RISC-V test conventions:
 *  - a store to the ELF symbol `tohost` of value v ends the run: v == 1 pass; odd v > 1 fail,
 *    failing test number v >> 1;
 *  - `ecall` with a7 = 93 while no trap handler is installed (mtvec = 0) ends it with exit code a0;
 *  - a cycle limit ends runaway programs.
 * No I/O here (hardware tree): the CLI (bin/commands/run.ts) reads files and prints.
 */
import { readElf } from "../../riscv-asm/index.ts";
import { Simulator, type TraceOptions } from "../rtl/index.ts";
import { GoldenModel } from "./iss.ts";
import { Pe, type PeOptions } from "./pe.ts";
import { LS_BASE, LS_SIZE } from "./rv32.ts";

export interface LoadedProgram {
  readonly segments: readonly { address: number; bytes: Uint8Array }[];
  readonly entry: number;
  /** Address of `tohost`, if the program has one. */
  readonly tohost: number | undefined;
}

/** Reads the loadable segments, entry and `tohost` of an ELF image. */
export function programFromElf(elf: Uint8Array): LoadedProgram {
  const f = readElf(elf);
  const segments: { address: number; bytes: Uint8Array }[] = [];
  for (const s of f.segments) {
    if (s.type !== 1 || s.memsz === 0) continue; // PT_LOAD
    const bytes = new Uint8Array(s.memsz);
    bytes.set(s.bytes.subarray(0, Math.min(s.bytes.length, s.memsz)));
    const address = s.paddr >>> 0;
    const off = (address - LS_BASE) >>> 0;
    if (off + s.memsz > LS_SIZE) {
      throw new Error(`segment at 0x${address.toString(16)} (${s.memsz} bytes) does not fit in the local store 0x${LS_BASE.toString(16)}..0x${(LS_BASE + LS_SIZE).toString(16)}`);
    }
    segments.push({ address, bytes });
  }
  const t = f.symbol("tohost");
  return { segments, entry: f.entry >>> 0, tohost: t === undefined ? undefined : t.value >>> 0 };
}

export type RunStatus = "pass" | "fail" | "exit" | "timeout" | "error";

export interface RunResult {
  status: RunStatus;
  /** Process exit code: 0 pass, 1 fail, a0 & 255 for ecall exit, 124 timeout, 2 error. */
  exitCode: number;
  /** For `fail`: the failing test number (tohost >> 1). */
  failedTest?: number;
  /** The raw tohost value or ecall a0. */
  value?: number;
  message: string;
  cycles: number;
  retired: number;
  cpi: number;
  stalls: Record<string, number>;
}

export interface CommitRecord {
  pc: number;
  insn: number;
  rd: number;
  value: number;
}

/** Spike commit-log style line: `core 0: 0x80000104 (0x00a50533) x10 0x00000007`. */
export function formatCommit(hart: number, c: CommitRecord): string {
  const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, "0")}`;
  return `core ${hart}: ${hex(c.pc)} (${hex(c.insn)})${c.rd !== 0 ? ` x${c.rd} ${hex(c.value)}` : ""}`;
}

export interface RunnerOptions extends PeOptions {
  /** Install the per-cycle commit monitor (calls `runner.onCommit` for every retired instruction). */
  monitorCommits?: boolean;
  /** VCD trace of the run. */
  vcd?: { file: string; options?: TraceOptions };
}

/** One PE, reusable across programs (`load`, then `run`). */
export class PeRunner {
  readonly pe: Pe;
  readonly sim: Simulator;
  private program: LoadedProgram | undefined;
  /** Called for every retired instruction when built with `monitorCommits` (the record is reused). */
  onCommit: ((c: CommitRecord) => void) | undefined;

  constructor(readonly options: RunnerOptions = {}) {
    this.pe = new Pe(null, "pe", options);
    this.sim = new Simulator(this.pe);
    const core = this.pe.core;
    if (options.monitorCommits) {
      const rec: CommitRecord = { pc: 0, insn: 0, rd: 0, value: 0 };
      this.sim.onCycle(() => {
        if (core.wb_valid.value === 1) {
          rec.pc = core.wb_pc.value;
          rec.insn = core.wb_insn.value;
          rec.rd = core.wb_rd.value;
          rec.value = core.wb_data.value;
          if (this.onCommit) this.onCommit(rec);
        }
      });
    }
  }

  /** Loads a program image (clears the local store first) and resets the PE. */
  load(program: LoadedProgram): void {
    this.program = program;
    const ls = this.pe.ls;
    ls.clear();
    for (const s of program.segments) ls.loadBytes(s.address, s.bytes);
    this.sim.poke(this.pe.tohost_addr, program.tohost ?? 0);
    this.sim.reset(1);
    this.sim.poke(this.pe.core.if_pc, program.entry);
    const st = this.pe.core.stats;
    for (const k of Object.keys(st) as (keyof typeof st)[]) st[k] = 0;
  }

  /** Runs until an exit convention or `maxCycles`. */
  run(maxCycles: number): RunResult {
    if (this.program === undefined) throw new Error("PeRunner.run: no program loaded");
    const core = this.pe.core;
    const sim = this.sim;
    const st = core.stats;
    const chunk = 1024;
    let start = sim.cycle;
    if (this.options.vcd) {
      const t = this.options.vcd;
      sim.trace(t.file, t.options ?? {});
    }
    while (core.halt_r.value === 0 && sim.cycle - start < maxCycles) {
      sim.step(Math.min(chunk, maxCycles - (sim.cycle - start)));
    }
    if (core.halt_r.value === 1) sim.step(4); // drain MEM and WB
    if (this.options.vcd) sim.close();
    start = 0;
    const stalls = {
      "load-use": st.stallLoadUse,
      memory: st.stallMemory,
      divide: st.stallDivide,
      wfi: st.stallWfi,
      fetch: st.stallFetch,
      "branch-flush": st.flushBranch,
      "predict-redirect": st.flushPredict,
    };
    const base = { cycles: st.cycles, retired: st.retired, cpi: st.retired === 0 ? 0 : st.cycles / st.retired, stalls };
    if (core.halt_r.value === 0) {
      return { ...base, status: "timeout", exitCode: 124, message: `cycle limit reached: ${maxCycles} cycles without an exit (pc in EX 0x${core.ex_pc.value.toString(16)}); raise it with --max-cycles` };
    }
    const kind = core.exit_kind_r.value;
    const v = core.exit_value_r.value;
    if (kind === 2) return { ...base, status: "exit", exitCode: v & 255, value: v, message: `exit code ${v | 0} (ecall 93)` };
    if (v === 1) return { ...base, status: "pass", exitCode: 0, value: v, message: "PASS (tohost = 1)" };
    if ((v & 1) === 1) return { ...base, status: "fail", exitCode: 1, value: v, failedTest: v >>> 1, message: `FAIL: test ${v >>> 1} (tohost = 0x${v.toString(16)})` };
    return { ...base, status: "error", exitCode: 2, value: v, message: `unsupported tohost value 0x${v.toString(16)} (even: a host call)` };
  }
}

/** Runs a program on the golden model with the same conventions. */
export function runGolden(program: LoadedProgram, maxSteps: number): { model: GoldenModel; result: Omit<RunResult, "cycles" | "cpi" | "stalls"> & { retired: number } } {
  const m = new GoldenModel();
  for (const s of program.segments) m.load(s.bytes, s.address);
  m.pc = program.entry;
  m.tohostAddr = program.tohost ?? -1;
  const exit = m.run(maxSteps);
  const retired = m.instret;
  if (exit === undefined) return { model: m, result: { status: "timeout", exitCode: 124, message: `step limit ${maxSteps} reached`, retired } };
  if (exit.kind === "ecall") return { model: m, result: { status: "exit", exitCode: exit.code & 255, value: exit.code, message: `exit code ${exit.code | 0}`, retired } };
  const v = exit.value;
  if (v === 1) return { model: m, result: { status: "pass", exitCode: 0, value: v, message: "PASS", retired } };
  if (v & 1) return { model: m, result: { status: "fail", exitCode: 1, value: v, failedTest: v >>> 1, message: `FAIL: test ${v >>> 1}`, retired } };
  return { model: m, result: { status: "error", exitCode: 2, value: v, message: `tohost 0x${v.toString(16)}`, retired } };
}
