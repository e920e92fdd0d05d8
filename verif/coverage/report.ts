/**
 * Coverage reports: a text summary and a static HTML page. Both list, per group and per
 * item, the holes (bins below atLeast) first, then the covered bins.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { codeScores, groupScore, illegalHits, itemScore, totalScore, type CoverageDb, type GroupDb, type ItemDb } from "./db.ts";

const pct = (x: number): string => `${x.toFixed(2)}%`;

function sortedBins(item: ItemDb): { name: string; def: string; count: number; hole: boolean }[] {
  const rows = item.bins.map((name, i) => ({ name, def: item.defs[i] ?? "", count: item.counts[i]!, hole: item.counts[i]! < item.atLeast }));
  return [...rows.filter((r) => r.hole), ...rows.filter((r) => !r.hole)];
}

function groupsInOrder(db: CoverageDb): [string, GroupDb][] {
  const kindOrder = { covergroup: 0, fsm: 1, toggle: 2 } as const;
  return Object.entries(db.groups).sort((a, b) => kindOrder[a[1].kind] - kindOrder[b[1].kind] || a[0].localeCompare(b[0]));
}

export interface TextReportOptions {
  /** List every bin (default: holes only, at most `maxHoles` per item). */
  allBins?: boolean;
  maxHoles?: number;
}

/** Plain-text summary. */
export function textReport(db: CoverageDb, opts: TextReportOptions = {}): string {
  const maxHoles = opts.maxHoles ?? 20;
  const out: string[] = [];
  out.push(`coverage ${pct(totalScore(db))} over ${db.runs} run(s)` + (illegalHits(db) > 0 ? `, ${illegalHits(db)} ILLEGAL bin hit(s)` : ""));
  for (const [gname, g] of groupsInOrder(db)) {
    const gs = groupScore(g);
    out.push(`${g.kind === "covergroup" ? "group" : g.kind} ${gname}: ${pct(gs)}${g.goal < 100 ? ` (goal ${g.goal}%)` : ""}`);
    const items = Object.entries(g.items).sort((a, b) => itemScore(a[1]).percent - itemScore(b[1]).percent || a[0].localeCompare(b[0]));
    for (const [iname, it] of items) {
      const s = itemScore(it);
      out.push(`  ${it.kind} ${iname}: ${pct(s.percent)} (${s.covered}/${s.total} bins${it.atLeast > 1 ? `, atLeast ${it.atLeast}` : ""})`);
      const rows = sortedBins(it);
      const holes = rows.filter((r) => r.hole);
      for (const r of holes.slice(0, opts.allBins ? holes.length : maxHoles)) out.push(`    HOLE ${r.name}${r.def && r.def !== r.name ? ` = ${r.def}` : ""}: ${r.count}`);
      if (!opts.allBins && holes.length > maxHoles) out.push(`    ... ${holes.length - maxHoles} more holes`);
      if (opts.allBins) for (const r of rows.filter((x) => !x.hole)) out.push(`    ${r.name}${r.def && r.def !== r.name ? ` = ${r.def}` : ""}: ${r.count}`);
      it.illegal.forEach((n, i) => {
        if (it.illegalCounts[i]! > 0) out.push(`    ILLEGAL ${n}: ${it.illegalCounts[i]}`);
      });
    }
  }
  const code = codeScores(db);
  if (code.length > 0) {
    out.push("code coverage (TypeScript):");
    for (const c of code) out.push(`  ${c.block}: lines ${c.lines[0]}/${c.lines[1]} (${pct(c.lines[1] ? (100 * c.lines[0]) / c.lines[1] : 100)}), branches ${c.branches[0]}/${c.branches[1]} (${pct(c.branches[1] ? (100 * c.branches[0]) / c.branches[1] : 100)})`);
  }
  return out.join("\n") + "\n";
}

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function bar(p: number): string {
  const cls = p >= 100 ? "ok" : p >= 80 ? "mid" : "low";
  return `<span class="bar ${cls}"><span style="width:${Math.min(100, p).toFixed(1)}%"></span></span> ${pct(p)}`;
}

/** Writes `index.html` (one self-contained page) into `dir`; returns its path. */
export function writeHtmlReport(db: CoverageDb, dir: string, title = "tsrtl coverage"): string {
  mkdirSync(dir, { recursive: true });
  const h: string[] = [];
  h.push(`<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.3em 0 1em}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}
th{background:#f3f3f3}.hole{background:#fde2e2}.illegal{background:#f9c0c0;font-weight:bold}.bar{display:inline-block;width:120px;height:10px;background:#eee;vertical-align:middle}
.bar span{display:block;height:100%}.ok span{background:#3a3}.mid span{background:#da3}.low span{background:#d33}details{margin-left:1em}summary{cursor:pointer}code{font-size:12px}
</style></head><body>`);
  h.push(`<h1>${esc(title)}</h1><p>Overall ${bar(totalScore(db))} over ${db.runs} run(s)${illegalHits(db) > 0 ? `, <b>${illegalHits(db)} illegal bin hit(s)</b>` : ""}.</p>`);
  h.push(`<h2>Groups</h2><table><tr><th>group</th><th>kind</th><th>coverage</th><th>goal</th><th>weight</th></tr>`);
  for (const [n, g] of groupsInOrder(db)) h.push(`<tr><td><a href="#g-${esc(n)}">${esc(n)}</a></td><td>${g.kind}</td><td>${bar(groupScore(g))}</td><td>${g.goal}%</td><td>${g.weight}</td></tr>`);
  h.push(`</table>`);
  const tests = Object.entries(db.tests).sort((a, b) => a[0].localeCompare(b[0]));
  if (tests.length > 0) h.push(`<h2>Tests</h2><table><tr><th>test</th><th>runs</th></tr>${tests.map(([t, n]) => `<tr><td>${esc(t)}</td><td>${n}</td></tr>`).join("")}</table>`);
  for (const [gname, g] of groupsInOrder(db)) {
    h.push(`<h2 id="g-${esc(gname)}">${esc(gname)} <small>(${g.kind})</small> ${bar(groupScore(g))}</h2>`);
    const items = Object.entries(g.items).sort((a, b) => itemScore(a[1]).percent - itemScore(b[1]).percent || a[0].localeCompare(b[0]));
    for (const [iname, it] of items) {
      const s = itemScore(it);
      const open = s.percent < 100 ? " open" : "";
      h.push(`<details${open}><summary>${it.kind} <b>${esc(iname)}</b> ${bar(s.percent)} ${s.covered}/${s.total} bins, atLeast ${it.atLeast}, weight ${it.weight}</summary><table><tr><th>bin</th><th>definition</th><th>hits</th></tr>`);
      for (const r of sortedBins(it)) h.push(`<tr class="${r.hole ? "hole" : ""}"><td>${esc(r.name)}</td><td><code>${esc(r.def)}</code></td><td>${r.count}</td></tr>`);
      it.illegal.forEach((n, i) => h.push(`<tr class="${it.illegalCounts[i]! > 0 ? "illegal" : ""}"><td>illegal: ${esc(n)}</td><td></td><td>${it.illegalCounts[i]}</td></tr>`));
      h.push(`</table></details>`);
    }
  }
  const code = codeScores(db);
  if (code.length > 0) {
    h.push(`<h2>Code coverage (TypeScript)</h2><table><tr><th>block</th><th>lines</th><th>branches</th></tr>`);
    for (const c of code)
      h.push(`<tr><td>${esc(c.block)}</td><td>${bar(c.lines[1] ? (100 * c.lines[0]) / c.lines[1] : 100)} ${c.lines[0]}/${c.lines[1]}</td><td>${bar(c.branches[1] ? (100 * c.branches[0]) / c.branches[1] : 100)} ${c.branches[0]}/${c.branches[1]}</td></tr>`);
    h.push(`</table>`);
    for (const [file, f] of Object.entries(db.code).sort((a, b) => a[0].localeCompare(b[0]))) {
      const missed = Object.entries(f.lines).filter(([, v]) => v === 0).map(([l]) => Number(l)).sort((a, b) => a - b);
      h.push(`<details><summary><code>${esc(file)}</code>: ${missed.length} line(s) not run</summary><p>${missed.length ? `not run: ${missed.join(", ")}` : "every line ran"}</p></details>`);
    }
  }
  h.push(`</body></html>\n`);
  const file = join(dir, "index.html");
  writeFileSync(file, h.join("\n"));
  return file;
}
