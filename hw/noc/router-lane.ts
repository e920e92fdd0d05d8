/**
 * A second thread that shares the stepping of a plane's routers (RouterParams.threads = 2).
 *
 * Within a cycle the routers are independent: each reads the copy of the link bank's current
 * values and its own records, and writes its own records and output words (router-fabric.ts).
 * So two threads may step them at once, each with its own instance of the compiled module (and
 * its own scratch arrays) on the same shared memory. Which thread steps a router changes
 * nothing it reads or writes: results are the same as with one thread.
 *
 * Work sharing: when the cycle's routers are ready (`start`), the worker begins claiming
 * chunks of routers from the low end of the range left, while the simulation thread goes on
 * with the rest of the cycle (NIs, clients). At the clock edge, before the link bank latches,
 * the simulation thread claims chunks from the high end until the two meet, and waits for the
 * worker's chunk in progress (`finish`). A worker that is slow to start, or descheduled on a
 * busy host, therefore costs at most one chunk of waiting: the simulation thread does the rest
 * itself. Claiming from opposite ends keeps most routers on the same thread from cycle to
 * cycle, so their records stay in that core's cache.
 *
 * The worker spins on GO while there is work, and sleeps in Atomics.wait after a while
 * without (an idle simulation, or none at all).
 */
// tsrtl-lint-disable-next-line io-in-hardware -- the simulator's own second thread (same cycles), not I/O of the modelled hardware
import { Worker } from "node:worker_threads";
import { SimulationError } from "../rtl/index.ts";

/**
 * Words of the shared control array. GO, CLAIM and FINISHED each get a cache line of their own
 * (16 words): the worker spins on GO, both threads race for CLAIM, the simulation thread waits
 * on FINISHED; on one line, every write to one of them took the line from the spinning thread
 * and back. (ACTIVE shares FINISHED's line, written once per cycle before it; the rarely
 * written words share the last line.)
 */
const enum Ctl {
  GO = 0,
  /** Routers not claimed yet, lo | hi << 16: range [lo, hi); the worker claims from lo, the simulation thread from hi. */
  CLAIM = 16,
  /** Routers stepped so far, over all cycles (by either thread; wraps at 32 bits): not reset per cycle, one store fewer at the start. */
  FINISHED = 32,
  /** The GO value of the last cycle in which a router the worker stepped was still busy (not reset per cycle either). */
  ACTIVE = 33,
  STOP = 48,
  /** 1 while the worker sleeps in Atomics.wait (GO's writer must notify it). */
  SLEEPING = 49,
  /** 1 when the worker failed; its message is in the error bytes. */
  FAILED = 50,
  /** 1 once the worker's instance is ready (it notifies). */
  READY = 51,
  WORDS = 64,
}

/**
 * Routers to claim when `left` are unclaimed: a quarter of them, at least one. A claim is a
 * compare-and-swap on a line both threads write, a cache-line transfer each time: large chunks
 * while many are left keep claims few (about a dozen a cycle for 64 routers; capped at four
 * routers, about twenty, and 2-4% slower), and at the end the simulation thread waits for at
 * most one router of the worker's (or a few, when the worker is descheduled). The worker runs
 * this function's source too.
 */
function claimSize(left: number): number {
  return Math.max(1, left >> 2);
}
/** Spins of the worker without work before it sleeps (about a millisecond). */
const SPINS_BEFORE_SLEEP = 200_000;
/**
 * Spins of the simulation thread waiting at the edge before it gives up on the worker: a minute
 * or more (a spin is a few nanoseconds); the worker's chunk takes microseconds.
 */
const SPINS_BEFORE_GIVING_UP = 2 ** 34;
/** How long the first cycle waits for the worker to start (it then shares from the first cycle on; else this thread does all). */
const STARTUP_WAIT_MS = 5000;

const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { module, memory, globals, ctl, error, spins } = workerData;
${claimSize.toString()}
try {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  for (const [name, value] of Object.entries(globals)) instance.exports[name].value = value;
  const step = instance.exports.stepRouters;
  Atomics.store(ctl, ${Ctl.READY}, 1);
  Atomics.notify(ctl, ${Ctl.READY});
  let last = 0;
  for (;;) {
    let n = 0;
    let g;
    while ((g = Atomics.load(ctl, ${Ctl.GO})) === last) {
      if (++n < spins) continue;
      Atomics.store(ctl, ${Ctl.SLEEPING}, 1);
      Atomics.wait(ctl, ${Ctl.GO}, last);
      Atomics.store(ctl, ${Ctl.SLEEPING}, 0);
      n = 0;
    }
    if (Atomics.load(ctl, ${Ctl.STOP}) === 1) break;
    last = g;
    // atomics on the shared line are what a chunk costs beyond its routers: a claim per chunk;
    // "busy" and the count of routers stepped once per cycle (the simulation thread only asks
    // whether busy is 0, and waits for the count once the claims are gone)
    let busy = 0;
    let steps = 0;
    for (;;) {
      const c = Atomics.load(ctl, ${Ctl.CLAIM});
      const lo = c & 0xffff;
      const hi = c >>> 16;
      if (lo >= hi) break;
      const end = lo + claimSize(hi - lo);
      if (Atomics.compareExchange(ctl, ${Ctl.CLAIM}, c, (hi << 16) | end) !== c) continue;
      if (step(lo, end) !== 0 && busy === 0) {
        busy = 1;
        Atomics.store(ctl, ${Ctl.ACTIVE}, g);
      }
      steps += end - lo;
    }
    if (steps !== 0) Atomics.add(ctl, ${Ctl.FINISHED}, steps);
  }
} catch (e) {
  new Uint8Array(error).set(new TextEncoder().encode(String(e && e.stack || e)).subarray(0, error.byteLength));
  Atomics.store(ctl, ${Ctl.FAILED}, 1);
  Atomics.notify(ctl, ${Ctl.READY});
}
`;

/** Steps routers [from, to) on the simulation thread; returns whether any is still busy (0: none). */
export type StepRange = (from: number, to: number) => number;

/** What the worker's instance needs: the module, the memory, and the values of the module's globals. */
export interface LaneSetup {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** Initial values of the instance's globals (the fabric's fields). */
  readonly globals: Readonly<Record<string, number>>;
  /** Routers of the plane (0..count-1). */
  readonly count: number;
  /** Steps routers on the simulation thread (its own instance of the module). */
  readonly step: StepRange;
  /** For messages: the plane's path. */
  readonly name: string;
}


/** A lane that failed or gave up: every later use throws this. */
class LaneFailure extends SimulationError {}

export class RouterLane {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(Ctl.WORDS * 4));
  private readonly error = new SharedArrayBuffer(4096);
  private readonly worker: Worker;
  private readonly count: number;
  private gen = 0;
  /** FINISHED's value once every router of the running cycle is stepped. */
  private finishedAt = 0;
  /** A cycle was started and not yet finished. */
  private running = false;
  /** Routers the worker has stepped in all the cycles finished so far. */
  private stepsByWorker = 0;
  /** Whether the first start() has waited for the worker to come up. */
  private waited = false;
  /** Why the lane failed, once it has: every later start or finish throws it. */
  private dead: LaneFailure | undefined;

  constructor(private readonly setup: LaneSetup) {
    if (setup.count > 0xffff) throw new SimulationError(`${setup.name}: ${setup.count} routers are more than a router thread takes`);
    this.count = setup.count;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module: setup.module, memory: setup.memory, globals: setup.globals, ctl: this.ctl, error: this.error, spins: SPINS_BEFORE_SLEEP },
    });
    // an error outside the worker's own handler (it could not even start) ends the lane, not the process
    this.worker.on("error", (e) => this.markDead(`the router thread could not start: ${e.message}`));
    this.worker.unref();
  }

  /** Routers the worker has stepped so far (statistics; tests check that it takes part). */
  get workerSteps(): number {
    return this.stepsByWorker;
  }

  /** The cycle's routers are ready (the link copy is in place): the worker starts claiming them. */
  start(): void {
    this.check();
    const ctl = this.ctl;
    if (!this.waited) {
      // once: let the worker come up, so that it shares from the first cycle on (results do not
      // depend on it: if it is late, this thread steps every router)
      this.waited = true;
      Atomics.wait(ctl, Ctl.READY, 0, STARTUP_WAIT_MS);
      this.check();
    }
    Atomics.store(ctl, Ctl.CLAIM, this.count << 16);
    // 1..2^30: never 0, ACTIVE's value before the worker first marks a cycle, nor STOP's -1
    this.gen = (this.gen & 0x3fffffff) + 1;
    this.finishedAt = (this.finishedAt + this.count) | 0;
    Atomics.store(ctl, Ctl.GO, this.gen);
    if (Atomics.load(ctl, Ctl.SLEEPING) === 1) Atomics.notify(ctl, Ctl.GO);
    this.running = true;
  }

  /**
   * The clock edge: steps the routers the worker has not claimed, waits for its chunk in
   * progress, and returns whether any router is still busy (0: none), or -1 when no cycle was
   * started.
   */
  finish(): number {
    if (!this.running) return -1;
    this.check();
    const ctl = this.ctl;
    const step = this.setup.step;
    let active = 0;
    let mine = 0;
    try {
      for (;;) {
        const c = Atomics.load(ctl, Ctl.CLAIM);
        const lo = c & 0xffff;
        const hi = c >>> 16;
        if (lo >= hi) break;
        const begin = hi - claimSize(hi - lo);
        if (Atomics.compareExchange(ctl, Ctl.CLAIM, c, (begin << 16) | lo) !== c) continue;
        active |= step(begin, hi);
        mine += hi - begin;
      }
      if (mine !== 0) Atomics.add(ctl, Ctl.FINISHED, mine);
      let n = 0;
      while (Atomics.load(ctl, Ctl.FINISHED) !== this.finishedAt) {
        if (Atomics.load(ctl, Ctl.FAILED) === 1) this.check();
        if (++n === SPINS_BEFORE_GIVING_UP) throw this.markDead("the router thread does not answer");
      }
    } catch (e) {
      // the cycle cannot be completed (the worker may still hold routers of it): no later one either
      if (e instanceof LaneFailure) throw e;
      throw this.markDead(`a router step failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.running = false;
    // every router of the cycle is stepped: the ones this thread did not step, the worker did
    this.stepsByWorker += this.count - mine;
    return active | (Atomics.load(ctl, Ctl.ACTIVE) === this.gen ? 1 : 0);
  }

  /** Stops the worker (it exits at its next look at GO). */
  stop(): void {
    Atomics.store(this.ctl, Ctl.STOP, 1);
    Atomics.store(this.ctl, Ctl.GO, -1);
    Atomics.notify(this.ctl, Ctl.GO);
  }

  /** Throws if the lane has failed (the worker reported an error, or an earlier cycle could not finish). */
  private check(): void {
    if (this.dead === undefined && Atomics.load(this.ctl, Ctl.FAILED) === 1) {
      const bytes = new Uint8Array(this.error);
      const end = bytes.indexOf(0);
      this.markDead(`the router thread failed: ${new TextDecoder().decode(bytes.slice(0, end < 0 ? bytes.length : end))}`);
    }
    if (this.dead !== undefined) throw this.dead;
  }

  /** Marks the lane failed for good (the first reason stays) and stops the worker; returns the failure to throw. */
  private markDead(why: string): LaneFailure {
    this.dead ??= new LaneFailure(`${this.setup.name}: ${why}`);
    this.stop();
    void this.worker.terminate();
    return this.dead;
  }
}
