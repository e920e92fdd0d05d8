import { Module } from "../module.ts";
import type { Bits } from "../signal.ts";

/** Up-counter with enable; wraps at 2^width. Reset clears it (the design's synchronous reset). */
export class Counter extends Module {
  readonly en: Bits;
  readonly count: Bits;
  private readonly value: Bits;

  constructor(parent: Module | null, name: string, width = 32) {
    super(parent, name);
    this.en = this.input("en", 1);
    this.count = this.output("count", width);
    this.value = this.reg("value", width, { init: 0 });
    this.connect(this.count, this.value);
    this.seq(this.tick);
  }

  /** `en` is one bit, so adding it is the enable; branch-free, like the adder it describes. */
  private tick(): void {
    this.value.next = this.value.value + this.en.value;
  }
}
