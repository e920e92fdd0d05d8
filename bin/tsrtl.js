#!/usr/bin/env node
/**
 * The installed `tsrtl` entry point.
 *
 * Fast path: each command is bundled once with esbuild into .tsrtl-cache/, keyed by the size
 * and mtime of every TypeScript source, and later runs load that one JavaScript file (Node
 * start-up plus ~50 ms instead of compiling dozens of modules through tsx). Commands whose
 * code locates files through `import.meta.url` cannot move into a bundle, so they, and any
 * failure to bundle, take the normal path: the TypeScript CLI under tsx.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE_DIRS = ["bin", "hw", "riscv-asm", "waveforms", "verif", "lint", "workloads", "bench"];

function sourceKey() {
  const h = createHash("sha1");
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) {
        const s = statSync(p);
        h.update(`${p}:${s.size}:${s.mtimeMs}\n`);
      }
    }
  };
  for (const d of SOURCE_DIRS) walk(join(root, d));
  return h.digest("hex").slice(0, 16);
}

async function bundled(name) {
  if (!/^[a-z][a-z0-9-]*$/.test(name) || !existsSync(join(root, "bin", "commands", `${name}.ts`))) return undefined;
  const cache = join(root, ".tsrtl-cache");
  const key = sourceKey();
  const out = join(cache, `${name}-${key}.mjs`);
  const refused = join(cache, `${name}-${key}.tsx-only`);
  if (existsSync(refused)) return undefined;
  if (!existsSync(out)) {
    const { build } = await import("esbuild");
    mkdirSync(cache, { recursive: true });
    for (const old of readdirSync(cache)) if (old.startsWith(`${name}-`)) rmSync(join(cache, old), { force: true });
    const result = await build({
      stdin: {
        contents: `import * as cmd from "./bin/commands/${name}.ts"; import { runCommand } from "./bin/run-command.ts";
export default (argv) => runCommand(cmd, ${JSON.stringify(name)}, argv);`,
        resolveDir: root,
        loader: "ts",
      },
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.includes("node_modules") && !f.startsWith("<stdin>"));
    if (inputs.some((f) => readFileSync(join(root, f), "utf8").includes("import.meta"))) {
      writeFileSync(refused, "");
      return undefined;
    }
    writeFileSync(out, result.outputFiles[0].contents);
  }
  return (await import(pathToFileURL(out).href)).default;
}

const [name, ...rest] = process.argv.slice(2);
let run;
try {
  run = name === undefined ? undefined : await bundled(name);
} catch {
  run = undefined; // no esbuild or a build error: the tsx path reports any real problem
}
if (run !== undefined) {
  process.exitCode = await run(rest);
} else {
  const tsx = import.meta.resolve("tsx");
  const r = spawnSync(process.execPath, ["--import", tsx, join(root, "bin", "tsrtl.ts"), ...process.argv.slice(2)], { stdio: "inherit" });
  process.exitCode = r.status ?? 1;
}
