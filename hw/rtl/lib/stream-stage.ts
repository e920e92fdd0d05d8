import { Module } from "../module.ts";
import type { Bits } from "../signal.ts";

/**
 * A block with a ready/valid input and a ready/valid output of the same data width (what
 * Chisel writes as `Flipped(Decoupled(T))` in and `Decoupled(T)` out). A beat moves on a side
 * in a cycle where its valid and ready are both 1.
 */
export abstract class StreamStage extends Module {
  readonly in_valid: Bits;
  readonly in_ready: Bits;
  readonly in_data: Bits;
  readonly out_valid: Bits;
  readonly out_ready: Bits;
  readonly out_data: Bits;

  constructor(parent: Module | null, name: string, width: number) {
    super(parent, name);
    this.in_valid = this.input("in_valid", 1);
    this.in_ready = this.output("in_ready", 1);
    this.in_data = this.input("in_data", width);
    this.out_valid = this.output("out_valid", 1);
    this.out_ready = this.input("out_ready", 1);
    this.out_data = this.output("out_data", width);
  }
}
