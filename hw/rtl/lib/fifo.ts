import { DesignError } from "../errors.ts";
import type { Module } from "../module.ts";
import type { Bits } from "../signal.ts";
import { StreamStage } from "./stream-stage.ts";

export interface FifoOptions {
  width: number;
  depth: number;
  /**
   * Chisel's `pipe`: a full FIFO still accepts when the consumer takes an entry in the same
   * cycle, so `in_ready` depends combinationally on `out_ready`.
   */
  pipe?: boolean;
}

/**
 * Synchronous FIFO with ready/valid on both sides (Chisel `Queue`). A transfer happens on a
 * side in a cycle where valid and ready are both 1. `count` is the occupancy.
 */
export class Fifo extends StreamStage {
  readonly count: Bits;
  private readonly entries: Bits[];
  private readonly head: Bits;
  private readonly tail: Bits;
  private readonly used: Bits;
  private readonly depth: number;

  constructor(parent: Module | null, name: string, options: FifoOptions) {
    super(parent, name, options.width);
    const { width, depth } = options;
    if (!Number.isInteger(depth) || depth < 1 || depth > 1 << 16) throw new DesignError(`${this.path}: depth ${depth} is not 1..65536`);
    const ptrWidth = Math.max(1, Math.ceil(Math.log2(depth)));
    const countWidth = Math.ceil(Math.log2(depth + 1));
    this.count = this.output("count", countWidth);
    this.entries = Array.from({ length: depth }, (_, i) => this.reg(`entry[${i}]`, width));
    this.head = this.reg("head", ptrWidth);
    this.tail = this.reg("tail", ptrWidth);
    this.used = this.reg("used", countWidth);
    this.connect(this.count, this.used);
    this.depth = depth;
    this.comb({ reads: [], writes: [this.out_valid, this.out_data], name: "out" }, this.driveOutput);
    if (options.pipe === true) {
      this.comb({ reads: [this.out_ready], writes: [this.in_ready], name: "ready" }, this.readyPipe);
    } else {
      this.comb({ reads: [], writes: [this.in_ready], name: "ready" }, this.readyPlain);
    }
    this.seq(this.update);
  }

  private driveOutput(): void {
    this.out_valid.value = this.used.value === 0 ? 0 : 1;
    this.out_data.value = this.entries[this.head.value]!.value;
  }

  private readyPlain(): void {
    this.in_ready.value = this.used.value < this.depth ? 1 : 0;
  }

  /** Full but draining this cycle still accepts (the combinational ready path). */
  private readyPipe(): void {
    this.in_ready.value = this.used.value < this.depth || this.out_ready.value === 1 ? 1 : 0;
  }

  private update(): void {
    const enq = this.in_valid.value & this.in_ready.value;
    const deq = this.out_valid.value & this.out_ready.value;
    const last = this.depth - 1;
    if (enq === 1) {
      const t = this.tail.value;
      this.entries[t]!.next = this.in_data.value;
      this.tail.next = t === last ? 0 : t + 1;
    }
    if (deq === 1) {
      const h = this.head.value;
      this.head.next = h === last ? 0 : h + 1;
    }
    this.used.next = this.used.value + enq - deq;
  }
}
