/** Blocks every design needs. */
export { Counter } from "./counter.ts";
export { Lfsr, parity, type LfsrOptions } from "./lfsr.ts";
export { StreamStage } from "./stream-stage.ts";
export { Fifo, type FifoOptions } from "./fifo.ts";
export { SkidBuffer } from "./skid-buffer.ts";
export { RoundRobinArbiter } from "./round-robin-arbiter.ts";
export { ShiftRegister } from "./shift-register.ts";
