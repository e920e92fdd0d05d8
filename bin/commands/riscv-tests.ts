/** `tsrtl riscv-tests <checkout>`: the official rv32ui/rv32um tests on the PE (bin/riscv-tests.ts). */
import { existsSync } from "node:fs";
import { optionValue, parseArgs, UsageError } from "../command.ts";
import { runOfficialTests } from "../riscv-tests.ts";

export const summary = "run the official riscv-tests rv32ui/rv32um on the PE: tsrtl riscv-tests <checkout> [--keep DIR] [--only a,b]";

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ["--keep", "--only"] });
  const root = args.positional[0];
  if (root === undefined || args.positional.length > 1) throw new UsageError("usage: tsrtl riscv-tests /path/to/riscv-tests [--keep DIR] [--only add,sb]");
  if (!existsSync(root)) throw new UsageError(`no riscv-tests checkout at '${root}'`);
  const only = optionValue(args, "--only");
  const keep = optionValue(args, "--keep");
  const options: { keep?: string; only?: ReadonlySet<string> } = {};
  if (keep !== undefined) options.keep = keep;
  if (only !== undefined) options.only = new Set(only.split(","));
  return (await runOfficialTests(root, options)) ? 0 : 1;
}
