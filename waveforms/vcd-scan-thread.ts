/**
 * The tracer's per-cycle VCD encoding on a worker thread. The simulation thread only copies
 * the traced values into a ring of snapshots (a few KB a cycle); the worker encodes each
 * snapshot, time and clock lines included, with one WebAssembly call (vcd-cycle-wasm.ts, which
 * runs the scan of vcd-scan-wasm.ts straight into the output buffer), and writes the file.
 * On a 2-core machine this puts the encoding, which costs about as much as the simulation
 * itself, on the other core (docs/waveforms.md, "Where K3's time goes").
 *
 * The simulation thread also scans the first records (MAIN_SHARE) into a chunk per snapshot,
 * which the worker writes ahead of its own: the two threads then cost about the same.
 *
 * It takes over a VcdWriter's stream after the initial values (VcdWriter.detach): the file
 * holds the header and $dumpvars, and every cycle adds
 *   #<cycle * period>  1<clk>  <the scan's changes>  #<cycle * period + period / 2>  0<clk>
 * byte for byte what the tracer writes on its own thread.
 *
 * Output: a ring of buffers in the shared memory, each written with an asynchronous write once
 * full, so the disk works while the next ones fill. Whole 4 KiB blocks at aligned file positions go
 * through O_DIRECT where the file system takes it: a dump is read later, not now, and copying
 * ~1 GB/s into the page cache costs a core on this machine kind; the rest, and file systems
 * without O_DIRECT, through an ordinary descriptor.
 */
import { existsSync, statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { writeFailure } from "./threaded-sink.ts";
import { CONFIG_BYTES, cycleModuleBytes, writeCycleConfig, type SnapshotAddresses } from "./vcd-cycle-wasm.ts";
import { lineBound, RECORD_BYTES, SCAN_LIST_BYTES, SCAN_SLACK, TIME_LINE_MAX, type ScanFunction } from "./vcd-scan-wasm.ts";
import {
  CLOSING,
  CONTROL_WORDS,
  DONE,
  FAILED,
  HEAD,
  MAIN_WAITING,
  MAIN_WANT,
  RUNNING,
  SCAN_WORKER_SOURCE,
  TAIL,
  WAKE,
  WORKER_WAITING,
  WORKER_WANT,
} from "./vcd-scan-worker.ts";
import type { DetachedScan } from "./vcd-writer.ts";
import { instantiateOver } from "./wasm-module.ts";

const WASM_PAGE = 65536;
/**
 * The ring of snapshots: up to 128 (a power of two), within RING_BYTES, at least 4. A thread
 * that waits is woken only once the other has done a quarter of the ring: a wake-up costs a
 * system call and a context switch on each side, several microseconds, more than a cycle's
 * work.
 */
const RING_MAX = 128;
const RING_BYTES = 32 << 20;
/**
 * A buffer is written out once it holds this much; up to OUT_BUFFERS - 1 writes are in flight.
 * A direct write costs the thread that makes it a fixed part (tens of us on this VM) besides
 * its pages: on K3 the I/O threads took ~1.5 us of CPU a cycle with 512 KiB writes and ~0.8
 * with 2 MiB, and the worker, which scans straight into the buffers, cost the same with both
 * (per-thread CPU time, session 5). (While the scan's chunks were copied into the buffers, 2
 * MiB buffers had cost the worker 0.7 us a cycle more than 512 KiB ones: session 4.)
 */
const FLUSH_BYTES = 2 << 20;
const OUT_BUFFERS = 4;
const BLOCK = 4096;
const CLOCK_LINE_MAX = 8;

/**
 * The simulation thread scans this share of the records itself (into a chunk per snapshot that
 * the worker appends), so that both threads cost about the same on K3: per-thread CPU time a
 * cycle (medians of 5 runs, session 5), simulation thread / worker: 3.9 / 4.8 us with no
 * share, 4.1 / 4.4 with 0.1, 4.5 / 4.3 with 0.15.
 */
const MAIN_SHARE = 0.1;

/** Byte addresses in the shared memory (the snapshots' as the cycle function reads them). */
interface Layout extends SnapshotAddresses {
  /** The worker's cycle function's config block (vcd-cycle-wasm.ts). */
  config: number;
  /** Snapshots in the ring, and the batch a waiting thread is woken for. */
  ring: number;
  batch: number;
  records: number;
  /** The simulation thread's records are [records, mainEnd), the worker's [mainEnd, recordsEnd]. */
  mainEnd: number;
  recordsEnd: number;
  /** The simulation thread's scan list (the worker's is `list`). */
  mainList: number;
  /** The output buffers, page-aligned. */
  out: number[];
  total: number;
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** The longest line each record can write, summed over records [0, count). */
function chunkBound(records: Uint8Array, count: number): number {
  let bytes = 0;
  for (let r = 0; r < count; r++) bytes += lineBound(records, r);
  return bytes;
}

function layoutOf(d: DetachedScan): Layout {
  const config = 0;
  const records = align(CONFIG_BYTES, 64);
  const n = d.records.length / RECORD_BYTES;
  const mainCount = Math.floor(n * MAIN_SHARE);
  const values = align(records + d.records.length, 64);
  const stride = align(4 * d.valueWords, 64);
  const chunkStride = align(chunkBound(d.records, mainCount) + SCAN_SLACK, 64);
  let ring = RING_MAX;
  while (ring > 4 && ring * (stride + chunkStride) > RING_BYTES) ring /= 2;
  const chunks = values + ring * stride;
  const chunkLengths = chunks + ring * chunkStride;
  const cycles = chunkLengths + 4 * ring;
  const list = align(cycles + 8 * ring, 8);
  const mainList = list + SCAN_LIST_BYTES * n;
  // a cycle's lines (written from below FLUSH_BYTES) and the cycle function's slack past them
  const outBytes = align(FLUSH_BYTES + 2 * (TIME_LINE_MAX + CLOCK_LINE_MAX) + d.chunkBytes + SCAN_SLACK, BLOCK);
  const out = Array.from({ length: OUT_BUFFERS }, (_, i) => align(mainList + SCAN_LIST_BYTES * n, BLOCK) + i * outBytes);
  return {
    config,
    ring,
    batch: ring / 4,
    records,
    mainEnd: records + mainCount * RECORD_BYTES,
    recordsEnd: records + d.records.length - RECORD_BYTES,
    values,
    stride,
    chunks,
    chunkStride,
    chunkLengths,
    cycles,
    list,
    mainList,
    out,
    total: out[OUT_BUFFERS - 1]! + outBytes,
  };
}

/** Scan threads not closed yet: finished when the process exits, so no dump is cut short. */
const openThreads = new Set<VcdScanThread>();
process.on("exit", () => {
  let failure: unknown;
  for (const t of [...openThreads]) {
    try {
      t.close();
    } catch (e) {
      failure ??= e; // close the others first
    }
  }
  if (failure !== undefined) throw failure;
});

export class VcdScanThread {
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
  private readonly error = new SharedArrayBuffer(1024);
  private readonly worker: Worker;
  /** Per snapshot slot and run: where the run's values go (slot k, run i at k * runs + i). */
  private readonly targets: Uint32Array[] = [];
  private readonly sources: readonly Uint32Array[];
  private readonly cycles: Float64Array;
  /** The simulation thread's share of the scan: its records, where its chunks go and their lengths. */
  private readonly scan: ScanFunction;
  private readonly layout: Layout;
  private readonly chunkLengths: Int32Array;
  private head = 0;
  /**
   * HEAD is published every this many snapshots (a power of two dividing the batch the worker
   * waits for): an Atomics call costs more than the rest of sample's bookkeeping.
   */
  private readonly publishEvery: number;
  /** The worker's progress as last read (the ring is full when head - tail === ring). */
  private tail = 0;
  private closed = false;

  /**
   * Continues the VCD at `path` (the writer's file, closed, holding everything written so
   * far) from a detached scan. `clkId` is the clock's identifier code; the clock rises at
   * cycle * periodPs and falls half a period later.
   */
  constructor(
    private readonly path: string,
    detached: DetachedScan,
    clkId: string,
    periodPs: number,
  ) {
    if (!existsSync(path)) throw new Error(`scan thread: ${path} does not exist`);
    const L = layoutOf(detached);
    const pages = Math.ceil(L.total / WASM_PAGE);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    const bytes = new Uint8Array(memory.buffer);
    bytes.set(detached.records, L.records);
    this.sources = detached.sources;
    for (let k = 0; k < L.ring; k++) {
      for (let i = 0; i < detached.sources.length; i++) {
        this.targets.push(new Uint32Array(memory.buffer, L.values + k * L.stride + 4 * detached.offsets[i]!, detached.sources[i]!.length));
      }
    }
    this.cycles = new Float64Array(memory.buffer, L.cycles, L.ring);
    this.chunkLengths = new Int32Array(memory.buffer, L.chunkLengths, L.ring);
    this.layout = L;
    this.publishEvery = Math.min(8, L.batch);
    const module = new WebAssembly.Module(cycleModuleBytes(pages));
    this.scan = instantiateOver(module, memory)["scan"] as ScanFunction;
    const line = (bit: string): Uint8Array => new TextEncoder().encode(`${bit}${clkId}\n`);
    if (clkId.length + 2 > CLOCK_LINE_MAX) throw new Error(`scan thread: clock id '${clkId}' too long`);
    writeCycleConfig(memory.buffer, L.config, { ...L, recordFirst: L.mainEnd, recordLast: L.recordsEnd, periodPs, rise: line("1"), fall: line("0") });
    this.worker = new Worker(SCAN_WORKER_SOURCE, {
      eval: true,
      workerData: {
        memory,
        module,
        control: this.control,
        error: this.error,
        path,
        start: statSync(path).size,
        config: L.config,
        out: L.out,
        ring: L.ring,
        batch: L.batch,
        flushBytes: FLUSH_BYTES,
        block: BLOCK,
      },
    });
    this.worker.unref();
    openThreads.add(this);
  }

  /** Queues the values of the traced slots now, as the changes of `cycle`. */
  sample(cycle: number): void {
    const head = this.head;
    const L = this.layout;
    if (((head - this.tail) | 0) >= L.ring) this.waitForRoom(head);
    const k = head & (L.ring - 1);
    const sources = this.sources;
    const targets = this.targets;
    const runs = sources.length;
    for (let i = 0; i < runs; i++) targets[k * runs + i]!.set(sources[i]!);
    // the first records' changes, into the snapshot's chunk slot (the worker writes them ahead
    // of its own, in record order)
    const chunk = L.chunks + k * L.chunkStride;
    this.chunkLengths[k] = this.scan(L.records, L.mainEnd - RECORD_BYTES, L.values + k * L.stride, chunk, L.mainList) - chunk;
    this.cycles[k] = cycle;
    this.head = (head + 1) | 0;
    if ((this.head & (this.publishEvery - 1)) === 0) this.publish();
  }

  /** Tells the worker how far the snapshots go, and wakes it if it waits for them. */
  private publish(): void {
    Atomics.store(this.control, HEAD, this.head);
    if (Atomics.load(this.control, WORKER_WAITING) !== 0 && ((this.head - Atomics.load(this.control, WORKER_WANT)) | 0) >= 0) this.wake();
  }

  private wake(): void {
    Atomics.add(this.control, WAKE, 1);
    Atomics.notify(this.control, WAKE);
  }

  /** Waits until the worker has emptied the ring down to ring - batch snapshots. */
  private waitForRoom(head: number): void {
    this.publish(); // the worker may be waiting for snapshots not published yet
    const control = this.control;
    const want = (head - this.layout.ring + this.layout.batch) | 0;
    for (;;) {
      this.tail = Atomics.load(control, TAIL);
      if (((this.tail - want) | 0) >= 0) return;
      this.throwIfFailed();
      Atomics.store(control, MAIN_WANT, want);
      Atomics.store(control, MAIN_WAITING, 1);
      const tail = Atomics.load(control, TAIL);
      if (((tail - want) | 0) < 0 && Atomics.load(control, DONE) === RUNNING) Atomics.wait(control, TAIL, tail, 100);
      Atomics.store(control, MAIN_WAITING, 0);
    }
  }

  private throwIfFailed(): void {
    if (Atomics.load(this.control, DONE) === FAILED) throw writeFailure(this.path, this.error);
  }

  /** Encodes what is queued, writes it out and closes the file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    openThreads.delete(this);
    this.publish();
    Atomics.store(this.control, CLOSING, 1);
    this.wake();
    while (Atomics.load(this.control, DONE) === RUNNING) Atomics.wait(this.control, DONE, RUNNING, 100);
    this.throwIfFailed();
  }
}
