/**
 * The records and the clocked logic of all network interfaces of one mesh plane (ni.ts is the
 * module of one NI: its ports, registers and testbench views), like RouterFabric for the
 * routers: the mesh's clocked block for the plane calls `stepAll()` after the routers'.
 *
 * What an NI reads: its network inputs in the router fabric's copy of the link bank's current
 * values, and its client inputs and own client-side registers in a mirror of their values in
 * the heap, refreshed once per cycle (ValueMirror: a few block copies of the value store). What
 * it writes: its link outputs in the link bank's next-value store and its client-side registers
 * in the plane's client bank, whose next-value store is in the heap too. So the per-cycle methods, from `stepNis` down, compile to
 * WebAssembly (hw/rtl/wasm) like the routers' and run that way by default (`engine`). Each NI
 * reads only registered values and writes only its own records and registers, so the order of
 * the NIs does not matter.
 *
 * Why: as JavaScript, the 64 NIs of an 8x8 mesh at 0.30 packets/node/cycle cost about 15% of a
 * cycle's instructions (53k of 343k in callgrind), all on the simulation thread; compiled, 25k.
 */
import { fileURLToPath } from "node:url";
import { DesignError, SimulationError, ValueMirror, type Bits, type BitsVec, type RegArray, type RegisterBank } from "../rtl/index.ts";
import { instantiateFabric, type FabricEngineSpec } from "./fabric-engine.ts";
import { checkFlitFields, copyFlitWords } from "./flit.ts";
import { NOC_HEAP } from "./heap.ts";
import { checkRouterParams, type RouterParams } from "./params.ts";

const H32 = new Int32Array(NOC_HEAP.buffer);

/*
 * Record layouts and flit fields as const enums: esbuild (tsx) inlines same-file enum members
 * as literals, and the compiler folds them.
 */

/** Per-NI scalars (record `k * Ns.WORDS` from nsBase), read and written in place while the NI steps. */
const enum Ns {
  BUSY = 0,
  DIRTY = 1,
  PEND_VALID = 2,
  PEND_CTL = 3,
  PEND_DATA = 4,
  PEND_CT = 5,
  PEND_VC = 6,
  CUR_VC = 7,
  CUR_SRC = 8,
  SEQ = 9,
  CQ_HEAD = 10,
  CQ_COUNT = 11,
  OCC_MASK = 12,
  CUR_EJ = 13,
  CODE = 14,
  INJECTED = 15,
  EJECTED = 16,
  /** First protocol violation: code (Err), VC, cycle. */
  ERR = 17,
  ERR_VC = 18,
  ERR_T = 19,
  /** H32 index of the NI's flit input words (ctl first) and credit input word, in the link copy. */
  NET_IN = 20,
  NET_CR = 21,
  /** H32 index of its flit output words and credit output word, in the link bank's next-value store. */
  NET_OUT = 22,
  CR_OUT = 23,
  /** H32 index of its client-side registers' next values (Co), in the client bank's store. */
  CLIENT_OUT = 24,
  WORDS = 32,
}

/**
 * An NI's client inputs and own client-side registers, in `bindClientInputs` order: from ciBase +
 * k * Ci.WORDS, the H32 index of each word's copy in the mirror (ValueMirror).
 */
const enum Ci {
  INJ_CTL = 0,
  INJ_DATA = 1,
  INJ_CT = 2,
  EJ_READY = 3,
  INJ_READY_R = 4,
  EJ_CTL_R = 5,
  WORDS = 6,
}

/** Client-side registers of an NI, consecutive in the client bank: inj_ready_r, then ej_r's six entries. */
const enum Co {
  INJ_READY = 0,
  EJ_CTL = 1,
  EJ_SRC = 2,
  EJ_DATA = 3,
  EJ_CT = 4,
  EJ_IT = 5,
  EJ_AT = 6,
  WORDS = 7,
}

/** Flit words of a link (LinkOut order). */
const enum Lo {
  CTL = 0,
  SRC = 1,
  DATA = 2,
  CT = 3,
  IT = 4,
}

/** Ejection buffer slot record (one per VC and slot): flit words and arrival cycle, in one cache line half. */
const enum Ej {
  CTL = 0,
  SRC = 1,
  DATA = 2,
  CT = 3,
  IT = 4,
  READY = 5,
  WORDS = 8,
}

/** Per-VC records: ejection ring (front slot, flits), injection side output VC (owner, credits in use, tail sent). */
const enum Vr {
  HEAD = 0,
  COUNT = 1,
  OWNER = 2,
  OCC = 3,
  TAIL = 4,
  WORDS = 8,
}

/** Protocol violations an NI records (the first one). */
const enum Err {
  NONE = 0,
  UNDERFLOW = 1,
  OVERFLOW = 2,
  NO_HEAD = 3,
}

/** What a step wrote (stepNis' result): link outputs, client registers; and whether an NI is still busy. */
const enum Wrote {
  LINKS = 1,
  CLIENT = 2,
  ACTIVE = 4,
}

/** Flit fields (flit.ts; checked equal below). */
const enum Fl {
  VALID = 1,
  HEAD = 2,
  TAIL = 4,
  VC_SHIFT = 3,
  VC_MASK = 31,
  VNET_SHIFT = 8,
  VNET_MASK = 3,
  HOPS_SHIFT = 21,
  HOPS_MASK = 31,
}

checkFlitFields("ni-fabric.ts", {
  VALID: Fl.VALID, HEAD: Fl.HEAD, TAIL: Fl.TAIL, VC_SHIFT: Fl.VC_SHIFT, VC_MASK: Fl.VC_MASK, VNET_SHIFT: Fl.VNET_SHIFT,
  VNET_MASK: Fl.VNET_MASK, HOPS_SHIFT: Fl.HOPS_SHIFT, HOPS_MASK: Fl.HOPS_MASK,
});

/** Fields that hold parameters: the compiled engine takes them as constants. */
const PARAMETER_FIELDS = ["V", "B", "L", "waitTailCredit", "perVnet", "cqN", "RS", "blockWords"] as const;

const ENGINE: FabricEngineSpec = { file: fileURLToPath(import.meta.url), className: "NiFabric", entries: ["stepNis"], parameters: PARAMETER_FIELDS };

/** What an NI module hands to the fabric: its name, network-side and client-side registers and network inputs. */
export interface NiPorts {
  readonly path: string;
  /** Its flit output registers (5 words, LinkOut order) and credit output register, in the link bank. */
  readonly linkOut: RegArray;
  readonly crOut: RegArray;
  /** Its client-side registers, consecutive in the client bank: inj_ready_r (1 entry), ej_r (6: ctl, src, data, ct, it, at). */
  readonly injReady: RegArray;
  readonly ej: RegArray;
  /** Its flit input words (LinkOut order) and credit input, driven by link registers. */
  readonly netIn: readonly Bits[];
  readonly netCrIn: Bits;
}

export class NiFabric {
  readonly count: number;
  private readonly V: number;
  private readonly B: number;
  /** Link latency: a credit or flit read in cycle t takes effect in cycle t + L. */
  private readonly L: number;
  private readonly waitTailCredit: boolean;
  /** VCs per virtual network (vnet k has VCs k * perVnet ..). */
  private readonly perVnet: number;
  /** Credit ring entries per NI. */
  private readonly cqN: number;
  /** Words per VC's ejection ring: B slots and one unused (an odd stride spreads the rings over the cache sets). */
  private readonly RS: number;
  /** Words of an NI's block: ejection rings, VC records, credit ring (cycles, VCs), last VC per vnet. */
  private readonly blockWords: number;
  private readonly vnets: number;
  private readonly nsBase: number;
  private readonly blockBase: number;
  private readonly ciBase: number;
  private readonly paths: string[];
  private readonly ports: NiPorts[] = [];
  /** The cycle (kept here, not in the compiled code: `stepAll` passes it to the step as `now`). */
  private t = 0;
  private readonly compiled: ((from: number, to: number, now: number) => number) | undefined;
  private linkBank: RegisterBank | undefined;
  private clientBank: RegisterBank | undefined;
  /** The client inputs and own registers (Ci order per NI), and the words that wake an idle fabric. */
  private clientIn: BitsVec | undefined;
  /** The mirror of clientIn's values (made once the design is elaborated). */
  private mirror: ValueMirror | undefined;
  private wakeVec: BitsVec | undefined;
  /** The link bank's generation at the last step (RegisterBank.generation). */
  private linkGeneration = -1;
  /** Every NI was idle (nothing held, outputs cleared) after the last cycle. */
  private allIdle = false;

  // ---- the stepping NI: its scalar record (H32 index), block (ejection rings first) and input table
  private nb = 0;
  private eb = 0;
  private ci = 0;
  /** What the step wrote (Wrote bits). */
  private wrote = 0;

  constructor(params: RouterParams, count: number) {
    checkRouterParams(params);
    this.count = count;
    const V = (this.V = params.vcs);
    this.B = params.bufDepth;
    this.L = params.linkLatency;
    this.waitTailCredit = params.waitTailCredit;
    this.vnets = params.vnets;
    this.perVnet = V / params.vnets;
    this.cqN = params.linkLatency + 2;
    this.RS = (this.B + 1) * Ej.WORDS;
    // ejection rings first: each block starts on a cache line
    this.blockWords = Math.ceil((V * this.RS + V * Vr.WORDS + 2 * this.cqN + this.vnets) / 16) * 16;
    this.paths = new Array<string>(count).fill("");
    const line = (bytes: number): number => Math.ceil(bytes / 64) * 64;
    const sizes = [count * this.blockWords * 4, count * Ns.WORDS * 4, count * Ci.WORDS * 4].map(line);
    const start = NOC_HEAP.take(this, sizes.reduce((x, y) => x + y, 0));
    this.blockBase = start >> 2;
    this.nsBase = (start + sizes[0]!) >> 2;
    this.ciBase = (start + sizes[0]! + sizes[1]!) >> 2;
    for (let k = 0; k < count; k++) this.clearState(k);
    this.compiled = (params.engine ?? "wasm") === "wasm" ? this.instantiate() : undefined;
  }

  /** An instance of the compiled step over the heap. */
  private instantiate(): (from: number, to: number, now: number) => number {
    return instantiateFabric(this, ENGINE)["stepNis"] as (from: number, to: number, now: number) => number;
  }

  /** Registers NI `index` (its address `code`) and its registers and network inputs. */
  attach(index: number, code: number, ports: NiPorts): void {
    H32[this.nsBase + index * Ns.WORDS + Ns.CODE] = code;
    this.paths[index] = ports.path;
    this.ports[index] = ports;
  }

  /**
   * Uses the plane's banks: `links` for the NIs' network side (its current values read where
   * `linkCopy` says the router fabric copies them), `client` for their client-side registers.
   */
  useBanks(links: RegisterBank, linkCopy: (b: Bits) => number, client: RegisterBank): void {
    this.linkBank = links;
    this.clientBank = client;
    links.onBound(() => {
      for (let k = 0; k < this.count; k++) {
        const { netIn, netCrIn, linkOut, crOut, path } = this.ports[k]!;
        const b = this.nsBase + k * Ns.WORDS;
        const ctl = linkCopy(netIn[0]!);
        for (let w = 1; w < 5; w++) {
          if (linkCopy(netIn[w]!) !== ctl + w) throw new DesignError(`${netIn[w]!.path}: a link's flit words must be consecutive registers`);
        }
        H32[b + Ns.NET_IN] = ctl;
        H32[b + Ns.NET_CR] = linkCopy(netCrIn);
        H32[b + Ns.NET_OUT] = this.storeIndex(links, linkOut, path);
        H32[b + Ns.CR_OUT] = this.storeIndex(links, crOut, path);
      }
    });
    client.onBound(() => {
      for (let k = 0; k < this.count; k++) {
        const { injReady, ej, path } = this.ports[k]!;
        const at = this.storeIndex(client, injReady, path);
        if (this.storeIndex(client, ej, path) !== at + 1) throw new DesignError(`${path}: client-side registers must be consecutive in ${client.name}`);
        H32[this.nsBase + k * Ns.WORDS + Ns.CLIENT_OUT] = at;
      }
      this.mirror = this.mirrorClientInputs();
    });
  }

  /** H32 index of `array`'s entry 0 in `bank`'s next-value store (a view of the heap). */
  private storeIndex(bank: RegisterBank, array: RegArray, path: string): number {
    if (bank.next.buffer !== NOC_HEAP.buffer) throw new DesignError(`${path}: register bank ${bank.name} must keep its next values in the NoC heap`);
    return bank.indexOf(array);
  }

  /**
   * The words each NI reads from the client side, Ci.WORDS per NI in Ci order (mirrored every
   * cycle), and the words that wake an idle fabric (flit, credit and injection inputs).
   */
  bindClientInputs(client: BitsVec, wake: BitsVec): void {
    if (client.length !== this.count * Ci.WORDS) throw new DesignError(`NI fabric: ${client.length} client words, expected ${this.count * Ci.WORDS}`);
    this.clientIn = client;
    this.wakeVec = wake;
  }

  /** The mirror of the client inputs, and each NI's table of where its words are (Ci order, from ciBase). */
  private mirrorClientInputs(): ValueMirror {
    const m = new ValueMirror(this.clientIn!, (words) => NOC_HEAP.takeWords(this, words), NOC_HEAP.buffer);
    H32.set(m.index, this.ciBase);
    return m;
  }

  /** Synchronous reset of every NI (its registers are resettable: the kernel loads their initial values). */
  resetAll(): void {
    this.t = 0;
    for (let k = 0; k < this.count; k++) this.clearState(k);
    this.allIdle = false;
  }

  /**
   * One clock cycle of every NI, after the router fabric's `stepAll` (which refreshed the link
   * copy the NIs read). While every NI is idle, the links did not change at the last edge and
   * nothing arrives, only the clock moves.
   */
  stepAll(): void {
    const now = this.t++;
    const generation = this.linkBank!.generation;
    const linksChanged = generation !== this.linkGeneration;
    this.linkGeneration = generation;
    if (this.allIdle && !linksChanged && this.wakeVec!.reduceOr() === 0) return;
    this.mirror!.refresh();
    const c = this.compiled;
    const wrote = c !== undefined ? c(0, this.count, now) : this.stepNis(0, this.count, now);
    if ((wrote & Wrote.LINKS) !== 0) this.linkBank!.markWritten();
    if ((wrote & Wrote.CLIENT) !== 0) this.clientBank!.markWritten();
    this.allIdle = (wrote & Wrote.ACTIVE) === 0;
  }

  /**
   * One cycle of NIs [from, to): an NI with nothing held, no register to clear and nothing
   * arriving is skipped. Returns what was written (Wrote bits).
   *
   * The stepping NI's scalars stay in its record (H32 index `nb`, read and written in place:
   * loading them into fields and storing them back cost more than the step itself).
   */
  stepNis(from: number, to: number, now: number): number {
    let wrote = 0;
    for (let k = from; k < to; k++) {
      const b = this.nsBase + k * Ns.WORDS;
      if (H32[b + Ns.BUSY] === 0 && H32[b + Ns.DIRTY] === 0) {
        const inj = H32[H32[this.ciBase + k * Ci.WORDS + Ci.INJ_CTL]!]!;
        if (H32[H32[b + Ns.NET_CR]!] === 0 && (H32[H32[b + Ns.NET_IN]!]! & Fl.VALID) === 0 && (inj & Fl.VALID) === 0) continue;
      }
      this.nb = b;
      this.eb = this.blockBase + k * this.blockWords;
      this.ci = this.ciBase + k * Ci.WORDS;
      this.wrote = 0;
      this.tick(now);
      wrote |= this.wrote;
      if ((H32[b + Ns.BUSY]! | H32[b + Ns.DIRTY]!) !== 0) wrote |= Wrote.ACTIVE;
    }
    return wrote;
  }

  /** Clears NI k's records (reset): nothing held, every VC free. */
  private clearState(k: number): void {
    const b = this.nsBase + k * Ns.WORDS;
    // the statistics (INJECTED, EJECTED) and the bindings (NET_IN ..) survive a reset
    H32.fill(0, b, b + Ns.CODE);
    H32.fill(0, b + Ns.ERR, b + Ns.ERR_T + 1);
    H32[b + Ns.PEND_VC] = -1;
    H32[b + Ns.CUR_VC] = -1;
    H32[b + Ns.CUR_EJ] = -1;
    const block = this.blockBase + k * this.blockWords;
    H32.fill(0, block, block + this.blockWords);
    const lastVc = block + this.V * this.RS + this.V * Vr.WORDS + 2 * this.cqN;
    H32.fill(-1, lastVc, lastVc + this.vnets);
  }

  /** Records the stepping NI's first protocol violation (worded by `error`). */
  private fail(code: number, vc: number, now: number): void {
    const b = this.nb;
    if (H32[b + Ns.ERR] !== Err.NONE) return;
    H32[b + Ns.ERR] = code;
    H32[b + Ns.ERR_VC] = vc;
    H32[b + Ns.ERR_T] = now;
  }

  private tick(now: number): void {
    const b = this.nb;
    const ci = this.ci;
    const cr = H32[H32[b + Ns.NET_CR]!]!;
    const fin = H32[H32[b + Ns.NET_IN]!]!;
    const cqT = this.eb + this.V * this.RS + this.V * Vr.WORDS;
    const cqV = cqT + this.cqN;
    let cqHead = H32[b + Ns.CQ_HEAD]!;
    let cqCount = H32[b + Ns.CQ_COUNT]!;
    if (cr !== 0) {
      let s = cqHead + cqCount;
      if (s >= this.cqN) s -= this.cqN;
      H32[cqT + s] = now + this.L;
      H32[cqV + s] = cr >> 1;
      cqCount++;
      H32[b + Ns.BUSY]!++;
    }
    if ((fin & Fl.VALID) !== 0) this.receive(fin, now);
    let dirty = 0;
    // credits for the router's local input port
    if (cqCount > 0 && H32[cqT + cqHead]! <= now) {
      const vcr = this.eb + this.V * this.RS;
      while (cqCount > 0 && H32[cqT + cqHead]! <= now) {
        const vc = H32[cqV + cqHead]!;
        const r = vcr + vc * Vr.WORDS;
        const occ = H32[r + Vr.OCC]!;
        if (occ === 0) this.fail(Err.UNDERFLOW, vc, now);
        else H32[r + Vr.OCC] = occ - 1;
        if (this.waitTailCredit && occ === 1 && H32[r + Vr.TAIL] === 1) {
          H32[r + Vr.OWNER] = 0;
          H32[r + Vr.TAIL] = 0;
        }
        cqHead = cqHead + 1 === this.cqN ? 0 : cqHead + 1;
        cqCount--;
        H32[b + Ns.BUSY]!--;
      }
    }
    H32[b + Ns.CQ_HEAD] = cqHead;
    H32[b + Ns.CQ_COUNT] = cqCount;
    // injection
    const readyNow = H32[H32[ci + Ci.INJ_READY_R]!]!;
    if (H32[b + Ns.PEND_VALID] === 0 && (H32[H32[ci + Ci.INJ_CTL]!]! & Fl.VALID) !== 0 && readyNow === 1) {
      H32[b + Ns.PEND_VALID] = 1;
      H32[b + Ns.PEND_CTL] = H32[H32[ci + Ci.INJ_CTL]!]!;
      H32[b + Ns.PEND_DATA] = H32[H32[ci + Ci.INJ_DATA]!]!;
      H32[b + Ns.PEND_CT] = H32[H32[ci + Ci.INJ_CT]!]!;
      H32[b + Ns.BUSY]!++;
    }
    const was = H32[b + Ns.DIRTY]!;
    if (H32[b + Ns.PEND_VALID] === 1 && this.trySend(now)) dirty |= 1;
    else if ((was & 1) !== 0) {
      H32[H32[b + Ns.NET_OUT]! + Lo.CTL] = 0;
      this.wrote |= Wrote.LINKS;
    }
    // assigned only when it changes (an unassigned register holds its value)
    const ready = H32[b + Ns.PEND_VALID] === 0 ? 1 : 0;
    if (readyNow !== ready) {
      H32[H32[b + Ns.CLIENT_OUT]! + Co.INJ_READY] = ready;
      this.wrote |= Wrote.CLIENT;
    }
    // ejection
    const ejValid = H32[H32[ci + Ci.EJ_CTL_R]!]! & Fl.VALID;
    if (ejValid === 0 || H32[H32[ci + Ci.EJ_READY]!] === 1) {
      const vc = H32[b + Ns.OCC_MASK] === 0 ? -1 : this.pickEjection(now);
      if (vc >= 0) {
        this.deliver(vc);
        dirty |= 6;
      } else if (ejValid !== 0) {
        H32[H32[b + Ns.CLIENT_OUT]! + Co.EJ_CTL] = 0;
        this.wrote |= Wrote.CLIENT;
      }
    } else dirty |= 4;
    if ((dirty & 2) === 0 && (was & 2) !== 0) {
      H32[H32[b + Ns.CR_OUT]!] = 0;
      this.wrote |= Wrote.LINKS;
    }
    H32[b + Ns.DIRTY] = dirty;
  }

  /** Writes an arriving flit into its VC's ejection ring (deliverable from cycle now + L). */
  private receive(ctl: number, now: number): void {
    const b = this.nb;
    const vc = (ctl >>> Fl.VC_SHIFT) & Fl.VC_MASK;
    const B = this.B;
    if (vc >= this.V) {
      this.fail(Err.OVERFLOW, vc, now);
      return;
    }
    const r = this.eb + this.V * this.RS + vc * Vr.WORDS;
    const n = H32[r + Vr.COUNT]!;
    if (n >= B) {
      this.fail(Err.OVERFLOW, vc, now);
      return;
    }
    let k = H32[r + Vr.HEAD]! + n;
    if (k >= B) k -= B;
    const s = this.eb + vc * this.RS + k * Ej.WORDS;
    const f = H32[b + Ns.NET_IN]!;
    H32[s + Ej.CTL] = ctl;
    copyFlitWords(s + Ej.SRC, f + Lo.SRC);
    H32[s + Ej.READY] = now + this.L;
    H32[r + Vr.COUNT] = n + 1;
    H32[b + Ns.OCC_MASK] |= 1 << vc;
    H32[b + Ns.BUSY]!++;
  }

  /** Sends the pending flit if a VC and a credit allow; true when sent. */
  private trySend(now: number): boolean {
    const b = this.nb;
    const ctl = H32[b + Ns.PEND_CTL]!;
    const vcr = this.eb + this.V * this.RS;
    const lastVc = vcr + this.V * Vr.WORDS + 2 * this.cqN;
    let vc = 0;
    if ((ctl & Fl.HEAD) !== 0) {
      if (H32[b + Ns.PEND_VC]! < 0) {
        // round-robin among the free VCs of the packet's virtual network, after the last one taken
        const vn = (ctl >>> Fl.VNET_SHIFT) & Fl.VNET_MASK;
        const cnt = this.perVnet;
        const lo = vn * cnt;
        const last = H32[lastVc + vn]!;
        for (let k = 1; k <= cnt; k++) {
          const c = last < lo || last >= lo + cnt ? lo : lo + ((last - lo + k) % cnt);
          if (H32[vcr + c * Vr.WORDS + Vr.OWNER] === 0) {
            H32[b + Ns.PEND_VC] = c;
            break;
          }
        }
        if (H32[b + Ns.PEND_VC]! < 0) return false;
      }
      vc = H32[b + Ns.PEND_VC]!;
    } else {
      vc = H32[b + Ns.CUR_VC]!;
      if (vc < 0) {
        this.fail(Err.NO_HEAD, 0, now);
        H32[b + Ns.PEND_VALID] = 0;
        H32[b + Ns.BUSY]!--;
        return false;
      }
    }
    const r = vcr + vc * Vr.WORDS;
    if (H32[r + Vr.OCC]! >= this.B) return false;
    if ((ctl & Fl.HEAD) !== 0) {
      H32[r + Vr.OWNER] = 1;
      H32[r + Vr.TAIL] = 0;
      H32[lastVc + ((ctl >>> Fl.VNET_SHIFT) & Fl.VNET_MASK)] = vc;
      H32[b + Ns.PEND_VC] = -1;
      const seq = H32[b + Ns.SEQ]!;
      H32[b + Ns.CUR_SRC] = H32[b + Ns.CODE]! | (seq << 10);
      H32[b + Ns.SEQ] = (seq + 1) & 0x3fffff;
    }
    H32[r + Vr.OCC]!++;
    if ((ctl & Fl.TAIL) !== 0) {
      H32[b + Ns.CUR_VC] = -1;
      H32[r + Vr.TAIL] = 1;
      if (!this.waitTailCredit) {
        H32[r + Vr.OWNER] = 0;
        H32[r + Vr.TAIL] = 0;
      }
    } else H32[b + Ns.CUR_VC] = vc;
    const out = H32[b + Ns.NET_OUT]!;
    H32[out + Lo.CTL] = (ctl & ~((Fl.VC_MASK << Fl.VC_SHIFT) | (Fl.HOPS_MASK << Fl.HOPS_SHIFT))) | (vc << Fl.VC_SHIFT);
    H32[out + Lo.SRC] = H32[b + Ns.CUR_SRC]!;
    H32[out + Lo.DATA] = H32[b + Ns.PEND_DATA]!;
    H32[out + Lo.CT] = H32[b + Ns.PEND_CT]!;
    H32[out + Lo.IT] = now;
    this.wrote |= Wrote.LINKS;
    H32[b + Ns.PEND_VALID] = 0;
    H32[b + Ns.BUSY]!--;
    H32[b + Ns.INJECTED]!++;
    return true;
  }

  /** The VC whose front flit goes to the client now, or -1. Packets are not interleaved. */
  private pickEjection(now: number): number {
    const b = this.nb;
    const cur = H32[b + Ns.CUR_EJ]!;
    const eb = this.eb;
    const vcr = eb + this.V * this.RS;
    if (cur >= 0) {
      const r = vcr + cur * Vr.WORDS;
      if (H32[r + Vr.COUNT] === 0) return -1;
      return H32[eb + cur * this.RS + H32[r + Vr.HEAD]! * Ej.WORDS + Ej.READY]! <= now ? cur : -1;
    }
    // the packet whose head arrived first (keeps each flow in order); ties cannot happen
    let m = H32[b + Ns.OCC_MASK]!;
    let best = -1;
    let bestAt = now + 1;
    while (m !== 0) {
      const vc = 31 - Math.clz32(m & -m);
      m &= m - 1;
      const at = H32[eb + vc * this.RS + H32[vcr + vc * Vr.WORDS + Vr.HEAD]! * Ej.WORDS + Ej.READY]!;
      if (at < bestAt) {
        bestAt = at;
        best = vc;
      }
    }
    return best;
  }

  /** Hands VC vc's front flit to the client and returns its credit. */
  private deliver(vc: number): void {
    const b = this.nb;
    const B = this.B;
    const r = this.eb + this.V * this.RS + vc * Vr.WORDS;
    const h = H32[r + Vr.HEAD]!;
    const s = this.eb + vc * this.RS + h * Ej.WORDS;
    const ctl = H32[s + Ej.CTL]!;
    const co = H32[b + Ns.CLIENT_OUT]!;
    H32[co + Co.EJ_CTL] = ctl;
    copyFlitWords(co + Co.EJ_SRC, s + Ej.SRC);
    H32[co + Co.EJ_AT] = H32[s + Ej.READY]!;
    const n = H32[r + Vr.COUNT]! - 1;
    H32[r + Vr.COUNT] = n;
    // an emptied ring restarts at slot 0 (fewer cache lines in use)
    H32[r + Vr.HEAD] = n === 0 || h + 1 === B ? 0 : h + 1;
    if (n === 0) H32[b + Ns.OCC_MASK] &= ~(1 << vc);
    H32[b + Ns.BUSY]!--;
    H32[H32[b + Ns.CR_OUT]!] = 1 | (vc << 1);
    this.wrote |= Wrote.LINKS | Wrote.CLIENT;
    H32[b + Ns.CUR_EJ] = (ctl & Fl.TAIL) !== 0 ? -1 : vc;
    H32[b + Ns.EJECTED]!++;
  }

  // ------------------------------------------------------------------ testbench views

  private vcRecord(k: number, vc: number): number {
    return this.blockBase + k * this.blockWords + this.V * this.RS + vc * Vr.WORDS;
  }
  /** Credits in use on the router's local input VC (flits sent, credit not yet back). */
  occupancy(k: number, vc: number): number {
    return H32[this.vcRecord(k, vc) + Vr.OCC]!;
  }
  /** Credits for VC vc received and not yet applied. */
  creditsPending(k: number, vc: number): number {
    const b = this.nsBase + k * Ns.WORDS;
    const cqV = this.blockBase + k * this.blockWords + this.V * this.RS + this.V * Vr.WORDS + this.cqN;
    const head = H32[b + Ns.CQ_HEAD]!;
    let n = 0;
    for (let c = 0; c < H32[b + Ns.CQ_COUNT]!; c++) if (H32[cqV + ((head + c) % this.cqN)] === vc) n++;
    return n;
  }
  /** Flits of VC vc waiting in the ejection buffer. */
  buffered(k: number, vc: number): number {
    return H32[this.vcRecord(k, vc) + Vr.COUNT]!;
  }
  /** Flits held (pending injection + ejection buffers). */
  flitsHeld(k: number): number {
    let n = H32[this.nsBase + k * Ns.WORDS + Ns.PEND_VALID]!;
    for (let vc = 0; vc < this.V; vc++) n += this.buffered(k, vc);
    return n;
  }
  /** Flits injected / ejected by NI k (statistics). */
  injectedBy(k: number): number {
    return H32[this.nsBase + k * Ns.WORDS + Ns.INJECTED]!;
  }
  ejectedBy(k: number): number {
    return H32[this.nsBase + k * Ns.WORDS + Ns.EJECTED]!;
  }
  /** NI k's first protocol violation, or "". */
  error(k: number): string {
    const b = this.nsBase + k * Ns.WORDS;
    const code = H32[b + Ns.ERR]!;
    if (code === Err.NONE) return "";
    const vc = H32[b + Ns.ERR_VC]!;
    const what =
      code === Err.UNDERFLOW ? `credit underflow on VC ${vc}`
      : code === Err.OVERFLOW ? `ejection buffer overflow on VC ${vc}`
      : "body flit offered without a head";
    return `${this.paths[k]} cycle ${H32[b + Ns.ERR_T]!}: ${what}`;
  }
  /** Throws if NI k recorded a protocol violation. */
  check(k: number): void {
    const e = this.error(k);
    if (e !== "") throw new SimulationError(e);
  }
}
