/** `tsrtl bench <name> [--json] [args]`: runs bench/<name>.ts (JSON lines on stdout). */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { UsageError } from "../command.ts";

export const summary = "run a benchmark from bench/ (kernel, asm, ...), printing JSON lines";

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv.filter((a) => a !== "--json");
  if (name === undefined) throw new UsageError("usage: tsrtl bench <name> [--json] [options]");
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new UsageError(`bad benchmark name '${name}'`);
  const file = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "bench", `${name}.ts`);
  if (!existsSync(file)) throw new UsageError(`no benchmark '${name}' (bench/${name}.ts)`);
  const mod = (await import(pathToFileURL(file).href)) as { main(args: string[]): Promise<void> };
  await mod.main(rest);
  return 0;
}
