/**
 * `tsrtl asm in.s -o out.elf [--format elf|obj|bin|hex] [--listing out.lst] [--map out.map]
 *  [-I dir] [--defsym NAME=VALUE] [--text-base ADDR] [--section-start NAME=ADDR] [--max-errors N]`
 */
import { writeFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { parseArgs, optionValue, UsageError } from "../command.ts";
// the modules themselves, not index.ts: a bundle of this command then leaves out the
// disassembler, whose tables would be built at every start for nothing
import { assemble } from "../../riscv-asm/assemble.ts";
import { formatDiagnostic } from "../../riscv-asm/diagnostics.ts";
import { writeElf } from "../../riscv-asm/elf-writer.ts";
import { formatListing, formatSymbolMap } from "../../riscv-asm/listing.ts";
import { toBinary, toHex } from "../../riscv-asm/output.ts";
import { readText } from "../../riscv-asm/read-text.ts";

export const summary = "assemble RISC-V source (GNU as syntax) to ELF, object, flat binary or $readmemh hex";

const FORMATS = ["elf", "obj", "bin", "hex"] as const;
type Format = (typeof FORMATS)[number];

function parseNumber(text: string, what: string): number {
  const t = text.trim();
  const neg = t.startsWith("-");
  const body = neg ? t.slice(1) : t;
  const v = /^0x[0-9a-f]+$/i.test(body) ? parseInt(body, 16) : /^0b[01]+$/i.test(body) ? parseInt(body.slice(2), 2) : /^\d+$/.test(body) ? parseInt(body, 10) : NaN;
  if (!Number.isSafeInteger(v)) throw new UsageError(`${what}: expected a number, got '${text}'`);
  return neg ? -v : v;
}

function nameValue(text: string, what: string): [string, number] {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new UsageError(`${what}: expected NAME=VALUE, got '${text}'`);
  return [text.slice(0, eq), parseNumber(text.slice(eq + 1), what)];
}

/**
 * One pass over a large input is over before V8's optimizing compiler, tuned for long-running
 * programs, earns back what it spends on large inlined graphs. A smaller inlining budget
 * (V8's default is 920 bytes of bytecode) made the compiler's background work, most of what
 * this command spends beyond the assembler's own work when the machine's cores are busy,
 * much cheaper (about a fifth less CPU in all); a smaller interrupt budget (V8: 67584) has the
 * functions that only some lines use (labels, `li`, `la`, data...) optimized after fewer of
 * them. Both are heuristics V8 reads when it decides and compiles, after this is set.
 */
const V8_FLAGS = "--max-inlined-bytecode-size-cumulative=200 --interrupt-budget=30000";

export async function run(argv: string[]): Promise<number> {
  setFlagsFromString(V8_FLAGS);
  const args = parseArgs(argv, {
    values: ["-o", "--format", "--listing", "--map", "-I", "--defsym", "--text-base", "--section-start", "--max-errors"],
    flags: ["--help"],
    aliases: { "--output": "-o", "--include": "-I" },
  });
  if (args.options.has("--help")) {
    console.log("usage: tsrtl asm in.s [-o out] [--format elf|obj|bin|hex] [--listing out.lst] [--map out.map] [-I dir] [--defsym NAME=VALUE] [--text-base ADDR] [--section-start NAME=ADDR]");
    return 0;
  }
  if (args.positional.length !== 1) throw new UsageError("expected exactly one input file (use - for standard input)");
  const input = args.positional[0]!;
  const format = (optionValue(args, "--format") ?? "elf") as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format: expected one of ${FORMATS.join(", ")}, got '${format}'`);
  const output = optionValue(args, "-o") ?? input.replace(/\.[sS]$/, "") + (format === "elf" ? ".elf" : format === "obj" ? ".o" : format === "bin" ? ".bin" : ".hex");
  const defsym: Record<string, number> = {};
  for (const d of args.options.get("--defsym") ?? []) {
    const [k, v] = nameValue(d, "--defsym");
    defsym[k] = v;
  }
  const sectionStart: Record<string, number> = {};
  for (const d of args.options.get("--section-start") ?? []) {
    const [k, v] = nameValue(d, "--section-start");
    sectionStart[k] = v;
  }
  const textBase = optionValue(args, "--text-base");
  const maxErrors = optionValue(args, "--max-errors");

  let source: string;
  try {
    source = readText(input === "-" ? 0 : input);
  } catch (e) {
    console.error(`tsrtl asm: cannot read '${input}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 1;
  }
  const listingPath = optionValue(args, "--listing");
  const result = assemble(source, {
    file: input === "-" ? "<stdin>" : input,
    includeDirs: args.options.get("-I") ?? [],
    defsym,
    output: format === "obj" ? "object" : "executable",
    listing: listingPath !== undefined,
    sectionStart,
    ...(textBase !== undefined ? { textBase: parseNumber(textBase, "--text-base") } : {}),
    ...(maxErrors !== undefined ? { maxErrors: parseNumber(maxErrors, "--max-errors") } : {}),
  });
  if (result.diagnostics.length > 0) process.stderr.write(result.diagnostics.map(formatDiagnostic).join("\n") + "\n");
  if (!result.ok || result.program === undefined) return 1;
  const program = result.program;
  try {
    if (format === "elf") writeFileSync(output, writeElf(program), { mode: 0o755 }); // executable, as ld makes it
    else if (format === "obj") writeFileSync(output, writeElf(program));
    else if (format === "bin") writeFileSync(output, toBinary(program).bytes);
    else writeFileSync(output, toHex(program));
    if (listingPath !== undefined) writeFileSync(listingPath, formatListing(result.listing ?? []));
    const mapPath = optionValue(args, "--map");
    if (mapPath !== undefined) writeFileSync(mapPath, formatSymbolMap(program));
  } catch (e) {
    console.error(`tsrtl asm: ${(e as Error).message}`);
    return 1;
  }
  return 0;
}
