/**
 * `tsrtl disasm file.elf|file.bin [--no-aliases] [--base ADDR]`, and
 * `tsrtl disasm --gtkw-filter`: a GTKWave process filter (hex word per line in, one line out).
 */
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs, optionValue, UsageError } from "../command.ts";
import { binaryListing, isElf, objdumpListing, readElf, tryDisassemble, ElfError } from "../../riscv-asm/index.ts";

export const summary = "disassemble a RISC-V ELF file or flat binary (objdump style); --gtkw-filter for GTKWave";

/** One GTKWave filter line: a hex word (leading zeros allowed) -> disassembly; anything else unchanged. */
export function filterLine(line: string, aliases: boolean): string {
  const t = line.trim();
  if (!/^(0x)?[0-9a-fA-F]{1,8}$/.test(t)) return line;
  const w = parseInt(t.replace(/^0x/i, ""), 16) >>> 0;
  return tryDisassemble(w, 0, { aliases }) ?? line;
}

async function gtkwFilter(aliases: boolean): Promise<number> {
  const rl = createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
  for await (const line of rl) {
    await new Promise<void>((resolve) => process.stdout.write(filterLine(line, aliases) + "\n", () => resolve()));
  }
  return 0;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { flags: ["--no-aliases", "--gtkw-filter", "--help"], values: ["--base"] });
  const aliases = !args.options.has("--no-aliases");
  if (args.options.has("--help")) {
    console.log("usage: tsrtl disasm file.elf|file.bin [--no-aliases] [--base ADDR]\n       tsrtl disasm --gtkw-filter   (GTKWave translate filter: hex words on stdin)");
    return 0;
  }
  if (args.options.has("--gtkw-filter")) {
    if (args.positional.length > 0) throw new UsageError("--gtkw-filter reads standard input and takes no file");
    return gtkwFilter(aliases);
  }
  if (args.positional.length !== 1) throw new UsageError("expected exactly one input file");
  const file = args.positional[0]!;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (e) {
    console.error(`tsrtl disasm: cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 1;
  }
  try {
    if (isElf(bytes)) {
      process.stdout.write(`${file}:     file format elf32-littleriscv\n\n` + objdumpListing(readElf(bytes), { aliases }));
    } else {
      const baseText = optionValue(args, "--base") ?? "0";
      const base = /^0x[0-9a-f]+$/i.test(baseText) ? parseInt(baseText, 16) : /^\d+$/.test(baseText) ? parseInt(baseText, 10) : NaN;
      if (!Number.isSafeInteger(base)) throw new UsageError(`--base: expected an address, got '${baseText}'`);
      process.stdout.write(binaryListing(bytes, base, { aliases }));
    }
  } catch (e) {
    if (e instanceof ElfError) {
      console.error(`tsrtl disasm: ${file}: ${e.message}`);
      return 1;
    }
    throw e;
  }
  return 0;
}
