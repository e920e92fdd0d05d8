/**
 * `npm run bench -- <name> [args]`: runs bench/<name>.ts, which prints one JSON object per
 * line. With no name, runs every benchmark in this folder.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface Benchmark {
  /** Runs the benchmark, printing JSON lines; `args` are the extra command-line words. */
  main(args: string[]): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const names = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("_"))
  .map((f) => f.slice(0, -3))
  .sort();

const [name, ...rest] = process.argv.slice(2);
const chosen = name === undefined ? names : [name];
for (const n of chosen) {
  if (!names.includes(n)) {
    console.error(`bench: unknown benchmark '${n}' (have: ${names.join(", ")})`);
    process.exit(2);
  }
  const mod = (await import(pathToFileURL(join(here, `${n}.ts`)).href)) as Benchmark;
  await mod.main(rest);
}
