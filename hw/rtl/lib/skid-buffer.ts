import type { Module } from "../module.ts";
import type { Bits } from "../signal.ts";
import { StreamStage } from "./stream-stage.ts";

/**
 * Skid buffer: a ready/valid register slice that breaks the combinational ready path. Its
 * `in_ready` comes from a register, and the extra (skid) entry catches the beat that arrives
 * in the cycle the consumer stalls. Full throughput when the consumer is always ready.
 */
export class SkidBuffer extends StreamStage {
  private readonly mainValid: Bits;
  private readonly mainData: Bits;
  private readonly skidValid: Bits;
  private readonly skidData: Bits;

  constructor(parent: Module | null, name: string, width: number) {
    super(parent, name, width);
    this.mainValid = this.reg("main_valid", 1);
    this.mainData = this.reg("main_data", width);
    this.skidValid = this.reg("skid_valid", 1);
    this.skidData = this.reg("skid_data", width);
    this.connect(this.out_valid, this.mainValid);
    this.connect(this.out_data, this.mainData);
    this.comb({ reads: [], writes: [this.in_ready] }, this.driveReady);
    this.seq(this.update);
  }

  private driveReady(): void {
    this.in_ready.value = this.skidValid.value ^ 1;
  }

  private update(): void {
    const inFire = this.in_valid.value & this.in_ready.value;
    const mainFree = this.mainValid.value === 0 || this.out_ready.value === 1;
    if (mainFree) {
      if (this.skidValid.value === 1) {
        this.mainData.next = this.skidData.value;
        this.mainValid.next = 1;
        this.skidValid.next = 0;
      } else if (inFire === 1) {
        this.mainData.next = this.in_data.value;
        this.mainValid.next = 1;
      } else {
        this.mainValid.next = 0;
      }
    } else if (inFire === 1) {
      this.skidData.next = this.in_data.value;
      this.skidValid.next = 1;
    }
  }
}
