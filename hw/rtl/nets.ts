/**
 * Nets: signals joined by connections share one storage slot. This file resolves
 * connections into nets (union-find), finds each net's single driver and reports
 * width mismatches, illegal directions, multiple drivers and undriven signals.
 */
import type { Memory } from "./memory.ts";
import type { CombBlock, Connection, Module } from "./module.ts";
import { Bits, type Signal } from "./signal.ts";

/** What drives a net. */
export type Driver =
  | { kind: "reg"; signal: Signal }
  | { kind: "comb"; block: string; signal: Signal }
  | { kind: "memory"; signal: Signal }
  | { kind: "testbench"; signal: Signal }
  | { kind: "array"; signal: Signal }
  | { kind: "constant"; value: number | bigint };

export interface Net {
  /** Signals in the net, sorted by path. */
  members: Signal[];
  driver: Driver | undefined;
  width: number;
  wide: boolean;
}

function describe(d: Driver): string {
  switch (d.kind) {
    case "reg":
      return `register ${d.signal.path}`;
    case "comb":
      return `combinational block ${d.block} (writes ${d.signal.path})`;
    case "memory":
      return `memory read port ${d.signal.path}`;
    case "testbench":
      return `the testbench (top-level input ${d.signal.path})`;
    case "array":
      return `register array entry ${d.signal.path}`;
    case "constant":
      return `constant ${d.value}`;
  }
}

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]!]!;
      i = this.parent[i]!;
    }
    return i;
  }
  union(a: number, b: number): void {
    this.parent[this.find(a)] = this.find(b);
  }
}

/** Why `m` may not drive `sink` by a connection, or undefined when it may. */
function sinkProblem(m: Module, sink: Signal): string | undefined {
  if (sink.owner === m) {
    if (sink.kind === "input") return `${m.path} cannot drive its own input ${sink.path}`;
    if (sink.kind === "reg") return `${sink.path} is a register: assign its next value in a seq block instead of connecting it`;
    return undefined;
  }
  if (sink.owner.parent === m) {
    return sink.kind === "input" ? undefined : `${m.path} cannot drive ${sink.path}, a ${sink.kind} of its child`;
  }
  return `${m.path} cannot drive ${sink.path}: only its own outputs and wires and its children's inputs`;
}

function sourceProblem(m: Module, source: Signal): string | undefined {
  if (source.owner === m) return undefined;
  if (source.owner.parent === m && source.kind === "output") return undefined;
  return `${m.path} cannot read ${source.path}: only its own signals and its children's outputs`;
}

export interface NetResolution {
  nets: Net[];
  netOf: Map<Signal, Net>;
  problems: string[];
}

export function resolveNets(
  root: Module,
  signals: readonly Signal[],
  connections: readonly Connection[],
  combBlocks: readonly { block: CombBlock; path: string }[],
  memories: readonly Memory[],
): NetResolution {
  const problems: string[] = [];
  const index = new Map<Signal, number>();
  signals.forEach((s, i) => index.set(s, i));
  const uf = new UnionFind(signals.length);
  const constants = new Map<Signal, number | bigint>();

  for (const c of connections) {
    const { owner, sink, source } = c;
    const sp = sinkProblem(owner, sink);
    if (sp) problems.push(sp);
    if (typeof source === "number" || typeof source === "bigint") {
      const fits =
        sink instanceof Bits
          ? typeof source === "number" && Number.isInteger(source) && source >= 0 && source <= sink.mask
          : typeof source === "bigint" && source >= 0n && source < 1n << BigInt(sink.width);
      if (!fits) problems.push(`constant ${source} does not fit ${sink.path} (${sink.width} bits)`);
      if (constants.has(sink)) problems.push(`${sink.path} is connected to more than one constant`);
      constants.set(sink, source);
      continue;
    }
    const srcProblem = sourceProblem(owner, source);
    if (srcProblem) problems.push(srcProblem);
    if (source.width !== sink.width || source.isWide !== sink.isWide) {
      problems.push(`width mismatch: ${sink.path} (${sink.width} bits) <- ${source.path} (${source.width} bits)`);
      continue;
    }
    uf.union(index.get(sink)!, index.get(source)!);
  }

  // Group into nets, members sorted by path so every later order is independent of declaration order.
  const groups = new Map<number, Signal[]>();
  for (const s of signals) {
    const r = uf.find(index.get(s)!);
    const g = groups.get(r);
    if (g) g.push(s);
    else groups.set(r, [s]);
  }
  const nets: Net[] = [];
  const netOf = new Map<Signal, Net>();
  for (const members of groups.values()) {
    members.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const net: Net = { members, driver: undefined, width: members[0]!.width, wide: members[0]!.isWide };
    nets.push(net);
    for (const s of members) netOf.set(s, net);
  }
  nets.sort((a, b) => (a.members[0]!.path < b.members[0]!.path ? -1 : 1));

  const drivers = new Map<Net, Driver[]>();
  const addDriver = (s: Signal, d: Driver): void => {
    const net = netOf.get(s)!;
    const list = drivers.get(net);
    if (list) list.push(d);
    else drivers.set(net, [d]);
  };
  const memoryOutputs = new Set<Signal>();
  for (const m of memories) for (const o of m.outputs()) memoryOutputs.add(o);
  for (const s of signals) {
    if (memoryOutputs.has(s)) {
      // Latency-0 read data is a wire driven by the memory's combinational read block.
      if (s.kind === "reg") addDriver(s, { kind: "memory", signal: s });
    }
    else if (s.entryOf !== undefined) addDriver(s, { kind: "array", signal: s });
    else if (s.kind === "reg") addDriver(s, { kind: "reg", signal: s });
    else if (s.kind === "input" && s.owner === root) addDriver(s, { kind: "testbench", signal: s });
  }
  for (const [s, value] of constants) addDriver(s, { kind: "constant", value });
  for (const { block, path } of combBlocks) {
    for (const w of block.writes) {
      if (!index.has(w)) {
        problems.push(`combinational block ${path} writes ${w.path}, which is not part of this design`);
        continue;
      }
      if (w.kind === "reg") problems.push(`combinational block ${path} writes register ${w.path}: assign registers in seq blocks`);
      else if (w.kind === "input" && w.owner === block.owner) problems.push(`combinational block ${path} writes ${w.path}, an input of its own module`);
      addDriver(w, { kind: "comb", block: path, signal: w });
    }
  }

  const optional = new Set<Signal>();
  for (const m of memories) for (const s of m.optionalInputs()) optional.add(s);
  for (const net of nets) {
    const list = drivers.get(net) ?? [];
    if (list.length > 1) {
      problems.push(`${net.members[0]!.path} is driven more than once: by ${list.map(describe).join(" and by ")}`);
    }
    net.driver = list[0];
    if (net.driver === undefined && !net.members.every((s) => optional.has(s))) {
      const named = net.members.find((s) => s.kind === "input") ?? net.members[0]!;
      problems.push(
        named.kind === "input" ? `unconnected input ${named.path}` : `${named.kind} ${named.path} is never driven`,
      );
    }
  }
  return { nets, netOf, problems };
}
