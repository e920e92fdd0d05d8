/**
 * Runs the official riscv-tests rv32ui and rv32um "-p" (physical memory) tests on the PE:
 * each test source from a riscv-tests checkout is preprocessed with the C preprocessor
 * (riscv64-unknown-elf-gcc -E -P, or cpp), with OUR environment header
 * (examples/riscv-tests-env/riscv_test.h: tohost protocol, TESTNUM = gp) and the
 * checkout's isa/macros/scalar/test_macros.h, assembled by our assembler, and run
 *  - through `tsrtl run` (bin/commands/run.ts: the command line's code path, default local store),
 *  - on the pipeline in three local-store configurations, the default one in lockstep with
 *    the golden model (commit by commit),
 *  - on the golden model (ISS) alone.
 * The test list is the checkout's isa/rv32ui/Makefrag and isa/rv32um/Makefrag
 * (rv32ui_sc_tests, rv32um_sc_tests), without the A-extension files (amo*, lrsc: rv32ua).
 *
 * When GNU binutils for RISC-V are installed (riscv64-unknown-elf-as/ld), each preprocessed
 * source is also assembled by GNU as (-mno-relax): our object's section contents must equal
 * GNU's (column "= GNU as"; a difference is an assembler bug, shown with both encodings), and
 * GNU's linked program runs on the pipeline and the golden model too (column "GNU-built"), which
 * tells a core bug from an assembler bug.
 *
 * `tsrtl riscv-tests /path/to/riscv-tests [--keep DIR] [--only a,b]` (bin/commands/riscv-tests.ts)
 * prints a PASS/FAIL table with cycles and exits 1 if anything failed. The riscv-tests sources
 * are public code that stays out of this repository, so CI cannot run them.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { assemble, disassemble, formatDiagnostic, readElf, writeElf, type ElfFile, type Program } from "../riscv-asm/index.ts";
import { PeRunner, programFromElf, runGolden, type LoadedProgram } from "../hw/pe/runner.ts";
import { runLockstep } from "../hw/pe/lockstep.ts";
import { run as tsrtlRun } from "./commands/run.ts";

/** Our environment header's directory (riscv_test.h). */
export const ENV_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "examples", "riscv-tests-env");

const SUITES = [
  { suite: "rv32ui", variable: "rv32ui_sc_tests" },
  { suite: "rv32um", variable: "rv32um_sc_tests" },
] as const;

export interface OfficialTest {
  /** rv32ui or rv32um. */
  suite: string;
  /** Test name (Makefrag entry), e.g. "add". */
  name: string;
  /** Source file in the checkout. */
  file: string;
}

/** Words of a Makefile variable assigned over `\`-continued lines, without `#` comments. */
function makefileList(text: string, variable: string): string[] | undefined {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => new RegExp(`^\\s*${variable}\\s*:?=`).test(l));
  if (start < 0) return undefined;
  const words: string[] = [];
  for (let i = start; i < lines.length; i++) {
    let line = lines[i]!;
    if (i === start) line = line.slice(line.indexOf("=") + 1);
    const cont = /\\\s*$/.test(line);
    const hash = line.indexOf("#");
    const body = (hash >= 0 ? line.slice(0, hash) : line).replace(/\\\s*$/, "");
    words.push(...body.split(/\s+/).filter((w) => w !== "" && w !== "\\"));
    if (!cont) break;
  }
  return words;
}

/** The rv32ui and rv32um tests of a checkout, as its Makefrags list them (A-extension files left out). */
export function listOfficialTests(root: string): OfficialTest[] {
  const out: OfficialTest[] = [];
  for (const { suite, variable } of SUITES) {
    const dir = join(root, "isa", suite);
    if (!existsSync(dir)) throw new Error(`${dir}: not found (is ${root} a riscv-tests checkout?)`);
    const frag = join(dir, "Makefrag");
    const names = existsSync(frag)
      ? makefileList(readFileSync(frag, "utf8"), variable)
      : readdirSync(dir).filter((f) => f.endsWith(".S")).map((f) => f.slice(0, -2)).sort();
    if (names === undefined) throw new Error(`${frag}: no ${variable} list`);
    for (const name of names) {
      if (/^amo/.test(name) || name === "lrsc") continue; // rv32ua
      out.push({ suite, name, file: join(dir, `${name}.S`) });
    }
  }
  return out;
}

let cppCommand: { cmd: string; args: string[] } | undefined;

/** The preprocessor command: $RISCV_CPP, else riscv64/riscv32-unknown-elf-gcc -E, else cpp. */
function preprocessorCommand(): { cmd: string; args: string[] } {
  cppCommand ??= findPreprocessor();
  return cppCommand;
}

function findPreprocessor(): { cmd: string; args: string[] } {
  const gccArgs = ["-E", "-P", "-march=rv32im", "-mabi=ilp32"];
  const fromEnv = process.env["RISCV_CPP"];
  if (fromEnv) return { cmd: fromEnv, args: /cpp$/.test(fromEnv) ? ["-P", "-x", "assembler-with-cpp", "-D__riscv", "-D__riscv_xlen=32"] : gccArgs };
  for (const gcc of ["riscv64-unknown-elf-gcc", "riscv32-unknown-elf-gcc"]) {
    if (spawnSync(gcc, ["--version"], { encoding: "utf8" }).status === 0) return { cmd: gcc, args: gccArgs };
  }
  return { cmd: "cpp", args: ["-P", "-x", "assembler-with-cpp", "-D__riscv", "-D__riscv_xlen=32"] };
}

/** C-preprocesses an assembly source (-P: no line markers) with these include directories and -D definitions. */
export function preprocess(file: string, includeDirs: readonly string[], defines: readonly string[] = []): string {
  const { cmd, args } = preprocessorCommand();
  const r = spawnSync(cmd, [...args, ...defines.map((d) => `-D${d}`), ...includeDirs.flatMap((d) => ["-I", d]), file], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${file} failed:\n${r.stderr}`);
  return r.stdout;
}

/** C-preprocesses one test source with our environment header and the checkout's test macros. */
export function preprocessTest(root: string, t: OfficialTest): string {
  return preprocess(t.file, [ENV_DIR, join(root, "isa", "macros", "scalar")]);
}

export interface RunSummary {
  /** "PASS", "FAIL test N", "TIMEOUT", ... */
  text: string;
  ok: boolean;
}

export interface OfficialResult {
  test: OfficialTest;
  /** The preprocessed source (written to `sourceFile`). */
  sourceFile: string;
  /** Assembly errors, if it did not assemble. */
  assembleError?: string;
  /** `tsrtl run file.s --quiet`: exit code (0 = pass). */
  cliExit?: number;
  /** Pipeline, default local store (latency 1, 4 banks), in lockstep with the golden model. */
  pipeline?: RunSummary;
  cycles?: number;
  retired?: number;
  /** First commit where the pipeline and the golden model differ. */
  lockstepMismatch?: string;
  /** Pipeline in the other local-store configurations. */
  otherConfigs?: { name: string; summary: RunSummary; cycles: number }[];
  /** Golden model alone. */
  iss?: RunSummary;
  issRetired?: number;
  /** Compared with GNU as: undefined = not compared, "" = same bytes, else the first difference. */
  gnuBytes?: string;
  /** GNU-assembled and linked program: pipeline (lockstep) and golden model. */
  gnuRun?: RunSummary;
  ok: boolean;
}

const MAX_CYCLES = 2_000_000;

function summarize(status: string, failedTest: number | undefined, message: string): RunSummary {
  if (status === "pass") return { text: "PASS", ok: true };
  if (status === "fail") return { text: `FAIL test ${failedTest}`, ok: false };
  if (status === "timeout") return { text: "TIMEOUT", ok: false };
  return { text: `${status.toUpperCase()} (${message})`, ok: false };
}

/** Runners reused across tests (building a PE compiles its blocks). */
export class OfficialTestRunner {
  private readonly lockstep = new PeRunner({ monitorCommits: true });
  private readonly configs = [
    { name: "L2/2 banks", runner: new PeRunner({ localStore: { latency: 2, banks: 2 } }) },
    { name: "L3/8 banks", runner: new PeRunner({ localStore: { latency: 3, banks: 8 } }) },
  ];

  /** `outDir`: where the preprocessed sources are written. `cli`: also run them through `tsrtl run`. */
  constructor(readonly root: string, readonly outDir: string, readonly cli = true) {
    mkdirSync(outDir, { recursive: true });
  }

  async run(t: OfficialTest): Promise<OfficialResult> {
    const sourceFile = join(this.outDir, `${t.suite}-p-${t.name}.s`);
    writeFileSync(sourceFile, preprocessTest(this.root, t));
    const res: OfficialResult = { test: t, sourceFile, ok: false };
    const a = assemble(readFileSync(sourceFile, "utf8"), { file: sourceFile, includeDirs: [dirname(sourceFile)] });
    if (!a.ok || a.program === undefined) {
      res.assembleError = a.diagnostics.map(formatDiagnostic).slice(0, 10).join("\n");
      return res;
    }
    const program: LoadedProgram = programFromElf(writeElf(a.program));
    if (this.cli) res.cliExit = await quietly(() => tsrtlRun([sourceFile, "--quiet", "--max-cycles", String(MAX_CYCLES)]));

    const ls = runLockstep(this.lockstep, program, MAX_CYCLES);
    res.pipeline = summarize(ls.result.status, ls.result.failedTest, ls.result.message);
    res.cycles = ls.result.cycles;
    res.retired = ls.result.retired;
    if (ls.mismatch !== undefined) res.lockstepMismatch = ls.mismatch;

    res.otherConfigs = this.configs.map((c) => {
      c.runner.load(program);
      const r = c.runner.run(MAX_CYCLES);
      return { name: c.name, summary: summarize(r.status, r.failedTest, r.message), cycles: r.cycles };
    });

    const g = runGolden(program, MAX_CYCLES);
    res.iss = summarize(g.result.status, g.result.failedTest, g.result.message);
    res.issRetired = g.result.retired;

    const gnu = gnuTools();
    if (gnu !== undefined) {
      const built = gnuBuild(gnu, sourceFile, this.outDir);
      if (typeof built === "string") {
        res.gnuBytes = `GNU as failed: ${built}`;
      } else {
        const ours = assemble(readFileSync(sourceFile, "utf8"), { file: sourceFile, includeDirs: [dirname(sourceFile)], output: "object" });
        res.gnuBytes = ours.ok && ours.program !== undefined ? compareObjects(ours.program, built.object) : "our assembler failed on the object output";
        const gp = programFromElf(built.elf);
        const gl = runLockstep(this.lockstep, gp, MAX_CYCLES);
        const gg = runGolden(gp, MAX_CYCLES);
        const pipe = summarize(gl.result.status, gl.result.failedTest, gl.result.message);
        const iss = summarize(gg.result.status, gg.result.failedTest, gg.result.message);
        res.gnuRun = pipe.ok && iss.ok && gl.mismatch === undefined
          ? { text: "PASS", ok: true }
          : { text: `pipeline ${pipe.text}${gl.mismatch !== undefined ? " (lockstep mismatch)" : ""}, ISS ${iss.text}`, ok: false };
      }
    }

    res.ok = (res.cliExit === undefined || res.cliExit === 0) && res.pipeline.ok && res.lockstepMismatch === undefined &&
      res.otherConfigs.every((c) => c.summary.ok) && res.iss.ok && (res.gnuBytes === undefined || res.gnuBytes === "") &&
      (res.gnuRun === undefined || res.gnuRun.ok);
    return res;
  }
}

let gnuFound: { as: string; ld: string } | null | undefined;

/** GNU as and ld for RISC-V, if installed ($RISCV_PREFIX, default riscv64-unknown-elf-). */
function gnuTools(): { as: string; ld: string } | undefined {
  if (gnuFound === undefined) gnuFound = findGnuTools() ?? null;
  return gnuFound ?? undefined;
}

function findGnuTools(): { as: string; ld: string } | undefined {
  const prefix = process.env["RISCV_PREFIX"] ?? "riscv64-unknown-elf-";
  const as = `${prefix}as`;
  const ld = `${prefix}ld`;
  if (spawnSync(as, ["--version"]).status !== 0 || spawnSync(ld, ["--version"]).status !== 0) return undefined;
  return { as, ld };
}

/** Our assembler's section order, at our text base: what GNU ld should produce to run the same program. */
const LINKER_SCRIPT = `OUTPUT_ARCH(riscv)
ENTRY(_start)
SECTIONS {
  . = 0x80000000;
  .text.init : { *(.text.init) }
  .text : { *(.text) }
  .rodata : { *(.rodata*) }
  .data : { *(.data) }
  .tohost : { *(.tohost) }
  .bss : { *(.bss) }
}
`;

/** Assembles with GNU as (-mno-relax, as our assembler always is) and links with GNU ld. */
function gnuBuild(gnu: { as: string; ld: string }, sourceFile: string, outDir: string): { object: ElfFile; elf: Uint8Array } | string {
  const obj = sourceFile.replace(/\.s$/, ".gnu.o");
  const exe = sourceFile.replace(/\.s$/, ".gnu.elf");
  const lds = join(outDir, "tsrtl-order.ld");
  if (!existsSync(lds)) writeFileSync(lds, LINKER_SCRIPT);
  const a = spawnSync(gnu.as, ["-march=rv32im_zicsr_zifencei", "-mabi=ilp32", "-mno-relax", "-o", obj, sourceFile], { encoding: "utf8" });
  if (a.status !== 0) return a.stderr.split("\n").slice(0, 5).join("\n");
  const l = spawnSync(gnu.ld, ["-m", "elf32lriscv", "-T", lds, "-o", exe, obj], { encoding: "utf8" });
  if (l.status !== 0) return l.stderr.split("\n").slice(0, 5).join("\n");
  return { object: readElf(new Uint8Array(readFileSync(obj))), elf: new Uint8Array(readFileSync(exe)) };
}

/** "" when every allocated section of GNU's object has the same contents in ours, else the first difference. */
function compareObjects(ours: Program, gnu: ElfFile): string {
  for (const gs of gnu.sections) {
    if (!gs.flags.alloc || gs.size === 0) continue;
    const os = ours.sections.find((s) => s.name === gs.name);
    if (os === undefined) return `section ${gs.name} missing`;
    if (gs.type === 8) { // SHT_NOBITS
      if (os.size !== gs.size) return `${gs.name}: size ${os.size}, GNU ${gs.size}`;
      continue;
    }
    const n = Math.max(os.bytes.length, gs.bytes.length);
    for (let i = 0; i < n; i += 4) {
      const word = (b: Uint8Array): number | undefined => (i + 4 <= b.length ? (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0 : undefined);
      const ow = word(os.bytes);
      const gw = word(gs.bytes);
      if (ow !== gw || (ow === undefined && os.bytes[i] !== gs.bytes[i])) {
        const show = (w: number | undefined): string => (w === undefined ? "(end)" : `${w.toString(16).padStart(8, "0")} ${gs.flags.exec ? disassemble(w, i) : ""}`.trimEnd());
        return `${gs.name}+0x${i.toString(16)}: ours ${show(ow)}, GNU ${show(gw)}`;
      }
    }
  }
  return "";
}

/** Runs `f` with console.error/log silenced (tsrtl run reports on stderr). */
async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const err = console.error;
  const log = console.log;
  console.error = (): void => {};
  console.log = (): void => {};
  try {
    return await f();
  } finally {
    console.error = err;
    console.log = log;
  }
}

/** The PASS/FAIL table: test, tsrtl run, pipeline (lockstep), other configurations, ISS, cycles, retired. */
export function formatTable(results: readonly OfficialResult[]): string {
  const rows: string[][] = [["test", "tsrtl run", "pipeline", "lockstep", "L2/2, L3/8", "ISS", "= GNU as", "GNU-built", "cycles", "retired", "CPI"]];
  for (const r of results) {
    const name = `${r.test.suite}-p-${r.test.name}`;
    if (r.assembleError !== undefined) {
      rows.push([name, "ASM ERROR", "-", "-", "-", "-", "-", "-", "-", "-", "-"]);
      continue;
    }
    const others = r.otherConfigs!.every((c) => c.summary.ok) ? "PASS" : r.otherConfigs!.map((c) => `${c.name}: ${c.summary.text}`).join("; ");
    rows.push([
      name,
      r.cliExit === undefined ? "-" : r.cliExit === 0 ? "PASS" : `exit ${r.cliExit}`,
      r.pipeline!.text,
      r.lockstepMismatch === undefined ? "ok" : "MISMATCH",
      others,
      r.iss!.text,
      r.gnuBytes === undefined ? "-" : r.gnuBytes === "" ? "same" : "DIFFERS",
      r.gnuRun === undefined ? "-" : r.gnuRun.ok ? "PASS" : "FAIL",
      String(r.cycles),
      String(r.retired),
      r.retired ? (r.cycles! / r.retired).toFixed(2) : "-",
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]): string => row.map((c, i) => (i >= 8 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  const passed = results.filter((r) => r.ok).length;
  return [fmt(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(fmt), "", `${passed}/${results.length} passed`].join("\n");
}

/** One line per check of a result (for test failure messages). */
export function describeResult(r: OfficialResult): string {
  const name = `${r.test.suite}-p-${r.test.name}`;
  if (r.assembleError !== undefined) return `${name}: does not assemble:\n${r.assembleError}`;
  return [
    `${name} (${r.sourceFile}):`,
    `  tsrtl run exit ${r.cliExit ?? "-"}; pipeline ${r.pipeline!.text}, lockstep ${r.lockstepMismatch === undefined ? "ok" : "MISMATCH"}; ` +
      `${r.otherConfigs!.map((c) => `${c.name} ${c.summary.text}`).join(", ")}; ISS ${r.iss!.text}`,
    `  vs GNU as: ${r.gnuBytes === undefined ? "not compared (no GNU binutils)" : r.gnuBytes === "" ? "same bytes" : r.gnuBytes}; ` +
      `GNU-built program: ${r.gnuRun === undefined ? "-" : r.gnuRun.text}`,
    ...(r.lockstepMismatch !== undefined ? [r.lockstepMismatch] : []),
  ].join("\n");
}

/** Details of the failures (assembly errors, lockstep mismatches). */
export function formatFailures(results: readonly OfficialResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    if (r.ok) continue;
    out.push(`--- ${r.test.suite}-p-${r.test.name} (${r.sourceFile})`);
    if (r.assembleError !== undefined) out.push(r.assembleError);
    if (r.lockstepMismatch !== undefined) out.push(r.lockstepMismatch);
    if (r.gnuBytes !== undefined && r.gnuBytes !== "") out.push(`assembler differs from GNU as: ${r.gnuBytes}`);
    if (r.gnuRun !== undefined && !r.gnuRun.ok) out.push(`GNU-built program: ${r.gnuRun.text}`);
    for (const c of r.otherConfigs ?? []) if (!c.summary.ok) out.push(`${c.name}: ${c.summary.text}`);
  }
  return out.join("\n");
}

/** Runs `tests` from the checkout at `root`; prints the table; true when every test passed. */
export async function runOfficialTests(root: string, options: { keep?: string; only?: ReadonlySet<string> } = {}): Promise<boolean> {
  const { keep, only } = options;
  const outDir = keep !== undefined ? resolve(keep) : mkdtempSync(join(tmpdir(), "tsrtl-riscv-tests-"));
  try {
    const tests = listOfficialTests(resolve(root)).filter((t) => only === undefined || only.has(t.name) || only.has(`${t.suite}-p-${t.name}`));
    const runner = new OfficialTestRunner(resolve(root), outDir);
    const results: OfficialResult[] = [];
    for (const t of tests) results.push(await runner.run(t));
    console.log(formatTable(results));
    const failures = formatFailures(results);
    if (failures !== "") console.log(`\n${failures}`);
    if (keep !== undefined) console.log(`\npreprocessed sources in ${outDir} (rerun one with: tsrtl run ${join(outDir, "<test>.s")} --trace)`);
    else if (failures !== "") console.log("\n(the files above are removed on exit: --keep DIR keeps them)");
    return results.length > 0 && results.every((r) => r.ok);
  } finally {
    if (keep === undefined) rmSync(outDir, { recursive: true, force: true });
  }
}
