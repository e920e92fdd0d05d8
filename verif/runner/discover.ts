/**
 * Suite discovery: every `*.suite.ts` file in the project (outside node_modules, out, and
 * folders named `fixtures`), named by its file stem: `verif/suites/fifo.suite.ts` is `fifo`.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface SuiteRef {
  name: string;
  /** Absolute path of the suite file. */
  file: string;
}

/** The project root (the folder holding package.json above this file). */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

const SKIP = new Set(["node_modules", "out", "fixtures", ".git"]);

export function discoverSuites(root = projectRoot): SuiteRef[] {
  const out: SuiteRef[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith(".")) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP.has(e.name)) walk(p);
      } else if (e.name.endsWith(".suite.ts")) out.push({ name: e.name.slice(0, -".suite.ts".length), file: p });
    }
  };
  walk(root);
  out.sort((a, b) => a.name.localeCompare(b.name) || a.file.localeCompare(b.file));
  return out;
}

/** Resolves a suite by name or by path; throws with the known names when not found or ambiguous. */
export function resolveSuite(nameOrPath: string, root = projectRoot): SuiteRef {
  if (nameOrPath.endsWith(".ts")) {
    const file = resolve(nameOrPath);
    if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`no suite file ${nameOrPath}`);
    const b = basename(file);
    return { name: b.endsWith(".suite.ts") ? b.slice(0, -".suite.ts".length) : b.slice(0, -3), file };
  }
  const all = discoverSuites(root);
  const hits = all.filter((s) => s.name === nameOrPath);
  if (hits.length === 0) throw new Error(`no suite named '${nameOrPath}' (suites: ${all.map((s) => s.name).join(", ") || "none"})`);
  if (hits.length > 1) throw new Error(`suite name '${nameOrPath}' is ambiguous: ${hits.map((h) => h.file).join(", ")}`);
  return hits[0]!;
}
