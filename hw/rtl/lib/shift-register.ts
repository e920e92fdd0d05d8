import { DesignError } from "../errors.ts";
import { Module } from "../module.ts";
import type { Bits } from "../signal.ts";

/** Delay line: `out` is `in` delayed by `length` cycles (a chain of `length` registers). */
export class ShiftRegister extends Module {
  readonly in: Bits;
  readonly out: Bits;
  private readonly stages: Bits[];

  constructor(parent: Module | null, name: string, width: number, readonly length: number) {
    super(parent, name);
    if (!Number.isInteger(length) || length < 1) throw new DesignError(`${this.path}: length ${length} is not a positive integer`);
    this.in = this.input("in", width);
    this.out = this.output("out", width);
    this.stages = Array.from({ length }, (_, i) => this.reg(`stage[${i}]`, width));
    this.connect(this.out, this.stages[length - 1]!);
    this.seq(this.shift);
  }

  private shift(): void {
    const s = this.stages;
    for (let i = s.length - 1; i > 0; i--) s[i]!.next = s[i - 1]!.value;
    s[0]!.next = this.in.value;
  }

  /** The value `i + 1` cycles old (tap i of the chain). */
  tap(i: number): Bits {
    const s = this.stages[i];
    if (s === undefined) throw new DesignError(`${this.path}: no tap ${i} (length ${this.length})`);
    return s;
  }
}
