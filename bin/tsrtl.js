#!/usr/bin/env node
// Installed entry point (`npx tsrtl`, `npm i -g`): re-runs the TypeScript CLI under tsx's loader,
// resolved from this package so it works from any directory.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
const here = dirname(fileURLToPath(import.meta.url));
const tsx = import.meta.resolve("tsx");
const r = spawnSync(process.execPath, ["--import", tsx, join(here, "tsrtl.ts"), ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(r.status ?? 1);
