/**
 * Elaboration: turns a constructed module tree into something the simulator can run —
 * checks the design, resolves nets, allocates storage (registers first, so the clock edge is
 * one typed-array copy), binds every signal to its slot and fixes the combinational schedule.
 */
import { ElaborationError } from "./errors.ts";
import type { Memory } from "./memory.ts";
import type { CombBlock, Connection, Module, SeqBlock } from "./module.ts";
import { resolveNets, type Net } from "./nets.ts";
import { batchKey } from "./batches.ts";
import { scheduleComb, type CombTask } from "./schedule.ts";
import { Bits, NARROW, NARROW_NEXT, WIDE, WIDE_NEXT, WideBits, writeWords, type RegArray, type Signal } from "./signal.ts";
import type { RegisterBank } from "./register-bank.ts";
import { slotReclaimer, takeSlots, type SlotRange } from "./slot-allocator.ts";

/** Where this design's values live in the process-wide stores (signal.ts). */
export interface Storage {
  range: SlotRange;
  /** Narrow registers occupy [narrowBase, narrowBase + narrowRegs). */
  narrowRegs: number;
  /** Wide registers occupy [wideBase, wideBase + wideRegWords) words. */
  wideRegWords: number;
  /** Register banks: bound once the arrays are (their stores are copied at the edge). */
  banks: RegisterBank[];
  /** Views of the next values of the register regions: the clock edge copies them in one go. */
  narrowNextView: Uint32Array;
  wideNextView: Uint32Array;
}

export interface ResetPlan {
  /** Slots of resettable narrow registers and their init values. */
  narrowSlots: Int32Array;
  narrowValues: Uint32Array;
  /** Word offsets of resettable wide registers' words and their init words. */
  wideWords: Int32Array;
  wideValues: Uint32Array;
  /** Resettable register arrays: first slot, length and init value of each. */
  arrayBases: Int32Array;
  arrayLengths: Int32Array;
  arrayValues: Uint32Array;
  /** Resettable arrays in register banks (their next-value stores are reset too). */
  bankedArrays: RegArray[];
}

export interface Elaborated {
  root: Module;
  modules: Module[];
  /** Every signal, sorted by hierarchical path. */
  signals: Signal[];
  byPath: Map<string, Signal>;
  nets: Net[];
  netOf: Map<Signal, Net>;
  storage: Storage;
  comb: CombTask[];
  seq: SeqBlock[];
  memories: Memory[];
  reset: ResetPlan;
}

function byName<T extends { path: string }>(a: T, b: T): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

export function elaborate(root: Module): Elaborated {
  if (root.parent !== null) throw new ElaborationError([`${root.path} is not a top-level module (it has a parent)`]);
  const modules = [...root.walk()].sort(byName);
  const signals: Signal[] = [];
  const connections: Connection[] = [];
  const blocks: { block: CombBlock; path: string }[] = [];
  const seq: SeqBlock[] = [];
  const memories: Memory[] = [];
  for (const m of modules) {
    signals.push(...m.signals);
    connections.push(...m.connections);
    for (const b of m.combBlocks) blocks.push({ block: b, path: `${m.path}.${b.name}` });
    seq.push(...m.seqBlocks);
    memories.push(...m.memories);
  }
  signals.sort(byName);
  const byPath = new Map<string, Signal>();
  for (const s of signals) byPath.set(s.path, s);

  const tasks: CombTask[] = blocks.map(({ block, path }) => ({
    name: path,
    owner: block.owner,
    reads: block.reads,
    writes: block.writes,
    fn: block.fn,
  }));
  for (const mem of memories) {
    for (const { port, fn } of mem.combReads()) {
      tasks.push({ name: `${port.rdata.path}.read`, owner: mem.owner, reads: [port.addr], writes: [port.rdata], fn });
    }
  }
  const memoryReadBlocks = tasks.slice(blocks.length).map((t) => ({
    block: { owner: t.writes[0]!.owner, name: t.name, reads: t.reads, writes: t.writes, fn: t.fn },
    path: t.name,
  }));

  const { nets, netOf, problems } = resolveNets(root, signals, connections, [...blocks, ...memoryReadBlocks], memories);
  for (const { block, path } of blocks) {
    for (const r of block.reads) if (!netOf.has(r)) problems.push(`combinational block ${path} reads ${r.path}, which is not part of this design`);
  }
  if (problems.length > 0) throw new ElaborationError(problems);
  const schedule = scheduleComb(tasks, netOf, batchKey);
  if (schedule.loop !== undefined) throw new ElaborationError([schedule.loop]);
  if (elaborated.has(root)) throw new ElaborationError([`${root.path} is already elaborated by another simulator; build a new module tree`]);
  elaborated.add(root);

  const arrays = modules.flatMap((m) => m.regArrays); // modules are sorted by path already
  const storage = allocate(nets, arrays);
  for (const m of modules) for (const v of m.vecs) v.bind();
  for (const m of modules) for (const mem of m.memories) mem.bind();
  for (const m of modules) for (const a of m.regArrays) a.bind();
  for (const b of storage.banks) b.bind(b.members[0]!.firstSlot);
  for (const b of storage.banks) b.announce();
  slotReclaimer.register(root, storage.range);
  const seqKeys = new Map(seq.map((b) => [b, `${batchKey(b)} ${b.owner.path}.${b.name}`]));
  return {
    root,
    modules,
    signals,
    byPath,
    nets,
    netOf,
    storage,
    comb: schedule.order,
    seq: seq.sort((a, b) => (seqKeys.get(a)! < seqKeys.get(b)! ? -1 : 1)),
    memories,
    reset: resetPlan(nets, arrays),
  };
}

const elaborated = new WeakSet<Module>();

function isRegNet(n: Net): boolean {
  return n.driver?.kind === "reg" || n.driver?.kind === "memory" && n.driver.signal.kind === "reg";
}

/** Assigns slots (registers first) and binds every member signal of every net to them. */
function allocate(nets: readonly Net[], arrays: readonly RegArray[]): Storage {
  const narrowNets = nets.filter((n) => !n.wide);
  const wideNets = nets.filter((n) => n.wide);
  // Registers first (the edge copies them in one go), then register-array entries, each array
  // contiguous and in index order (RegArray reads base + i), then everything else.
  const isArrayNet = (n: Net): boolean => n.driver?.kind === "array";
  const netOfEntry = new Map<Signal, Net>();
  for (const n of narrowNets) if (n.driver?.kind === "array") netOfEntry.set(n.driver.signal, n);
  // a register bank's arrays side by side, in the bank's order (register-bank.ts)
  const banks = [...new Set(arrays.flatMap((a) => (a.bank ? [a.bank] : [])))];
  const inDesign = new Set(arrays);
  for (const b of banks) {
    const missing = b.members.find((a) => !inDesign.has(a));
    if (missing) throw new ElaborationError([`register bank ${b.name}: ${missing.owner.path}.${missing.name} is not part of this design`]);
  }
  const laidOut = [...banks.flatMap((b) => b.members), ...arrays.filter((a) => a.bank === undefined)];
  const arrayNets = laidOut.flatMap((a) => a.entries.map((e) => netOfEntry.get(e)!));
  const narrowOrder = [...narrowNets.filter(isRegNet), ...arrayNets, ...narrowNets.filter((n) => !isRegNet(n) && !isArrayNet(n))];
  const wideOrder = [...wideNets.filter(isRegNet), ...wideNets.filter((n) => !isRegNet(n))];
  const narrowRegs = narrowNets.filter(isRegNet).length;
  const wordsOf = (n: Net): number => Math.ceil(n.width / 32);
  const wideRegWords = wideNets.filter(isRegNet).reduce((s, n) => s + wordsOf(n), 0);
  const wideWords = wideNets.reduce((s, n) => s + wordsOf(n), 0);
  const range = takeSlots(narrowOrder.length, wideWords);
  narrowOrder.forEach((net, i) => {
    const slot = range.narrowBase + i;
    for (const s of net.members) s.slot = slot;
    const init = initialNarrow(net);
    NARROW[slot] = init;
    NARROW_NEXT[slot] = init;
  });
  let word = range.wideBase;
  for (const net of wideOrder) {
    for (const s of net.members) s.slot = word;
    const init = initialWide(net);
    writeWords(WIDE, word, wordsOf(net), init);
    writeWords(WIDE_NEXT, word, wordsOf(net), init);
    word += wordsOf(net);
  }
  return {
    range,
    banks,
    narrowRegs,
    wideRegWords,
    narrowNextView: NARROW_NEXT.subarray(range.narrowBase, range.narrowBase + narrowRegs),
    wideNextView: WIDE_NEXT.subarray(range.wideBase, range.wideBase + wideRegWords),
  };
}

function initialNarrow(net: Net): number {
  const d = net.driver;
  if (d?.kind === "constant") return Number(d.value);
  if (d?.kind === "reg" || d?.kind === "array") return (d.signal as Bits).init;
  return 0;
}

function initialWide(net: Net): bigint {
  const d = net.driver;
  if (d?.kind === "constant") return BigInt(d.value);
  if (d?.kind === "reg") return (d.signal as WideBits).init;
  return 0n;
}

function resetPlan(nets: readonly Net[], arrays: readonly RegArray[]): ResetPlan {
  const narrowSlots: number[] = [];
  const narrowValues: number[] = [];
  const wideWords: number[] = [];
  const wideValues: number[] = [];
  for (const net of nets) {
    const d = net.driver;
    if (d === undefined || !isRegNet(net)) continue;
    const s = d.kind === "reg" || d.kind === "memory" ? d.signal : undefined;
    if (s === undefined) continue;
    if (s instanceof Bits) {
      if (!s.resettable) continue;
      narrowSlots.push(s.slot);
      narrowValues.push(s.init);
    } else if (s.resettable) {
      let v = s.init;
      for (let i = 0; i < s.words; i++) {
        wideWords.push(s.slot + i);
        wideValues.push(Number(v & 0xffffffffn));
        v >>= 32n;
      }
    }
  }
  return {
    narrowSlots: Int32Array.from(narrowSlots),
    narrowValues: Uint32Array.from(narrowValues),
    wideWords: Int32Array.from(wideWords),
    wideValues: Uint32Array.from(wideValues),
    ...arrayResets(arrays.filter((a) => a.resettable && a.bank === undefined)),
    bankedArrays: arrays.filter((a) => a.resettable && a.bank !== undefined),
  };
}

function arrayResets(arrays: readonly RegArray[]): Pick<ResetPlan, "arrayBases" | "arrayLengths" | "arrayValues"> {
  return {
    arrayBases: Int32Array.from(arrays, (a) => a.firstSlot),
    arrayLengths: Int32Array.from(arrays, (a) => a.length),
    arrayValues: Uint32Array.from(arrays, (a) => a.init),
  };
}
