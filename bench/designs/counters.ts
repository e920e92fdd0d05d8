/**
 * K1 benchmark design: 1000 32-bit counters with synchronous reset and enable; a 32-bit
 * LFSR (`lfsr <= {lfsr[30:0], lfsr[31]^lfsr[21]^lfsr[1]^lfsr[0]}`, reset 0xACE1) drives the
 * enables, counter i by LFSR bit i mod 32; `checksum` is the XOR of every counter, so no
 * counter is dead logic. The same design is in counters.v for Verilator.
 */
import { Module, type Bits, type BitsVec } from "../../hw/rtl/index.ts";
import { Counter, Lfsr } from "../../hw/rtl/lib/index.ts";

export class CounterArray extends Module {
  readonly checksum: Bits;
  readonly counters: Counter[];
  readonly lfsr: Lfsr;
  private readonly enables: Bits[];
  private readonly counts: BitsVec;

  constructor(parent: Module | null, name: string, count = 1000) {
    super(parent, name);
    this.checksum = this.output("checksum", 32);
    this.lfsr = new Lfsr(this, "lfsr");
    const enables = Array.from({ length: Math.min(32, count) }, (_, i) => this.wire(`en[${i}]`, 1));
    this.enables = enables;
    this.comb({ reads: [this.lfsr.value], writes: enables, name: "enables" }, this.driveEnables);
    this.counters = Array.from({ length: count }, (_, i) => {
      const c = new Counter(this, `counter${i}`, 32);
      this.connect(c.en, enables[i % 32]!);
      return c;
    });
    this.counts = this.vec(this.counters.map((c) => c.count));
    this.comb({ reads: [this.counts], writes: [this.checksum], name: "xor" }, this.xorAll);
  }

  private driveEnables(): void {
    const v = this.lfsr.value.value;
    const enables = this.enables;
    for (let i = 0; i < enables.length; i++) enables[i]!.value = v >>> i;
  }

  /** Verilog's `checksum = ^{count0, ..., count999}` as a vector reduction. */
  private xorAll(): void {
    this.checksum.value = this.counts.reduceXor();
  }
}
