/**
 * LPDDR5 memory controller for one x16 channel.
 *
 * Interfaces (real kernel signals):
 *  - request port, ready/valid: `req_addr` is a 32-B block address (byte address / 32) in the
 *    system address map; `req_write`, `req_id`, `req_wdata` (256 bits), `req_wmask` (one bit
 *    per byte). Every request is one BL16 burst; larger transfers are several requests.
 *  - response port, ready/valid: read data with the request's id (`rsp_id`, `rsp_data`), in
 *    the order the DRAM returns it (not request order). Writes have no response.
 *  - command bus to the device (and to the protocol checker): `cmd` (Cmd code, 0 = none),
 *    `cmd_bank`, `cmd_row`, `cmd_col`, and the write data `cmd_wdata` / `cmd_wmask`, which
 *    travel with the WR command (the device stores them at the command; the nCWL delay of the
 *    real data bus is accounted for in the timing rules).
 *  - read data from the device: `dq_valid`, `dq_data`.
 *
 * State: the port and bus outputs are registers (`*_r`). The bookkeeping a hardware controller
 * keeps in flops and small RAMs - two request queues of `queueDepth` entries, per-bank open
 * row and timing counters, the four-activate window, refresh counter, in-flight read tags and
 * the response buffer - is kept in typed arrays inside the module. It changes only in the
 * clocked block `update` and depends only on the inputs and the cycle count, so simulation
 * stays deterministic; the timing counters are stored as absolute "earliest cycle" values
 * (equivalent to down-counters).
 *
 * Pipeline (documented for the latency anchor): the clocked block takes a request and, in
 * the same cycle, may pick a command for it (the scheduler sees the queue including the new
 * entry); the command register puts it on the bus in the next cycle. Read data leaves the
 * device's output register nCL + nBL + 1 cycles after the RD command was on the bus and is
 * presented on the response port one cycle later. So an unloaded read presented in cycle a
 * that needs PRE, ACT and RD has rsp_valid in cycle a + 1 + nRP + nRCD + nCL + nBL + 2:
 * (nRP + nRCD + nCL) + nBL + 3 cycles, i.e. 58.75 ns + 2.5 ns burst + 3.75 ns pipeline = 65 ns.
 *
 * Scheduling: FR-FCFS (first ready row hit, oldest first; else the oldest request whose next
 * command - ACT or PRE - is ready; a bank with queued hits is not precharged, except that
 * when the oldest request has waited more than `starvationLimit` cycles for a bank open to
 * another row, hits to that bank stop until it is precharged), or strict
 * FCFS (only the oldest request of the active queue is considered).
 * Reads and writes have separate queues; the controller serves reads until the write queue
 * reaches the high watermark (or no read is queued), then drains writes down to the low one.
 * Open-page policy keeps rows open; closed-page policy issues RDA/WRA (auto-precharge) unless
 * another queued request hits the same row. Refresh: all-bank REFab every nREFI (PREA first),
 * or per-bank REFpb every nREFI / banks in round-robin bank order.
 *
 * Ordering: a request whose block matches a queued, not yet issued request (a hashed
 * occupancy table, so rarely a false match) is held off (req_ready = 0) until that one has
 * been issued to the device. Reads therefore always return the last value written before
 * them in request order, without forwarding.
 */
import { Module, type Bits, type WideBits } from "../rtl/index.ts";
import { AddressMap, type AddressMapOptions } from "./address-map.ts";
import {
  Cmd, LPDDR5_6400, LPDDR5_ORG_DEFAULT, readToWrite, validateOrg, validateTiming, writeToPrecharge, writeToReadOtherGroup,
  writeToReadSameGroup, type Lpddr5Org, type Lpddr5Timing,
} from "./lpddr5-timing.ts";

export type SchedulerKind = "frfcfs" | "fcfs";
export type PagePolicy = "open" | "closed";
export type RefreshMode = "allbank" | "perbank" | "none";

export interface Lpddr5ControllerOptions {
  timing?: Lpddr5Timing;
  org?: Lpddr5Org;
  /** The system address map (mapping name, channels, bank XOR). */
  map?: AddressMapOptions;
  /** Entries per queue (read and write each). Default 32. */
  queueDepth?: number;
  scheduler?: SchedulerKind;
  pagePolicy?: PagePolicy;
  refresh?: RefreshMode;
  /** Write queue occupancy that starts a write drain. Default 3/4 of the depth. */
  writeHigh?: number;
  /** Occupancy at which a drain stops (when reads are waiting). Default 1/4 of the depth. */
  writeLow?: number;
  /** Response buffer entries (reads are issued only when their data has a place). Default 32. */
  responseDepth?: number;
  /** Bits of the request id. Default 16. */
  idWidth?: number;
  /**
   * FR-FCFS starvation guard: a request older than this many cycles may precharge a bank
   * even when younger requests still hit its open row. Default 1024.
   */
  starvationLimit?: number;
}

/** Counters a testbench or benchmark reads (not hardware state that affects behaviour). */
export class ControllerStats {
  cycles = 0;
  reads = 0;
  writes = 0;
  rowHits = 0;
  rowMisses = 0;
  rowConflicts = 0;
  activates = 0;
  precharges = 0;
  refreshes = 0;
  /** Refresh time in cycles: nRFCab per REFab, nRFCpb / banks per REFpb (share of the channel). */
  refreshCycles = 0;
  /** Read latency from the cycle the request was presented to the cycle rsp_valid rose. */
  latencySum = 0;
  latencyMax = 0;
  readsDone = 0;
  /** Latency histogram in cycles; the last bin counts everything above. */
  readonly latencyHistogram = new Uint32Array(8192);

  /** Latency percentile in cycles (p in 0..100) from the histogram. */
  percentile(p: number): number {
    const h = this.latencyHistogram;
    const target = Math.ceil((p / 100) * this.readsDone);
    let acc = 0;
    for (let i = 0; i < h.length; i++) {
      acc += h[i]!;
      if (acc >= target && acc > 0) return i;
    }
    return h.length - 1;
  }

  clear(): void {
    this.cycles = this.reads = this.writes = this.rowHits = this.rowMisses = this.rowConflicts = 0;
    this.activates = this.precharges = this.refreshes = this.refreshCycles = 0;
    this.latencySum = this.latencyMax = this.readsDone = 0;
    this.latencyHistogram.fill(0);
  }
}

const WORDS = 8; // 256-bit bursts
const NEVER = -1e15;
const HASH_BITS = 16;

/** One request queue: entries in slots, an age-ordered list of slot numbers. */
class RequestQueue {
  readonly order: Uint8Array;
  count = 0;
  readonly block: Uint32Array;
  readonly bank: Uint8Array;
  readonly row: Uint32Array;
  readonly col: Uint16Array;
  readonly id: Uint32Array;
  readonly arrival: Float64Array;
  /** 0: row hit so far; 1: needed an ACT (miss); 2: needed a PRE (conflict). */
  readonly kind: Uint8Array;
  readonly data: Uint32Array;
  readonly mask: Uint32Array;
  private readonly free: Uint8Array;
  private freeCount: number;

  constructor(readonly depth: number, withData: boolean) {
    this.order = new Uint8Array(depth);
    this.block = new Uint32Array(depth);
    this.bank = new Uint8Array(depth);
    this.row = new Uint32Array(depth);
    this.col = new Uint16Array(depth);
    this.id = new Uint32Array(depth);
    this.arrival = new Float64Array(depth);
    this.kind = new Uint8Array(depth);
    this.data = new Uint32Array(withData ? depth * WORDS : 0);
    this.mask = new Uint32Array(withData ? depth : 0);
    this.free = new Uint8Array(depth);
    this.freeCount = 0;
    this.clear();
  }

  clear(): void {
    this.count = 0;
    for (let i = 0; i < this.depth; i++) this.free[i] = this.depth - 1 - i;
    this.freeCount = this.depth;
  }

  /** Takes a free slot and appends it (youngest). */
  alloc(): number {
    const s = this.free[--this.freeCount]!;
    this.order[this.count++] = s;
    return s;
  }

  /** Removes the entry at position `pos` of the age order. */
  removeAt(pos: number): void {
    const s = this.order[pos]!;
    this.order.copyWithin(pos, pos + 1, this.count);
    this.count--;
    this.free[this.freeCount++] = s;
  }
}

export class Lpddr5Controller extends Module {
  // Request port.
  readonly req_valid: Bits;
  readonly req_ready: Bits;
  readonly req_addr: Bits;
  readonly req_write: Bits;
  readonly req_id: Bits;
  readonly req_wdata: WideBits;
  readonly req_wmask: Bits;
  // Response port.
  readonly rsp_valid: Bits;
  readonly rsp_ready: Bits;
  readonly rsp_id: Bits;
  readonly rsp_data: WideBits;
  // Command bus.
  readonly cmd: Bits;
  readonly cmd_bank: Bits;
  readonly cmd_row: Bits;
  readonly cmd_col: Bits;
  readonly cmd_wdata: WideBits;
  readonly cmd_wmask: Bits;
  // Device read data.
  readonly dq_valid: Bits;
  readonly dq_data: WideBits;
  /** 1 when no request is queued or in flight. */
  readonly idle: Bits;

  private readonly rspValidR: Bits;
  private readonly rspIdR: Bits;
  private readonly rspDataR: WideBits;
  private readonly cmdR: Bits;
  private readonly cmdBankR: Bits;
  private readonly cmdRowR: Bits;
  private readonly cmdColR: Bits;
  private readonly cmdWdataR: WideBits;
  private readonly cmdWmaskR: Bits;
  private readonly idleR: Bits;

  readonly timing: Lpddr5Timing;
  readonly org: Lpddr5Org;
  readonly map: AddressMap;
  readonly scheduler: SchedulerKind;
  readonly pagePolicy: PagePolicy;
  readonly refreshMode: RefreshMode;
  readonly queueDepth: number;
  readonly writeHigh: number;
  readonly writeLow: number;
  readonly responseDepth: number;
  readonly starvationLimit: number;
  readonly stats = new ControllerStats();

  // Derived timing (cycles).
  private readonly tRdWr: number;
  private readonly tWrRdL: number;
  private readonly tWrRdS: number;
  private readonly tWrPre: number;
  private readonly banks: number;
  private readonly groupMask: number;

  // ---- internal state (changes only in `update`) ----
  /** Index of the current cycle since reset (-1 during reset). */
  private now = -1;
  private readonly rq: RequestQueue;
  private readonly wq: RequestQueue;
  private writeMode = false;
  /** Queued-request count per hashed block address (ordering hazards). */
  private readonly pending = new Uint8Array(1 << HASH_BITS);
  // Per bank.
  private readonly openRow: Int32Array;
  private readonly lastAct: Float64Array;
  private readonly nextActBank: Float64Array;
  private readonly nextCas: Float64Array;
  private readonly nextPre: Float64Array;
  // Per bank group and channel.
  private readonly nextRdGroup: Float64Array;
  private readonly nextWrGroup: Float64Array;
  private nextRdChan = NEVER;
  private nextWrChan = NEVER;
  private nextActChan = NEVER;
  private nextPreChan = NEVER;
  private nextRefpbChan = NEVER;
  private lastActAny = NEVER;
  private readonly faw = new Float64Array(4);
  private fawHead = 0;
  private openCount = 0;
  // Refresh.
  private refDue = 0;
  private refBank = 0;
  // In-flight reads (issued, data not back): ids and arrival cycles, FIFO.
  private readonly flightId: Uint32Array;
  private readonly flightArrival: Float64Array;
  private flightHead = 0;
  private flightCount = 0;
  // Response buffer.
  private readonly respId: Uint32Array;
  private readonly respData: Uint32Array;
  private respHead = 0;
  private respCount = 0;
  private respChanged = false;
  private cmdActive = false;

  constructor(parent: Module | null, name: string, options: Lpddr5ControllerOptions = {}) {
    super(parent, name);
    this.timing = options.timing ?? LPDDR5_6400;
    this.org = options.org ?? LPDDR5_ORG_DEFAULT;
    validateTiming(this.timing);
    validateOrg(this.org);
    this.map = new AddressMap(this.org, options.map);
    this.scheduler = options.scheduler ?? "frfcfs";
    this.pagePolicy = options.pagePolicy ?? "open";
    this.refreshMode = options.refresh ?? "allbank";
    this.queueDepth = options.queueDepth ?? 32;
    if (!Number.isInteger(this.queueDepth) || this.queueDepth < 1 || this.queueDepth > 255) throw new RangeError(`${this.path}: queueDepth ${this.queueDepth} is not 1..255`);
    this.writeHigh = options.writeHigh ?? Math.max(1, Math.floor((this.queueDepth * 3) / 4));
    this.writeLow = options.writeLow ?? Math.floor(this.queueDepth / 4);
    if (this.writeLow >= this.writeHigh || this.writeHigh > this.queueDepth) throw new RangeError(`${this.path}: need writeLow < writeHigh <= queueDepth`);
    this.responseDepth = options.responseDepth ?? 32;
    if (!Number.isInteger(this.responseDepth) || this.responseDepth < 1 || this.responseDepth > 64) throw new RangeError(`${this.path}: responseDepth ${this.responseDepth} is not 1..64`);
    const idWidth = options.idWidth ?? 16;
    this.starvationLimit = options.starvationLimit ?? 1024;
    const t = this.timing;
    this.tRdWr = readToWrite(t);
    this.tWrRdL = writeToReadSameGroup(t);
    this.tWrRdS = writeToReadOtherGroup(t);
    this.tWrPre = writeToPrecharge(t);
    this.banks = this.org.bankGroups * this.org.banksPerGroup;
    this.groupMask = this.org.bankGroups - 1;
    const rowBits = Math.max(1, 31 - Math.clz32(this.org.rows));
    const colBits = Math.max(1, 31 - Math.clz32(this.org.burstsPerRow));

    this.req_valid = this.input("req_valid", 1);
    this.req_ready = this.output("req_ready", 1);
    this.req_addr = this.input("req_addr", Math.max(1, this.map.blockBits));
    this.req_write = this.input("req_write", 1);
    this.req_id = this.input("req_id", idWidth);
    this.req_wdata = this.inputWide("req_wdata", 256);
    this.req_wmask = this.input("req_wmask", 32);
    this.rsp_valid = this.output("rsp_valid", 1);
    this.rsp_ready = this.input("rsp_ready", 1);
    this.rsp_id = this.output("rsp_id", idWidth);
    this.rsp_data = this.outputWide("rsp_data", 256);
    this.cmd = this.output("cmd", 4);
    this.cmd_bank = this.output("cmd_bank", 4);
    this.cmd_row = this.output("cmd_row", rowBits);
    this.cmd_col = this.output("cmd_col", colBits);
    this.cmd_wdata = this.outputWide("cmd_wdata", 256);
    this.cmd_wmask = this.output("cmd_wmask", 32);
    this.dq_valid = this.input("dq_valid", 1);
    this.dq_data = this.inputWide("dq_data", 256);
    this.idle = this.output("idle", 1);

    this.rspValidR = this.reg("rsp_valid_r", 1);
    this.rspIdR = this.reg("rsp_id_r", idWidth);
    this.rspDataR = this.regWide("rsp_data_r", 256);
    this.cmdR = this.reg("cmd_r", 4);
    this.cmdBankR = this.reg("cmd_bank_r", 4);
    this.cmdRowR = this.reg("cmd_row_r", rowBits);
    this.cmdColR = this.reg("cmd_col_r", colBits);
    this.cmdWdataR = this.regWide("cmd_wdata_r", 256);
    this.cmdWmaskR = this.reg("cmd_wmask_r", 32);
    this.idleR = this.reg("idle_r", 1, { init: 1 });
    this.connect(this.rsp_valid, this.rspValidR);
    this.connect(this.rsp_id, this.rspIdR);
    this.connect(this.rsp_data, this.rspDataR);
    this.connect(this.cmd, this.cmdR);
    this.connect(this.cmd_bank, this.cmdBankR);
    this.connect(this.cmd_row, this.cmdRowR);
    this.connect(this.cmd_col, this.cmdColR);
    this.connect(this.cmd_wdata, this.cmdWdataR);
    this.connect(this.cmd_wmask, this.cmdWmaskR);
    this.connect(this.idle, this.idleR);

    const d = this.queueDepth;
    this.rq = new RequestQueue(d, false);
    this.wq = new RequestQueue(d, true);
    const nb = this.banks;
    this.openRow = new Int32Array(nb);
    this.lastAct = new Float64Array(nb);
    this.nextActBank = new Float64Array(nb);
    this.nextCas = new Float64Array(nb);
    this.nextPre = new Float64Array(nb);
    this.nextRdGroup = new Float64Array(this.org.bankGroups);
    this.nextWrGroup = new Float64Array(this.org.bankGroups);
    const flight = 64;
    this.flightId = new Uint32Array(flight);
    this.flightArrival = new Float64Array(flight);
    this.respId = new Uint32Array(this.responseDepth);
    this.respData = new Uint32Array(this.responseDepth * WORDS);
    this.clearState();

    this.comb({ reads: [this.req_addr, this.req_write], writes: [this.req_ready], name: "ready" }, this.driveReady);
    this.seq(this.update, "update");
  }

  private hash(block: number): number {
    return Math.imul(block, 0x9e3779b1) >>> (32 - HASH_BITS);
  }

  private clearState(): void {
    this.now = -1;
    this.rq.clear();
    this.wq.clear();
    this.pending.fill(0);
    this.writeMode = false;
    this.openRow.fill(-1);
    this.lastAct.fill(NEVER);
    this.nextActBank.fill(NEVER);
    this.nextCas.fill(NEVER);
    this.nextPre.fill(NEVER);
    this.nextRdGroup.fill(NEVER);
    this.nextWrGroup.fill(NEVER);
    this.nextRdChan = this.nextWrChan = this.nextActChan = this.nextPreChan = this.nextRefpbChan = this.lastActAny = NEVER;
    this.faw.fill(NEVER);
    this.fawHead = 0;
    this.openCount = 0;
    this.refDue = this.refreshInterval();
    this.refBank = 0;
    this.flightHead = this.flightCount = 0;
    this.respHead = this.respCount = 0;
    this.respChanged = false;
    this.cmdActive = false;
  }

  private refreshInterval(): number {
    return this.refreshMode === "perbank" ? this.timing.nREFI / this.banks : this.timing.nREFI;
  }

  /** Combinational: a request is taken when its queue has room and no queued request has its block. */
  private driveReady(): void {
    const full = this.req_write.value === 1 ? this.wq.count >= this.queueDepth : this.rq.count >= this.queueDepth;
    this.req_ready.value = !full && this.pending[this.hash(this.req_addr.value)] === 0 ? 1 : 0;
  }

  private update(): void {
    if (this.reset.value === 1) {
      this.clearState();
      return;
    }
    const now = ++this.now;
    this.stats.cycles++;
    if (this.cmdActive) {
      this.cmdR.next = 0;
      this.cmdActive = false;
    }
    const reqValid = this.req_valid.value;
    const work = this.rq.count + this.wq.count + this.flightCount + this.respCount;
    if (work === 0 && reqValid === 0 && (this.refreshMode === "none" || now + 1 < this.refDue)) return;

    if (this.flightCount > 0 && this.dq_valid.value === 1) this.readReturned(now);
    if (this.respCount > 0 && this.rspValidR.value === 1 && this.rsp_ready.value === 1) {
      this.respHead = this.respHead + 1 === this.responseDepth ? 0 : this.respHead + 1;
      this.respCount--;
      this.respChanged = true;
    }
    if (reqValid === 1 && this.req_ready.value === 1) this.accept(now);
    this.schedule(now + 1);
    if (this.respChanged) this.driveResponse();
    const idleNow = this.rq.count + this.wq.count + this.flightCount + this.respCount === 0 ? 1 : 0;
    if (idleNow !== this.idleR.value) this.idleR.next = idleNow;
  }

  private accept(now: number): void {
    const block = this.req_addr.value;
    const write = this.req_write.value === 1;
    const q = write ? this.wq : this.rq;
    const s = q.alloc();
    const map = this.map;
    q.block[s] = block;
    q.bank[s] = map.bankOf(block);
    q.row[s] = map.rowOf(block);
    q.col[s] = map.columnOf(block);
    q.id[s] = this.req_id.value;
    q.arrival[s] = now;
    q.kind[s] = 0;
    if (write) {
      const base = s * WORDS;
      for (let w = 0; w < WORDS; w++) q.data[base + w] = this.req_wdata.word(w);
      q.mask[s] = this.req_wmask.value;
      this.stats.writes++;
    } else {
      this.stats.reads++;
    }
    this.pending[this.hash(block)]++;
  }

  private readReturned(now: number): void {
    const id = this.flightId[this.flightHead]!;
    const arrival = this.flightArrival[this.flightHead]!;
    this.flightHead = (this.flightHead + 1) & 63;
    this.flightCount--;
    let slot = this.respHead + this.respCount;
    if (slot >= this.responseDepth) slot -= this.responseDepth;
    this.respId[slot] = id;
    const base = slot * WORDS;
    for (let w = 0; w < WORDS; w++) this.respData[base + w] = this.dq_data.word(w);
    this.respCount++;
    this.respChanged = true;
    // rsp_valid for this entry rises in cycle now + 1 at the earliest.
    const lat = now + 1 - arrival;
    const st = this.stats;
    st.readsDone++;
    st.latencySum += lat;
    if (lat > st.latencyMax) st.latencyMax = lat;
    st.latencyHistogram[lat < 8191 ? lat : 8191]!++;
  }

  private driveResponse(): void {
    this.respChanged = false;
    if (this.respCount === 0) {
      this.rspValidR.next = 0;
      return;
    }
    const h = this.respHead;
    this.rspValidR.next = 1;
    this.rspIdR.next = this.respId[h]!;
    const base = h * WORDS;
    for (let w = 0; w < WORDS; w++) this.rspDataR.setNextWord(w, this.respData[base + w]!);
  }

  // ---------------- scheduling ----------------

  /** Picks at most one command to be on the bus in cycle `t`. */
  private schedule(t: number): void {
    if (this.refreshMode !== "none" && t >= this.refDue) {
      if (this.refreshStep(t)) return;
    }
    const rq = this.rq, wq = this.wq;
    if (rq.count + wq.count === 0) return;
    if (this.writeMode) {
      if (wq.count === 0 || (wq.count <= this.writeLow && rq.count > 0)) this.writeMode = false;
    } else if (wq.count >= this.writeHigh || (rq.count === 0 && wq.count > 0)) {
      this.writeMode = true;
    }
    const write = this.writeMode;
    const q = write ? wq : rq;
    const blockedBank = this.refreshMode === "perbank" && t >= this.refDue ? this.refBank : -1;
    const openRow = this.openRow;
    const n = this.scheduler === "fcfs" ? 1 : q.count;
    const canRead = write || this.flightCount + this.respCount < this.responseDepth;
    // Starvation guard: when the oldest request has waited too long for a bank open to
    // another row, stop serving hits there so that bank can be precharged.
    let starved = -1;
    const s0 = q.order[0]!;
    if (t - q.arrival[s0]! > this.starvationLimit) {
      const b0 = q.bank[s0]!;
      if (openRow[b0] !== -1 && openRow[b0] !== q.row[s0]) starved = b0;
    }
    let hitMask = 0;
    // Pass 1: the oldest ready row hit.
    for (let i = 0; i < n; i++) {
      const s = q.order[i]!;
      const b = q.bank[s]!;
      if (openRow[b] !== q.row[s] || b === starved) continue;
      hitMask |= 1 << b;
      if (b === blockedBank) continue;
      if (canRead && this.casReady(b, write, t)) {
        this.issueCas(q, i, write, t);
        return;
      }
    }
    // Pass 2: the oldest request whose ACT or PRE is ready.
    for (let i = 0; i < n; i++) {
      const s = q.order[i]!;
      const b = q.bank[s]!;
      if (b === blockedBank) continue;
      const open = openRow[b]!;
      if (open === -1) {
        if (this.actReady(b, t)) {
          if (q.kind[s] === 0) q.kind[s] = 1;
          this.issueAct(b, q.row[s]!, t);
          return;
        }
      } else if (open !== q.row[s] && (hitMask & (1 << b)) === 0 && this.preReady(b, t)) {
        q.kind[s] = 2;
        this.issuePre(b, t);
        return;
      }
    }
  }

  private casReady(b: number, write: boolean, t: number): boolean {
    if (t < this.nextCas[b]!) return false;
    const g = b & this.groupMask;
    if (write) return t >= this.nextWrGroup[g]! && t >= this.nextWrChan;
    return t >= this.nextRdGroup[g]! && t >= this.nextRdChan;
  }

  private actReady(b: number, t: number): boolean {
    return t >= this.nextActBank[b]! && t >= this.nextActChan && t >= this.faw[this.fawHead]! + this.timing.nFAW;
  }

  private preReady(b: number, t: number): boolean {
    return t >= this.nextPre[b]! && t >= this.nextPreChan;
  }

  private bus(cmd: number, bank: number, row: number, col: number): void {
    this.cmdR.next = cmd;
    this.cmdBankR.next = bank;
    this.cmdRowR.next = row;
    this.cmdColR.next = col;
    this.cmdActive = true;
  }

  private issueAct(b: number, row: number, t: number): void {
    const tm = this.timing;
    this.bus(Cmd.ACT, b, row, 0);
    this.openRow[b] = row;
    this.openCount++;
    this.lastAct[b] = t;
    this.lastActAny = t;
    this.nextCas[b] = t + tm.nRCD;
    this.nextPre[b] = t + tm.nRAS;
    this.nextActBank[b] = Math.max(this.nextActBank[b]!, t + tm.nRC);
    this.nextActChan = t + tm.nRRD;
    this.faw[this.fawHead] = t;
    this.fawHead = (this.fawHead + 1) & 3;
    this.stats.activates++;
  }

  private closeBank(b: number, preTime: number, tRP: number): void {
    this.openRow[b] = -1;
    this.openCount--;
    this.nextActBank[b] = Math.max(this.nextActBank[b]!, preTime + tRP);
  }

  private issuePre(b: number, t: number): void {
    this.bus(Cmd.PRE, b, 0, 0);
    this.closeBank(b, t, this.timing.nRP);
    this.nextPreChan = t + this.timing.nPPD;
    this.stats.precharges++;
  }

  private issueCas(q: RequestQueue, pos: number, write: boolean, t: number): void {
    const tm = this.timing;
    const s = q.order[pos]!;
    const b = q.bank[s]!;
    const row = q.row[s]!;
    const g = b & this.groupMask;
    // Closed-page: auto-precharge unless another queued request hits this row.
    let auto = false;
    if (this.pagePolicy === "closed") auto = !this.otherHit(this.rq, q === this.rq ? s : -1, b, row) && !this.otherHit(this.wq, q === this.wq ? s : -1, b, row);
    const st = this.stats;
    const k = q.kind[s]!;
    if (k === 0) st.rowHits++;
    else if (k === 1) st.rowMisses++;
    else st.rowConflicts++;
    if (write) {
      this.bus(auto ? Cmd.WRA : Cmd.WR, b, row, q.col[s]!);
      const base = s * WORDS;
      for (let w = 0; w < WORDS; w++) this.cmdWdataR.setNextWord(w, q.data[base + w]!);
      this.cmdWmaskR.next = q.mask[s]!;
      for (let h = 0; h < this.nextRdGroup.length; h++) {
        this.nextWrGroup[h] = Math.max(this.nextWrGroup[h]!, t + (h === g ? tm.nCCD_L : tm.nCCD_S));
        this.nextRdGroup[h] = Math.max(this.nextRdGroup[h]!, t + (h === g ? this.tWrRdL : this.tWrRdS));
      }
      this.nextPre[b] = Math.max(this.nextPre[b]!, t + this.tWrPre);
    } else {
      this.bus(auto ? Cmd.RDA : Cmd.RD, b, row, q.col[s]!);
      this.nextRdGroup[g] = Math.max(this.nextRdGroup[g]!, t + tm.nCCD_L);
      this.nextRdChan = Math.max(this.nextRdChan, t + Math.max(tm.nCCD_S, tm.nBL));
      this.nextWrChan = Math.max(this.nextWrChan, t + this.tRdWr);
      this.nextPre[b] = Math.max(this.nextPre[b]!, t + tm.nRTP);
      let slot = this.flightHead + this.flightCount;
      slot &= 63;
      this.flightId[slot] = q.id[s]!;
      this.flightArrival[slot] = q.arrival[s]!;
      this.flightCount++;
    }
    if (write) this.nextWrChan = Math.max(this.nextWrChan, t + Math.max(tm.nCCD_S, tm.nBL));
    if (auto) {
      const pre = Math.max(this.nextPre[b]!, this.lastAct[b]! + tm.nRAS);
      this.closeBank(b, pre, tm.nRP);
      this.stats.precharges++;
    }
    this.pending[this.hash(q.block[s]!)]--;
    q.removeAt(pos);
  }

  private otherHit(q: RequestQueue, except: number, b: number, row: number): boolean {
    for (let i = 0; i < q.count; i++) {
      const s = q.order[i]!;
      if (s !== except && q.bank[s] === b && q.row[s] === row) return true;
    }
    return false;
  }

  /** Refresh in progress; returns true when it takes the command slot (or blocks all banks). */
  private refreshStep(t: number): boolean {
    const tm = this.timing;
    if (this.refreshMode === "allbank") {
      if (this.openCount > 0) {
        let ready = t >= this.nextPreChan;
        for (let b = 0; b < this.banks && ready; b++) if (this.openRow[b] !== -1 && t < this.nextPre[b]!) ready = false;
        if (ready) {
          this.bus(Cmd.PREA, 0, 0, 0);
          for (let b = 0; b < this.banks; b++) if (this.openRow[b] !== -1) this.closeBank(b, t, tm.nRPab);
          this.nextPreChan = t + tm.nPPD;
          this.stats.precharges++;
        }
        return true;
      }
      for (let b = 0; b < this.banks; b++) if (t < this.nextActBank[b]!) return true;
      this.bus(Cmd.REFAB, 0, 0, 0);
      for (let b = 0; b < this.banks; b++) this.nextActBank[b] = t + tm.nRFCab;
      this.stats.refreshCycles += tm.nRFCab;
      this.refDue += tm.nREFI;
      this.stats.refreshes++;
      return true;
    }
    // Per-bank: close the target bank, then refresh it; other banks keep working.
    const b = this.refBank;
    if (this.openRow[b] !== -1) {
      if (this.preReady(b, t)) {
        this.issuePre(b, t);
        return true;
      }
      return false;
    }
    if (t >= this.nextActBank[b]! && t >= this.nextRefpbChan && t >= this.lastActAny + tm.nRRD) {
      this.bus(Cmd.REFPB, b, 0, 0);
      this.nextActBank[b] = Math.max(this.nextActBank[b]!, t + tm.nRFCpb);
      for (let o = 0; o < this.banks; o++) if (o !== b) this.nextActBank[o] = Math.max(this.nextActBank[o]!, t + tm.nPBR2ACT);
      this.nextRefpbChan = t + tm.nPBR2PBR;
      this.stats.refreshCycles += tm.nRFCpb / this.banks;
      this.refBank = (b + 1) % this.banks;
      this.refDue += this.refreshInterval();
      this.stats.refreshes++;
      return true;
    }
    return false;
  }
}
