/**
 * A VCD sink that writes the file on a worker thread, so the simulation thread only encodes
 * and the disk writes overlap with it (on a 2-core machine, about halving the cost of a
 * dump). Buffers travel through a ring of slots in a SharedArrayBuffer; when every slot is
 * waiting for the disk, `write` blocks (Atomics.wait) until one frees: memory stays bounded.
 * The bytes and their order are exactly those of FileSink.
 */
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { Worker } from "node:worker_threads";
import type { VcdSink } from "./vcd-sink.ts";

const SLOTS = 4;
const SLOT_BYTES = 4 << 20;
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
const { openSync, writeSync, closeSync } = require("node:fs");
const { control, data, error, path, slots, slotBytes, doneAt } = workerData;
let outcome = ${FINISHED};
try {
  const fd = openSync(path, "w");
  let slot = 0;
  for (;;) {
    Atomics.wait(control, slot, ${FREE});
    if (Atomics.load(control, slot) === ${CLOSE}) break;
    const length = control[slots + slot];
    const bytes = new Uint8Array(data, slot * slotBytes, length);
    let done = 0;
    while (done < length) done += writeSync(fd, bytes, done, length - done);
    Atomics.store(control, slot, ${FREE});
    Atomics.notify(control, slot);
    slot = (slot + 1) % slots;
  }
  closeSync(fd);
} catch (e) {
  new Uint8Array(error).set(new TextEncoder().encode(String(e && e.message || e)).subarray(0, error.byteLength));
  outcome = ${FAILED};
}
Atomics.store(control, doneAt, outcome);
Atomics.notify(control, doneAt);
for (let s = 0; s < slots; s++) Atomics.notify(control, s);
`;

export class ThreadedFileSink implements VcdSink {
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * (2 * SLOTS + 1)));
  private readonly data = new SharedArrayBuffer(SLOTS * SLOT_BYTES);
  private readonly bytes = new Uint8Array(this.data);
  private readonly error = new SharedArrayBuffer(1024);
  private readonly worker: Worker;
  private slot = 0;
  private closed = false;

  constructor(private readonly path: string) {
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
      const n = Math.min(SLOT_BYTES, length - done);
      const slot = this.takeSlot();
      this.bytes.set(bytes.subarray(done, done + n), slot * SLOT_BYTES);
      this.control[SLOTS + slot] = n;
      Atomics.store(this.control, slot, FULL);
      Atomics.notify(this.control, slot);
      done += n;
    }
  }

  /** The next slot in ring order, once the worker has written it out. */
  private takeSlot(): number {
    const slot = this.slot;
    while (Atomics.load(this.control, slot) !== FREE) {
      this.throwIfFailed();
      Atomics.wait(this.control, slot, FULL, 100);
    }
    this.slot = (slot + 1) % SLOTS;
    return slot;
  }

  private throwIfFailed(): void {
    if (Atomics.load(this.control, DONE_AT) !== FAILED) return;
    const message = new TextDecoder().decode(new Uint8Array(this.error)).replace(/\0+$/, "");
    throw new Error(`writing ${this.path} failed: ${message}`);
  }

  /** Waits until everything is on disk and the file is closed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const slot = this.takeSlot();
    Atomics.store(this.control, slot, CLOSE);
    Atomics.notify(this.control, slot);
    while (Atomics.load(this.control, DONE_AT) === RUNNING) Atomics.wait(this.control, DONE_AT, RUNNING);
    this.throwIfFailed();
  }
}
