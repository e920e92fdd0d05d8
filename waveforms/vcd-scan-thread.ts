/**
 * The tracer's per-cycle VCD encoding on a worker thread. The simulation thread only copies
 * the traced values into a ring of snapshots (a few KB a cycle); the worker runs the scan of
 * vcd-scan-wasm.ts over each snapshot, writes the time and clock lines around it, and writes
 * the file. On a 2-core machine this puts the encoding, which costs about as much as the
 * simulation itself, on the other core (docs/waveforms.md, "Where K3's time goes").
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
import { RECORD_BYTES, SCAN_SLACK, scanModuleBytes } from "./vcd-scan-wasm.ts";
import type { DetachedScan } from "./vcd-writer.ts";

const WASM_PAGE = 65536;
/** Snapshots in the ring (a power of two). */
const RING = 128;
/** A buffer is written out once it holds this much; up to OUT_BUFFERS - 1 writes are in flight. */
const FLUSH_BYTES = 2 << 20;
const OUT_BUFFERS = 4;
const BLOCK = 4096;
/** "#" + 16 digits + "\n" with room to spare, and a clock line. */
const TIME_LINE_MAX = 24;
const CLOCK_LINE_MAX = 8;

/**
 * A thread that waits is woken only once the other has done this many snapshots: a wake-up
 * costs a system call and a context switch on each side, several microseconds, more than a
 * cycle's work.
 */
const BATCH = 32;

/** Control words. */
const HEAD = 0; // snapshots published by the simulation thread
const TAIL = 1; // snapshots encoded by the worker
const WORKER_WAITING = 2; // 1 while the worker waits for HEAD to reach WORKER_WANT
const WORKER_WANT = 3;
const MAIN_WAITING = 4; // 1 while the simulation thread waits for TAIL to reach MAIN_WANT
const MAIN_WANT = 5;
const CLOSING = 6;
const DONE = 7; // RUNNING, FINISHED or FAILED
const CONTROL_WORDS = 8;
const RUNNING = 0;
const FINISHED = 1;
const FAILED = 2;

/** Byte addresses in the shared memory. */
interface Layout {
  records: number;
  recordsEnd: number;
  values: number;
  /** Bytes per snapshot (8-aligned). */
  stride: number;
  /** Float64 cycle number of each snapshot. */
  cycles: number;
  /** The scan builds each chunk backwards ending here, then copies it to the output. */
  scratchEnd: number;
  /** The output buffers, page-aligned. */
  out: number[];
  total: number;
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

function layoutOf(d: DetachedScan): Layout {
  const records = d.digits.length;
  const values = align(records + d.records.length, 64);
  const stride = align(4 * d.valueWords, 64);
  const cycles = values + RING * stride;
  const scratchEnd = align(cycles + 8 * RING + SCAN_SLACK + d.chunkBytes + 16, 8);
  const outBytes = align(FLUSH_BYTES + 2 * (TIME_LINE_MAX + CLOCK_LINE_MAX) + d.chunkBytes + 64, BLOCK);
  const out = Array.from({ length: OUT_BUFFERS }, (_, i) => align(scratchEnd, BLOCK) + i * outBytes);
  return { records, recordsEnd: records + d.records.length - RECORD_BYTES, values, stride, cycles, scratchEnd, out, total: out[OUT_BUFFERS - 1]! + outBytes };
}

// Plain JavaScript, so the worker needs no TypeScript loader.
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const fs = require("node:fs");
const { memory, module, control, error, path, start, L, ring, flushBytes, block, periodPs, rise, fall } = workerData;
const scan = new WebAssembly.Instance(module, { env: { memory } }).exports.scan;
const bytes = new Uint8Array(memory.buffer);
const cycles = new Float64Array(memory.buffer, L.cycles, ring);
const outBase = L.out;
const pending = outBase.map(() => null);
let cur = 0;
let pos = 0; // bytes in the current buffer
let filePos = start;
let plain = -1;
let direct = -1;
const keepAlive = setInterval(() => {}, 1 << 30); // the loop awaits Atomics.waitAsync

// The time's decimal digits, least significant first, kept from line to line: consecutive
// time lines differ by half a period, so most take a few digit additions instead of a
// division per digit (which cost as much as the scan on a small design).
const digits = new Uint8Array(24);
let digitCount = 1;
let lastTime = -1; // none yet

function setDigits(t) {
  const step = t - lastTime;
  if (lastTime >= 0 && step >= 0 && step < 1e9) {
    // add step, digit by digit, to the digits of lastTime
    let carry = step;
    for (let i = 0; carry !== 0; i++) {
      const d = (i < digitCount ? digits[i] : 0) + (carry % 10);
      carry = Math.floor(carry / 10) + (d >= 10 ? 1 : 0);
      digits[i] = d >= 10 ? d - 10 : d;
      if (i >= digitCount) digitCount = i + 1;
    }
  } else {
    digitCount = 0;
    for (let x = t; digitCount === 0 || x > 0; x = Math.floor(x / 10)) digits[digitCount++] = x % 10;
  }
  lastTime = t;
}

function writeTime(t) {
  setDigits(t);
  let p = outBase[cur] + pos;
  bytes[p++] = 35;
  for (let i = digitCount - 1; i >= 0; i--) bytes[p++] = 48 + digits[i];
  bytes[p++] = 10;
  pos = p - outBase[cur];
}

function writeLine(line) {
  const p = outBase[cur] + pos;
  for (let i = 0; i < line.length; i++) bytes[p + i] = line[i];
  pos += line.length;
}

function encode(k) {
  const t = cycles[k] * periodPs;
  writeTime(t);
  writeLine(rise);
  pos += scan(L.recordsEnd, L.records, L.values + k * L.stride, L.scratchEnd, outBase[cur] + pos);
  writeTime(t + periodPs / 2);
  writeLine(fall);
}

/** Writes bytes [off, off + len) of the memory at file position at. */
function writeOut(off, len, at) {
  const aligned = direct >= 0 && at % block === 0 && len % block === 0 && off % block === 0;
  return new Promise((resolve, reject) => {
    let fd = aligned ? direct : plain;
    const step = (done) => {
      if (done === len) return resolve();
      fs.write(fd, bytes, off + done, len - done, at + done, (err, n) => {
        if (err) {
          if (fd === direct && err.code === "EINVAL") {
            // the file system refused the aligned direct write: ordinary writes from now on
            direct = -1;
            fd = plain;
            return step(done);
          }
          return reject(err);
        }
        step(done + n);
      });
    };
    step(0);
  });
}

/** Writes the current buffer out (whole blocks up to an aligned file position unless last). */
async function flush(last) {
  const base = outBase[cur];
  const len = last ? pos : pos - ((filePos + pos) % block);
  const other = (cur + 1) % outBase.length;
  if (pending[other] !== null) {
    await pending[other];
    pending[other] = null;
  }
  const carry = pos - len;
  if (carry > 0) bytes.copyWithin(outBase[other], base + len, base + pos);
  if (len > 0) {
    pending[cur] = writeOut(base, len, filePos);
    // handled here so a failure cannot kill the worker before run() awaits it and reports it
    pending[cur].catch(() => {});
  }
  filePos += len;
  cur = other;
  pos = carry;
}

function publish(tail) {
  Atomics.store(control, ${TAIL}, tail);
  if (Atomics.load(control, ${MAIN_WAITING}) !== 0 && ((tail - Atomics.load(control, ${MAIN_WANT})) | 0) >= 0) Atomics.notify(control, ${TAIL});
}

async function run() {
  plain = fs.openSync(path, "r+");
  try {
    direct = fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_DIRECT);
  } catch {
    direct = -1; // no O_DIRECT here: ordinary writes
  }
  let tail = 0;
  for (;;) {
    const head = Atomics.load(control, ${HEAD});
    if (head === tail) {
      if (Atomics.load(control, ${CLOSING}) !== 0) {
        if (Atomics.load(control, ${HEAD}) === tail) break; // closing comes after the last snapshot
        continue;
      }
      // sleep until a batch is queued (or closing); HEAD is compared when going to sleep
      Atomics.store(control, ${WORKER_WANT}, (tail + ${BATCH}) | 0);
      Atomics.store(control, ${WORKER_WAITING}, 1);
      const seen = Atomics.load(control, ${HEAD});
      if (((seen - tail) | 0) < ${BATCH} && Atomics.load(control, ${CLOSING}) === 0) {
        const w = Atomics.waitAsync(control, ${HEAD}, seen);
        if (w.async) await w.value;
      }
      Atomics.store(control, ${WORKER_WAITING}, 0);
      continue;
    }
    while (tail !== head) {
      encode(tail & (ring - 1));
      tail = (tail + 1) | 0;
      if ((tail & 7) === 0) publish(tail);
      if (pos >= flushBytes) await flush(false);
    }
    publish(tail);
  }
  await flush(true);
  for (const p of pending) if (p !== null) await p;
  if (direct >= 0) fs.closeSync(direct);
  fs.closeSync(plain);
}

run().then(
  () => finish(${FINISHED}),
  (e) => {
    new Uint8Array(error).set(new TextEncoder().encode(String((e && e.message) || e)).subarray(0, error.byteLength));
    finish(${FAILED});
  },
);

function finish(outcome) {
  clearInterval(keepAlive);
  Atomics.store(control, ${DONE}, outcome);
  Atomics.notify(control, ${DONE});
  Atomics.notify(control, ${TAIL});
}
`;

/** Scan threads not closed yet: finished when the process exits, so no dump is cut short. */
const openThreads = new Set<VcdScanThread>();
process.on("exit", () => {
  for (const t of [...openThreads]) t.close();
});

export class VcdScanThread {
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
  private readonly error = new SharedArrayBuffer(1024);
  private readonly worker: Worker;
  /** Per snapshot slot and run: where the run's values go (slot k, run i at k * runs + i). */
  private readonly targets: Uint32Array[] = [];
  private readonly sources: readonly Uint32Array[];
  private readonly cycles: Float64Array;
  private head = 0;
  /** The worker's progress as last read (the ring is full when head - tail === RING). */
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
    bytes.set(detached.digits, 0);
    bytes.set(detached.records, L.records);
    this.sources = detached.sources;
    for (let k = 0; k < RING; k++) {
      for (let i = 0; i < detached.sources.length; i++) {
        this.targets.push(new Uint32Array(memory.buffer, L.values + k * L.stride + 4 * detached.offsets[i]!, detached.sources[i]!.length));
      }
    }
    this.cycles = new Float64Array(memory.buffer, L.cycles, RING);
    const line = (bit: string): Uint8Array => new TextEncoder().encode(`${bit}${clkId}\n`);
    if (clkId.length + 2 > CLOCK_LINE_MAX) throw new Error(`scan thread: clock id '${clkId}' too long`);
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        memory,
        module: new WebAssembly.Module(scanModuleBytes(pages)),
        control: this.control,
        error: this.error,
        path,
        start: statSync(path).size,
        L,
        ring: RING,
        flushBytes: FLUSH_BYTES,
        block: BLOCK,
        periodPs,
        rise: line("1"),
        fall: line("0"),
      },
    });
    this.worker.unref();
    openThreads.add(this);
  }

  /** Queues the values of the traced slots now, as the changes of `cycle`. */
  sample(cycle: number): void {
    const head = this.head;
    if (((head - this.tail) | 0) >= RING) this.waitForRoom(head);
    const k = head & (RING - 1);
    const sources = this.sources;
    const targets = this.targets;
    const runs = sources.length;
    for (let i = 0; i < runs; i++) targets[k * runs + i]!.set(sources[i]!);
    this.cycles[k] = cycle;
    this.head = (head + 1) | 0;
    Atomics.store(this.control, HEAD, this.head);
    if (Atomics.load(this.control, WORKER_WAITING) !== 0 && ((this.head - Atomics.load(this.control, WORKER_WANT)) | 0) >= 0) {
      Atomics.notify(this.control, HEAD);
    }
  }

  /** Waits until the worker has emptied the ring down to RING - BATCH snapshots. */
  private waitForRoom(head: number): void {
    const control = this.control;
    const want = (head - RING + BATCH) | 0;
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
    Atomics.store(this.control, CLOSING, 1);
    Atomics.notify(this.control, HEAD);
    while (Atomics.load(this.control, DONE) === RUNNING) {
      // again each time: a worker that checked CLOSING just before it was set may have gone to sleep
      Atomics.notify(this.control, HEAD);
      Atomics.wait(this.control, DONE, RUNNING, 100);
    }
    this.throwIfFailed();
  }
}
