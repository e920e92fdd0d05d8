/**
 * `tsrtl cov merge a.json b.json ... -o all.json` and `tsrtl cov report all.json [--html dir] [--all]`.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { UsageError, optionValue, parseArgs } from "../command.ts";
import { mergeDbs, parseDb, serializeDb, totalScore, type CoverageDb } from "../../verif/coverage/db.ts";
import { textReport, writeHtmlReport } from "../../verif/coverage/report.ts";

export const summary = "merge coverage databases and report them (tsrtl cov merge a.json b.json -o all.json | cov report all.json --html dir)";

const USAGE = `usage: tsrtl cov merge FILE... -o OUT.json
       tsrtl cov report FILE... [--html DIR] [--all] [--min P]
  merge    adds the counts of every database (exact: the order does not matter)
  report   prints a text summary (holes first); --html writes DIR/index.html; --all lists every bin;
           --min P exits 1 when the total coverage is below P percent`;

function load(files: readonly string[]): CoverageDb[] {
  return files.map((f) => {
    let text: string;
    try {
      text = readFileSync(f, "utf8");
    } catch (e) {
      throw new UsageError(`cannot read ${f}: ${(e as Error).message}`);
    }
    try {
      return parseDb(text, f);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  });
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
    console.log(USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub === "merge") {
    const args = parseArgs(rest, { values: ["-o", "--output"], aliases: { "--output": "-o" } });
    const out = optionValue(args, "-o");
    if (out === undefined) throw new UsageError("cov merge: option -o (output file) is required");
    if (args.positional.length === 0) throw new UsageError("cov merge: no input files");
    let merged: CoverageDb;
    try {
      merged = mergeDbs(load(args.positional));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError((e as Error).message);
    }
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, serializeDb(merged));
    console.log(`merged ${args.positional.length} database(s), ${merged.runs} run(s): coverage ${totalScore(merged).toFixed(2)}% -> ${out}`);
    return 0;
  }
  if (sub === "report") {
    const args = parseArgs(rest, { flags: ["--all"], values: ["--html", "--min"] });
    if (args.positional.length === 0) throw new UsageError("cov report: no input files");
    let db: CoverageDb;
    try {
      db = mergeDbs(load(args.positional));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError((e as Error).message);
    }
    process.stdout.write(textReport(db, { allBins: args.options.has("--all") }));
    const html = optionValue(args, "--html");
    if (html !== undefined) console.log(`html report: ${writeHtmlReport(db, html)}`);
    const minText = optionValue(args, "--min");
    if (minText !== undefined) {
      const min = Number(minText);
      if (!(min >= 0 && min <= 100)) throw new UsageError(`option --min: expected a percentage, got '${minText}'`);
      return totalScore(db) + 1e-9 >= min ? 0 : 1;
    }
    return 0;
  }
  throw new UsageError(`unknown subcommand '${sub}' (merge, report)`);
}
