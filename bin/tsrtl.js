#!/usr/bin/env node
/**
 * The installed `tsrtl` entry point.
 *
 * Fast path: each command is bundled once with esbuild into .tsrtl-cache/ (NAME.cjs or
 * NAME.mjs), with a manifest (NAME.json) of the files it was built from, their sizes and
 * modification times; a later run checks just those files (and this one, which holds the
 * build settings) and loads the one JavaScript file: Node start-up plus ~50 ms instead of
 * compiling dozens of modules through tsx. A change to any of them rebuilds the bundle; a new
 * file can only enter the bundle through an import added to one of them (imports name their
 * files in full, `./x.ts`, so a new file cannot change what an old import resolves to).
 * Commands whose code locates files through `import.meta.url` cannot move into a bundle, so
 * they (recorded as such in the manifest) and any failure to bundle take the normal path: the
 * TypeScript CLI under tsx.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const SELF = "bin/tsrtl.js";

/** [path relative to root, size, mtimeMs] of a file, or undefined when it is gone. */
function stamp(path) {
  try {
    const s = statSync(join(root, path));
    return [path, s.size, s.mtimeMs];
  } catch {
    return undefined;
  }
}

/** The manifest of a command's bundle when every file it lists is as it was at build time. */
function freshManifest(path) {
  let m;
  try {
    m = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
  if (!Array.isArray(m.inputs) || !["cjs", "esm", "tsx"].includes(m.format)) return undefined;
  for (const [p, size, mtime] of m.inputs) {
    const now = stamp(p);
    if (now === undefined || now[1] !== size || now[2] !== mtime) return undefined;
  }
  return m;
}

/** Writes a file whole or not at all (another process may be reading the cache). */
function writeAtomic(path, data) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * Bundles command `name`: as CommonJS when it imports nothing but Node's built-in modules
 * (loaded with require, some 15 ms less at start-up than a dynamic import of an ES module: no
 * asynchronous loader, no module linking), else as an ES module (a package may be ES-only),
 * as also when CommonJS cannot express the code (top-level await).
 */
async function buildCommand(name) {
  const { build } = await import("esbuild");
  const options = {
    stdin: {
      contents: `import * as cmd from "./bin/commands/${name}.ts"; import { runCommand } from "./bin/run-command.ts";
export default (argv) => runCommand(cmd, ${JSON.stringify(name)}, argv);`,
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    target: "node20",
    packages: "external",
    write: false,
    metafile: true,
    logLevel: "silent",
  };
  try {
    // "use strict": the sources are ES modules, always strict
    const cjs = await build({ ...options, format: "cjs", banner: { js: '"use strict";' } });
    const imports = Object.values(cjs.metafile.outputs).flatMap((o) => o.imports);
    if (imports.every((i) => !i.external || i.path.startsWith("node:"))) return { result: cjs, format: "cjs" };
  } catch {
    // not expressible as CommonJS: an ES module then
  }
  return { result: await build({ ...options, format: "esm" }), format: "esm" };
}

async function bundled(name) {
  if (!/^[a-z][a-z0-9-]*$/.test(name) || !existsSync(join(root, "bin", "commands", `${name}.ts`))) return undefined;
  const cache = join(root, ".tsrtl-cache");
  const manifestPath = join(cache, `${name}.json`);
  const file = (format) => join(cache, `${name}.${format === "cjs" ? "cjs" : "mjs"}`);
  let manifest = freshManifest(manifestPath);
  if (manifest === undefined || (manifest.format !== "tsx" && !existsSync(file(manifest.format)))) {
    mkdirSync(cache, { recursive: true });
    // this command's previous bundle, and those of the earlier naming (NAME-<16 hex digits>.*)
    const mine = new RegExp(`^${name}(-[0-9a-f]{16})?\\.`);
    for (const old of readdirSync(cache)) if (mine.test(old)) rmSync(join(cache, old), { force: true });
    const { result, format } = await buildCommand(name);
    const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.includes("node_modules") && !f.startsWith("<stdin>"));
    const tsxOnly = inputs.some((f) => readFileSync(join(root, f), "utf8").includes("import.meta"));
    // stamps taken after reading: a file edited during the build makes the next run rebuild
    manifest = { format: tsxOnly ? "tsx" : format, inputs: [SELF, ...inputs].map(stamp).filter((x) => x !== undefined) };
    if (!tsxOnly) writeAtomic(file(format), result.outputFiles[0].contents);
    writeAtomic(manifestPath, JSON.stringify(manifest));
  }
  if (manifest.format === "tsx") return undefined;
  const out = file(manifest.format);
  if (manifest.format === "cjs") return createRequire(import.meta.url)(out).default;
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
