/**
 * Lockstep comparison of the pipeline's commit stream with the golden model: every
 * instruction the pipeline retires (WB) must be the next instruction the golden model retires,
 * with the same pc, instruction word, destination register and value. Traps and interrupts are
 * not commits; they show in the pc of the next commit and in the CSR values handlers read.
 * At the end, the exit and the register files must agree too.
 */
import { GoldenModel } from "./iss.ts";
import { PeRunner, formatCommit, type CommitRecord, type LoadedProgram, type RunResult } from "./runner.ts";

/** mcycle(h), cycle(h), time(h), mip. */
const TIMING_CSRS = new Set([0xb00, 0xb80, 0xc00, 0xc80, 0xc01, 0xc81, 0x344]);

export interface LockstepResult {
  ok: boolean;
  /** First difference, described; undefined when ok. */
  mismatch?: string;
  commits: number;
  result: RunResult;
  golden: GoldenModel;
}

/** Runs `program` on `runner` (built with `monitorCommits: true`) and on a fresh golden model. */
export function runLockstep(runner: PeRunner, program: LoadedProgram, maxCycles: number): LockstepResult {
  const g = new GoldenModel();
  for (const s of program.segments) g.load(s.bytes, s.address);
  g.pc = program.entry;
  g.tohostAddr = program.tohost ?? -1;
  g.tickTime = false;
  let mismatch: string | undefined;
  let commits = 0;
  const recent: string[] = [];
  runner.onCommit = (c: CommitRecord): void => {
    if (mismatch !== undefined) return;
    commits++;
    let guard = 0;
    do {
      g.step();
      guard++;
    } while (g.retired === 0 && guard < 64 && g.exit === undefined);
    const want: CommitRecord = { pc: g.lastPc, insn: g.lastInsn, rd: g.lastRd, value: g.lastRdValue };
    // Reads of cycle counters, time and mip depend on timing, not on the ISA: take the
    // pipeline's value (as co-simulation with Spike does for such CSRs).
    if (g.retired === 1 && (g.lastInsn & 0x7f) === 0x73 && ((g.lastInsn >>> 12) & 7) !== 0 && TIMING_CSRS.has(g.lastInsn >>> 20) && g.lastRd !== 0 && g.lastRd === c.rd) {
      g.x[c.rd] = c.value;
      g.lastRdValue = c.value;
      want.value = c.value;
    }
    const same = g.retired === 1 && want.pc === c.pc && want.insn === c.insn && want.rd === c.rd && (c.rd === 0 || want.value === c.value);
    const line = formatCommit(0, c);
    if (!same) {
      mismatch = `commit ${commits}: pipeline  ${line}\n${" ".repeat(String(commits).length + 9)}golden    ${g.retired === 1 ? formatCommit(0, want) : "(no retire: trap loop)"}\nlast commits:\n  ${recent.join("\n  ")}`;
    }
    recent.push(line);
    if (recent.length > 8) recent.shift();
  };
  runner.load(program);
  const result = runner.run(maxCycles);
  runner.onCommit = undefined;
  if (mismatch === undefined) {
    if (result.status === "timeout") mismatch = `pipeline timed out: ${result.message}`;
    else if (g.exit === undefined) mismatch = `pipeline ended (${result.message}) but the golden model did not`;
    else {
      const gv = g.exit.kind === "ecall" ? g.exit.code : g.exit.value;
      if ((g.exit.kind === "ecall") !== (result.status === "exit") || gv !== result.value) {
        mismatch = `exit differs: pipeline ${result.message}, golden ${JSON.stringify(g.exit)}`;
      }
    }
  }
  if (mismatch === undefined) {
    const rf = runner.pe.core.rf;
    for (let i = 1; i < 32; i++) {
      if (rf.get(i) !== g.x[i]) {
        mismatch = `x${i} differs at the end: pipeline 0x${rf.get(i).toString(16)}, golden 0x${g.x[i]!.toString(16)}`;
        break;
      }
    }
  }
  return { ok: mismatch === undefined, ...(mismatch !== undefined ? { mismatch } : {}), commits, result, golden: g };
}
