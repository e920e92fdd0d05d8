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

  private tick(): void {
    if (this.en.value === 1) this.value.next = this.value.value + 1;
  }
}
