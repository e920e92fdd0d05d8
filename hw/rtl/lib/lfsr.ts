import { DesignError } from "../errors.ts";
import { Module } from "../module.ts";
import type { Bits } from "../signal.ts";

export interface LfsrOptions {
  width: number;
  /** Bit positions XORed into the new bit 0 (Fibonacci form). */
  taps: readonly number[];
  /** Reset value; must not be 0 (the all-zero state is a fixed point). */
  init: number;
}

/**
 * Fibonacci LFSR: each cycle `state <= {state[width-2:0], xor(state[taps])}`.
 * The default is the 32-bit K1 benchmark generator: taps 31, 21, 1, 0, reset 0xACE1.
 */
export class Lfsr extends Module {
  readonly value: Bits;
  private readonly state: Bits;
  private readonly tapMask: number;

  constructor(parent: Module | null, name: string, options: LfsrOptions = { width: 32, taps: [31, 21, 1, 0], init: 0xace1 }) {
    super(parent, name);
    const { width, taps, init } = options;
    for (const t of taps) {
      if (!Number.isInteger(t) || t < 0 || t >= width) throw new DesignError(`${this.path}: tap ${t} outside 0..${width - 1}`);
    }
    if (init === 0) throw new DesignError(`${this.path}: init must be non-zero`);
    this.tapMask = taps.reduce((m, t) => (m | (1 << t)) >>> 0, 0);
    this.value = this.output("value", width);
    this.state = this.reg("state", width, { init });
    this.connect(this.value, this.state);
    this.seq(this.shift);
  }

  private shift(): void {
    const s = this.state.value;
    this.state.next = (s << 1) | parity(s & this.tapMask);
  }
}

/** Parity of a 32-bit value (1 when an odd number of bits are set). */
export function parity(v: number): number {
  v ^= v >>> 16;
  v ^= v >>> 8;
  v ^= v >>> 4;
  v ^= v >>> 2;
  v ^= v >>> 1;
  return v & 1;
}
