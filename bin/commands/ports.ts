/** `tsrtl ports [paths] [--out file.md]`: port tables of the hardware classes, as Markdown. */
import { writeFileSync } from "node:fs";
import { optionValue, parseArgs, UsageError } from "../command.ts";

export const summary = "port tables of hardware classes as Markdown (for the docs): tsrtl ports [paths] [--out f.md]";

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ["--out"] });
  const paths = args.positional.length > 0 ? args.positional : ["hw"];
  // ts-morph is loaded only here: it costs seconds and stays out of simulation start-up.
  const { LintInputError } = await import("../../lint/index.ts");
  const { portTables, portsMarkdown } = await import("../../lint/ports.ts");
  let text: string;
  try {
    text = portsMarkdown(portTables(paths));
  } catch (e) {
    if (e instanceof LintInputError) throw new UsageError(e.message);
    throw e;
  }
  const out = optionValue(args, "--out");
  if (out === undefined) process.stdout.write(text);
  else writeFileSync(out, text);
  return 0;
}
