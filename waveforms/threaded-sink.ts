/**
 * A VCD sink that writes the file on a worker thread, so the simulation thread only encodes
 * and the disk writes overlap with it. Buffers travel through a ring of slots in shared
 * memory; when every slot is waiting for the disk, `write` blocks (Atomics.wait) until one
 * frees: memory stays bounded. The bytes and their order are exactly those of FileSink.
 *
 * Full slots are written with O_DIRECT where the file system takes it. A dump is written once
 * and read later, so the page cache buys nothing, and on this machine kind copying ~1 GB/s
 * into it costs a whole core (K3: ~10 KB of VCD per simulated cycle); a direct write is a DMA
 * the disk does. The slots are page-aligned (they live in a shared WebAssembly memory) and are
 * handed over only when full (4 MiB, a multiple of every block size), so every direct write is
 * aligned; the last, partial slot and any file system that refuses O_DIRECT (tmpfs, /dev/null)
 * go through an ordinary descriptor at the same file position.
 */
import { closeSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { Worker } from "node:worker_threads";
import type { VcdSink } from "./vcd-sink.ts";

const SLOTS = 4;
const SLOT_BYTES = 4 << 20;
const WASM_PAGE = 65536;
/** Control words: per slot its state, then its length; then the worker's done flag. */
const FREE = 0;
const FULL = 1;
const CLOSE = 2;
const DONE_AT = 2 * SLOTS;
/** The done flag's values: still writing, finished, failed (the message is in `error`). */
const RUNNING = 0;
const FINISHED = 1;
const FAILED = 2;

// Plain JavaScript, so the worker needs no TypeScript loader.
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { openSync, writeSync, closeSync, constants } = require("node:fs");
const { control, data, error, path, slots, slotBytes, doneAt } = workerData;
let outcome = ${FINISHED};
let direct = -1;
let plain = -1;
let position = 0;
/** Writes a slot: directly when it is a whole slot and the file system takes it, else through the page cache. */
function writeSlot(bytes, length) {
  let done = 0;
  while (done < length) {
    const fd = direct >= 0 && length === slotBytes ? direct : plain;
    let n;
    try {
      n = writeSync(fd, bytes, done, length - done, position);
    } catch (e) {
      if (fd !== direct || e.code !== "EINVAL") throw e;
      // the file system refused the direct write: ordinary writes from here on, from where it stopped
      closeSync(direct);
      direct = -1;
      continue;
    }
    done += n;
    position += n;
  }
}
try {
  plain = openSync(path, "w");
  try {
    direct = openSync(path, constants.O_WRONLY | constants.O_DIRECT);
  } catch {
    direct = -1; // the file system has no O_DIRECT: every slot goes through the page cache
  }
  let slot = 0;
  for (;;) {
    Atomics.wait(control, slot, ${FREE});
    if (Atomics.load(control, slot) === ${CLOSE}) break;
    const length = control[slots + slot];
    writeSlot(new Uint8Array(data, slot * slotBytes, length), length);
    Atomics.store(control, slot, ${FREE});
    Atomics.notify(control, slot);
    slot = (slot + 1) % slots;
  }
  if (direct >= 0) closeSync(direct);
  closeSync(plain);
} catch (e) {
  new Uint8Array(error).set(new TextEncoder().encode(String(e && e.message || e)).subarray(0, error.byteLength));
  outcome = ${FAILED};
}
Atomics.store(control, doneAt, outcome);
Atomics.notify(control, doneAt);
for (let s = 0; s < slots; s++) Atomics.notify(control, s);
`;

/**
 * The threaded writers write at file positions (the slots and buffers finish out of order),
 * so a FIFO or a socket cannot take a dump: refused here, naming it, instead of an ESPIPE
 * later or an open that waits for a reader. (VcdWriter with a plain FileSink writes pipes.)
 */
export function checkSeekable(path: string): void {
  let kind: string | undefined;
  try {
    const st = statSync(path);
    kind = st.isFIFO() ? "FIFO" : st.isSocket() ? "socket" : undefined;
  } catch {
    return; // not there yet: it will be a regular file
  }
  if (kind !== undefined) throw new Error(`${path} is a ${kind}: a traced VCD is written to a regular file`);
}

/** The error a writer thread left in `error` (UTF-8, zero-padded), for the file at `path`. */
export function writeFailure(path: string, error: SharedArrayBuffer): Error {
  const message = new TextDecoder().decode(new Uint8Array(error)).replace(/\0+$/, "");
  return new Error(`writing ${path} failed: ${message}`);
}

/** A SharedArrayBuffer at a page boundary: the buffer of a shared WebAssembly memory. */
function pageAlignedSharedBuffer(bytes: number): SharedArrayBuffer {
  const pages = Math.ceil(bytes / WASM_PAGE);
  const buffer: unknown = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }).buffer;
  if (!(buffer instanceof SharedArrayBuffer)) throw new Error("threaded sink: shared WebAssembly memory is not a SharedArrayBuffer");
  return buffer;
}

export class ThreadedFileSink implements VcdSink {
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * (2 * SLOTS + 1)));
  /** Page-aligned shared memory (O_DIRECT needs aligned buffers; a SharedArrayBuffer's alignment is not promised). */
  private readonly data = pageAlignedSharedBuffer(SLOTS * SLOT_BYTES);
  private readonly bytes = new Uint8Array(this.data);
  private readonly error = new SharedArrayBuffer(1024);
  private readonly worker: Worker;
  /** The slot being filled, and how full it is (-1: none taken yet). */
  private slot = -1;
  private fill = 0;
  private next = 0;
  private closed = false;

  constructor(private readonly path: string) {
    checkSeekable(path);
    mkdirSync(dirname(path), { recursive: true });
    closeSync(openSync(path, "w")); // fail here, with the path, if the file cannot be created
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { control: this.control, data: this.data, error: this.error, path, slots: SLOTS, slotBytes: SLOT_BYTES, doneAt: DONE_AT },
    });
    this.worker.unref();
  }

  write(bytes: Uint8Array, length: number): void {
    let done = 0;
    while (done < length) {
      if (this.slot < 0) this.slot = this.takeSlot();
      const n = Math.min(SLOT_BYTES - this.fill, length - done);
      this.bytes.set(bytes.subarray(done, done + n), this.slot * SLOT_BYTES + this.fill);
      this.fill += n;
      done += n;
      if (this.fill === SLOT_BYTES) this.handOver();
    }
  }

  /** Gives the slot being filled to the writer thread. */
  private handOver(): void {
    const slot = this.slot;
    this.control[SLOTS + slot] = this.fill;
    Atomics.store(this.control, slot, FULL);
    Atomics.notify(this.control, slot);
    this.slot = -1;
    this.fill = 0;
  }

  /** The next slot in ring order, once the worker has written it out. */
  private takeSlot(): number {
    const slot = this.next;
    while (Atomics.load(this.control, slot) !== FREE) {
      this.throwIfFailed();
      Atomics.wait(this.control, slot, FULL, 100);
    }
    this.next = (slot + 1) % SLOTS;
    return slot;
  }

  private throwIfFailed(): void {
    if (Atomics.load(this.control, DONE_AT) === FAILED) throw writeFailure(this.path, this.error);
  }

  /** Waits until everything is on disk and the file is closed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.slot >= 0) this.handOver();
    const slot = this.takeSlot();
    Atomics.store(this.control, slot, CLOSE);
    Atomics.notify(this.control, slot);
    while (Atomics.load(this.control, DONE_AT) === RUNNING) Atomics.wait(this.control, DONE_AT, RUNNING);
    this.throwIfFailed();
  }
}
