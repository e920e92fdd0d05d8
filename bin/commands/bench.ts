/**
 * `tsrtl bench [name] [--json] [args]` (also `npm run bench -- name`): runs bench/<name>.ts, or
 * every benchmark there when no name is given. Each prints one JSON object per line.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { UsageError } from "../command.ts";

export const summary = "run benchmarks from bench/ (kernel, asm, core, noc, memory, verif, vcd), printing JSON lines";

/** What every bench/<name>.ts exports. */
interface Benchmark {
  main(args: string[]): Promise<void>;
}

const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "bench");

function benchmarkNames(): string[] {
  return readdirSync(benchDir)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => f.slice(0, -3))
    .sort();
}

export async function run(argv: string[]): Promise<number> {
  // --json is accepted for symmetry with other tools: the output is always JSON lines.
  const [name, ...rest] = argv.filter((a) => a !== "--json");
  const names = benchmarkNames();
  if (name !== undefined && !names.includes(name)) throw new UsageError(`no benchmark '${name}' (have: ${names.join(", ")})`);
  for (const n of name === undefined ? names : [name]) {
    const mod = (await import(pathToFileURL(join(benchDir, `${n}.ts`)).href)) as Benchmark;
    await mod.main(name === undefined ? [] : rest);
  }
  return 0;
}
