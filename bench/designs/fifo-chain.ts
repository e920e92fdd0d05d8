/**
 * K2 benchmark design: a source, 64 two-entry ready/valid FIFOs in a chain, and a sink that
 * stalls on a seeded pseudo-random pattern. The FIFOs are in pipe mode, so each `in_ready`
 * depends combinationally on the next stage's `out_ready`: a ready path through the chain.
 */
import { Module, type Bits } from "../../hw/rtl/index.ts";
import { Fifo, Lfsr } from "../../hw/rtl/lib/index.ts";

export class FifoChain extends Module {
  readonly stages: Fifo[];
  readonly received: Bits;
  readonly checksum: Bits;
  private readonly sourceData: Bits;
  private readonly stall: Lfsr;
  private readonly sinkReady: Bits;

  constructor(parent: Module | null, name: string, length = 64, seed = 1) {
    super(parent, name);
    this.stages = Array.from({ length }, (_, i) => new Fifo(this, `fifo${i}`, { width: 32, depth: 2, pipe: true }));
    this.sourceData = this.reg("source_data", 32);
    this.received = this.reg("received", 32);
    this.checksum = this.reg("checksum", 32);
    this.stall = new Lfsr(this, "stall", { width: 32, taps: [31, 21, 1, 0], init: (seed * 0x9e3779b1) >>> 0 || 1 });
    const first = this.stages[0]!;
    const last = this.stages[length - 1]!;
    this.connect(first.in_valid, 1);
    this.connect(first.in_data, this.sourceData);
    for (let i = 1; i < length; i++) {
      this.connect(this.stages[i]!.in_valid, this.stages[i - 1]!.out_valid);
      this.connect(this.stages[i]!.in_data, this.stages[i - 1]!.out_data);
      this.connect(this.stages[i - 1]!.out_ready, this.stages[i]!.in_ready);
    }
    this.sinkReady = this.wire("sink_ready", 1);
    this.comb({ reads: [this.stall.value], writes: [this.sinkReady], name: "sink" }, this.driveSinkReady);
    this.connect(last.out_ready, this.sinkReady);
    this.seq(this.account);
  }

  /** The sink takes a beat in about 3 cycles of 4. */
  private driveSinkReady(): void {
    this.sinkReady.value = (this.stall.value.value & 3) === 0 ? 0 : 1;
  }

  private account(): void {
    const first = this.stages[0]!;
    const last = this.stages[this.stages.length - 1]!;
    if (first.in_ready.value === 1) this.sourceData.next = this.sourceData.value + 1;
    if (last.out_valid.value === 1 && last.out_ready.value === 1) {
      this.received.next = this.received.value + 1;
      this.checksum.next = (this.checksum.value * 31 + last.out_data.value) | 0;
    }
  }
}
