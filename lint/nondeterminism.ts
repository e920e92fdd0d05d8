/**
 * Randomness, wall-clock time and I/O in hardware sources (DESIGN.md section 3: "Hardware code
 * never calls Math.random, Date, or I/O"). Purely syntactic: a global name used as a value,
 * or an import of a Node module that does I/O. Type-only imports and type positions are fine.
 */
import { Node, SyntaxKind, type SourceFile } from "ts-morph";
import type { Report } from "./hardware.ts";
import { findDeclaration } from "./model.ts";

/** Node modules whose import in hardware code is I/O (or timers, randomness, processes). */
const IO_MODULES = new Set([
  "fs", "fs/promises", "net", "http", "https", "http2", "child_process", "dgram", "dns", "dns/promises", "tls", "os",
  "worker_threads", "cluster", "readline", "readline/promises", "inspector", "tty", "repl", "vm", "v8", "process", "module",
  "stream", "stream/promises",
]);
const NONDETERMINISTIC_MODULES = new Set(["crypto", "perf_hooks", "timers", "timers/promises", "async_hooks"]);

/** Global names that are nondeterministic as values. */
const NONDETERMINISTIC_GLOBALS: Record<string, string> = {
  Date: "Date (wall-clock time)",
  performance: "performance (wall-clock time)",
  setTimeout: "setTimeout (timer)",
  setInterval: "setInterval (timer)",
  setImmediate: "setImmediate (timer)",
  queueMicrotask: "queueMicrotask (asynchronous scheduling)",
  requestAnimationFrame: "requestAnimationFrame (timer)",
  crypto: "crypto (randomness)",
};
const IO_GLOBALS: Record<string, string> = {
  console: "console (I/O)",
  process: "process (environment and I/O)",
  fetch: "fetch (network I/O)",
  require: "require (dynamic loading)",
};

function moduleName(spec: string): string {
  return spec.startsWith("node:") ? spec.slice(5) : spec;
}

/** Whether the identifier is used as a value that names a global (not a property name, key, type, or local). */
function isGlobalValue(id: Node): boolean {
  const p = id.getParent();
  if (!p) return false;
  if (Node.isPropertyAccessExpression(p) && p.getNameNode() === id) return false;
  if ((Node.isPropertyAssignment(p) || Node.isPropertyDeclaration(p) || Node.isMethodDeclaration(p) || Node.isPropertySignature(p) || Node.isMethodSignature(p)) && p.getNameNode() === id) return false;
  if (Node.isGetAccessorDeclaration(p) || Node.isSetAccessorDeclaration(p) || Node.isEnumMember(p)) return false;
  if (Node.isQualifiedName(p) || Node.isTypeReference(p) || Node.isExpressionWithTypeArguments(p) || Node.isTypeQuery(p)) return false;
  if (Node.isImportSpecifier(p) || Node.isExportSpecifier(p) || Node.isImportClause(p) || Node.isNamespaceImport(p)) return false;
  if (Node.isVariableDeclaration(p) || Node.isParameterDeclaration(p) || Node.isFunctionDeclaration(p) || Node.isClassDeclaration(p)) return false;
  if (Node.isLabeledStatement(p) || Node.isBreakStatement(p) || Node.isContinueStatement(p)) return false;
  if (Node.isShorthandPropertyAssignment(p)) return findDeclaration(id, id.getText()) === undefined;
  return findDeclaration(id, id.getText()) === undefined && !declaredAtTop(id);
}

/** Imported or declared (class, enum) at the file's top level under the same name. */
function declaredAtTop(id: Node): boolean {
  const sf = id.getSourceFile();
  const name = id.getText();
  for (const imp of sf.getImportDeclarations()) {
    if (imp.getDefaultImport()?.getText() === name || imp.getNamespaceImport()?.getText() === name) return true;
    if (imp.getNamedImports().some((n) => (n.getAliasNode()?.getText() ?? n.getName()) === name)) return true;
  }
  return sf.getClass(name) !== undefined || sf.getEnum(name) !== undefined;
}

export function checkNondeterminism(sf: SourceFile, report: Report): void {
  for (const imp of sf.getImportDeclarations()) {
    if (imp.isTypeOnly()) continue;
    const named = imp.getNamedImports();
    if (named.length > 0 && named.every((n) => n.isTypeOnly()) && !imp.getDefaultImport() && !imp.getNamespaceImport()) continue;
    checkSpecifier(imp.getModuleSpecifierValue(), imp.getModuleSpecifier(), report);
  }
  for (const ex of sf.getExportDeclarations()) {
    const spec = ex.getModuleSpecifierValue();
    if (spec !== undefined && !ex.isTypeOnly()) checkSpecifier(spec, ex.getModuleSpecifier()!, report);
  }
  sf.forEachDescendant((n) => {
    if (Node.isCallExpression(n) && n.getExpression().getKind() === SyntaxKind.ImportKeyword) {
      const a = n.getArguments()[0];
      if (a && (Node.isStringLiteral(a) || Node.isNoSubstitutionTemplateLiteral(a))) checkSpecifier(a.getLiteralValue(), a, report);
      else report(n, "io-in-hardware", "dynamic import() in hardware code");
      return;
    }
    if (Node.isPropertyAccessExpression(n)) {
      const obj = n.getExpression();
      if (Node.isIdentifier(obj) && obj.getText() === "Math" && n.getName() === "random" && isGlobalValue(obj)) {
        report(n, "nondeterminism", "Math.random in hardware code (use a seeded generator in the testbench, or an LFSR in the design)");
      } else if (Node.isIdentifier(obj) && obj.getText() === "globalThis" && isGlobalValue(obj)) {
        const g = n.getName();
        if (NONDETERMINISTIC_GLOBALS[g] !== undefined) report(n, "nondeterminism", `globalThis.${g} in hardware code`);
        else if (IO_GLOBALS[g] !== undefined) report(n, "io-in-hardware", `globalThis.${g} in hardware code`);
      }
      return;
    }
    if (!Node.isIdentifier(n)) return;
    const name = n.getText();
    const nd = NONDETERMINISTIC_GLOBALS[name];
    const io = IO_GLOBALS[name];
    if (nd === undefined && io === undefined) return;
    if (!isGlobalValue(n)) return;
    if (nd !== undefined) report(n, "nondeterminism", `${nd} in hardware code: results must not depend on wall-clock time or unseeded randomness`);
    else if (name === "process") {
      const p = n.getParent();
      const member = p && Node.isPropertyAccessExpression(p) ? p.getName() : undefined;
      if (member === "hrtime" || member === "uptime" || member === "cpuUsage" || member === "memoryUsage") {
        report(n, "nondeterminism", `process.${member} (wall-clock time / host state) in hardware code`);
      } else report(n, "io-in-hardware", `${member ? `process.${member}` : "process"} (environment and I/O) in hardware code`);
    } else report(n, "io-in-hardware", `${io} in hardware code`);
  });
}

function checkSpecifier(spec: string, node: Node, report: Report): void {
  const m = moduleName(spec);
  if (IO_MODULES.has(m)) report(node, "io-in-hardware", `import of '${spec}' in hardware code (I/O belongs in testbenches, waveforms/ or bin/)`);
  else if (NONDETERMINISTIC_MODULES.has(m)) report(node, "nondeterminism", `import of '${spec}' in hardware code (time, timers or randomness)`);
}
