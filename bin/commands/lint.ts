/**
 * `tsrtl lint [paths...]`: design-rule checks of hardware sources (default hw/). Prints
 * `file:line:col rule message` per finding; exit 1 when there are findings, 2 on bad input.
 * The checker (and ts-morph) is imported lazily so `tsrtl help` stays fast.
 */
import { UsageError, parseArgs } from "../command.ts";

export const summary = "design-rule checks of hardware sources: tsrtl lint [paths...] (default hw/); --rules lists the rules";

const USAGE = `usage: tsrtl lint [--quiet] [PATH...]
  Checks the .ts files under each PATH (default: hw) and prints one line per finding:
    file:line:col rule message
  Exit status: 0 clean, 1 findings, 2 bad arguments or paths. See docs/lint.md.
  --rules   list the rules
  --quiet   no summary line on stderr`;

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { flags: ["--help", "--rules", "--quiet"], aliases: { "-h": "--help", "-q": "--quiet" } });
  const { lint, formatViolation, ruleList, LintInputError } = await import("../../lint/index.ts");
  if (args.options.has("--help")) {
    console.log(USAGE);
    return 0;
  }
  if (args.options.has("--rules")) {
    console.log(ruleList());
    return 0;
  }
  const paths = args.positional.length > 0 ? args.positional : ["hw"];
  const t0 = performance.now();
  let result;
  try {
    result = lint(paths);
  } catch (e) {
    if (e instanceof LintInputError) throw new UsageError(e.message);
    throw e;
  }
  const out = result.violations.map(formatViolation);
  if (out.length > 0) process.stdout.write(`${out.join("\n")}\n`);
  if (!args.options.has("--quiet")) {
    const files = new Set(result.violations.map((v) => v.file)).size;
    const ms = Math.round(performance.now() - t0);
    const what = out.length === 0 ? "no problems" : `${out.length} problem${out.length === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"}`;
    console.error(`tsrtl lint: ${what} (${result.files.length} file${result.files.length === 1 ? "" : "s"} checked, ${ms} ms)`);
  }
  return out.length > 0 ? 1 : 0;
}
