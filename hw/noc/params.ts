/** Parameters of the NoC router, network interface and mesh (docs/noc.md maps them to BookSim2's). */

export type AllocKind = "rr" | "islip";

export interface RouterParams {
  /** Virtual channels per input port (<= 32). BookSim `num_vcs`. */
  vcs: number;
  /** Flit buffers per VC. BookSim `vc_buf_size`. */
  bufDepth: number;
  /** Virtual networks: the VCs are split into `vnets` equal classes with separate buffers. */
  vnets: number;
  /** VC allocator: separable input-first round-robin, or iSLIP. BookSim `vc_allocator`. */
  vcAlloc: AllocKind;
  /** iSLIP iterations of the VC allocator. BookSim `alloc_iters`. */
  vcIters: number;
  /** Switch allocator. BookSim `sw_allocator`. */
  swAlloc: AllocKind;
  swIters: number;
  /** Cycles of route computation; 0 = lookahead routing. BookSim `routing_delay`. */
  routingDelay: number;
  /** BookSim `vc_alloc_delay` (>= 1). */
  vaDelay: number;
  /** BookSim `sw_alloc_delay` (>= 1). */
  saDelay: number;
  /** Crossbar traversal cycles. BookSim `st_prepare_delay + st_final_delay` (>= 1). */
  stDelay: number;
  /** Extra cycles before a received credit is usable. BookSim `credit_delay`. */
  creditDelay: number;
  /** An output VC is reallocated only after the credit of its packet's tail returns. BookSim `wait_for_tail_credit`. */
  waitTailCredit: boolean;
  /** Link (channel) latency in cycles, for flits and credits (>= 1). BookSim channel latency (default 1). */
  linkLatency: number;
  /**
   * How the routers are simulated, not hardware: "wasm" (the default) runs the router fabric's
   * per-cycle code compiled to WebAssembly, "js" runs the same source as JavaScript (the
   * reference; both give the same cycles, see test/noc/delivery-log.test.ts).
   */
  engine?: "wasm" | "js";
  /**
   * Threads that step the routers of a plane, not hardware: 1 (the default) or 2, when a
   * worker thread steps some routers while the simulation thread does the rest of the cycle
   * (router-lane.ts; "wasm" engine only). Both give the same cycles. Each plane (network) gets
   * its own worker, so a mesh of several networks runs more threads than a 2-core machine has.
   */
  threads?: 1 | 2;
}

/** The configuration of the BookSim2 validation (issue 5). */
export const DEFAULT_ROUTER: RouterParams = {
  vcs: 16,
  bufDepth: 8,
  vnets: 1,
  vcAlloc: "islip",
  vcIters: 2,
  swAlloc: "islip",
  swIters: 2,
  routingDelay: 0,
  vaDelay: 1,
  saDelay: 1,
  stDelay: 1,
  creditDelay: 2,
  waitTailCredit: true,
  linkLatency: 1,
};

export function checkRouterParams(p: RouterParams): void {
  const bad = (m: string): never => {
    throw new RangeError(`noc: ${m}`);
  };
  if (!Number.isInteger(p.vcs) || p.vcs < 1 || p.vcs > 32) bad(`vcs ${p.vcs} is not 1..32`);
  if (!Number.isInteger(p.bufDepth) || p.bufDepth < 1 || p.bufDepth > 255) bad(`bufDepth ${p.bufDepth} is not 1..255`);
  if (!Number.isInteger(p.vnets) || p.vnets < 1 || p.vnets > 4 || p.vcs % p.vnets !== 0) bad(`vnets ${p.vnets} must be 1..4 and divide vcs ${p.vcs}`);
  for (const k of ["vaDelay", "saDelay", "stDelay", "linkLatency"] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 1 || p[k] > 64) bad(`${k} ${p[k]} is not 1..64`);
  }
  for (const k of ["routingDelay", "creditDelay"] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 0 || p[k] > 64) bad(`${k} ${p[k]} is not 0..64`);
  }
  if (p.engine !== undefined && p.engine !== "wasm" && p.engine !== "js") bad(`engine ${String(p.engine)} is not "wasm" or "js"`);
  if (p.threads !== undefined && p.threads !== 1 && p.threads !== 2) bad(`threads ${String(p.threads)} is not 1 or 2`);
  if (p.threads === 2 && p.engine === "js") bad(`threads 2 needs the "wasm" engine`);
  for (const k of ["vcIters", "swIters"] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 1 || p[k] > 8) bad(`${k} ${p[k]} is not 1..8`);
  }
}

/**
 * First set bit of `m` at or after bit `s` (cyclically over 32 bits), or -1. (Single-return
 * functions, so that the router's compiled code inlines them: hw/rtl/wasm.)
 */
export function firstFrom(m: number, s: number): number {
  return m === 0 ? -1 : lowestFrom(m, s >= 32 ? 0 : m >>> s, s);
}

/** firstFrom's answer given r = m >>> s: r's lowest set bit, offset by s, else m's own lowest. */
function lowestFrom(m: number, r: number, s: number): number {
  return r !== 0 ? s + 31 - Math.clz32(r & -r) : 31 - Math.clz32(m & -m);
}
