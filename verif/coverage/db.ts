/**
 * The coverage database: plain JSON, merged exactly by adding counts (commutative and
 * associative, so merging N shards equals one run over all their seeds, in any order).
 *
 * Functional covergroups, toggle coverage (group kind "toggle": one item per signal, bins
 * `b3 0->1`) and FSM coverage (kind "fsm": items "states" and "transitions") share one shape.
 * Code coverage of TypeScript sources is kept per file and line.
 */

export const DB_FORMAT = "tsrtl-coverage";
export const DB_VERSION = 1;

export interface ItemDb {
  kind: "point" | "cross";
  weight: number;
  atLeast: number;
  bins: string[];
  /** Definition of each bin (values, ranges, transition), for reports. */
  defs: string[];
  counts: number[];
  illegal: string[];
  illegalCounts: number[];
}

export type GroupKind = "covergroup" | "toggle" | "fsm";

export interface GroupDb {
  kind: GroupKind;
  weight: number;
  /** Target percentage for this group (default 100). */
  goal: number;
  items: Record<string, ItemDb>;
}

/** Code coverage of one source file: executed count per line, and per branch. */
export interface FileCodeDb {
  /** Block (the hardware module folder) the file belongs to, for per-block reports. */
  block: string;
  /** line number (1-based, as a string key) -> executions. */
  lines: Record<string, number>;
  /** "line:column" of a branch -> executions. */
  branches: Record<string, number>;
}

export interface CoverageDb {
  format: typeof DB_FORMAT;
  version: typeof DB_VERSION;
  /** Number of (test, seed) runs merged into this database. */
  runs: number;
  /** Runs per test ("suite/test"). */
  tests: Record<string, number>;
  groups: Record<string, GroupDb>;
  code: Record<string, FileCodeDb>;
}

export class CoverageMergeError extends Error {
  override name = "CoverageMergeError";
}

export function emptyDb(): CoverageDb {
  return { format: DB_FORMAT, version: DB_VERSION, runs: 0, tests: {}, groups: {}, code: {} };
}

function addRecord(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function copyItem(i: ItemDb): ItemDb {
  return { ...i, bins: [...i.bins], defs: [...i.defs], counts: [...i.counts], illegal: [...i.illegal], illegalCounts: [...i.illegalCounts] };
}

/** Adds `from` into `into` (mutating `into`); throws CoverageMergeError when definitions differ. */
export function mergeInto(into: CoverageDb, from: CoverageDb): CoverageDb {
  validateDb(from);
  into.runs += from.runs;
  addRecord(into.tests, from.tests);
  for (const [gname, g] of Object.entries(from.groups)) {
    const mine = into.groups[gname];
    if (mine === undefined) {
      into.groups[gname] = { ...g, items: Object.fromEntries(Object.entries(g.items).map(([k, i]) => [k, copyItem(i)])) };
      continue;
    }
    if (mine.kind !== g.kind) throw new CoverageMergeError(`group '${gname}': kind ${mine.kind} vs ${g.kind}`);
    for (const [iname, item] of Object.entries(g.items)) {
      const m = mine.items[iname];
      if (m === undefined) {
        mine.items[iname] = copyItem(item);
        continue;
      }
      if (!sameList(m.bins, item.bins) || !sameList(m.illegal, item.illegal) || m.kind !== item.kind)
        throw new CoverageMergeError(
          `group '${gname}' ${item.kind} '${iname}': bins differ between databases ([${m.bins.slice(0, 8).join(", ")}${m.bins.length > 8 ? ", ..." : ""}] vs [${item.bins.slice(0, 8).join(", ")}${item.bins.length > 8 ? ", ..." : ""}])`,
        );
      for (let k = 0; k < m.counts.length; k++) m.counts[k]! += item.counts[k]!;
      for (let k = 0; k < m.illegalCounts.length; k++) m.illegalCounts[k]! += item.illegalCounts[k]!;
    }
  }
  for (const [file, c] of Object.entries(from.code)) {
    const mine = into.code[file];
    if (mine === undefined) into.code[file] = { block: c.block, lines: { ...c.lines }, branches: { ...c.branches } };
    else {
      addRecord(mine.lines, c.lines);
      addRecord(mine.branches, c.branches);
    }
  }
  return into;
}

/** Merges any number of databases into a new one. */
export function mergeDbs(dbs: readonly CoverageDb[]): CoverageDb {
  const out = emptyDb();
  for (const d of dbs) mergeInto(out, d);
  return out;
}

/** Checks the shape of a parsed database, with a clear message. */
export function validateDb(x: unknown, where = "coverage database"): asserts x is CoverageDb {
  const o = x as Partial<CoverageDb> | null;
  if (o === null || typeof o !== "object" || o.format !== DB_FORMAT) throw new CoverageMergeError(`${where}: not a ${DB_FORMAT} file`);
  if (o.version !== DB_VERSION) throw new CoverageMergeError(`${where}: version ${String(o.version)}, expected ${DB_VERSION}`);
  if (typeof o.groups !== "object" || typeof o.code !== "object" || typeof o.tests !== "object") throw new CoverageMergeError(`${where}: missing groups/code/tests`);
  for (const [g, grp] of Object.entries(o.groups))
    for (const [i, it] of Object.entries(grp.items))
      if (it.counts.length !== it.bins.length || it.illegalCounts.length !== it.illegal.length) throw new CoverageMergeError(`${where}: ${g}.${i}: counts do not match bins`);
}

/** Canonical JSON text: keys sorted, so equal databases give equal bytes. */
export function serializeDb(db: CoverageDb): string {
  const sortKeys = <T>(r: Record<string, T>, f: (v: T) => unknown): Record<string, unknown> =>
    Object.fromEntries(
      Object.keys(r)
        .sort()
        .map((k) => [k, f(r[k]!)]),
    );
  const canon = {
    format: db.format,
    version: db.version,
    runs: db.runs,
    tests: sortKeys(db.tests, (v) => v),
    groups: sortKeys(db.groups, (g) => ({ kind: g.kind, weight: g.weight, goal: g.goal, items: sortKeys(g.items, (i) => i) })),
    code: sortKeys(db.code, (c) => ({ block: c.block, lines: sortKeys(c.lines, (v) => v), branches: sortKeys(c.branches, (v) => v) })),
  };
  return JSON.stringify(canon) + "\n";
}

export function parseDb(text: string, where?: string): CoverageDb {
  let x: unknown;
  try {
    x = JSON.parse(text);
  } catch (e) {
    throw new CoverageMergeError(`${where ?? "coverage database"}: invalid JSON (${(e as Error).message})`);
  }
  validateDb(x, where);
  return x;
}

// ---- scores ----

export function itemScore(i: ItemDb): { covered: number; total: number; percent: number } {
  let covered = 0;
  for (const c of i.counts) if (c >= i.atLeast) covered++;
  const total = i.counts.length;
  return { covered, total, percent: total === 0 ? 100 : (100 * covered) / total };
}

/** Weighted mean of the items' percentages. */
export function groupScore(g: GroupDb): number {
  let w = 0;
  let s = 0;
  for (const i of Object.values(g.items)) {
    w += i.weight;
    s += i.weight * itemScore(i).percent;
  }
  return w === 0 ? 100 : s / w;
}

/** Sum of illegal-bin hits in the database. */
export function illegalHits(db: CoverageDb): number {
  let n = 0;
  for (const g of Object.values(db.groups)) for (const i of Object.values(g.items)) for (const c of i.illegalCounts) n += c;
  return n;
}

/**
 * Overall score in percent: weighted mean over groups of min(100, coverage * 100 / goal),
 * so 100 means every group met its goal. `kinds` selects which groups count.
 */
export function totalScore(db: CoverageDb, kinds: readonly GroupKind[] = ["covergroup", "toggle", "fsm"]): number {
  let w = 0;
  let s = 0;
  for (const g of Object.values(db.groups)) {
    if (!kinds.includes(g.kind)) continue;
    const pct = groupScore(g);
    w += g.weight;
    s += g.weight * Math.min(100, g.goal <= 0 ? 100 : (pct * 100) / g.goal);
  }
  return w === 0 ? 100 : s / w;
}

/** Line and branch coverage per block. */
export function codeScores(db: CoverageDb): { block: string; lines: [number, number]; branches: [number, number] }[] {
  const by = new Map<string, { lines: [number, number]; branches: [number, number] }>();
  for (const f of Object.values(db.code)) {
    const b = by.get(f.block) ?? { lines: [0, 0], branches: [0, 0] };
    for (const v of Object.values(f.lines)) {
      b.lines[1]++;
      if (v > 0) b.lines[0]++;
    }
    for (const v of Object.values(f.branches)) {
      b.branches[1]++;
      if (v > 0) b.branches[0]++;
    }
    by.set(f.block, b);
  }
  return [...by.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([block, v]) => ({ block, ...v }));
}
