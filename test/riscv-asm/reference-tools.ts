/**
 * Runs the reference tools (GNU binutils for riscv64-unknown-elf, LLVM). A missing tool is a
 * test failure, never a skip: CI installs them.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const GNU_AS = "riscv64-unknown-elf-as";
export const GNU_OBJDUMP = "riscv64-unknown-elf-objdump";
export const GNU_OBJCOPY = "riscv64-unknown-elf-objcopy";
export const GNU_READELF = "riscv64-unknown-elf-readelf";
export const LLVM_MC = "llvm-mc";

/** The -march GNU as is given: RV32IMA + Zicsr + Zifencei + V (Zve32x is a subset of V). */
export const GNU_MARCH = "-march=rv32imav_zicsr_zifencei";
export const LLVM_TRIPLE = ["-triple=riscv32", "-mattr=+m,+a,+v"];

export class ToolError extends Error {}

/** Runs a tool; throws (failing the test) when it is missing or fails. */
export function run(tool: string, args: readonly string[], input?: string): { stdout: string; stderr: string } {
  const r = spawnSync(tool, args, { input, encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.error) throw new ToolError(`reference tool '${tool}' could not be run (${r.error.message}); install binutils-riscv64-unknown-elf and llvm`);
  if (r.status !== 0) throw new ToolError(`${tool} ${args.join(" ")} failed (exit ${r.status}):\n${r.stderr.slice(0, 4000)}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** A scratch directory removed at process exit. */
export function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), "tsrtl-asm-"));
  process.once("exit", () => rmSync(d, { recursive: true, force: true }));
  return d;
}

const dir = scratch();
let n = 0;

export function tmpFile(name: string, content?: string | Uint8Array): string {
  const p = join(dir, `${n++}-${name}`);
  if (content !== undefined) writeFileSync(p, content);
  return p;
}

/** GNU as -> relocatable object path. */
export function gnuAssemble(source: string, extra: readonly string[] = []): string {
  const src = tmpFile("in.s", source);
  const obj = tmpFile("gnu.o");
  run(GNU_AS, [GNU_MARCH, "-mno-relax", ...extra, src, "-o", obj]);
  return obj;
}

/** GNU as expecting failure: returns stderr. */
export function gnuAssembleErrors(source: string): string {
  const src = tmpFile("in.s", source);
  const r = spawnSync(GNU_AS, [GNU_MARCH, "-mno-relax", src, "-o", tmpFile("gnu.o")], { encoding: "utf8" });
  if (r.error) throw new ToolError(`reference tool '${GNU_AS}' could not be run (${r.error.message})`);
  return r.stderr;
}

/** llvm-mc -> relocatable object path. */
export function llvmAssemble(source: string): string {
  const src = tmpFile("in.s", source);
  const obj = tmpFile("llvm.o");
  run(LLVM_MC, [...LLVM_TRIPLE, "-filetype=obj", src, "-o", obj]);
  return obj;
}

/** Contents of one section of an object (via objcopy -O binary). */
export function sectionBytes(obj: string, section: string): Uint8Array {
  const out = tmpFile("sec.bin");
  run(GNU_OBJCOPY, ["-O", "binary", `--only-section=${section}`, obj, out]);
  return new Uint8Array(readFileSync(out));
}

/** objdump output for a file. */
export function objdump(args: readonly string[], file: string): string {
  return run(GNU_OBJDUMP, [...args, file]).stdout;
}

/**
 * Disassembles words with GNU objdump: GNU as puts them in .text with `.insn` (so objdump
 * decodes them for RV32 + V), then `objdump -d`. Returns one normalised line per word:
 * mnemonic, a space, operands; `# comments` dropped; `3c <sym+0x3c>` targets as `0x3c`.
 */
export function objdumpWords(words: readonly number[], aliases: boolean): string[] {
  const src = words.map((w) => `.insn 0x${(w >>> 0).toString(16)}`).join("\n") + "\n";
  const obj = gnuAssemble(src);
  const out = run(GNU_OBJDUMP, ["-d", ...(aliases ? [] : ["-M", "no-aliases"]), obj]).stdout;
  const lines: string[] = [];
  for (const line of out.split("\n")) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f]+)\s+\t(.*)$/.exec(line);
    if (m) lines.push(normaliseObjdump(m[3]!));
  }
  return lines;
}

/** objdump instruction text -> our format (tab to space, no comment, bare hex targets). */
export function normaliseObjdump(text: string): string {
  return text
    .replace(/\s+#.*$/, "")
    .replace(/\t/, " ")
    .replace(/\b([0-9a-f]+) <[^>]*>/, "0x$1")
    .trimEnd();
}

export function words(bytes: Uint8Array): number[] {
  const out: number[] = [];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i + 4 <= bytes.length; i += 4) out.push(dv.getUint32(i, true));
  return out;
}
