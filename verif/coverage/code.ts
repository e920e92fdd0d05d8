/**
 * Code coverage of TypeScript sources from V8's precise coverage (no instrumentation), taken
 * through the inspector of the current thread and mapped back to `.ts` lines with the inline
 * source maps that tsx emits.
 *
 * Lines: every original line with generated code is a statement line; its count is the count
 * of the innermost V8 range holding its code (functions never called are reported with 0).
 * Branches: every start of a V8 block range (then/else blocks, loop bodies, ternary and
 * short-circuit arms) is a branch point, keyed by its original line; its count is the count
 * of that block. `take()` returns the counts since the previous take (V8 resets its counters).
 */
import { Session } from "node:inspector/promises";
import { dirname, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { FileCodeDb } from "./db.ts";
import { projectRoot } from "../runner/discover.ts";

interface Range {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface FunctionCoverage {
  functionName: string;
  ranges: Range[];
  isBlockCoverage: boolean;
}
interface ScriptCoverage {
  scriptId: string;
  url: string;
  functions: FunctionCoverage[];
}

/** Generated offset -> original line, for one script. */
interface ScriptMap {
  /** Sorted generated offsets of mapping segments, and the original line (1-based) of each. */
  offsets: Float64Array;
  lines: Int32Array;
  /** Every original line with code. */
  allLines: number[];
  /** Generated offsets of branch starts seen so far in this thread. */
  branches: Set<number>;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/** Decodes source-map `mappings` into [generatedLine, generatedColumn, originalLine] triples (0-based). */
export function decodeMappings(mappings: string): number[][] {
  const out: number[][] = [];
  let genLine = 0;
  let origLine = 0;
  let src = 0;
  let origCol = 0;
  let name = 0;
  for (const line of mappings.split(";")) {
    let genCol = 0;
    if (line.length > 0)
      for (const seg of line.split(",")) {
        const vals: number[] = [];
        let shift = 0;
        let value = 0;
        for (let i = 0; i < seg.length; i++) {
          const d = B64_INDEX[seg.charCodeAt(i)]!;
          if (d < 0) throw new Error(`bad source map character '${seg[i]}'`);
          value += (d & 31) << shift;
          if (d & 32) shift += 5;
          else {
            vals.push(value & 1 ? -(value >>> 1) : value >>> 1);
            value = 0;
            shift = 0;
          }
        }
        genCol += vals[0] ?? 0;
        if (vals.length >= 4) {
          src += vals[1]!;
          origLine += vals[2]!;
          origCol += vals[3]!;
          if (vals.length >= 5) name += vals[4]!;
          out.push([genLine, genCol, origLine]);
        }
      }
    genLine++;
  }
  void src;
  void origCol;
  void name;
  return out;
}

function buildMap(source: string): ScriptMap | null {
  const m = /\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/.exec(source);
  if (m === null) return null;
  const map = JSON.parse(Buffer.from(m[1]!, "base64").toString("utf8")) as { mappings: string };
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const segs = decodeMappings(map.mappings)
    .map(([gl, gc, ol]) => [lineStarts[gl!]! + gc!, ol! + 1] as const)
    .sort((a, b) => a[0] - b[0]);
  return {
    offsets: Float64Array.from(segs.map((s) => s[0])),
    lines: Int32Array.from(segs.map((s) => s[1])),
    allLines: [...new Set(segs.map((s) => s[1]))].sort((a, b) => a - b),
    branches: new Set(),
  };
}

/** Index of the last segment at or before `offset`. */
function segmentAt(map: ScriptMap, offset: number): number {
  let lo = 0;
  let hi = map.offsets.length - 1;
  let best = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (map.offsets[mid]! <= offset) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

export class CodeCoverageCollector {
  private readonly session = new Session();
  private readonly maps = new Map<string, ScriptMap | null>();
  private readonly roots: string[];

  /** Collects files under these directories (absolute paths). */
  constructor(roots: readonly string[]) {
    this.roots = roots.map((r) => (r.endsWith(sep) ? r : r + sep));
  }

  async start(): Promise<void> {
    this.session.connect();
    await this.session.post("Profiler.enable");
    await this.session.post("Debugger.enable");
    await this.session.post("Profiler.startPreciseCoverage", { callCount: true, detailed: true });
  }

  async stop(): Promise<void> {
    await this.session.post("Profiler.stopPreciseCoverage");
    this.session.disconnect();
  }

  /** Line and branch counts per file since the last take. */
  async take(): Promise<Record<string, FileCodeDb>> {
    const res = (await this.session.post("Profiler.takePreciseCoverage")) as unknown as { result: ScriptCoverage[] };
    const out: Record<string, FileCodeDb> = {};
    const seen = new Set<string>();
    for (const sc of res.result) {
      if (!sc.url.startsWith("file://") || !sc.url.endsWith(".ts")) continue;
      const file = fileURLToPath(sc.url);
      if (!this.roots.some((r) => file.startsWith(r))) continue;
      let map = this.maps.get(file);
      if (map === undefined) {
        const src = (await this.session.post("Debugger.getScriptSource", { scriptId: sc.scriptId })) as { scriptSource: string };
        map = buildMap(src.scriptSource);
        this.maps.set(file, map);
      }
      if (map === null) continue;
      seen.add(file);
      const rel = relative(projectRoot, file);
      out[rel] = { ...this.fileCounts(map, sc.functions), block: blockOf(rel) };
    }
    // Files loaded earlier but not executed since the last take: all zeros.
    for (const [file, map] of this.maps)
      if (map !== null && !seen.has(file)) {
        const rel = relative(projectRoot, file);
        out[rel] = { ...this.fileCounts(map, []), block: blockOf(rel) };
      }
    return out;
  }

  private fileCounts(map: ScriptMap, fns: readonly FunctionCoverage[]): FileCodeDb {
    const n = map.offsets.length;
    const counts = new Float64Array(n);
    const depth = new Float64Array(n).fill(Infinity);
    // Paint every range onto the segments it holds; the smallest (innermost) range wins.
    for (const f of fns)
      f.ranges.forEach((r, k) => {
        if (k > 0) map.branches.add(r.startOffset);
        const size = r.endOffset - r.startOffset;
        for (let i = segmentAt(map, r.startOffset); i < n && map.offsets[i]! < r.endOffset; i++) {
          if (map.offsets[i]! < r.startOffset) continue;
          if (size <= depth[i]!) {
            depth[i] = size;
            counts[i] = r.count;
          }
        }
      });
    const lines: Record<string, number> = {};
    for (const l of map.allLines) lines[l] = 0;
    for (let i = 0; i < n; i++) {
      const key = String(map.lines[i]!);
      if (counts[i]! > lines[key]!) lines[key] = counts[i]!;
    }
    const branches: Record<string, number> = {};
    for (const off of map.branches) {
      const i = segmentAt(map, off);
      const j = map.offsets[i]! < off && i + 1 < n ? i + 1 : i;
      const key = `${map.lines[j]!}`;
      branches[key] = (branches[key] ?? 0) + counts[j]!;
    }
    return { block: "", lines, branches };
  }
}

/** The block a source file belongs to: its folder relative to the project root (e.g. hw/rtl/lib). */
export function blockOf(relPath: string): string {
  return dirname(relPath).split(sep).join("/");
}
