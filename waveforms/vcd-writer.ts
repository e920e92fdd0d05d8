// Streaming VCD writer for the kernel's tracer. The change* methods run on the simulator's hot
// path: they write ASCII straight into one preallocated buffer and never allocate.
import {
  checkCommandText,
  checkTimescale,
  checkVariable,
  vcdHeader,
  vcdIdCode,
  type VcdVariable,
} from "./vcd-header.ts";
import { instantiateScan, RECORD_BYTES, SCAN_LIST_BYTES, SCAN_SLACK, TIME_LINE_MAX, writeRecord, type ScanFunction } from "./vcd-scan-wasm.ts";
import { FileSink, type VcdSink } from "./vcd-sink.ts";

export type { VcdVariable, VcdVarKind } from "./vcd-header.ts";
export type { VcdSink } from "./vcd-sink.ts";

export interface VcdWriterOptions {
  /** Default "1ps"; the tracer uses 1 ps and times = cycle * 1250 (800 MHz). */
  timescale?: string;
  /** Optional $comment. There is no $date: output must be deterministic. */
  comment?: string;
  /** Default "tsrtl". */
  version?: string;
  /** Flush threshold in bytes; default 1 MiB. Memory stays bounded on long runs. */
  bufferBytes?: number;
}

/** A writer's prepared bulk scan (VcdWriter.scanPlan): addresses in its WebAssembly memory. */
export interface ScanPlan {
  readonly scan: ScanFunction;
  /** First and last record. */
  readonly records: number;
  readonly recordsEnd: number;
  /** Where the copy of the store's slots starts. */
  readonly values: number;
  /** The scan's list of changed records (SCAN_LIST_BYTES per record). */
  readonly list: number;
  /** Runs of the store's traced slots, and their copies in the memory. */
  readonly sources: readonly Uint32Array[];
  readonly copies: readonly Uint32Array[];
}

/** A scan plan handed from a writer to a scan thread (VcdWriter.detach). */
export interface DetachedScan {
  /** The records, RECORD_BYTES each; their offsets are from the start of the copy of the values. */
  readonly records: Uint8Array;
  /** Runs of the store's traced slots, and the word offset of each in the copy. */
  readonly sources: readonly Uint32Array[];
  readonly offsets: readonly number[];
  /** Words of the copy. */
  readonly valueWords: number;
  /** Bytes of one chunk when every variable changes. */
  readonly chunkBytes: number;
  /** The current time (already written). */
  readonly now: number;
}

/** Slots closer than this are copied as one run, gap included (one copy call instead of two). */
const RUN_GAP = 32;

/**
 * The traced slots as runs of nearby store slots, so each step copies only (about) the traced
 * values, whatever the store's size: a trace of one scope of a large design must not copy the
 * whole design's values every cycle. `storeParity`: the store's word offset in its buffer, mod 2.
 */
function slotRuns(slots: Int32Array, storeParity: number): {
  starts: number[];
  lengths: number[];
  /** Where each run starts in the copy. */
  offsets: number[];
  copied: number;
  copyIndex: (slot: number) => number;
} {
  const sorted = Int32Array.from(slots).sort();
  const starts: number[] = [], lengths: number[] = [], offsets: number[] = [];
  let copied = 0;
  for (let i = 0; i < sorted.length; ) {
    const start = sorted[i]!;
    let end = start; // last slot of the run
    while (i < sorted.length && sorted[i]! - end <= RUN_GAP) end = sorted[i++]!;
    // a run starts in the copy at the parity of its store slot: a copy into shared memory
    // (a scan thread's) is fast only when source and destination agree in alignment mod 8
    if ((copied & 1) !== ((start + storeParity) & 1)) copied++;
    starts.push(start);
    lengths.push(end - start + 1);
    offsets.push(copied);
    copied += end - start + 1;
  }
  const copyIndex = (slot: number): number => {
    let lo = 0, hi = starts.length - 1; // the last run starting at or before `slot`
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= slot) lo = mid;
      else hi = mid - 1;
    }
    return offsets[lo]! + slot - starts[lo]!;
  };
  return { starts, lengths, offsets, copied, copyIndex };
}

const WASM_PAGE = 65536;
/**
 * With a buffer size that is a multiple of it, every flush but the last hands the sink a whole
 * number of these blocks, from the start of the buffer (the rest moves to the front). The
 * threaded file sink then appends at 8-aligned offsets (V8 copies into shared memory 7x
 * slower when source and destination differ in alignment mod 8) and writes whole slots with
 * O_DIRECT (threaded-sink.ts).
 */
const BLOCK_BYTES = 4096;

function align8(n: number): number {
  return (n + 7) & ~7;
}

const enum State {
  Declaring,
  Initial, // inside $dumpvars
  Running,
  Closed,
}

const CH_0 = 48;
const CH_B = 98;
const CH_NL = 10;
const CH_HASH = 35;

// Binary digits are written 8 at a time as one 8-byte store: a float64 whose bytes are the 8
// ASCII digits. Every byte is 0x30 or 0x31 (padding included), so each pattern is an ordinary
// finite double and survives the float64 round trip bit for bit. This measured ~3x faster
// than byte-by-byte writes.
//   FULL[b]        the 8 digits of byte b, most significant first
//   LEAD[b]        the digits of b without leading zeros ("0" for 0), padded with '0' bytes;
//   LEAD_LEN[b]    how many of them count (1..8). The padding is overwritten by what follows.
const FULL = new Float64Array(256);
const LEAD = new Float64Array(256);
const LEAD_LEN = new Uint8Array(256);
const PAD = CH_0;
{
  const tmp = new DataView(new ArrayBuffer(8));
  for (let b = 0; b < 256; b++) {
    for (let k = 0; k < 8; k++) tmp.setUint8(k, CH_0 + ((b >>> (7 - k)) & 1));
    FULL[b] = tmp.getFloat64(0, true);
    const n = b === 0 ? 1 : 32 - Math.clz32(b);
    for (let k = 0; k < 8; k++) tmp.setUint8(k, k < n ? CH_0 + ((b >>> (n - 1 - k)) & 1) : PAD);
    LEAD[b] = tmp.getFloat64(0, true);
    LEAD_LEN[b] = n;
  }
}

/**
 * Bytes after the value, packed like the digit tables: "<id>\n" or " <id>\n", at most 8,
 * padded with '0' after them. Every byte is between '\n' and '~' and the top byte is '0' or
 * '\n', so the double is never a NaN or subnormal and is stored bit for bit.
 */
function packSuffix(bytes: Uint8Array): number {
  const tmp = new DataView(new ArrayBuffer(8));
  for (let k = 0; k < 8; k++) tmp.setUint8(k, k < bytes.length ? bytes[k]! : PAD);
  return tmp.getFloat64(0, true);
}

/** Writers not closed yet: flushed and closed when the process exits, so no dump is cut short. */
const openWriters = new Set<VcdWriter>();
process.on("exit", () => {
  for (const w of [...openWriters]) w.close();
});

export class VcdWriter {
  private readonly sink: VcdSink;
  private readonly timescale: string;
  private readonly comment: string | undefined;
  private readonly version: string | undefined;
  private readonly threshold: number;
  /** Flushes hand over whole blocks of this many bytes (see BLOCK_BYTES). */
  private readonly block: number;

  private readonly vars: VcdVariable[] = [];
  /** Extra declarations sharing another variable's identifier code (connected signals). */
  private readonly aliases: { decl: VcdVariable; of: number }[] = [];
  private readonly keys = new Set<string>();
  private state = State.Declaring;

  // Filled by begin(); `live` is the variable count once writing, 0 before and after, so the
  // hot-path index check also rejects calls in the wrong state.
  private live = 0;
  private widths = new Int32Array(0);
  /** Mask of the valid bits of the value word (changeBits) or of the top word (changeWords). */
  private masks = new Uint32Array(0);
  /** Per variable: the bytes that follow the value (" <id>\n" for vectors, "<id>\n" for scalars). */
  private suffix = new Float64Array(0);
  /** The same bytes as they are, for the scan's records. */
  private suffixBytes: Uint8Array[] = [];
  private suffixLen = new Uint8Array(0);
  /**
   * Output buffer: a view into a WebAssembly memory laid out as [buf][scan plan], so that
   * changedBits' chunks, built by WebAssembly in the same memory, are copied into `buf` there.
   */
  private memory: WebAssembly.Memory | undefined;
  private buf = new Uint8Array(0);
  private view = new DataView(this.buf.buffer);
  private pos = 0;
  private plan: ScanPlan | undefined;
  private outputBytes = 0;
  /** Bytes of one changedBits chunk when every narrow variable changes. */
  private narrowChunk = 0;

  private now = 0;
  private timePending = false;

  constructor(out: string | VcdSink, options: VcdWriterOptions = {}) {
    this.timescale = options.timescale ?? "1ps";
    checkTimescale(this.timescale);
    this.comment = options.comment;
    if (this.comment !== undefined) checkCommandText("comment", this.comment);
    this.version = options.version ?? "tsrtl";
    checkCommandText("version", this.version);
    const bufferBytes = options.bufferBytes ?? 1 << 20;
    if (!Number.isInteger(bufferBytes) || bufferBytes < 1) {
      throw new Error(`VcdWriter bufferBytes must be a positive integer, got ${bufferBytes}`);
    }
    this.threshold = bufferBytes;
    this.block = bufferBytes % BLOCK_BYTES === 0 ? BLOCK_BYTES : 1;
    this.sink = typeof out === "string" ? new FileSink(out) : out;
    openWriters.add(this);
  }

  /** Declares a variable (before begin()); returns its dense index 0..n-1. */
  addVariable(v: VcdVariable): number {
    if (this.state !== State.Declaring) throw new Error(`VcdWriter.addVariable('${v.name}') after begin()`);
    checkVariable(v);
    const key = [...v.scope, v.name].join("\u0000");
    if (this.keys.has(key)) throw new Error(`VCD variable '${[...v.scope, v.name].join(".")}' declared twice`);
    this.keys.add(key);
    this.vars.push({ scope: [...v.scope], name: v.name, width: v.width, kind: v.kind ?? "wire" });
    return this.vars.length - 1;
  }

  /**
   * Declares another name for variable `of` (before begin()): both share one identifier code,
   * so a change is written once and shows under every name, as for nets joined by ports.
   */
  addAlias(of: number, v: VcdVariable): void {
    if (this.state !== State.Declaring) throw new Error(`VcdWriter.addAlias('${v.name}') after begin()`);
    const target = this.vars[of];
    if (target === undefined) throw new Error(`VcdWriter.addAlias('${v.name}'): no variable ${of}`);
    if (target.width !== v.width) throw new Error(`VcdWriter.addAlias('${v.name}'): width ${v.width} differs from ${target.name} (${target.width})`);
    checkVariable(v);
    const key = [...v.scope, v.name].join("\u0000");
    if (this.keys.has(key)) throw new Error(`VCD variable '${[...v.scope, v.name].join(".")}' declared twice`);
    this.keys.add(key);
    this.aliases.push({ decl: { scope: [...v.scope], name: v.name, width: v.width, kind: v.kind ?? "wire" }, of });
  }

  /** Writes the header, then "#initialTime" and opens $dumpvars. */
  begin(initialTime: number): void {
    if (this.state !== State.Declaring) throw new Error("VcdWriter.begin() called twice");
    checkTime(initialTime);
    const n = this.vars.length;
    const ids = this.vars.map((_, i) => vcdIdCode(i));

    this.widths = new Int32Array(n);
    this.masks = new Uint32Array(n);
    this.suffix = new Float64Array(n);
    this.suffixLen = new Uint8Array(n);
    const enc = new TextEncoder();
    let longestLine = 0;
    for (let i = 0; i < n; i++) {
      const w = this.vars[i]!.width;
      this.widths[i] = w;
      const rem = w % 32;
      this.masks[i] = rem === 0 ? 0xffffffff : (2 ** rem - 1) >>> 0;
      const s = enc.encode(w === 1 ? `${ids[i]}\n` : ` ${ids[i]}\n`);
      if (s.length > 8) throw new Error(`VcdWriter: too many variables (${n})`);
      this.suffix[i] = packSuffix(s);
      this.suffixBytes[i] = s;
      this.suffixLen[i] = s.length;
      longestLine = Math.max(longestLine, 1 + w + s.length);
      if (w <= 32) this.narrowChunk += 1 + (w === 1 ? 0 : w) + s.length;
    }

    // A change may add a time line and its own line after the last threshold check (or one
    // changedBits chunk of every narrow variable); the 8-byte stores may run up to 8 bytes,
    // the scan up to SCAN_SLACK, past the end of what they write.
    const outputBytes = this.threshold + TIME_LINE_MAX + Math.max(longestLine, this.narrowChunk) + Math.max(16, SCAN_SLACK);
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(outputBytes / WASM_PAGE) });
    this.outputBytes = outputBytes;
    this.refreshViews();

    const header = enc.encode(
      vcdHeader(
        { timescale: this.timescale, version: this.version, comment: this.comment },
        [...this.vars, ...this.aliases.map((a) => a.decl)],
        [...ids, ...this.aliases.map((a) => ids[a.of]!)],
      ),
    );
    this.writeBytes(header);

    this.now = initialTime;
    this.writeTime();
    this.writeAscii("$dumpvars\n");
    this.state = State.Initial;
    this.live = n;
  }

  /** Closes $dumpvars; the initial values are the change* calls between begin() and here. */
  endInitial(): void {
    if (this.state !== State.Initial) throw new Error("VcdWriter.endInitial() outside $dumpvars");
    this.writeAscii("$end\n");
    this.state = State.Running;
  }

  /** Sets the current time; "#t" is written only when a change follows. Times never decrease. */
  time(t: number): void {
    if (t === this.now) return;
    if (this.state !== State.Running) {
      throw new Error(
        this.state === State.Initial
          ? "VcdWriter.time(): call endInitial() before advancing time"
          : "VcdWriter.time() outside begin()..close()",
      );
    }
    checkTime(t);
    if (t < this.now) throw new Error(`VcdWriter.time(${t}): time went backwards from ${this.now}`);
    this.now = t;
    this.timePending = true;
  }

  /** Value change of a variable of width <= 32; `value` is taken as unsigned 32-bit. */
  changeBits(index: number, value: number): void {
    if (!(index >= 0 && index < this.live)) this.badIndex(index);
    if (this.timePending) this.writeTime();
    const view = this.view;
    let p = this.pos;
    const w = this.widths[index]!;
    if (w === 1) {
      this.buf[p++] = CH_0 + (value & 1);
    } else {
      if (w > 32) this.wrongWidth(index, "changeBits");
      const v = (value & this.masks[index]!) >>> 0;
      this.buf[p++] = CH_B;
      // Leading byte without its leading zeros, then whole bytes.
      let shift = (31 - Math.clz32(v | 1)) & ~7;
      const lead = v >>> shift;
      view.setFloat64(p, LEAD[lead]!, true);
      p += LEAD_LEN[lead]!;
      while (shift > 0) {
        shift -= 8;
        view.setFloat64(p, FULL[(v >>> shift) & 0xff]!, true);
        p += 8;
      }
    }
    view.setFloat64(p, this.suffix[index]!, true);
    this.pos = p + this.suffixLen[index]!;
    if (this.pos > this.threshold) this.flush();
  }

  /**
   * Prepares the bulk scan (once, after begin()): variable `vars[k]`, of width <= 32, takes
   * the value `store[slots[k]]`. The values in the store now are taken as already written
   * (dump them with changeBits first). See changedBits.
   */
  scanPlan(store: Uint32Array, slots: Int32Array, vars: Int32Array): ScanPlan {
    if (this.state === State.Declaring || this.state === State.Closed) throw new Error("VcdWriter.scanPlan() outside begin()..close()");
    if (this.plan !== undefined) throw new Error("VcdWriter.scanPlan(): a writer has one scan plan");
    if (slots.length !== vars.length) throw new Error(`VcdWriter.scanPlan: ${slots.length} slots but ${vars.length} variables`);
    const n = slots.length;
    for (let k = 0; k < n; k++) {
      const index = vars[k]!;
      if (!(index >= 0 && index < this.live)) this.badIndex(index);
      if (this.widths[index]! > 32) this.wrongWidth(index, "scanPlan");
      const slot = slots[k]!;
      if (!(slot >= 0 && slot < store.length)) throw new Error(`VcdWriter.scanPlan: slot ${slot} outside the store (length ${store.length})`);
    }
    const runs = slotRuns(slots, (store.byteOffset >> 2) & 1);
    // Memory after the output buffer (where the scan writes its chunks): records, the copy of
    // the traced slots (run after run), then the scan's list.
    const records = align8(this.outputBytes);
    const values = records + n * RECORD_BYTES;
    const list = align8(values + 4 * runs.copied);
    if (list + SCAN_LIST_BYTES * n > this.memory!.buffer.byteLength) {
      // A new memory rather than memory.grow: growing detaches the old buffer, and once any
      // ArrayBuffer in the process has been detached, V8's optimized code checks every typed
      // array access for it (the simulation of K1 measured 25% slower).
      const bigger = new WebAssembly.Memory({ initial: Math.ceil((list + SCAN_LIST_BYTES * n) / WASM_PAGE) });
      new Uint8Array(bigger.buffer).set(this.buf.subarray(0, this.pos));
      this.memory = bigger;
      this.refreshViews();
    }
    const memory = this.memory!;
    const recordBytes = new Uint8Array(memory.buffer, records, n * RECORD_BYTES);
    for (let k = 0; k < n; k++) {
      const index = vars[k]!;
      writeRecord(recordBytes, k, {
        offset: 4 * runs.copyIndex(slots[k]!),
        last: store[slots[k]!]! | 0,
        mask: this.masks[index]! | 0,
        suffix: this.suffixBytes[index]!,
      });
    }
    this.plan = {
      scan: instantiateScan(memory),
      recordsEnd: records + (n - 1) * RECORD_BYTES,
      records,
      values,
      list,
      sources: runs.starts.map((start, i) => store.subarray(start, start + runs.lengths[i]!)),
      copies: runs.starts.map((_, i) => new Uint32Array(memory.buffer, values + 4 * runs.offsets[i]!, runs.lengths[i]!)),
    };
    return this.plan;
  }

  /**
   * The tracer's per-cycle scan in one call: writes a change, at the current time, for every
   * variable of the plan whose value in the store differs from the last one written. The
   * changes come out in plan order.
   * The traced slots are copied into WebAssembly memory (run by run) and encoded there
   * (vcd-scan-wasm.ts), straight into the output buffer, which is in the same memory.
   */
  changedBits(plan: ScanPlan): void {
    if (plan !== this.plan || this.live === 0) throw new Error("VcdWriter.changedBits: not this writer's scan plan, or not writing");
    const { sources, copies } = plan;
    for (let i = 0; i < sources.length; i++) copies[i]!.set(sources[i]!);
    // Room after pos for a time line and a chunk of every narrow variable, so the scan can
    // write its chunk straight into place.
    if (this.pos + TIME_LINE_MAX + this.narrowChunk > this.threshold && this.pos > 0) this.flush();
    const at = this.pos;
    const timePending = this.timePending;
    if (timePending) this.writeTime();
    const end = plan.scan(plan.records, plan.recordsEnd, plan.values, this.pos, plan.list);
    if (end === this.pos) {
      // No change: take the time line back, it is written with the next change.
      this.pos = at;
      this.timePending = timePending;
      return;
    }
    this.pos = end;
    if (this.pos > this.threshold) this.flush();
  }

  /**
   * Ends this writer's part of the stream so that a scan thread (vcd-scan-thread.ts) goes on
   * with it: writes out and closes the sink, closes the writer, and hands over the plan (its
   * records hold the last values written).
   */
  detach(plan: ScanPlan): DetachedScan {
    if (plan !== this.plan || this.state !== State.Running) throw new Error("VcdWriter.detach: not this writer's scan plan, or not writing");
    // a pending time line with no change after it is dropped, as close() drops it
    const memory = new Uint8Array(this.memory!.buffer);
    const offsets = plan.copies.map((c) => (c.byteOffset - plan.values) >> 2);
    const detached: DetachedScan = {
      records: memory.slice(plan.records, plan.recordsEnd + RECORD_BYTES),
      sources: plan.sources,
      offsets,
      valueWords: plan.copies.reduce((n, c, i) => Math.max(n, offsets[i]! + c.length), 0),
      chunkBytes: this.narrowChunk,
      now: this.now,
    };
    this.close();
    return detached;
  }

  /** The identifier code of variable `index` in the header. */
  idCode(index: number): string {
    if (!(index >= 0 && index < this.vars.length)) throw new Error(`VcdWriter: no variable with index ${index}`);
    return vcdIdCode(index);
  }

  /** Views of the memory (again when scanPlan replaces it). */
  private refreshViews(): void {
    const buffer = this.memory!.buffer;
    this.buf = new Uint8Array(buffer, 0, this.outputBytes);
    this.view = new DataView(buffer, 0, this.outputBytes);
  }

  /** Value change of a variable wider than 32 bits: ceil(width/32) little-endian words at words[offset..]. */
  changeWords(index: number, words: Uint32Array, offset: number): void {
    if (!(index >= 0 && index < this.live)) this.badIndex(index);
    const w = this.widths[index]!;
    if (w <= 32) this.wrongWidth(index, "changeWords");
    if (this.timePending) this.writeTime();
    const view = this.view;
    // Skip zero words from the top; the top word is masked to the variable's width.
    let top = ((w + 31) >>> 5) - 1;
    let v = (words[offset + top]! & this.masks[index]!) >>> 0;
    while (v === 0 && top > 0) v = words[offset + --top]! >>> 0;
    let p = this.pos;
    this.buf[p++] = CH_B;
    let shift = (31 - Math.clz32(v | 1)) & ~7;
    const lead = v >>> shift;
    view.setFloat64(p, LEAD[lead]!, true);
    p += LEAD_LEN[lead]!;
    for (;;) {
      while (shift > 0) {
        shift -= 8;
        view.setFloat64(p, FULL[(v >>> shift) & 0xff]!, true);
        p += 8;
      }
      if (top === 0) break;
      v = words[offset + --top]! >>> 0;
      shift = 32;
    }
    view.setFloat64(p, this.suffix[index]!, true);
    this.pos = p + this.suffixLen[index]!;
    if (this.pos > this.threshold) this.flush();
  }

  /** Flushes and closes the output. Closes an open $dumpvars so the file stays well formed. */
  close(): void {
    if (this.state === State.Closed) return;
    if (this.state === State.Initial) this.writeAscii("$end\n");
    this.state = State.Closed;
    this.live = 0;
    this.flush(true);
    this.sink.close();
    openWriters.delete(this);
  }

  private writeTime(): void {
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = CH_HASH;
    let t = this.now;
    let len = 1;
    for (let x = t; x >= 10; x = Math.floor(x / 10)) len++;
    for (let k = p + len - 1; k >= p; k--) {
      const q = Math.floor(t / 10);
      buf[k] = CH_0 + (t - q * 10);
      t = q;
    }
    p += len;
    buf[p++] = CH_NL;
    this.pos = p;
    this.timePending = false;
  }

  private writeAscii(s: string): void {
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i);
    if (this.pos > this.threshold) this.flush();
  }

  private writeBytes(bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; ) {
      const n = Math.min(bytes.length - at, this.threshold + 1 - this.pos);
      this.buf.set(bytes.subarray(at, at + n), this.pos);
      this.pos += n;
      at += n;
      if (this.pos > this.threshold) this.flush();
    }
  }

  /** Hands the sink the buffer's whole blocks (everything when `all`). */
  private flush(all = false): void {
    const n = all ? this.pos : this.pos - (this.pos % this.block);
    if (n > 0) this.sink.write(this.buf, n);
    this.buf.copyWithin(0, n, this.pos);
    this.pos -= n;
  }

  private badIndex(index: number): never {
    if (this.state === State.Declaring) throw new Error("VcdWriter: value change before begin()");
    if (this.state === State.Closed) throw new Error("VcdWriter: value change after close()");
    throw new Error(`VcdWriter: no variable with index ${index} (have ${this.live})`);
  }

  private wrongWidth(index: number, method: string): never {
    const v = this.vars[index]!;
    const use = v.width > 32 ? "changeWords" : "changeBits";
    throw new Error(`VcdWriter.${method}: '${[...v.scope, v.name].join(".")}' is ${v.width} bits wide; use ${use}`);
  }
}

function checkTime(t: number): void {
  if (!Number.isSafeInteger(t) || t < 0) throw new Error(`VCD time ${t} is not a non-negative safe integer`);
}
