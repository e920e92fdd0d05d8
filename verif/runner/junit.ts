/** JUnit XML for CI systems: one testsuite per (suite, test), one testcase per seed. */
import type { ReportedResult } from "./regress.ts";

const esc = (s: string): string =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    // XML 1.0 forbids most control characters.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");

export function junitXml(results: readonly ReportedResult[], name = "tsrtl regress"): string {
  const groups = new Map<string, ReportedResult[]>();
  for (const r of results) {
    const k = `${r.suite}.${r.test}`;
    const list = groups.get(k) ?? [];
    list.push(r);
    groups.set(k, list);
  }
  const fails = results.filter((r) => r.status === "fail").length;
  const errors = results.filter((r) => r.status === "timeout" || r.status === "crash").length;
  const time = results.reduce((t, r) => t + r.durationMs, 0) / 1000;
  const out: string[] = [`<?xml version="1.0" encoding="UTF-8"?>`, `<testsuites name="${esc(name)}" tests="${results.length}" failures="${fails}" errors="${errors}" time="${time.toFixed(3)}">`];
  for (const [k, rs] of groups) {
    const f = rs.filter((r) => r.status === "fail").length;
    const e = rs.filter((r) => r.status === "timeout" || r.status === "crash").length;
    const t = rs.reduce((s, r) => s + r.durationMs, 0) / 1000;
    out.push(`  <testsuite name="${esc(k)}" tests="${rs.length}" failures="${f}" errors="${e}" time="${t.toFixed(3)}">`);
    for (const r of rs) {
      const open = `    <testcase classname="${esc(k)}" name="seed ${r.seed}" time="${(r.durationMs / 1000).toFixed(3)}"`;
      if (r.status === "pass") {
        out.push(`${open}/>`);
        continue;
      }
      const tag = r.status === "fail" ? "failure" : "error";
      const body = [r.message ?? "", r.stack ?? "", r.vcd ? `vcd: ${r.vcd}` : "", `reproduce: ${r.repro}`, ...r.log].filter((x) => x).join("\n");
      out.push(`${open}>`, `      <${tag} type="${r.status}" message="${esc(r.message ?? r.status)}">${esc(body)}</${tag}>`, `    </testcase>`);
    }
    out.push(`  </testsuite>`);
  }
  out.push(`</testsuites>`, "");
  return out.join("\n");
}
