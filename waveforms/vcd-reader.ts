// Reads a VCD into typed signals with vcd-stream's WASM parser (works in worker threads).
import { closeSync, openSync, readSync } from "node:fs";
import { VcdFeed } from "./vcd-feed.ts";
import { newWasmParser, resetWasm, type VcdStreamNode, type VcdStreamParser } from "./vcd-stream-api.ts";

/**
 * A value: a bigint when every bit is 0 or 1; otherwise a string of exactly `width` 4-state
 * characters, most significant first ("x", "1z0x", ...). Scalars keep the VCD character
 * (x z u w l h -, lower case); vector digits other than 0 1 x read as 'z' (the parser merges them).
 */
export type VcdValue = bigint | string;

export interface VcdSignal {
  /** Full hierarchical name, dot-joined: "top.fifo0.count". */
  name: string;
  /** Enclosing scope names, outermost first. */
  scope: readonly string[];
  /** Name inside its scope, without a trailing "[msb:0]" range. */
  localName: string;
  width: number;
  /** VCD variable type: "wire", "reg", "integer", ... */
  kind: string;
  /** VCD identifier code. Signals declared with the same code share their change arrays. */
  id: string;
  /** Times of the value changes, non-decreasing; values[i] took effect at times[i]. */
  times: number[];
  values: VcdValue[];
}

export interface VcdScope {
  name: string;
  /** Scope type: "module", "task", ... */
  kind: string;
  scopes: VcdScope[];
  signals: VcdSignal[];
}

export interface VcdFile {
  /** As declared, spaces removed: "1ps". */
  timescale: string;
  comment?: string;
  date?: string;
  version?: string;
  /** Top-level scopes, in declaration order. */
  scopes: VcdScope[];
  /** Signals declared outside any scope. */
  rootSignals: VcdSignal[];
  /** Every signal, in declaration order. */
  signals: VcdSignal[];
  byName: Map<string, VcdSignal>;
  /** Last time step in the file (0 if none). */
  endTime: number;
}

const READ_CHUNK = 1 << 20;

/** Reads and parses a VCD file, in bounded chunks. */
export async function readVcdFile(path: string): Promise<VcdFile> {
  const parser = await newWasmParser();
  const fd = openSync(path, "r");
  try {
    return parse(parser, (feed) => {
      const chunk = new Uint8Array(READ_CHUNK);
      for (;;) {
        const n = readSync(fd, chunk, 0, READ_CHUNK, null);
        if (n === 0) break;
        feed.push(chunk.subarray(0, n));
      }
    });
  } finally {
    closeSync(fd);
  }
}

/** Parses VCD text (a string or its bytes). */
export async function parseVcd(source: string | Uint8Array): Promise<VcdFile> {
  const bytes = typeof source === "string" ? new TextEncoder().encode(source) : source;
  const parser = await newWasmParser();
  return parse(parser, (feed) => feed.push(bytes));
}

/** The value of `signal` at `time` (the last change at or before it); undefined before the first. */
export function valueAt(signal: VcdSignal, time: number): VcdValue | undefined {
  const times = signal.times;
  let lo = 0;
  let hi = times.length; // first index with times[i] > time
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : signal.values[lo - 1];
}

interface Track {
  width: number;
  times: number[];
  values: VcdValue[];
}

const SCALAR_CHARS = "01xxzzuuwwllhh-"; // index cmd - 14

// Synchronous from here: the shared WASM instance is never used by two parses at once.
function parse(
  parser: VcdStreamParser,
  pushAll: (feed: VcdFeed) => void,
): VcdFile {
  const tracks = new Map<string, Track>();
  let reported = 0;
  let feed: VcdFeed | undefined;
  let result: Omit<VcdFile, "endTime"> | undefined;

  parser.on("$enddefinitions", () => {
    result = buildTree(parser.info.wires.body, parser.info.timescale ?? "", tracks);
  });
  parser.change.any((id, time, cmd, value, mask) => {
    reported++;
    const track = tracks.get(id);
    if (!track) throw new Error(`VCD: value change for undeclared identifier '${id}'`);
    const t = feed!.times[Number(time)];
    if (t === undefined) throw new Error("VCD: value change before the first time step");
    track.times.push(t);
    track.values.push(toValue(track.width, cmd, value, mask));
  });

  try {
    feed = new VcdFeed((chunk) => parser.write(chunk));
    pushAll(feed);
    feed.end();
  } catch (e) {
    resetWasm();
    throw e;
  }
  if (!result) throw new Error("VCD: parser never reached $enddefinitions");
  if (reported !== feed.changes) {
    resetWasm();
    throw new Error(`VCD: parser reported ${reported} value changes, the file has ${feed.changes}`);
  }
  const times = feed.times;
  return {
    ...result,
    ...(feed.header.comment !== undefined && { comment: feed.header.comment }),
    ...(feed.header.date !== undefined && { date: feed.header.date }),
    ...(feed.header.version !== undefined && { version: feed.header.version }),
    endTime: times.length > 0 ? times[times.length - 1]! : 0,
  };
}

function toValue(width: number, cmd: number, value: bigint | undefined, mask: bigint | undefined): VcdValue {
  if (cmd === 14) return 0n;
  if (cmd === 15) return 1n;
  if (cmd < 30) return (SCALAR_CHARS[cmd - 14] ?? "x").repeat(width); // left-extended
  const v = value ?? 0n;
  const m = mask ?? 0n;
  if (m === 0n) return v;
  // 4-state: per bit, mask 0 -> value bit, mask 1 -> x (value 0) or z (value 1).
  let digits = "";
  const top = Math.max(v.toString(2).length, m.toString(2).length);
  for (let i = top - 1; i >= 0; i--) {
    const bit = 1n << BigInt(i);
    digits += (m & bit) === 0n ? ((v & bit) === 0n ? "0" : "1") : (v & bit) === 0n ? "x" : "z";
  }
  // VCD left-extends a shortened value with x or z if that is its first digit, else with 0.
  // (The parser drops leading zeros, so an explicit "b0x" reads like "bx": all x.)
  const fill = digits[0] === "x" || digits[0] === "z" ? digits[0] : "0";
  return digits.length >= width ? digits.slice(digits.length - width) : digits.padStart(width, fill);
}

function buildTree(
  nodes: readonly VcdStreamNode[],
  timescale: string,
  tracks: Map<string, Track>,
): Omit<VcdFile, "endTime"> {
  const signals: VcdSignal[] = [];
  const byName = new Map<string, VcdSignal>();

  const walk = (body: readonly VcdStreamNode[], path: string[], into: VcdScope | undefined): VcdScope[] => {
    const scopes: VcdScope[] = [];
    for (const node of body) {
      if (node.kind === "scope") {
        const scope: VcdScope = { name: node.name, kind: node.type, scopes: [], signals: [] };
        scope.scopes = walk(node.body, [...path, node.name], scope);
        scopes.push(scope);
      } else {
        const signal = makeSignal(node, path, tracks);
        signals.push(signal);
        byName.set(signal.name, signal);
        if (into) into.signals.push(signal);
        else rootSignals.push(signal);
      }
    }
    return scopes;
  };
  const rootSignals: VcdSignal[] = [];
  const scopes = walk(nodes, [], undefined);
  return { timescale: timescale.replace(/\s+/g, ""), scopes, rootSignals, signals, byName };
}

function makeSignal(
  node: VcdStreamNode & { kind: "var" },
  path: readonly string[],
  tracks: Map<string, Track>,
): VcdSignal {
  const width = node.size;
  // vcd-stream joins the name and its range ("mem[3][7:0]") and strips only a plain name's
  // "[msb:0]"; strip the declared range here too.
  const range = `[${width - 1}:0]`;
  const localName = width > 1 && node.name.endsWith(range) && node.name.length > range.length
    ? node.name.slice(0, -range.length)
    : node.name;
  let track = tracks.get(node.link);
  if (!track) {
    track = { width, times: [], values: [] };
    tracks.set(node.link, track);
  }
  return {
    name: [...path, localName].join("."),
    scope: path,
    localName,
    width,
    kind: node.type,
    id: node.link,
    times: track.times,
    values: track.values,
  };
}
