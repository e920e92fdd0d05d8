/**
 * Inline suppressions. Each names the rules it silences and says why:
 *
 *   // tsrtl-lint-disable-next-line io-in-hardware -- the tracer writes VCD files by design
 *   foo(); // tsrtl-lint-disable-line nondeterminism -- reason
 *   // tsrtl-lint-disable-file comb-declared-unused -- reason      (anywhere in the file)
 *
 * A suppression without a known rule or without a reason is itself a finding
 * (bad-suppression), and so is one that silences nothing (unused-suppression).
 */
import { isRuleName, type RuleName, type Violation } from "./rules.ts";

interface Suppression {
  line: number;
  col: number;
  scope: "next-line" | "line" | "file";
  rules: RuleName[];
  used: Set<RuleName>;
}

const PATTERN = /(\/\/|\/\*)\s*tsrtl-lint-disable(-next-line|-line|-file)?(?![\w-])([^\n]*?)(\*\/|$)/;

export function applySuppressions(file: string, text: string, violations: readonly Violation[]): Violation[] {
  const sups: Suppression[] = [];
  const problems: Violation[] = [];
  const lines = text.split("\n");
  lines.forEach((lineText, i) => {
    const m = PATTERN.exec(lineText);
    if (!m) return;
    const line = i + 1;
    const col = m.index + 1;
    const bad = (message: string): void => {
      problems.push({ file, line, col, rule: "bad-suppression", message });
    };
    if (!m[2]) {
      bad("write tsrtl-lint-disable-next-line, tsrtl-lint-disable-line or tsrtl-lint-disable-file, then the rule(s) and -- a reason");
      return;
    }
    const scope = m[2].slice(1) as Suppression["scope"];
    const body = m[3]!;
    const dash = body.indexOf("--");
    const ruleText = (dash < 0 ? body : body.slice(0, dash)).trim();
    const reason = dash < 0 ? "" : body.slice(dash + 2).trim();
    const names = ruleText.split(/[\s,]+/).filter((s) => s !== "");
    if (names.length === 0) {
      bad("a suppression must name the rule(s) it silences");
      return;
    }
    const unknown = names.filter((n) => !isRuleName(n));
    if (unknown.length > 0) {
      bad(`unknown rule ${unknown.map((u) => `'${u}'`).join(", ")} (tsrtl lint --rules lists them)`);
      return;
    }
    if (reason === "") {
      bad(`a suppression must give a reason after '--' (tsrtl-lint-disable-${scope} ${names.join(", ")} -- why)`);
      return;
    }
    sups.push({ line, col, scope, rules: names as RuleName[], used: new Set() });
  });
  const kept = violations.filter((v) => {
    for (const s of sups) {
      const applies = s.scope === "file" || (s.scope === "line" && v.line === s.line) || (s.scope === "next-line" && v.line === s.line + 1);
      if (applies && s.rules.includes(v.rule)) {
        s.used.add(v.rule);
        return false;
      }
    }
    return true;
  });
  for (const s of sups) {
    const unused = s.rules.filter((r) => !s.used.has(r));
    if (unused.length > 0) {
      problems.push({ file, line: s.line, col: s.col, rule: "unused-suppression", message: `suppression of ${unused.join(", ")} silences nothing here; remove it` });
    }
  }
  return [...kept, ...problems];
}
