/**
 * `tsrtl lint`: the design-rule checker for hardware sources (docs/lint.md).
 *
 * lint(paths) parses the given files (and, for class information only, the files they import
 * by relative path) with ts-morph, without type checking, and returns the findings sorted by
 * file, line and column. ts-morph is loaded here only: the simulator never imports this.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import type { Node } from "ts-morph";
import { HardwareChecker, type Report } from "./hardware.ts";
import { Model } from "./model.ts";
import { checkNondeterminism } from "./nondeterminism.ts";
import { RULES, type RuleName, type Violation } from "./rules.ts";
import { applySuppressions } from "./suppress.ts";

export { RULES, type RuleName, type Violation } from "./rules.ts";

/** A path that does not exist or holds no TypeScript source. */
export class LintInputError extends Error {}

export interface LintResult {
  violations: Violation[];
  /** Files checked, relative to cwd. */
  files: string[];
}

/** Every `.ts` file (not `.d.ts`) under the paths, sorted; throws LintInputError for a bad path. */
export function collectFiles(paths: readonly string[], cwd = process.cwd()): string[] {
  const out = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === "node_modules" || e.name.startsWith(".")) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && isSource(e.name)) out.add(p);
    }
  };
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new LintInputError(`${p}: no such file or directory`);
    }
    if (st.isDirectory()) {
      const before = out.size;
      walk(abs);
      if (out.size === before) throw new LintInputError(`${p}: no .ts files in this directory`);
    } else if (st.isFile()) {
      if (!p.endsWith(".ts")) throw new LintInputError(`${p}: not a TypeScript (.ts) file`);
      out.add(abs);
    } else throw new LintInputError(`${p}: not a file or directory`);
  }
  return [...out].sort();
}

function isSource(name: string): boolean {
  return name.endsWith(".ts") && !name.endsWith(".d.ts");
}

function display(abs: string, cwd: string): string {
  const r = relative(cwd, abs);
  return (r.startsWith("..") ? abs : r).split(sep).join("/");
}

/** Checks the hardware sources under `paths`. */
export function lint(paths: readonly string[], cwd = process.cwd()): LintResult {
  const files = collectFiles(paths, cwd);
  const model = new Model(files);
  const found = new Map<string, Violation[]>();
  const shown: string[] = [];
  const add = (v: Violation): void => {
    const list = found.get(v.file);
    if (list) list.push(v);
    else found.set(v.file, [v]);
  };
  // Findings are attributed to the file of the node; those in files only parsed for context are dropped.
  const report: Report = (node: Node, rule: RuleName, message: string) => {
    const sf = node.getSourceFile();
    if (!model.checked.has(sf)) return;
    const { line, column } = sf.getLineAndColumnAtPos(node.getStart());
    add({ file: display(sf.getFilePath(), cwd), line, col: column, rule, message });
  };
  const parsed = [];
  for (const abs of files) {
    const sf = model.project.getSourceFileOrThrow(abs);
    const file = display(abs, cwd);
    shown.push(file);
    found.set(file, []);
    const syntax = (sf.compilerNode as unknown as { parseDiagnostics?: { start?: number; messageText: unknown }[] }).parseDiagnostics ?? [];
    for (const d of syntax) {
      const { line, column } = sf.getLineAndColumnAtPos(d.start ?? 0);
      const text = typeof d.messageText === "string" ? d.messageText : "syntax error";
      add({ file, line, col: column, rule: "syntax-error", message: text });
    }
    if (syntax.length === 0) parsed.push(sf);
  }
  const hardware = new HardwareChecker(model, report);
  for (const sf of parsed) {
    checkNondeterminism(sf, report);
    hardware.checkFile(sf);
  }
  const all: Violation[] = [];
  for (const abs of files) {
    const file = display(abs, cwd);
    all.push(...applySuppressions(file, readFileSync(abs, "utf8"), dedupe(found.get(file)!)));
  }
  all.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)));
  return { violations: all, files: shown };
}

function dedupe(vs: Violation[]): Violation[] {
  const seen = new Set<string>();
  return vs.filter((v) => {
    const k = `${v.line}:${v.col}:${v.rule}:${v.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** `file:line:col rule message`. */
export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line}:${v.col} ${v.rule} ${v.message}`;
}

export function ruleList(): string {
  const width = Math.max(...Object.keys(RULES).map((k) => k.length));
  return Object.entries(RULES)
    .map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)
    .join("\n");
}
