/**
 * Assembler benchmark: whole-process time of `tsrtl asm` and of GNU `as` on the same generated
 * 200,000-line program, measured in the same run. Prints JSON lines.
 *
 *   npm run bench -- asm [--lines N] [--runs N]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./lib/stats.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Deterministic program of `n` lines: code with labels, branches, pseudo-instructions, comments and data. */
export function generateProgram(n: number): string {
  const out: string[] = [".section .text.init,\"ax\",@progbits", ".globl _start", "_start:"];
  let s = 0x12345678;
  const rnd = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  const regs = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "t3", "t4", "t5", "t6"];
  const r = (): string => regs[rnd() % regs.length]!;
  let label = 0;
  const codeLines = Math.floor(n * 0.9);
  while (out.length < codeLines) {
    const k = rnd() % 20;
    switch (k) {
      case 0:
        out.push(`L${label++}:`);
        break;
      case 1:
        out.push(`    li ${r()}, ${(rnd() | 0) >> (rnd() % 24)}`);
        break;
      case 2:
        out.push(`    beq ${r()}, ${r()}, L${label + (rnd() % 4)}   # forward`);
        break;
      case 3:
        out.push(label > 0 ? `    bne ${r()}, ${r()}, L${label - 1 - (rnd() % Math.min(label, 4))}` : "    nop");
        break;
      case 4:
        out.push(`    lw ${r()}, ${(rnd() % 4096) - 2048}(${r()})`);
        break;
      case 5:
        out.push(`    sw ${r()}, ${(rnd() % 4096) - 2048}(${r()})`);
        break;
      case 6:
        out.push(`    add ${r()}, ${r()}, ${r()}`);
        break;
      case 7:
        out.push(`    addi ${r()}, ${r()}, ${(rnd() % 4096) - 2048}`);
        break;
      case 8:
        out.push(`    slli ${r()}, ${r()}, ${rnd() % 32}`);
        break;
      case 9:
        out.push(`    mul ${r()}, ${r()}, ${r()}`);
        break;
      case 10:
        out.push(`    la ${r()}, table`);
        break;
      case 11:
        out.push(`    csrr ${r()}, mstatus`);
        break;
      case 12:
        out.push(`    vadd.vv v${rnd() % 32}, v${rnd() % 32}, v${rnd() % 32}, v0.t`);
        break;
      case 13:
        out.push(`    vsetvli ${r()}, ${r()}, e32, m1, ta, ma`);
        break;
      case 14:
        out.push(`    # a comment line ${rnd()}`);
        break;
      case 15:
        out.push(`    mv ${r()}, ${r()} ; xor ${r()}, ${r()}, ${r()}`);
        break;
      case 16:
        out.push(`    jal ra, L${label + 1}`);
        break;
      case 17:
        out.push(`    amoadd.w ${r()}, ${r()}, (${r()})`);
        break;
      case 18:
        out.push(`    sub ${r()}, ${r()}, ${r()}`);
        break;
      default:
        out.push(`    andi ${r()}, ${r()}, ${rnd() % 2048}`);
    }
  }
  for (let i = label; i < label + 8; i++) out.push(`L${i}:`, "    nop");
  out.push("    ret", ".data", ".align 4", "table:");
  while (out.length < n) out.push(`    .word 0x${rnd().toString(16)}, ${rnd() % 1000}, table`);
  return out.join("\n") + "\n";
}

function time(cmd: string, args: readonly string[]): { ms: number; ok: boolean; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  return { ms, ok: r.status === 0, stderr: (r.stderr ?? "") + (r.error ? String(r.error) : "") };
}

export async function main(args: string[]): Promise<void> {
  const linesArg = args.indexOf("--lines");
  const runsArg = args.indexOf("--runs");
  const lines = linesArg >= 0 ? Number(args[linesArg + 1]) : 200_000;
  const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : 5;
  const dir = mkdtempSync(join(tmpdir(), "bench-asm-"));
  try {
    const src = join(dir, "big.s");
    writeFileSync(src, generateProgram(lines));
    const bytes = statSync(src).size;
    const ours: number[] = [];
    const gnu: number[] = [];
    // The installed command (bin/tsrtl.js), as users run it; its first run bundles the command.
    const tsrtl = [process.execPath, [join(root, "bin", "tsrtl.js"), "asm", src, "-o", join(dir, "ours.o"), "--format", "obj"]] as const;
    const gas = ["riscv64-unknown-elf-as", ["-march=rv32imav_zicsr_zifencei", "-mno-relax", src, "-o", join(dir, "gnu.o")]] as const;
    // warm-up (tsx compile cache, page cache)
    const w = time(tsrtl[0], tsrtl[1]);
    if (!w.ok) throw new Error(`tsrtl asm failed: ${w.stderr.slice(0, 2000)}`);
    const g = time(gas[0], gas[1]);
    if (!g.ok) throw new Error(`GNU as failed: ${g.stderr.slice(0, 2000)}`);
    for (let i = 0; i < runs; i++) {
      ours.push(time(tsrtl[0], tsrtl[1]).ms);
      gnu.push(time(gas[0], gas[1]).ms);
    }
    // runs alternate between the two tools so that machine load affects both alike
    const o = median(ours);
    const gm = median(gnu);
    const empty = join(dir, "empty.s");
    writeFileSync(empty, "nop\n");
    const startup = median(Array.from({ length: runs }, () => time(process.execPath, [join(root, "bin", "tsrtl.js"), "asm", empty, "-o", join(dir, "e.o")]).ms));
    console.log(JSON.stringify({ bench: "asm", tool: "tsrtl asm", lines, bytes, runs, ms: Math.round(o), min_ms: Math.round(Math.min(...ours)), ms_all: ours.map(Math.round) }));
    console.log(JSON.stringify({ bench: "asm", tool: "riscv64-unknown-elf-as", lines, bytes, runs, ms: Math.round(gm), min_ms: Math.round(Math.min(...gnu)), ms_all: gnu.map(Math.round) }));
    console.log(JSON.stringify({ bench: "asm", tool: "tsrtl asm (1-line file: Node start-up + bundled CLI)", runs, ms: Math.round(startup) }));
    console.log(JSON.stringify({ bench: "asm", metric: "ratio tsrtl/gnu (median whole-process time)", ratio: Number((o / gm).toFixed(2)), ratio_min: Number((Math.min(...ours) / Math.min(...gnu)).toFixed(2)), goal: 2 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
