/**
 * The scan thread's worker (vcd-scan-thread.ts runs it): its source, as plain JavaScript so
 * the worker needs no TypeScript loader, and the control words it shares with the simulation
 * thread.
 *
 * Loop: wait for snapshots; for each, write "#t", the clock's rise, the simulation thread's
 * chunk for the first records, the WebAssembly scan's changes of the others, and the fall at
 * t + half a period into the current output buffer (one call of vcd-cycle-wasm.ts's cycle);
 * when a buffer
 * holds FLUSH bytes, start an asynchronous write of its whole 4 KiB blocks (O_DIRECT at
 * aligned file positions) and go on in the next buffer, carrying the rest over. Any failure,
 * anywhere in the worker, ends in DONE = FAILED with the message in `error`, so the
 * simulation thread reports it instead of waiting forever.
 */

/** Control words (Int32Array over a SharedArrayBuffer). */
export const HEAD = 0; // snapshots published by the simulation thread
export const TAIL = 1; // snapshots encoded by the worker
export const WORKER_WAITING = 2; // 1 while the worker sleeps until HEAD reaches WORKER_WANT
export const WORKER_WANT = 3;
export const MAIN_WAITING = 4; // 1 while the simulation thread waits for TAIL to reach MAIN_WANT
export const MAIN_WANT = 5;
export const CLOSING = 6;
export const WAKE = 7; // bumped by the simulation thread to wake the worker (it sleeps on this word)
export const DONE = 8; // RUNNING, FINISHED or FAILED
export const CONTROL_WORDS = 9;
export const RUNNING = 0;
export const FINISHED = 1;
export const FAILED = 2;

export const SCAN_WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const fs = require("node:fs");
const { memory, module, control, error, path, start, config, out: outBase, ring, batch, flushBytes, block } = workerData;

let finished = false;
function finish(outcome, e) {
  if (finished) return;
  finished = true;
  if (outcome === ${FAILED}) {
    new Uint8Array(error).set(new TextEncoder().encode(String((e && e.message) || e)).subarray(0, error.byteLength));
  }
  clearInterval(keepAlive);
  Atomics.store(control, ${DONE}, outcome);
  Atomics.notify(control, ${DONE});
  Atomics.notify(control, ${TAIL});
}
// whatever fails, the simulation thread must hear of it
process.on("uncaughtException", (e) => finish(${FAILED}, e));
process.on("unhandledRejection", (e) => finish(${FAILED}, e));
const keepAlive = setInterval(() => {}, 1 << 30); // the loop awaits Atomics.waitAsync

const { cycle, copy } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const bytes = new Uint8Array(memory.buffer);
const pending = outBase.map(() => null);
let cur = 0;
let pos = 0; // bytes in the current buffer
let filePos = start;
let plain = -1;
let direct = -1;
let refusedDirect = -1; // a direct descriptor the file system refused, closed at the end

/** Writes bytes [off, off + len) of the memory at file position at. */
function writeOut(off, len, at) {
  const aligned = at % block === 0 && len % block === 0 && off % block === 0;
  return new Promise((resolve, reject) => {
    const step = (done) => {
      if (done === len) return resolve();
      const fd = aligned && direct >= 0 ? direct : plain;
      fs.write(fd, bytes, off + done, len - done, at + done, (err, n) => {
        if (err === null) return step(done + n);
        if (fd !== direct || err.code !== "EINVAL") return reject(err);
        // the file system refused the direct write: ordinary writes from here on, from where it stopped
        refusedDirect = direct;
        direct = -1;
        step(done);
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
  if (carry > 0) copy(outBase[other], base + len, carry); // memory.copy: copyWithin on shared memory goes byte by byte
  if (len > 0) {
    pending[cur] = writeOut(base, len, filePos);
    pending[cur].catch(() => {}); // awaited (and reported) later
  }
  filePos += len;
  cur = other;
  pos = carry;
}

function publish(tail) {
  Atomics.store(control, ${TAIL}, tail);
  if (Atomics.load(control, ${MAIN_WAITING}) !== 0 && ((tail - Atomics.load(control, ${MAIN_WANT})) | 0) >= 0) Atomics.notify(control, ${TAIL});
}

async function encodeAll() {
  let tail = 0;
  for (;;) {
    const head = Atomics.load(control, ${HEAD});
    if (head === tail) {
      if (Atomics.load(control, ${CLOSING}) !== 0) {
        if (Atomics.load(control, ${HEAD}) === tail) return; // closing is set after the last snapshot
        continue;
      }
      // sleep until a batch is queued or closing; WAKE is read before the checks, so a wake-up
      // between them and the sleep is not lost (the sleep returns at once)
      Atomics.store(control, ${WORKER_WANT}, (tail + batch) | 0);
      Atomics.store(control, ${WORKER_WAITING}, 1);
      const wake = Atomics.load(control, ${WAKE});
      if (((Atomics.load(control, ${HEAD}) - tail) | 0) < batch && Atomics.load(control, ${CLOSING}) === 0) {
        const w = Atomics.waitAsync(control, ${WAKE}, wake);
        if (w.async) await w.value;
      }
      Atomics.store(control, ${WORKER_WAITING}, 0);
      continue;
    }
    while (tail !== head) {
      pos = cycle(config, tail & (ring - 1), outBase[cur] + pos) - outBase[cur];
      tail = (tail + 1) | 0;
      if ((tail & 7) === 0) publish(tail);
      if (pos >= flushBytes) await flush(false);
    }
    publish(tail);
  }
}

async function run() {
  plain = fs.openSync(path, "r+");
  try {
    direct = fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_DIRECT);
  } catch {
    direct = -1; // no O_DIRECT here: ordinary writes
  }
  try {
    await encodeAll();
    await flush(true);
  } finally {
    await Promise.allSettled(pending.filter((p) => p !== null));
    for (const fd of [direct, refusedDirect, plain]) if (fd >= 0) fs.closeSync(fd);
  }
  for (const p of pending) if (p !== null) await p; // a failed write is reported here
}

run().then(() => finish(${FINISHED}), (e) => finish(${FAILED}, e));
`;
