/**
 * The waveform tracer: after every cycle it compares the traced nets with the values it last
 * wrote and sends only the changes to a streaming VCD writer. Signals that share a net
 * (connected ports) are compared once. Times are in ps from the clock period (800 MHz:
 * 1250 ps); a `clk` variable at the top scope rises at each edge and falls half a period later.
 */
import { checkSeekable, ThreadedFileSink } from "../../waveforms/threaded-sink.ts";
import { VcdScanThread } from "../../waveforms/vcd-scan-thread.ts";
import { FileSink } from "../../waveforms/vcd-sink.ts";
import { VcdWriter, type ScanPlan, type VcdVariable } from "../../waveforms/vcd-writer.ts";
import type { Elaborated } from "./elaborate.ts";
import { SimulationError } from "./errors.ts";
import type { Net } from "./nets.ts";
import { NARROW, WIDE, type Signal } from "./signal.ts";
import { writeTraceGtkw, type ViewGroup } from "./trace-gtkw.ts";

export interface TraceOptions {
  /** Hierarchical module paths to dump (default: the whole design). */
  scopes?: readonly string[];
  /** Levels below each scope, as Verilog's $dumpvars: 0 = all, 1 = the scope's own signals only. */
  depth?: number;
  /** First and last cycle to dump (inclusive). */
  window?: readonly [number, number];
  /** Clock period in ps (default 1250 = 800 MHz). */
  periodPs?: number;
  /** Also write a GTKWave save file next to the VCD (default true). */
  gtkw?: boolean;
  /** Extra groups for the save file, shown first (e.g. a pipeline view). */
  views?: readonly ViewGroup[];
  /** Cycles GTKWave shows when it opens the save file (default 64). */
  viewCycles?: number;
  /**
   * Encode on a worker thread (waveforms/vcd-scan-thread.ts); default true. Designs with
   * traced nets wider than 32 bits always encode on the simulation thread.
   */
  scanThread?: boolean;
}

/** Whether `signal` is selected by the scopes and depth. */
function selected(signal: Signal, scopes: readonly string[], depth: number): boolean {
  const modulePath = signal.owner.path;
  for (const scope of scopes) {
    if (modulePath !== scope && !modulePath.startsWith(`${scope}.`)) continue;
    if (depth === 0) return true;
    const below = modulePath === scope ? 0 : modulePath.slice(scope.length + 1).split(".").length;
    if (below < depth) return true;
  }
  return false;
}

export class Tracer {
  private readonly writer: VcdWriter;
  private readonly file: string;
  /** Whether the changes after the initial values are encoded on a worker thread, and that thread once started. */
  private readonly threaded: boolean;
  private scanThread: VcdScanThread | undefined;
  private readonly clk: number;
  private readonly periodPs: number;
  private readonly from: number;
  private readonly to: number;
  // Narrow nets: slot and VCD variable; once started, the writer's scan plan over them.
  private readonly nSlots: Int32Array;
  private readonly nVars: Int32Array;
  private scan: ScanPlan | undefined;
  // Wide nets: first word, word count, where their last written words are in wPrev, variable.
  private readonly wSlots: Int32Array;
  private readonly wWords: Int32Array;
  private readonly wPrevAt: Int32Array;
  private readonly wPrev: Uint32Array;
  private readonly wVars: Int32Array;
  /** The stores, held in fields so the per-cycle loop reads a local instead of an import. */
  private readonly narrow: Uint32Array = NARROW;
  private readonly wide: Uint32Array = WIDE;
  private started = false;
  private closed = false;
  /** The .gtkw written next to the VCD, if any. */
  readonly gtkwPath: string | undefined;

  constructor(design: Elaborated, file: string, options: TraceOptions, currentCycle: number) {
    const scopes = options.scopes ?? [design.root.path];
    for (const s of scopes) {
      if (!design.modules.some((m) => m.path === s)) throw new SimulationError(`trace: no module '${s}' in the design`);
    }
    const depth = options.depth ?? 0;
    if (!Number.isInteger(depth) || depth < 0) throw new SimulationError(`trace: depth ${depth} is not a non-negative integer`);
    this.from = options.window?.[0] ?? 0;
    this.to = options.window?.[1] ?? Number.POSITIVE_INFINITY;
    if (!(this.from <= this.to)) throw new SimulationError(`trace: window ${this.from}:${this.to} is empty`);
    this.periodPs = options.periodPs ?? 1250;

    const picked = new Map<Net, Signal[]>();
    const tracedSignals: Signal[] = [];
    for (const s of design.signals) {
      if (!selected(s, scopes, depth)) continue;
      tracedSignals.push(s);
      const net = design.netOf.get(s)!;
      const list = picked.get(net);
      if (list) list.push(s);
      else picked.set(net, [s]);
    }
    checkSeekable(file);
    this.file = file;
    this.threaded = (options.scanThread ?? true) && ![...picked.keys()].some((net) => net.wide);
    // threaded: the header and initial values are written here, the rest by the scan thread
    this.writer = new VcdWriter(this.threaded ? new FileSink(file) : new ThreadedFileSink(file), { timescale: "1ps" });
    this.clk = this.writer.addVariable({ scope: [design.root.path], name: "clk", width: 1, kind: "wire" });
    // One VCD variable per net; the other signals of the net are aliases sharing its code.
    const nSlots: number[] = [], nVars: number[] = [];
    const wSlots: number[] = [], wWords: number[] = [], wPrevAt: number[] = [], wVars: number[] = [];
    let wPrevWords = 0;
    const declOf = (s: Signal): VcdVariable => ({ scope: s.owner.path.split("."), name: s.name, width: s.width, kind: s.kind === "reg" ? "reg" : "wire" });
    for (const [net, members] of picked) {
      const first = members[0]!;
      const v = this.writer.addVariable(declOf(first));
      for (const other of members.slice(1)) this.writer.addAlias(v, declOf(other));
      if (!net.wide) {
        nSlots.push(first.slot);
        nVars.push(v);
      } else {
        const words = Math.ceil(net.width / 32);
        wSlots.push(first.slot);
        wWords.push(words);
        wPrevAt.push(wPrevWords);
        wPrevWords += words;
        wVars.push(v);
      }
    }
    this.nSlots = Int32Array.from(nSlots);
    this.nVars = Int32Array.from(nVars);
    this.wSlots = Int32Array.from(wSlots);
    this.wWords = Int32Array.from(wWords);
    this.wPrevAt = Int32Array.from(wPrevAt);
    this.wPrev = new Uint32Array(wPrevWords);
    this.wVars = Int32Array.from(wVars);
    this.gtkwPath = options.gtkw === false ? undefined : writeTraceGtkw(file, design.root.path, tracedSignals, {
            views: options.views ?? [],
            periodPs: this.periodPs,
            viewCycles: options.viewCycles ?? 64,
          });
    if (currentCycle >= this.from) this.start(currentCycle);
  }

  private start(cycle: number): void {
    this.started = true;
    const w = this.writer;
    w.begin(cycle * this.periodPs);
    w.changeBits(this.clk, 1);
    for (let i = 0; i < this.nSlots.length; i++) w.changeBits(this.nVars[i]!, this.narrow[this.nSlots[i]!]!);
    this.scan = w.scanPlan(this.narrow, this.nSlots, this.nVars);
    for (let i = 0; i < this.wSlots.length; i++) {
      this.wPrev.set(this.wide.subarray(this.wSlots[i]!, this.wSlots[i]! + this.wWords[i]!), this.wPrevAt[i]!);
      w.changeWords(this.wVars[i]!, this.wide, this.wSlots[i]!);
    }
    w.endInitial();
    w.time(cycle * this.periodPs + this.periodPs / 2);
    w.changeBits(this.clk, 0);
    if (this.threaded) this.scanThread = new VcdScanThread(this.file, w.detach(this.scan), w.idCode(this.clk), this.periodPs);
  }

  /** Called by the simulator after each cycle settles. */
  sample(cycle: number): void {
    if (this.closed || cycle < this.from) return;
    if (cycle > this.to) {
      this.close();
      return;
    }
    if (!this.started) {
      this.start(cycle);
      return;
    }
    if (this.scanThread !== undefined) {
      this.scanThread.sample(cycle);
      return;
    }
    const w = this.writer;
    const t = cycle * this.periodPs;
    w.time(t);
    w.changeBits(this.clk, 1);
    w.changedBits(this.scan!);
    for (let i = 0; i < this.wSlots.length; i++) this.sampleWide(i);
    w.time(t + this.periodPs / 2);
    w.changeBits(this.clk, 0);
  }

  private sampleWide(i: number): void {
    const slot = this.wSlots[i]!, words = this.wWords[i]!, at = this.wPrevAt[i]!;
    let changed = false;
    for (let k = 0; k < words; k++) {
      const v = this.wide[slot + k]!;
      if (v !== this.wPrev[at + k]) {
        this.wPrev[at + k] = v;
        changed = true;
      }
    }
    if (changed) this.writer.changeWords(this.wVars[i]!, this.wide, slot);
  }

  /** Flushes and closes the VCD file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.scanThread !== undefined) this.scanThread.close();
    else this.writer.close();
  }
}

