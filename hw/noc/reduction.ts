/**
 * The reduction network: separate unidirectional links between neighbouring PEs, north->south
 * and west->east (partial sums flow down columns and along rows). Each link carries one
 * 32-bit word per cycle, registered, with credit flow control into a `depth`-entry receive
 * FIFO at the far end. Links leaving the south / east edge of the grid are not built.
 *
 * Client ports per node (x, y), for dir in {ns, we}:
 *   <dir>_tx_valid, <dir>_tx_data (in)  word to send to the south / east neighbour
 *   <dir>_tx_ready (out, registered)    a word offered while ready=1 is taken this cycle
 *   <dir>_rx_valid, <dir>_rx_data (out) word from the north / west neighbour (FIFO head)
 *   <dir>_rx_ready (in)                 pops the FIFO head when rx_valid is 1
 */
import { Module, type Bits } from "../rtl/index.ts";

export interface ReductionPorts {
  tx_valid: Bits;
  tx_data: Bits;
  tx_ready: Bits;
  rx_valid: Bits;
  rx_data: Bits;
  rx_ready: Bits;
}

/** One directed link: sender credit counter, wire registers, receiver FIFO. */
class ReductionLink extends Module {
  readonly tx_valid: Bits;
  readonly tx_data: Bits;
  readonly tx_ready: Bits;
  readonly rx_valid: Bits;
  readonly rx_data: Bits;
  readonly rx_ready: Bits;
  private readonly credits: Bits;
  private readonly wValid: Bits;
  private readonly wData: Bits;
  private readonly crBack: Bits;
  private readonly fifo: Bits[];
  private readonly head: Bits;
  private readonly count: Bits;
  private readonly readyR: Bits;
  private readonly depth: number;

  constructor(parent: Module, name: string, depth: number) {
    super(parent, name);
    this.depth = depth;
    const w = Math.ceil(Math.log2(depth + 1));
    this.tx_valid = this.input("tx_valid", 1);
    this.tx_data = this.input("tx_data", 32);
    this.tx_ready = this.output("tx_ready", 1);
    this.rx_valid = this.output("rx_valid", 1);
    this.rx_data = this.output("rx_data", 32);
    this.rx_ready = this.input("rx_ready", 1);
    this.credits = this.reg("credits", w, { init: depth });
    this.readyR = this.reg("ready", 1, { init: 1 });
    this.wValid = this.reg("w_valid", 1);
    this.wData = this.reg("w_data", 32);
    this.crBack = this.reg("cr_back", 1);
    this.fifo = Array.from({ length: depth }, (_, i) => this.reg(`fifo[${i}]`, 32));
    this.head = this.reg("head", Math.max(1, Math.ceil(Math.log2(depth))));
    this.count = this.reg("count", w);
    this.connect(this.tx_ready, this.readyR);
    this.comb({ reads: [], writes: [this.rx_valid, this.rx_data] }, this.drive);
    this.seq(this.update);
  }

  private drive(): void {
    this.rx_valid.value = this.count.value === 0 ? 0 : 1;
    this.rx_data.value = this.fifo[this.head.value]!.value;
  }

  private update(): void {
    // sender: a word offered while ready goes on the wire; credits return from the receiver
    const send = this.tx_valid.value & this.readyR.value;
    const credits = this.credits.value - send + this.crBack.value;
    this.credits.next = credits;
    this.readyR.next = credits > 0 ? 1 : 0;
    this.wValid.next = send;
    if (send) this.wData.next = this.tx_data.value;
    // receiver: the wire word enters the FIFO; a pop returns a credit
    let count = this.count.value;
    const pop = count > 0 && this.rx_ready.value === 1 ? 1 : 0;
    if (this.wValid.value === 1) {
      this.fifo[(this.head.value + count) % this.depth]!.next = this.wData.value;
      count++;
    }
    if (pop) this.head.next = (this.head.value + 1) % this.depth;
    this.count.next = count - pop;
    this.crBack.next = pop;
  }
}

export class ReductionNet extends Module {
  /** ns[y * W + x]: the link from (x, y) to (x, y + 1); we[...]: (x, y) to (x + 1, y). */
  readonly ns: (ReductionLink | undefined)[] = [];
  readonly we: (ReductionLink | undefined)[] = [];

  constructor(parent: Module | null, name: string, readonly width: number, readonly height: number, depth = 2) {
    super(parent, name);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        this.ns.push(y + 1 < height ? new ReductionLink(this, `ns_${x}_${y}`, depth) : undefined);
        this.we.push(x + 1 < width ? new ReductionLink(this, `we_${x}_${y}`, depth) : undefined);
      }
    }
    // expose each link's ports at this level
    for (const [dir, links] of [["ns", this.ns], ["we", this.we]] as const) {
      links.forEach((l, i) => {
        if (!l) return;
        const p = `${dir}_${i % width}_${Math.floor(i / width)}_`;
        this.connect(l.tx_valid, this.input(`${p}tx_valid`, 1));
        this.connect(l.tx_data, this.input(`${p}tx_data`, 32));
        this.connect(this.output(`${p}tx_ready`, 1), l.tx_ready);
        this.connect(this.output(`${p}rx_valid`, 1), l.rx_valid);
        this.connect(this.output(`${p}rx_data`, 32), l.rx_data);
        this.connect(l.rx_ready, this.input(`${p}rx_ready`, 1));
      });
    }
  }

  /** Ports of the link from (x, y) towards the south ("ns") or east ("we"). */
  link(dir: "ns" | "we", x: number, y: number): ReductionPorts {
    const p = `${this.path}.${dir}_${x}_${y}_`;
    const get = (n: string): Bits => this.signals.find((s) => s.path === `${p}${n}`) as Bits;
    return { tx_valid: get("tx_valid"), tx_data: get("tx_data"), tx_ready: get("tx_ready"), rx_valid: get("rx_valid"), rx_data: get("rx_data"), rx_ready: get("rx_ready") };
  }
}
